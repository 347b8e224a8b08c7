using Cucos.Sdk;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.TestTasks;

/// <summary>Lets a real silo process load this assembly's tasks through Cucos:TaskAssemblies.</summary>
public sealed class TestTaskModule : ICucosTaskModule
{
    public void Register(IServiceCollection services) => services.AddTestTasks();
}

/// <summary>Takes a moment (parameter <c>slow.ms</c>, default 1500 ms): long enough to be caught running by a killed silo.</summary>
public sealed class SlowTask : TestTask
{
    public override string Name => "slow";
    public override TimeSpan Timeout => TimeSpan.FromSeconds(10);
    public override RetryPolicy RetryPolicy => new(5, TimeSpan.FromMilliseconds(200), 1, TimeSpan.FromMilliseconds(200));

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(int.Parse(context.Parameter("slow.ms") ?? "1500"), cancellationToken);
        return TaskResult.Success(new { host = Environment.ProcessId, attempt = context.Attempt });
    }
}
