using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cucos.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cucos.Tests.TestTasks;

// Tasks defined in the test assembly: they prove a worker author's class runs inside a full analysis.
// None is in the default flow; a test names the ones it wants in the request's task list.

public abstract class TestTask : BaseTask
{
    public override bool InDefaultFlow => false;
    public override string Description => "test task";
    // They read the request and each other's results, never the package folder.
    public override bool ReadsPackageFiles => false;
}

/// <summary>Shared counters the tests read; keyed by analysis id so parallel analyses do not mix.</summary>
public static class TestTaskLog
{
    public static readonly ConcurrentDictionary<string, int> CallbackRuns = new();
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> ZombieFinished = new();

    public static TaskCompletionSource Zombie(string analysisId) =>
        ZombieFinished.GetOrAdd(analysisId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

public sealed class ProducerTask : TestTask
{
    public override string Name => "producer";

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult(TaskResult.Success(new { token = "produced-for-" + context.AnalysisId }));
}

public sealed class ConsumerTask : TestTask
{
    public override string Name => "consumer";
    public override IReadOnlyList<string> DependsOn => ["producer"];

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var producer = await context.GetResultAsync("producer", cancellationToken)
            ?? throw new InvalidOperationException("the producer's result is missing");
        return TaskResult.Success(new { seen_token = producer.GetProperty("summary").GetProperty("token").GetString() });
    }
}

public sealed class BoomTask : TestTask
{
    public override string Name => "boom";
    public override RetryPolicy RetryPolicy => new(2, TimeSpan.FromMilliseconds(100), 1, TimeSpan.FromMilliseconds(100));

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) => ThrowBoom();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task<TaskResult> ThrowBoom() => throw new InvalidOperationException("boom from the test task");
}

public sealed class FatalTask : TestTask
{
    public override string Name => "fatal";
    public override RetryPolicy RetryPolicy => new(3, TimeSpan.FromMilliseconds(100), 1, TimeSpan.FromMilliseconds(100));

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        throw new FatalTaskException("this package can never be analysed");
}

/// <summary>Depends on a task that fails fatally, so it must be skipped.</summary>
public sealed class NeedsFatalTask : TestTask
{
    public override string Name => "needs-fatal";
    public override IReadOnlyList<string> DependsOn => ["fatal"];

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult(TaskResult.Success(new { ran = true }));
}

/// <summary>Fails its first attempt(s) (parameter <c>flaky.failures</c>, default 1), then succeeds. Retries after 1 s.</summary>
public sealed class FlakyTask : TestTask
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    public override string Name => "flaky";
    public override RetryPolicy RetryPolicy => new(3, Delay, 1, Delay);

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var failures = int.Parse(context.Parameter("flaky.failures") ?? "1");
        if (context.Attempt <= failures)
            throw new IOException($"transient failure on attempt {context.Attempt}");
        return Task.FromResult(TaskResult.Success(new { attempt = context.Attempt }));
    }
}

public sealed class AlwaysFailsTask : TestTask
{
    public override string Name => "always-fails";
    public override RetryPolicy RetryPolicy => new(3, TimeSpan.FromMilliseconds(200), 1, TimeSpan.FromMilliseconds(200));

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        throw new IOException($"failure {context.Attempt}");
}

/// <summary>
/// Asks to be retried after 2 s (parameter <c>retry_after.ms</c>) on its first attempt; its policy delay (1 h) would
/// be far longer. Its result names the process that ran the successful attempt.
/// </summary>
public sealed class RateLimitedTask : TestTask
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    public override string Name => "rate-limited";
    public override RetryPolicy RetryPolicy => new(3, TimeSpan.FromHours(1), 1, TimeSpan.FromHours(1));

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        context.Attempt == 1
            ? throw new RetryTaskException(
                context.Parameter("retry_after.ms") is { } ms ? TimeSpan.FromMilliseconds(int.Parse(ms)) : RetryAfter,
                "rate limit reached; it resets shortly")
            : Task.FromResult(TaskResult.Success(new { attempt = context.Attempt, host = Environment.ProcessId }));
}

/// <summary>Asks to be retried in an hour: the analysis stays waiting on its reminder.</summary>
public sealed class WaitsAnHourTask : TestTask
{
    public override string Name => "waits-an-hour";

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        throw new RetryTaskException(TimeSpan.FromHours(1), "come back in an hour");
}

