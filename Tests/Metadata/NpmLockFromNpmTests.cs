using System.Security.Cryptography;
using System.Text;
using Cucos.Tests.Support;

namespace Cucos.Tests.Metadata;

/// <summary>
/// Lock files written by the real npm (<c>npm install --package-lock-only</c>) against a loopback registry this test
/// serves, in each lockfileVersion npm writes, read back into the lock graph. The registry's address is given to npm on
/// its command line only, with an empty user configuration, so no other registry is asked.
/// </summary>
[Trait("Category", "ReferenceTool")]
[Trait("Category", "Processes")]
public sealed class NpmLockFromNpmTests : MetadataTestBase
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Npm_writes_a_lock_whose_graph_has_the_nested_duplicate_the_alias_the_file_dependency_and_the_workspace(int lockfileVersion)
    {
        using var registry = new RegistryServer();
        Serve(registry, "a", ("1.0.0", """{ "b": "^1.0.0" }"""));
        Serve(registry, "b", ("1.0.0", null), ("2.0.0", null));
        Serve(registry, "c", ("1.0.0", """{ "b": "^2.0.0" }"""));
        Write("local/package.json", """{ "name": "local", "version": "0.1.0" }""");
        Write("packages/w1/package.json", """{ "name": "w1", "version": "0.2.0", "dependencies": { "c": "^1.0.0" } }""");
        Write("package.json", """
            { "name": "app", "version": "1.0.0", "workspaces": ["packages/*"],
              "dependencies": { "a": "^1.0.0", "b": "^2.0.0", "aliased": "npm:b@^1.0.0", "local": "file:./local" } }
            """);
        using var npmHome = new TempDirectory("cucos-npm-home");
        File.WriteAllText(npmHome.Combine("npmrc"), "");
        ReferenceTool.Run("npm", "npm", Package.Path, "install", "--package-lock-only", "--lockfile-version", lockfileVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--registry", registry.BaseUrl.AbsoluteUri, "--userconfig", npmHome.Combine("npmrc"), "--cache", npmHome.Combine("cache"),
            "--no-audit", "--no-fund", "--ignore-scripts");

        var details = (await Run()).GetProperty("details");
        var graph = new LockGraphView(details.GetProperty("lock_graph"));

        Assert.Equal(lockfileVersion, graph.Graph.GetProperty("lockfile_version").GetInt32());
        // a needs b@^1 while the root needs b@^2: npm nests b 1.0.0 under a, and the edge finds it there.
        Assert.Equal(["node_modules/a/node_modules/b"], graph.Targets("node_modules/a"));
        Assert.Equal(("1.0.0", "2.0.0"), (graph.Version("node_modules/a/node_modules/b"), graph.Version("node_modules/b")));
        Assert.Equal(["node_modules/b"], graph.Targets("node_modules/c"));
        Assert.Equal(("b", "aliased", "1.0.0"), (graph.Name("node_modules/aliased"), graph.Alias("node_modules/aliased"), graph.Version("node_modules/aliased")));
        Assert.Equal("pkg:npm/b@1.0.0", graph.Purl("node_modules/aliased"));
        var local = lockfileVersion == 1 ? "node_modules/local" : "local";
        var workspace = lockfileVersion == 1 ? "node_modules/w1" : "packages/w1";
        Assert.Equal(("file", "workspace"), (graph.Source(local), graph.Source(workspace)));
        Assert.Contains(local, graph.Targets(""));
        Assert.Equal(["node_modules/c"], graph.Targets(workspace));
        Assert.Equal(["node_modules/a", "node_modules/aliased", "node_modules/b"], graph.Targets("").Where(t => t != local));
        // Every registry package carries the integrity the registry gave.
        Assert.Equal(Integrity("b", "2.0.0"), graph.Nodes["node_modules/b"].GetProperty("integrity").GetString());
    }

    private static void Serve(RegistryServer registry, string name, params (string Version, string? Dependencies)[] versions)
    {
        var document = new StringBuilder($$"""{ "name": "{{name}}", "dist-tags": { "latest": "{{versions[^1].Version}}" }, "versions": {""");
        document.AppendJoin(",", versions.Select(v => $$"""
            "{{v.Version}}": { "name": "{{name}}", "version": "{{v.Version}}", "dependencies": {{v.Dependencies ?? "{}"}},
              "dist": { "tarball": "{{registry.Url($"/{name}/-/{name}-{v.Version}.tgz")}}", "integrity": "{{Integrity(name, v.Version)}}" } }
            """));
        document.Append("} }");
        registry.Map("/" + name, Reply.Text(document.ToString(), "application/json"));
    }

    // The registry's checksum of a tarball this test never serves: npm writing a lock does not download tarballs.
    private static string Integrity(string name, string version) => "sha512-" + Convert.ToBase64String(SHA512.HashData(Encoding.UTF8.GetBytes($"{name}-{version}")));
}
