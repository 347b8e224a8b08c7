using System.Collections.Concurrent;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Registries;

namespace Cucos.Tests.Dependencies;

/// <summary>
/// A registry that lists fixed versions, for testing resolution without a network (the HTTP registries are tested
/// against their own loopback servers). Counts lookups per package; an unknown package is not found.
/// </summary>
public sealed class FixedVersionSource(string ecosystem, IReadOnlyDictionary<string, string[]> versions) : IPackageVersionSource
{
    public ConcurrentDictionary<string, int> Lookups { get; } = new(StringComparer.Ordinal);

    public string Ecosystem => ecosystem;

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        Lookups.AddOrUpdate(name, 1, (_, n) => n + 1);
        await Task.Yield();
        return versions.TryGetValue(name, out var listed) ? listed : throw new PackageNotFoundException(ecosystem, name, null, "the test registry");
    }
}
