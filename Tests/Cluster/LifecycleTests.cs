using System.Text.Json;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;

namespace Cucos.Tests.Cluster;

/// <summary>The BaseTask lifecycle as it runs inside the cluster: persistence, audit, failures and retries.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class LifecycleTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Result_is_persisted_with_audit_release_and_schema()
    {
        var request = fixture.Request("producer");
        var analysis = await fixture.RunAsync(request);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        var document = await fixture.Client.GetResultAsync(analysis.AnalysisId, "producer");
        Assert.NotNull(document);
        var result = document.Value;
        Assert.Equal("success", result.GetProperty("status").GetString());
        Assert.Equal("produced-for-" + analysis.AnalysisId, result.GetProperty("summary").GetProperty("token").GetString());
        Assert.Equal(request.Release, result.GetProperty("_release").GetString());
        Assert.Equal("producer", result.GetProperty("schema").GetProperty("name").GetString());
        var audit = result.GetProperty("_audit");
        var started = audit.GetProperty("started_at").GetDateTimeOffset();
        var ended = audit.GetProperty("ended_at").GetDateTimeOffset();
        Assert.True(started <= ended, $"started {started:O} after ended {ended:O}");
        Assert.True(started >= analysis.CreatedAt, "the task started before its analysis was created");
        Assert.Equal("1.0.0", audit.GetProperty("version").GetString());
        Assert.Equal(1, audit.GetProperty("attempt").GetInt32());
        Assert.Equal(analysis.AnalysisId, audit.GetProperty("analysis_id").GetString());
    }

    [Fact]
    public async Task Unhandled_exception_fails_the_task_and_keeps_type_message_and_stack()
    {
        var analysis = await fixture.RunAsync(fixture.Request("boom"));

        var boom = analysis.Tasks["boom"];
        Assert.Equal(AnalysisTaskStatus.Failed, boom.Status);
        Assert.Equal(2, boom.Attempts); // its policy allows two attempts
        Assert.NotNull(boom.Error);
        Assert.Equal(typeof(InvalidOperationException).FullName, boom.Error!.Type);
        Assert.Equal("boom from the test task", boom.Error.Message);
        Assert.Contains("ThrowBoom", boom.Error.StackTrace);
        Assert.Single(boom.PastErrors);
        Assert.Null(await fixture.Client.GetResultAsync(analysis.AnalysisId, "boom"));
        Assert.Equal(AnalysisStatus.CompletedWithFailures, analysis.Status);
    }

    [Fact]
    public async Task Fatal_error_is_never_retried()
    {
        var analysis = await fixture.RunAsync(fixture.Request("fatal"));

        var fatal = analysis.Tasks["fatal"];
        Assert.Equal(AnalysisTaskStatus.Failed, fatal.Status);
        Assert.Equal(1, fatal.Attempts);
        Assert.Equal(3, fatal.MaxAttempts);
        Assert.True(fatal.Error!.Fatal);
        Assert.Empty(fatal.PastErrors);
    }

    [Fact]
    public async Task Retryable_failure_is_retried_after_the_policy_delay()
    {
        var analysis = await fixture.RunAsync(fixture.Request("flaky"));

        var flaky = analysis.Tasks["flaky"];
        Assert.Equal(AnalysisTaskStatus.Succeeded, flaky.Status);
        Assert.Equal(2, flaky.Attempts);
        Assert.Empty(flaky.PastErrors);
        var firstFailure = flaky.Error!;
        Assert.Equal(1, firstFailure.Attempt);
        var document = (await fixture.Client.GetResultAsync(analysis.AnalysisId, "flaky"))!.Value;
        var secondStart = document.GetProperty("_audit").GetProperty("started_at").GetDateTimeOffset();
        Assert.True(secondStart - firstFailure.At >= FlakyTask.Delay - TimeSpan.FromMilliseconds(50),
            $"attempt 2 started {(secondStart - firstFailure.At).TotalMilliseconds} ms after the failure; the policy says {FlakyTask.Delay.TotalMilliseconds} ms");
        Assert.Equal(2, document.GetProperty("summary").GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Retry_after_asked_for_by_the_task_is_honoured()
    {
        var analysis = await fixture.RunAsync(fixture.Request("rate-limited"));

        var task = analysis.Tasks["rate-limited"];
        Assert.Equal(AnalysisTaskStatus.Succeeded, task.Status);
        Assert.Equal(2, task.Attempts);
        var document = (await fixture.Client.GetResultAsync(analysis.AnalysisId, "rate-limited"))!.Value;
        var secondStart = document.GetProperty("_audit").GetProperty("started_at").GetDateTimeOffset();
        var waited = secondStart - task.Error!.At;
        // Not the policy's hour: the 2 s the task asked for.
        Assert.InRange(waited, RateLimitedTask.RetryAfter - TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        Assert.Equal("rate limit reached; it resets shortly", task.Error.Message);
    }

    [Fact]
    public async Task Max_attempts_are_respected()
    {
        var analysis = await fixture.RunAsync(fixture.Request("always-fails"));

        var task = analysis.Tasks["always-fails"];
        Assert.Equal(AnalysisTaskStatus.Failed, task.Status);
        Assert.Equal(3, task.Attempts);
        Assert.Equal(["failure 1", "failure 2"], task.PastErrors.Select(e => e.Message));
        Assert.Equal("failure 3", task.Error!.Message);
    }

    [Fact]
    public async Task Default_flow_runs_init_the_workers_and_finalize_with_real_digests()
    {
        var analysis = await fixture.RunAsync(fixture.Request());

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        // Every built-in task is in the default flow (init and finalize around the workers), except the webhook, which
        // joins only an analysis whose request names a webhook URL.
        Assert.Equal(BuiltInTaskNames.All.Where(name => name != CucosFlow.WebhookTask), analysis.Tasks.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(CucosFlow.WebhookTask, analysis.Tasks.Keys);
        var digests = (await fixture.Client.GetResultAsync(analysis.AnalysisId, "digests"))!.Value;
        var files = digests.GetProperty("details").GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        foreach (var (path, content) in Fixtures.SmallPackage())
            Assert.Equal(Fixtures.Expected(content).Sha256, files[path]);
        Assert.NotNull(analysis.Summary);
        // Every task of the analysis but finalize, whose summary this is.
        Assert.Equal(analysis.Tasks.Count - 1, analysis.Summary!.Value.GetProperty("succeeded").GetInt32());
        Assert.False(Directory.Exists(analysis.CachePath), "the cache folder should be removed after the analysis");
    }

    [Fact]
    public async Task Keep_cache_leaves_the_unpacked_package()
    {
        var analysis = await fixture.RunAsync(fixture.Request("producer") with { KeepCache = true });

        Assert.True(File.Exists(Path.Combine(analysis.CachePath, "package", "index.js")));
        Directory.Delete(analysis.CachePath, recursive: true);
    }

    [Fact]
    public async Task Init_failure_fails_the_analysis_and_skips_its_children_but_runs_finalize()
    {
        var request = fixture.Request("producer") with { SourcePath = Path.Combine(fixture.PackagePath, "no-such-folder") };
        var analysis = await fixture.RunAsync(request);

        Assert.Equal(AnalysisStatus.Failed, analysis.Status);
        Assert.Equal(AnalysisTaskStatus.Failed, analysis.Tasks["init"].Status);
        Assert.Contains("does not exist", analysis.Tasks["init"].Error!.Message);
        Assert.Equal(1, analysis.Tasks["init"].Attempts);
        Assert.False(analysis.Tasks.ContainsKey("producer"), "children are spawned only when init succeeds");
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks["finalize"].Status);
        Assert.Equal(1, analysis.Summary!.Value.GetProperty("failed").GetInt32());
    }
}
