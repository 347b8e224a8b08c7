using System.Text;
using System.Text.Json;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.Tests.SecurityIssues;
using Cucos.Tests.Support;
using Cucos.Workers.Dependencies;
using Cucos.Workers.Metadata;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.DependencyInjection;
using static Cucos.Tests.SecurityIssues.OsvFixtures;

namespace Cucos.Tests.Dependencies;

/// <summary>dependency_snapshot and security_issues reading a lock file's graph as it is, after a real metadata run.</summary>
[Trait("Category", "Unit")]
public sealed class LockGraphConsumerTests : IDisposable
{
    private readonly TempDirectory package = new("cucos-lock-consumers");
    private readonly TempDirectory advisories = new("cucos-lock-osv");

    private void Write(string path, string text) => package.WriteFile(path, Encoding.UTF8.GetBytes(text));

    // The registry lists newer versions than the lock pins: a resolution against it would give other answers.
    private static FixedVersionSource Registry() => new("npm", new Dictionary<string, string[]>
    {
        ["a"] = ["1.0.0", "1.9.0"],
        ["lodash"] = ["4.17.11", "4.17.21"],
        ["fresh"] = ["2.0.0", "2.1.0"],
    });

    private void WriteApplication()
    {
        Write("package.json", """
            { "name": "app", "version": "1.0.0",
              "dependencies": { "a": "^1.0.0", "renamed": "npm:lodash@^4.17.0", "tool": "github:acme/tool", "fresh": "^2.0.0" } }
            """);
        Write("package-lock.json", """
            { "name": "app", "lockfileVersion": 3, "packages": {
                "": { "name": "app", "dependencies": { "a": "^1.0.0", "renamed": "npm:lodash@^4.17.0", "tool": "github:acme/tool" } },
                "node_modules/a": { "version": "1.0.0", "dependencies": { "lodash": "4.17.11" } },
                "node_modules/a/node_modules/lodash": { "version": "4.17.11" },
                "node_modules/renamed": { "name": "lodash", "version": "4.17.21" },
                "node_modules/tool": { "version": "3.0.0", "resolved": "git+ssh://git@github.com/acme/tool.git#0123abcd" } } }
            """);
    }

    private async Task<JsonElement> SnapshotAsync(FixedVersionSource registry)
    {
        using var services = new ServiceCollection().AddSingleton<IPackageVersionSource>(registry).BuildServiceProvider();
        var results = new InMemoryTaskResultStore();
        await WorkerRun.RunAsync(new MetadataTask(), package.Path, results);
        return await WorkerRun.RunAsync(new DependencySnapshotTask(), package.Path, results, services);
    }

    [Fact]
    public async Task Dependency_snapshot_takes_the_locked_versions_as_they_are_and_resolves_only_what_the_lock_lacks()
    {
        WriteApplication();
        var registry = Registry();

        var document = await SnapshotAsync(registry);

        var deps = document.GetProperty("details").GetProperty("dependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal(("1.0.0", "lock_file"), (deps["a"].GetProperty("resolved_version").GetString(), deps["a"].GetProperty("resolved_from").GetString()));
        Assert.Equal(("lodash", "4.17.21"), (deps["renamed"].GetProperty("package").GetString(), deps["renamed"].GetProperty("resolved_version").GetString()));
        // A package the lock takes from git has no registry version to give.
        Assert.Equal("unresolvable", deps["tool"].GetProperty("status").GetString());
        Assert.Contains("the lock file 'package-lock.json' takes it from git", deps["tool"].GetProperty("reason").GetString());
        // A dependency added to package.json after the lock was written is resolved against the registry.
        Assert.Equal(("2.1.0", "registry"), (deps["fresh"].GetProperty("resolved_version").GetString(), deps["fresh"].GetProperty("resolved_from").GetString()));
        Assert.Equal(["fresh"], registry.Lookups.Keys);
        var graph = document.GetProperty("details").GetProperty("lock_graph");
        Assert.Equal(5, graph.GetProperty("packages").GetArrayLength()); // the root and four locked packages, as metadata read them
        Assert.Equal(4, document.GetProperty("summary").GetProperty("locked_packages").GetInt32());
    }

    [Fact]
    public async Task Security_issues_checks_every_locked_registry_package_including_the_transitive_ones()
    {
        WriteApplication();
        var snapshot = await SnapshotAsync(Registry());
        WriteZip(advisories, "npm", Lodash);
        using var run = new SecurityRun(new AdvisorySettings(advisories.Path, null), Registry());

        var attempt = await run.AttemptAsync("npm", "app", "1.0.0", snapshot);

        Assert.True(attempt.Succeeded, attempt.Report.Error?.Message);
        var document = attempt.Document!.Value;
        ResultSchemas.AssertValid(SecurityIssuesTask.TaskName, document);
        // lodash 4.17.11 comes only through a; the aliased 4.17.21 is past the fix.
        var dependency = Assert.Single(document.GetProperty("details").GetProperty("dependencies").EnumerateArray());
        Assert.Equal(("lodash", "4.17.11", false), (dependency.GetProperty("dependency").GetString(), dependency.GetProperty("version").GetString(), dependency.GetProperty("direct").GetBoolean()));
        Assert.Equal("node_modules/a/node_modules/lodash", dependency.GetProperty("lock_id").GetString());
        Assert.Equal(1, document.GetProperty("summary").GetProperty("dependency_vulnerabilities").GetInt32());
    }

    [Fact]
    public async Task The_SBOM_lists_every_locked_package_with_the_locks_own_edges()
    {
        WriteApplication();
        var results = new InMemoryTaskResultStore();
        using var services = new ServiceCollection().AddSingleton<IPackageVersionSource>(Registry()).BuildServiceProvider();
        var metadata = await WorkerRun.RunAsync(new MetadataTask(), package.Path, results);
        var snapshot = await WorkerRun.RunAsync(new DependencySnapshotTask(), package.Path, results, services);
        var analysis = new Cucos.Reports.AnalysisDocuments
        {
            AnalysisId = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Ecosystem = "npm", Name = "app", Version = "1.0.0", CreatedAt = DateTimeOffset.UnixEpoch,
            Results = new Dictionary<string, JsonElement> { ["metadata"] = metadata, ["dependency_snapshot"] = snapshot },
        };

        var bom = JsonDocument.Parse(Cucos.Reports.Sbom.SbomWriter.Render(Cucos.Reports.Sbom.SbomFormat.CycloneDx, analysis)).RootElement;

        Sbom.SbomSchemas.AssertValidCycloneDx(bom);
        var edges = Sbom.SbomSchemas.Items(bom, "dependencies").ToDictionary(d => d.GetProperty("ref").GetString()!, d => Sbom.SbomSchemas.Items(d, "dependsOn").Select(x => x.GetString()!).Order(StringComparer.Ordinal).ToArray());
        // The transitive lodash 4.17.11 hangs from a, as the lock nests it; the alias is lodash 4.17.21 under the root.
        Assert.Equal(["pkg:npm/lodash@4.17.11"], edges["pkg:npm/a@1.0.0"]);
        Assert.Equal(["pkg:npm/a@1.0.0", "pkg:npm/fresh@2.1.0", "pkg:npm/lodash@4.17.21", "pkg:npm/tool"], edges["pkg:npm/app@1.0.0"]);
        Assert.Contains(Sbom.SbomSchemas.Items(bom, "components"), c => c.GetProperty("bom-ref").GetString() == "pkg:npm/lodash@4.17.11");
    }

    public void Dispose()
    {
        package.Dispose();
        advisories.Dispose();
    }
}
