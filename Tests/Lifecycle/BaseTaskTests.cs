using System.Text.Json;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;

namespace Cucos.Tests.Lifecycle;

/// <summary>The lifecycle the runner implements once for every task, run directly: no cluster involved.</summary>
[Trait("Category", "Unit")]
public sealed class BaseTaskTests
{
    private static TaskContext Context(ITaskResultStore store, int attempt = 1) => new()
    {
        AnalysisId = "a1",
        TaskName = "probe",
        Attempt = attempt,
        Request = new RequestView { Ecosystem = "npm", Name = "serve-static", Version = "1.7.1" },
        CachePath = "/nonexistent",
        Results = store,
    };

    private sealed class Probe(Func<TaskContext, CancellationToken, Task<TaskResult>> body, TimeSpan? timeout = null) : BaseTask
    {
        public override string Name => "probe";
        public override string Description => "probe";
        public override string Version => "2.1.0";
        public override TimeSpan Timeout => timeout ?? base.Timeout;
        public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) => body(context, cancellationToken);

        // Through the runner the executor and 'cucos worker' use.
        public Task<FinishedAttempt> RunAsync(TaskContext context, CancellationToken cancellationToken) => TaskRunner.RunAsync(this, context, cancellationToken);
    }

    [Fact]
    public async Task Success_is_persisted_with_audit_release_and_schema()
    {
        var store = new InMemoryTaskResultStore();
        var attempt = await new Probe((_, _) => Task.FromResult(TaskResult.Success(new { FileCount = 3 }, new[] { "a" })))
            .RunAsync(Context(store), CancellationToken.None);

        Assert.True(attempt.Succeeded);
        var stored = (await store.GetAsync("probe", CancellationToken.None))!.Value;
        Assert.Equal(attempt.Document!.Value.GetRawText(), stored.GetRawText());
        Assert.Equal(3, stored.GetProperty("summary").GetProperty("file_count").GetInt32());
        Assert.Equal("a", stored.GetProperty("details")[0].GetString());
        Assert.Equal("npm:serve-static:1.7.1", stored.GetProperty("_release").GetString());
        Assert.Equal("2.1.0", stored.GetProperty("schema").GetProperty("version").GetString());
        Assert.Equal("2.1.0", stored.GetProperty("_audit").GetProperty("version").GetString());
        Assert.Equal(3, attempt.Report.Summary!.Value.GetProperty("file_count").GetInt32());
        Assert.True(attempt.Report.StartedAt <= attempt.Report.EndedAt);
    }

    [Fact]
    public async Task Exceptions_become_reports_with_the_full_stack()
    {
        var store = new InMemoryTaskResultStore();
        var attempt = await new Probe((_, _) => throw new FormatException("bad manifest")).RunAsync(Context(store), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Failed, attempt.Report.Outcome);
        Assert.Equal("System.FormatException", attempt.Report.Error!.Type);
        Assert.False(attempt.Report.Error.Fatal);
        Assert.Contains(nameof(Exceptions_become_reports_with_the_full_stack), attempt.Report.Error.StackTrace);
        Assert.Null(await store.GetAsync("probe", CancellationToken.None));
    }

    [Fact]
    public async Task Fatal_and_retry_requests_are_told_apart()
    {
        var store = new InMemoryTaskResultStore();
        var fatal = await new Probe((_, _) => throw new FatalTaskException("gone")).RunAsync(Context(store), CancellationToken.None);
        var retry = await new Probe((_, _) => throw new RetryTaskException(TimeSpan.FromMinutes(40), "rate limited")).RunAsync(Context(store), CancellationToken.None);

        Assert.True(fatal.Report.Error!.Fatal);
        Assert.Equal(AttemptOutcome.Failed, fatal.Report.Outcome);
        Assert.Equal(AttemptOutcome.RetryRequested, retry.Report.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(40), retry.Report.RetryAfter);
        Assert.False(retry.Report.Error!.Fatal);
    }

    [Fact]
    public async Task Timeout_cancels_the_attempt_and_fails_it_as_retryable()
    {
        var attempt = await new Probe(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return TaskResult.Success(null);
        }, timeout: TimeSpan.FromMilliseconds(100)).RunAsync(Context(new InMemoryTaskResultStore()), CancellationToken.None);

        Assert.Equal(typeof(TimeoutException).FullName, attempt.Report.Error!.Type);
        Assert.False(attempt.Report.Error.Fatal);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_propagates()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Probe(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return TaskResult.Success(null);
        }).RunAsync(Context(new InMemoryTaskResultStore()), cancel.Token));
    }

    [Fact]
    public async Task Result_of_an_older_attempt_never_replaces_a_newer_one()
    {
        var store = new InMemoryTaskResultStore();
        var newer = await new Probe((c, _) => Task.FromResult(TaskResult.Success(new { c.Attempt }))).RunAsync(Context(store, attempt: 2), CancellationToken.None);
        var older = await new Probe((c, _) => Task.FromResult(TaskResult.Success(new { c.Attempt }))).RunAsync(Context(store, attempt: 1), CancellationToken.None);

        Assert.True(newer.Succeeded);
        Assert.Equal(typeof(StaleAttemptException).FullName, older.Report.Error!.Type);
        Assert.Equal(2, (await store.GetAsync("probe", CancellationToken.None))!.Value.GetProperty("summary").GetProperty("attempt").GetInt32());
    }

    [Theory]
    [InlineData(2, 30)]
    [InlineData(3, 60)]
    [InlineData(4, 120)]
    [InlineData(9, 600)]
    public void Retry_delays_back_off_up_to_the_maximum(int nextAttempt, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryPolicy.Default.DelayBefore(nextAttempt));

    [Fact]
    public void Result_documents_use_snake_case() =>
        Assert.Equal("""{"artifact_sha256":"x"}""", JsonSerializer.Serialize(TaskResult.Success(new { ArtifactSha256 = "x" }).Summary));
}
