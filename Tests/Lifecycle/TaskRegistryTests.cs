using Cucos.Sdk;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Lifecycle;

[Trait("Category", "Unit")]
public sealed class TaskRegistryTests
{
    private abstract class Named(string name) : BaseTask
    {
        public override string Name => name;
        public override string Description => name;
        public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
            Task.FromResult(TaskResult.Success(null));
    }

    private sealed class A() : Named("a") { public override IReadOnlyList<string> ChildTasks => ["b"]; }
    private sealed class B() : Named("b") { public override IReadOnlyList<string> ChildTasks => ["a"]; }
    private sealed class Orphan() : Named("orphan") { public override IReadOnlyList<string> DependsOn => ["missing"]; }
    private sealed class BadName() : Named("Bad Name");
    private sealed class BadPolicy() : Named("bad-policy") { public override RetryPolicy RetryPolicy => new(0, TimeSpan.Zero, 1, TimeSpan.Zero); }

    private static string Problem(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<TaskRegistry>()).Message;
    }

    [Fact]
    public void Unknown_references_are_named() =>
        Assert.Contains("task 'orphan' names task 'missing', which is not registered", Problem(s => s.AddCucosTask<Orphan>()));

    [Fact]
    public void Cycles_are_refused() =>
        Assert.Contains("tasks form a cycle: a -> b -> a", Problem(s => s.AddCucosTask<A>().AddCucosTask<B>()));

    [Fact]
    public void Duplicate_names_are_refused() =>
        Assert.Contains("task name 'a' is registered twice", Problem(s => s.AddCucosTask<A>().AddCucosTask<B>().AddCucosTask<A>()));

    [Fact]
    public void Bad_names_and_policies_are_refused()
    {
        Assert.Contains("task name 'Bad Name' (BadName) is not valid", Problem(s => s.AddCucosTask<BadName>()));
        Assert.Contains("task 'bad-policy': retry policy is not valid: MaxAttempts must be at least 1", Problem(s => s.AddCucosTask<BadPolicy>()));
    }

    [Fact]
    public void Built_in_flow_is_init_then_the_workers_then_finalize()
    {
        using var provider = new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider();
        var registry = provider.GetRequiredService<TaskRegistry>();

        Assert.Equal(["binary_data", "crypto_algorithms", "digests", "languages", "metadata", "registry_lifecycle", "source_licenses", "static_analysis", "supply_chain"], registry.DefaultFlow().Order(StringComparer.Ordinal));
        Assert.Equal(CucosFlow.FinalizeTask, registry.Get(CucosFlow.RootTask).CallbackTask);
        Assert.Contains("Known tasks: binary_data, crypto_algorithms, dependency_snapshot, digests, finalize, github_details, init, languages, metadata, registry_lifecycle, security_issues, source_licenses, static_analysis, supply_chain, usage", Assert.Throws<KeyNotFoundException>(() => registry.Get("nope")).Message);
    }
}
