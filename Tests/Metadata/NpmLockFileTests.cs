using System.Text.Json;

namespace Cucos.Tests.Metadata;

/// <summary>npm's lock files written as npm writes them (lockfileVersion 1 to 3), read into the lock graph.</summary>
[Trait("Category", "Unit")]
public sealed class NpmLockFileTests : MetadataTestBase
{
    private const string ManifestWithEveryKind = """
        {
          "name": "app", "version": "1.0.0", "workspaces": ["packages/*"],
          "dependencies": { "a": "^1.0.0", "b": "^2.0.0", "aliased": "npm:b@^1.0.0", "local": "file:./local", "tool": "github:acme/tool" },
          "devDependencies": { "c": "1.0.0" }
        }
        """;

    [Fact]
    public async Task A_v3_lock_gives_nested_versions_aliases_links_workspaces_git_and_file_packages_with_their_edges()
    {
        Write("package.json", ManifestWithEveryKind);
        Write("package-lock.json", """
            {
              "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
              "packages": {
                "": { "name": "app", "version": "1.0.0", "workspaces": ["packages/*"],
                      "dependencies": { "a": "^1.0.0", "aliased": "npm:b@^1.0.0", "b": "^2.0.0", "local": "file:./local", "tool": "github:acme/tool" },
                      "devDependencies": { "c": "1.0.0" } },
                "local": { "version": "0.1.0" },
                "node_modules/a": { "version": "1.0.0", "resolved": "http://registry.test/a/-/a-1.0.0.tgz", "integrity": "sha512-A", "dependencies": { "b": "^1.0.0" } },
                "node_modules/a/node_modules/b": { "version": "1.0.0", "integrity": "sha512-B1" },
                "node_modules/aliased": { "name": "b", "version": "1.0.0", "integrity": "sha512-B1" },
                "node_modules/b": { "version": "2.0.0", "integrity": "sha512-B2" },
                "node_modules/c": { "version": "1.0.0", "dev": true, "dependencies": { "b": "^2.0.0" } },
                "node_modules/local": { "resolved": "local", "link": true },
                "node_modules/tool": { "version": "3.0.0", "resolved": "git+ssh://git@github.com/acme/tool.git#0123abcd" },
                "node_modules/w1": { "resolved": "packages/w1", "link": true },
                "packages/w1": { "name": "w1", "version": "0.2.0", "dependencies": { "a": "^1.0.0" } }
              }
            }
            """);

        var details = (await Run()).GetProperty("details");
        var graph = new LockGraphView(details.GetProperty("lock_graph"));

        Assert.Equal("package-lock.json", graph.Graph.GetProperty("path").GetString());
        Assert.Equal(3, graph.Graph.GetProperty("lockfile_version").GetInt32());
        // The same name at two versions: a's own b is 1.0.0 in its nested node_modules, the root's b is 2.0.0.
        Assert.Equal(["node_modules/a/node_modules/b"], graph.Targets("node_modules/a"));
        Assert.Equal("1.0.0", graph.Version("node_modules/a/node_modules/b"));
        Assert.Equal(["node_modules/b"], graph.Targets("node_modules/c"));
        Assert.Equal("2.0.0", graph.Version("node_modules/b"));
        // The alias is package b installed as "aliased": its purl names b.
        Assert.Equal(("b", "aliased"), (graph.Name("node_modules/aliased"), graph.Alias("node_modules/aliased")));
        Assert.Equal("pkg:npm/b@1.0.0", graph.Purl("node_modules/aliased"));
        // A link's edge goes to its target's entry; a file dependency and a workspace member are told apart.
        Assert.Equal(["local", "node_modules/a", "node_modules/aliased", "node_modules/b", "node_modules/c", "node_modules/tool"], graph.Targets(""));
        Assert.Equal(("file", "workspace", "workspace"), (graph.Source("local"), graph.Source("packages/w1"), graph.Source("")));
        Assert.Equal(["node_modules/a"], graph.Targets("packages/w1"));
        Assert.Equal("git", graph.Source("node_modules/tool"));
        Assert.Equal("pkg:npm/tool", graph.Purl("node_modules/tool")); // no version: it is not the registry's artifact
        Assert.Equal("registry", graph.Source("node_modules/a"));
        Assert.Equal("dev", graph.Scope("node_modules/c"));
        Assert.Equal(["local", "node_modules/a", "node_modules/aliased", "node_modules/b", "node_modules/c", "node_modules/tool"], graph.DirectIds());
        Assert.False(graph.Direct("node_modules/a/node_modules/b"));

        // package.json stays the primary manifest; the lock is a manifest of its own, and the old flat view is kept.
        Assert.Equal("package.json", details.GetProperty("path").GetString());
        Assert.Equal(["package.json", "package-lock.json"], details.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("format").GetString()));
        Assert.Equal(6, details.GetProperty("locked_tree").GetProperty("packages").GetArrayLength());
    }

    [Fact]
    public async Task A_v1_lock_is_walked_as_a_tree_with_requires_edges_aliases_and_file_versions()
    {
        Write("package.json", ManifestWithEveryKind);
        Write("package-lock.json", """
            {
              "name": "app", "version": "1.0.0", "lockfileVersion": 1, "requires": true,
              "dependencies": {
                "a": { "version": "1.0.0", "integrity": "sha512-A", "requires": { "b": "^1.0.0" },
                       "dependencies": { "b": { "version": "1.0.0", "integrity": "sha512-B1" } } },
                "aliased": { "version": "npm:b@1.0.0", "integrity": "sha512-B1" },
                "b": { "version": "2.0.0", "integrity": "sha512-B2" },
                "c": { "version": "1.0.0", "dev": true, "requires": { "b": "^2.0.0" } },
                "local": { "version": "file:local" },
                "tool": { "version": "git+ssh://git@github.com/acme/tool.git#0123abcd", "from": "github:acme/tool" },
                "w1": { "version": "file:packages/w1", "requires": { "a": "^1.0.0" } }
              }
            }
            """);

        var graph = new LockGraphView((await Run()).GetProperty("details").GetProperty("lock_graph"));

        Assert.Equal(["node_modules/a/node_modules/b"], graph.Targets("node_modules/a"));
        Assert.Equal(["node_modules/b"], graph.Targets("node_modules/c"));
        Assert.Equal(("b", "1.0.0", "aliased"), (graph.Name("node_modules/aliased"), graph.Version("node_modules/aliased"), graph.Alias("node_modules/aliased")));
        Assert.Equal(("file", null), (graph.Source("node_modules/local"), graph.Version("node_modules/local")));
        Assert.Equal(("git", "git+ssh://git@github.com/acme/tool.git#0123abcd"),
            (graph.Source("node_modules/tool"), graph.Nodes["node_modules/tool"].GetProperty("resolved").GetString()));
        // v1 names a workspace member as a file: version; package.json's workspaces say it is one.
        Assert.Equal("workspace", graph.Source("node_modules/w1"));
        Assert.Equal(["node_modules/a"], graph.Targets("node_modules/w1"));
        // The root's edges come from package.json, since v1 keeps no root entry.
        Assert.Equal(["node_modules/a", "node_modules/aliased", "node_modules/b", "node_modules/c", "node_modules/local", "node_modules/tool"], graph.Targets(""));
    }

    [Fact]
    public async Task A_shrinkwrap_is_read_before_a_package_lock_and_a_lock_alone_is_a_manifest()
    {
        Write("app/package.json", """{ "name": "app", "version": "1.0.0", "dependencies": { "a": "^1.0.0" } }""");
        Write("app/npm-shrinkwrap.json", """{ "lockfileVersion": 2, "packages": { "": { "dependencies": { "a": "^1.0.0" } }, "node_modules/a": { "version": "1.2.0" } } }""");
        Write("app/package-lock.json", """{ "lockfileVersion": 2, "packages": { "": { "dependencies": { "a": "^1.0.0" } }, "node_modules/a": { "version": "1.0.0" } } }""");
        Write("only/package-lock.json", """
            { "name": "bare", "lockfileVersion": 3, "packages": { "": { "name": "bare", "dependencies": { "@scope/x": "^4.0.0" } },
              "node_modules/@scope/x": { "version": "4.1.0" } } }
            """);

        var document = await Run();
        var manifests = document.GetProperty("details").GetProperty("manifests").EnumerateArray().ToDictionary(m => m.GetProperty("path").GetString()!);

        var details = MetadataDetailsOf(document, "app/package.json");
        Assert.Equal("app/npm-shrinkwrap.json", details.GetProperty("lock_graph").GetProperty("path").GetString());
        var bare = manifests["only/package-lock.json"];
        Assert.Equal(("npm", "bare"), (bare.GetProperty("ecosystem").GetString(), bare.GetProperty("name").GetString()));
        Assert.Equal("^4.0.0", Specs(bare.GetProperty("dependencies"))["@scope/x"]);
        var graph = new LockGraphView(bare.GetProperty("lock_graph"));
        Assert.Equal("pkg:npm/%40scope/x@4.1.0", graph.Purl("node_modules/@scope/x"));
        Assert.True(graph.Direct("node_modules/@scope/x"));
    }

    [Fact]
    public async Task A_malformed_lock_is_an_error_naming_the_lock_and_its_package_json_is_still_read()
    {
        Write("one/package.json", """{ "name": "app", "version": "1.0.0" }""");
        Write("one/package-lock.json", """{ "lockfileVersion": 3, "packages": { """);
        Write("two/npm-shrinkwrap.json", """{ "lockfileVersion": 9, "packages": {} }""");

        var document = await Run();
        var details = document.GetProperty("details");

        Assert.Equal("app", details.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("lock_graph").ValueKind);
        var errors = details.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("error").GetString()!);
        Assert.Contains("not valid JSON", errors["one/package-lock.json"]);
        Assert.Contains("lockfileVersion is 9", errors["two/npm-shrinkwrap.json"]);
    }

    // The details the run would have if the manifest at this path were the primary one: the folder's merged fields.
    private static JsonElement MetadataDetailsOf(JsonElement document, string path)
    {
        var details = document.GetProperty("details");
        Assert.Equal(path, details.GetProperty("path").GetString());
        return details;
    }
}
