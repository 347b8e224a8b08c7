using System.Text.Json;
using Cucos.Grains.Usage;
using Cucos.Sdk;
using Cucos.Usage;

namespace Cucos.Tests.Usage;

/// <summary>The in-memory profile's figures and dependents: staging and publishing, ranks, and the index fed by stored results.</summary>
[Trait("Category", "Unit")]
public sealed class InMemoryUsageTests
{
    [Fact]
    public async Task Staged_rows_are_invisible_until_published_and_a_page_stored_twice_counts_once()
    {
        var store = new InMemoryUsageStore();
        await store.SavePageAsync("npm", "r1", [new UsageCount("a", 1), new UsageCount("b", 5)], default);
        Assert.Null(await store.LatestAsync("npm", default));
        Assert.Null(await store.GetAsync("npm", "a", default));
        await store.SavePageAsync("npm", "r1", [new UsageCount("a", 1), new UsageCount("b", 5)], default);
        await store.SavePageAsync("npm", "r1", [new UsageCount("c", 9)], default);
        var published = await store.PublishAsync("npm", "r1", DateTimeOffset.UnixEpoch, default);
        Assert.Equal(3, published.Packages);
        Assert.Equal(50.0, (await store.GetAsync("npm", "B", default))!.Percentile);
        Assert.Equal(100.0, (await store.GetAsync("npm", "c", default))!.Percentile);
        Assert.Null(await store.GetAsync("pypi", "c", default));

        // The next refresh replaces the whole set: a package it no longer lists is gone.
        await store.SavePageAsync("npm", "r2", [new UsageCount("a", 2)], default);
        await store.PublishAsync("npm", "r2", DateTimeOffset.UnixEpoch.AddDays(1), default);
        Assert.Null(await store.GetAsync("npm", "c", default));
        Assert.Equal((2L, 0.0, 1L), (await store.GetAsync("npm", "a", default)) is { } a ? (a.Repositories, a.Percentile, a.PackagesInRefresh) : default);
    }

    [Fact]
    public async Task Dependents_come_from_the_stored_dependency_snapshot_results_only()
    {
        var index = new InMemoryDependentsIndex();
        var inner = new InMemoryTaskResultStore();
        async Task StoreAsync(string analysis, string task, string release, string ecosystem, int attempt, params (string Name, string? Package, string? Resolved)[] dependencies)
        {
            var store = new ObservedResultStore(inner, analysis, index);
            var document = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
            {
                ["_release"] = release,
                ["details"] = new { ecosystem, dependencies = dependencies.Select(d => new { name = d.Name, package = d.Package, resolved_version = d.Resolved }) },
            });
            await store.SaveAsync(task, attempt, document, default);
        }

        await StoreAsync("a1", "dependency_snapshot", "npm:app:1.0.0", "npm", 1, ("lodash", null, "4.17.21"));
        await StoreAsync("a2", "dependency_snapshot", "npm:@scope/tool:2.0.0", "npm", 1, ("my-lodash", "lodash", "4.17.21"), ("chalk", null, null));
        await StoreAsync("a3", "metadata", "npm:other:1.0.0", "npm", 1, ("lodash", null, "4.17.21"));
        await StoreAsync("a4", "dependency_snapshot", "pypi:lodash-user:1.0", "pypi", 1, ("lodash", null, "1.0"));
        // The same analysis stored again (a retry) without the dependency: it no longer counts.
        await StoreAsync("a5", "dependency_snapshot", "npm:flaky:1.0.0", "npm", 2, ("lodash", null, "4.17.21"));
        await StoreAsync("a5", "dependency_snapshot", "npm:flaky:1.0.0", "npm", 3, ("left-pad", null, "1.3.0"));
        // A stale attempt's late document is refused by the store and so never seen.
        await StoreAsync("a5", "dependency_snapshot", "npm:flaky:1.0.0", "npm", 1, ("lodash", null, "4.17.21"));

        var lodash = await index.FindAsync("npm", "lodash", 5, default);
        Assert.Equal(2, lodash.Count);
        Assert.Equal(["@scope/tool@2.0.0", "app@1.0.0"], lodash.Examples);
        Assert.Equal(0, (await index.FindAsync("npm", "chalk", 5, default)).Count);
        Assert.Equal(["flaky@1.0.0"], (await index.FindAsync("npm", "left-pad", 5, default)).Examples);
        Assert.Single((await index.FindAsync("npm", "lodash", 1, default)).Examples);
    }
}
