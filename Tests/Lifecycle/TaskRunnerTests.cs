using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Workers.Finalize;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Lifecycle;

/// <summary>The runner's first step and the one place contexts are built, run directly: no cluster involved.</summary>
[Trait("Category", "Unit")]
public sealed class TaskRunnerTests
{
    private sealed class Echo : BaseTask
    {
        public override string Name => "echo";
        public override string Description => "echo";
        public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
            Task.FromResult(TaskResult.Success(new { context.PackagePath, context.ArtifactDirectory, context.MetadataDirectory, mode = context.Parameter("mode") }));
    }

    private sealed class Gate
    {
        public bool Broken { get; set; }
    }

    // Builds fine when the registry describes it, and throws once its service says so: a set-up failure at attempt time.
    private sealed class Fragile : BaseTask
    {
        public Fragile(Gate gate)
        {
            if (gate.Broken)
                throw new InvalidOperationException("the constructor gave up");
        }

        public override string Name => "fragile";
        public override string Description => "broken";
        public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static ServiceProvider Services() => new ServiceCollection().AddCucosTask<Echo>().AddCucosTask<FinalizeTask>().BuildServiceProvider();

    private static ConfirmedAttempt Attempt(string task, Dictionary<string, AnalysisTask>? tasks = null) => new(
        new TaskAttempt { AnalysisId = "a1", TaskName = task, Attempt = 2 },
        new AnalysisRequest { Ecosystem = "npm", Name = "serve-static", Version = "1.7.1", Parameters = new() { ["mode"] = "fast" } },
        "/cache/a1",
        tasks);

    [Fact]
    public async Task Call_runs_the_named_task_in_the_context_the_factory_lays_out()
    {
        using var services = Services();
        var store = new InMemoryTaskResultStore();
        var context = TaskContextFactory.ForAttempt(Attempt("echo"), store, services);

        var attempt = await TaskRunner.CallAsync(services.GetRequiredService<TaskRegistry>(), context, CancellationToken.None);

        Assert.True(attempt.Succeeded, attempt.Report.Error?.Message);
        var summary = attempt.Document!.Value.GetProperty("summary");
        Assert.Equal(Path.Combine("/cache/a1", "package"), summary.GetProperty("package_path").GetString());
        Assert.Equal(Path.Combine("/cache/a1", "artifact"), summary.GetProperty("artifact_directory").GetString());
        Assert.Equal(Path.Combine("/cache/a1", "metadata"), summary.GetProperty("metadata_directory").GetString());
        Assert.Equal("fast", summary.GetProperty("mode").GetString());
        Assert.Equal(2, attempt.Document.Value.GetProperty("_audit").GetProperty("attempt").GetInt32());
        Assert.Equal("npm:serve-static:1.7.1", attempt.Document.Value.GetProperty("_release").GetString());
        Assert.NotNull(await store.GetAsync("echo", CancellationToken.None));
    }

    [Fact]
    public void A_folder_run_reads_the_folder_itself_and_has_no_artifact()
    {
        using var services = Services();
        var context = TaskContextFactory.Create("standalone", "echo", 1,
            new RequestView { Ecosystem = "local", Name = "/src/pkg", Version = "local" }, "/src/pkg", "/src/pkg", new InMemoryTaskResultStore(), services);

        Assert.Equal(("/src/pkg", ""), (context.PackagePath, context.ArtifactDirectory));
        Assert.Equal("local:/src/pkg:local", context.Request.Release);
    }

    [Fact]
    public async Task An_unknown_task_ends_the_attempt_fatally_instead_of_throwing()
    {
        using var services = Services();
        var context = TaskContextFactory.ForAttempt(Attempt("no-such-task"), new InMemoryTaskResultStore(), services);

        var attempt = await TaskRunner.CallAsync(services.GetRequiredService<TaskRegistry>(), context, CancellationToken.None);

        Assert.Equal(AttemptOutcome.Failed, attempt.Report.Outcome);
        Assert.True(attempt.Report.Error!.Fatal);
        Assert.Contains("no task named 'no-such-task' is registered", attempt.Report.Error.Message);
        Assert.Equal(2, attempt.Report.Attempt);
    }

    [Fact]
    public async Task A_constructor_that_throws_fails_the_attempt_as_retryable()
    {
        var gate = new Gate();
        using var services = new ServiceCollection().AddSingleton(gate).AddCucosTask<Fragile>().BuildServiceProvider();
        var registry = services.GetRequiredService<TaskRegistry>();
        gate.Broken = true;
        var context = TaskContextFactory.ForAttempt(Attempt("fragile"), new InMemoryTaskResultStore(), services);

        var attempt = await TaskRunner.CallAsync(registry, context, CancellationToken.None);

        Assert.Equal(AttemptOutcome.Failed, attempt.Report.Outcome);
        Assert.False(attempt.Report.Error!.Fatal);
        Assert.Equal("the constructor gave up", attempt.Report.Error.Message);
    }

    [Fact]
    public async Task A_callback_sees_a_read_only_view_of_the_analysis()
    {
        using var services = Services();
        var tasks = new Dictionary<string, AnalysisTask>
        {
            ["init"] = new() { Name = "init", Status = AnalysisTaskStatus.Succeeded, Attempts = 1, LeaseExpiresAt = DateTimeOffset.MaxValue, RunningOn = "S127.0.0.1:11111:1" },
            ["boom"] = new()
            {
                Name = "boom", SpawnedBy = "init", Status = AnalysisTaskStatus.Failed, Attempts = 3,
                Error = new TaskError { Type = "System.IO.IOException", Message = "disk gone", Attempt = 3 },
            },
            ["after"] = new() { Name = "after", SpawnedBy = "init", Status = AnalysisTaskStatus.Skipped, SkipReason = "'boom' failed, and this task needs it." },
            ["finalize"] = new() { Name = "finalize", Kind = AnalysisTaskKind.Callback, SpawnedBy = "init", Status = AnalysisTaskStatus.Running },
        };
        var context = TaskContextFactory.ForAttempt(Attempt(CucosFlow.FinalizeTask, tasks), new InMemoryTaskResultStore(), services);

        var boom = context.AnalysisTasks!["boom"];
        Assert.Equal((TaskViewStatus.Failed, 3, "System.IO.IOException", "disk gone", "init"), (boom.Status, boom.Attempts, boom.ErrorType, boom.ErrorMessage, boom.SpawnedBy));
        Assert.True(context.AnalysisTasks["finalize"].IsCallback);
        Assert.False(context.AnalysisTasks["finalize"].IsFinal);
        Assert.True(context.AnalysisTasks["after"].IsFinal);
        Assert.DoesNotContain(typeof(TaskView).GetProperties(), p => p.Name is "LeaseExpiresAt" or "RunningOn");

        var attempt = await TaskRunner.CallAsync(services.GetRequiredService<TaskRegistry>(), context, CancellationToken.None);
        var summary = attempt.Document!.Value.GetProperty("summary");
        Assert.Equal((3, 1, 1, 1), (summary.GetProperty("tasks").GetInt32(), summary.GetProperty("succeeded").GetInt32(),
            summary.GetProperty("failed").GetInt32(), summary.GetProperty("skipped").GetInt32()));
        var failed = attempt.Document.Value.GetProperty("details").GetProperty("failed_tasks")[0];
        Assert.Equal("System.IO.IOException", failed.GetProperty("error_type").GetString());
        Assert.Equal("disk gone", failed.GetProperty("error").GetString());
        Assert.Equal("skipped", attempt.Document.Value.GetProperty("details").GetProperty("tasks").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == "after").GetProperty("status").GetString());
    }
}
