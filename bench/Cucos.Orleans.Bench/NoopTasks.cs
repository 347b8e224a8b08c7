using Cucos.Sdk;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Bench;

/// <summary>A task that does nothing but return a small result, so the benchmark measures the flow's own cost.</summary>
public class NoopTask : BaseTask
{
    public override string Name => "noop";
    public override string Description => "does nothing";

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult(TaskResult.Success(new { task = context.TaskName }));
}

/// <summary>The benchmark's root: a no-op init whose callback is the no-op finalize.</summary>
public sealed class NoopInitTask : NoopTask
{
    public override string Name => CucosFlow.RootTask;
    public override bool InDefaultFlow => false;
    public override string? CallbackTask => CucosFlow.FinalizeTask;
}

public sealed class NoopFinalizeTask : NoopTask
{
    public override string Name => CucosFlow.FinalizeTask;
    public override bool InDefaultFlow => false;
}

public static class NoopFlow
{
    public static readonly string[] Workers = ["w1", "w2", "w3", "w4", "w5", "w6"];

    /// <summary>init, six no-op workers in its default flow, and finalize.</summary>
    public static IServiceCollection AddNoopFlow(this IServiceCollection services)
    {
        services.AddCucosTask<NoopInitTask>().AddCucosTask<NoopFinalizeTask>();
        foreach (var worker in Workers)
            services.AddCucosTask<NoopTask>(worker);
        return services;
    }
}
