using System.Reflection;
using Cucos.Grains;

namespace Cucos.Tests.Cluster;

/// <summary>What an outside client may call is a short, deliberate list: a new grain method joins it only by being marked.</summary>
[Trait("Category", "Unit")]
public sealed class ClientCallableMethodsTests
{
    [Fact]
    public void Only_the_methods_of_the_client_are_marked_for_outside_callers()
    {
        var marked = typeof(IAnalysisGrain).Assembly.GetTypes()
            .Where(type => type.IsInterface && typeof(IGrain).IsAssignableFrom(type))
            .SelectMany(type => type.GetMethods())
            .Where(method => method.IsDefined(typeof(ClientCallableAttribute)))
            .Select(method => $"{method.DeclaringType!.Name}.{method.Name}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "IAnalysisGrain.CancelAsync", "IAnalysisGrain.GetAsync", "IAnalysisGrain.WaitForChangeAsync", "ICallbackGrain.GetInvocationCountAsync",
                "IPackageAnalysisGrain.GetHistoryAsync", "IPackageAnalysisGrain.StartAsync", "ITaskResultGrain.GetAsync",
            ],
            marked);
    }
}