/// <summary>
/// Its first attempt ignores cancellation and outlives its lease (a lost worker); the watchdog runs attempt 2,
/// which succeeds. Attempt 1 finishes later and must change nothing.
/// </summary>
public sealed class LostOnceTask : TestTask
{
    public override string Name => "lost-once";
    public override TimeSpan Timeout => TimeSpan.FromSeconds(1);
    public override RetryPolicy RetryPolicy => new(3, TimeSpan.FromMilliseconds(100), 1, TimeSpan.FromMilliseconds(100));

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (context.Attempt == 1)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(3.5), CancellationToken.None);
                return TaskResult.Success(new { attempt = 1 });
            }
            finally
            {
                _ = Task.Delay(500, CancellationToken.None).ContinueWith(_ => TestTaskLog.Zombie(context.AnalysisId).TrySetResult());
            }
        }
        return TaskResult.Success(new { attempt = context.Attempt });
    }
}

public sealed class NoopTask : TestTask
{
    public override string Name => "noop";

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult(TaskResult.Success(new { task = context.TaskName }));
}

/// <summary>Spawns 200 children and has its own callback.</summary>
public sealed class FanOutTask : TestTask
{
    public static readonly string[] Children = [.. Enumerable.Range(0, 200).Select(i => $"noop-{i:000}")];
    public override string Name => "fan-out";
    public override IReadOnlyList<string> ChildTasks => Children;
    public override string? CallbackTask => "count-callback";

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult(TaskResult.Success(new { children = Children.Length }));
}

/// <summary>Counts how often it runs per analysis, and what it saw when it did.</summary>
public sealed class CountCallbackTask : TestTask
{
    public override string Name => "count-callback";

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        TestTaskLog.CallbackRuns.AddOrUpdate(context.AnalysisId, 1, (_, n) => n + 1);
        var notFinal = context.AnalysisTasks!.Values.Count(t => t.Name != context.TaskName && t.SpawnedBy == "fan-out" && !t.IsFinal);
        return Task.FromResult(TaskResult.Success(new { children_not_final = notFinal }));
    }
}

/// <summary>Writes one log line through its context's logger, for the tests of log scopes.</summary>
public sealed class LoggingTask : TestTask
{
    public const string Message = "logging task at work";
    public override string Name => "logs";

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        context.Logger.LogInformation(Message);
        return Task.FromResult(TaskResult.Success(new { logged = true }));
    }
}

/// <summary>Runs until its CancellationToken is cancelled, and says when it started and when it saw the cancel.</summary>
public sealed class BlocksUntilCancelledTask : TestTask
{
    public override string Name => "blocks";
    public override TimeSpan Timeout => TimeSpan.FromMinutes(10);

    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Started = new();
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> SawCancel = new();

    public static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string analysisId) =>
        signals.GetOrAdd(analysisId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Signal(Started, context.AnalysisId).TrySetResult();
        context.Logger.LogInformation("blocks: waiting for the cancel");
        try
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Signal(SawCancel, context.AnalysisId).TrySetResult();
            throw;
        }
        return TaskResult.Success(new { blocked = false });
    }
}

/// <summary>Needs the result of <see cref="BlocksUntilCancelledTask"/>, so it can only run after it.</summary>
public sealed class NeedsBlocksTask : TestTask
{
    public override string Name => "needs-blocks";
    public override IReadOnlyList<string> DependsOn => ["blocks"];

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult(TaskResult.Success(new { ran = true }));
}

public static class TestTaskRegistration
{
    public static IServiceCollection AddTestTasks(this IServiceCollection services)
    {
        services.AddCucosTask<ProducerTask>().AddCucosTask<ConsumerTask>()
            .AddCucosTask<BoomTask>().AddCucosTask<FatalTask>().AddCucosTask<NeedsFatalTask>()
            .AddCucosTask<FlakyTask>().AddCucosTask<AlwaysFailsTask>().AddCucosTask<RateLimitedTask>()
            .AddCucosTask<WaitsAnHourTask>().AddCucosTask<LostOnceTask>().AddCucosTask<SlowTask>()
            .AddCucosTask<FanOutTask>().AddCucosTask<CountCallbackTask>().AddCucosTask<LoggingTask>()
            .AddCucosTask<BlocksUntilCancelledTask>().AddCucosTask<NeedsBlocksTask>();
        foreach (var child in FanOutTask.Children)
            services.AddCucosTask<NoopTask>(child);
        return services;
    }
}
