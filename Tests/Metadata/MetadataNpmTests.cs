using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Metadata;

namespace Cucos.Tests.Metadata;

/// <summary>npm and Composer manifests (JSON), in the shapes found in published packages.</summary>
[Trait("Category", "Unit")]
public sealed class MetadataNpmTests : MetadataTestBase
{
    [Fact]
    public async Task Package_json_with_a_licence_object_a_repository_shorthand_and_a_lock_file()
    {
        Write("package/package.json", """
            {
              "name": "@acme/widget", "version": "2.1.0", "description": "Widgets.",
              "license": { "type": "MIT", "url": "https://opensource.org/licenses/MIT" },
              "repository": "github:acme/widget",
              "bugs": "https://github.com/acme/widget/issues",
              "author": "Ada Lovelace <ada@example.org> (https://ada.example.org)",
              "contributors": [{ "name": "Bob", "email": "bob@example.org" }, "Carol <carol@example.org>"],
              "keywords": ["ui", "widget"],
              "engines": { "node": ">=18" },
              "bin": "bin/widget.js",
              "dependencies": { "left-pad": "^1.3.0", "fsevents": "^2.3.0", "debug": "~4.3.1" },
              "optionalDependencies": { "fsevents": "^2.3.0" },
              "peerDependencies": { "react": ">=17" },
              "devDependencies": { "jest": "^29.0.0" },
              "scripts": { "test": "jest" },
              "files": ["lib/", "bin/"]
            }
            """);
        Write("package/package-lock.json", """
            {
              "name": "@acme/widget", "lockfileVersion": 3,
              "packages": {
                "": { "name": "@acme/widget", "version": "2.1.0" },
                "node_modules/left-pad": { "version": "1.3.0", "resolved": "https://registry.example/left-pad-1.3.0.tgz", "integrity": "sha512-x" },
                "node_modules/debug": { "version": "4.3.4" },
                "node_modules/debug/node_modules/ms": { "version": "2.1.2" },
                "node_modules/jest": { "version": "29.7.0", "dev": true }
              }
            }
            """);
        // A vendored dependency's own manifest is not the package's.
        Write("package/node_modules/debug/package.json", """{ "name": "debug", "version": "4.3.4", "license": "MIT" }""");

        var details = (await Run()).GetProperty("details");

        Assert.Equal("npm", details.GetProperty("ecosystem").GetString());
        Assert.Equal("@acme/widget", details.GetProperty("name").GetString());
        Assert.Equal("package/package.json", details.GetProperty("path").GetString());
        Assert.Equal("MIT", details.GetProperty("declared_license").GetProperty("raw").GetString());
        Assert.Equal("MIT", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("git", details.GetProperty("code_repository").GetProperty("type").GetString());
        Assert.Equal("https://github.com/acme/widget", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("https://github.com/acme/widget/issues", details.GetProperty("bug_tracker").GetString());
        var author = details.GetProperty("author");
        Assert.Equal(("Ada Lovelace", "ada@example.org", "https://ada.example.org"),
            (author.GetProperty("name").GetString(), author.GetProperty("email").GetString(), author.GetProperty("url").GetString()));
        Assert.Equal(["Bob", "Carol"], Names(details.GetProperty("contributors")));
        Assert.Equal("carol@example.org", details.GetProperty("contributors")[1].GetProperty("email").GetString());
        Assert.Equal(">=18", details.GetProperty("engines").GetProperty("node").GetString());
        // fsevents is optional: npm lists it under dependencies too, but it is not a runtime requirement.
        Assert.Equal(new Dictionary<string, string?> { ["left-pad"] = "^1.3.0", ["debug"] = "~4.3.1" }, Specs(details.GetProperty("dependencies")));
        Assert.Equal(["jest"], Names(details.GetProperty("dev_dependencies")));
        Assert.Equal(["fsevents"], Names(details.GetProperty("optional_dependencies").GetProperty("optional")));
        Assert.Equal(["react"], Names(details.GetProperty("optional_dependencies").GetProperty("peer")));
        Assert.Equal("bin/widget.js", details.GetProperty("scripts").GetProperty("bin:widget").GetString());
        Assert.Equal("jest", details.GetProperty("scripts").GetProperty("test").GetString());

        var locked = details.GetProperty("locked_tree");
        Assert.Equal("package/package-lock.json", locked.GetProperty("path").GetString());
        Assert.Equal(3, locked.GetProperty("lockfile_version").GetInt32());
        var packages = locked.GetProperty("packages").EnumerateArray().ToDictionary(p => p.GetProperty("location").GetString()!);
        Assert.Equal(4, packages.Count);
        Assert.Equal("ms", packages["node_modules/debug/node_modules/ms"].GetProperty("name").GetString());
        Assert.Equal("2.1.2", packages["node_modules/debug/node_modules/ms"].GetProperty("version").GetString());
        Assert.True(packages["node_modules/jest"].GetProperty("dev").GetBoolean());
        Assert.Equal("sha512-x", packages["node_modules/left-pad"].GetProperty("integrity").GetString());

        // The lock file is a manifest of its own now, merged into its folder's details.
        Assert.Equal(["package/package.json", "package/package-lock.json"], details.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Legacy_licence_array_is_a_choice_and_a_v1_shrinkwrap_is_walked_as_a_tree()
    {
        Write("package.json", """
            {
              "name": "old", "version": "0.1.0",
              "licenses": [{ "type": "MIT", "url": "x" }, { "type": "Apache 2.0", "url": "y" }],
              "repository": { "type": "git", "url": "git+ssh://git@github.com/old/old.git" },
              "author": { "name": "Old Timer", "email": "old@example.org" },
              "keywords": "legacy, string keywords",
              "dependencies": { "a": "1.x" }
            }
            """);
        Write("npm-shrinkwrap.json", """
            { "lockfileVersion": 1, "dependencies": { "a": { "version": "1.4.0", "dependencies": { "b": { "version": "0.2.0" } } } } }
            """);

        var details = (await Run()).GetProperty("details");

        Assert.Equal("MIT, Apache 2.0", details.GetProperty("declared_license").GetProperty("raw").GetString());
        Assert.Equal("MIT OR Apache-2.0", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("https://github.com/old/old", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("Old Timer", details.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal(["legacy", "string keywords"], details.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        var locked = details.GetProperty("locked_tree").GetProperty("packages").EnumerateArray()
            .Select(p => (p.GetProperty("location").GetString(), p.GetProperty("version").GetString())).ToList();
        Assert.Equal([("node_modules/a", "1.4.0"), ("node_modules/a/node_modules/b", "0.2.0")], locked);
    }

    [Fact]
    public async Task A_malformed_manifest_is_an_error_entry_and_the_others_are_still_read()
    {
        Write("package.json", """{ "name": "broken", "version": """);
        Write("composer.json", """
            {
              "name": "acme/tool", "description": "A tool.", "license": ["MIT", "GPL-3.0-or-later"],
              "authors": [{ "name": "Dee", "email": "dee@example.org", "homepage": "https://dee.example.org" }],
              "support": { "source": "https://github.com/acme/tool/tree/main", "issues": "https://github.com/acme/tool/issues" },
              "require": { "php": ">=8.1", "ext-json": "*", "symfony/console": "^6.0" },
              "require-dev": { "phpunit/phpunit": "^10" },
              "bin": ["bin/tool"]
            }
            """);

        var document = await Run();
        var details = document.GetProperty("details");

        var error = Assert.Single(details.GetProperty("errors").EnumerateArray());
        Assert.Equal("package.json", error.GetProperty("path").GetString());
        Assert.Contains("not valid JSON", error.GetProperty("error").GetString());
        Assert.Equal(1, document.GetProperty("summary").GetProperty("errors").GetInt32());

        Assert.Equal("packagist", details.GetProperty("ecosystem").GetString());
        Assert.Equal("acme/tool", details.GetProperty("name").GetString());
        Assert.Equal("MIT OR GPL-3.0-or-later", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["symfony/console"] = "^6.0" }, Specs(details.GetProperty("dependencies")));
        Assert.Equal(">=8.1", details.GetProperty("engines").GetProperty("php").GetString());
        Assert.Equal("*", details.GetProperty("engines").GetProperty("ext-json").GetString());
        Assert.Equal("https://dee.example.org", details.GetProperty("author").GetProperty("url").GetString());
        Assert.Equal("https://github.com/acme/tool", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("bin/tool", details.GetProperty("scripts").GetProperty("bin:tool").GetString());
    }

    [Fact]
    public async Task A_repeated_key_keeps_its_last_value_as_JSON_parse_does()
    {
        Write("package.json", """{ "name": "dup", "version": "1.0.0", "version": "1.0.1", "license": "MIT" }""");

        var summary = (await Run()).GetProperty("summary");

        Assert.Equal("1.0.1", summary.GetProperty("version").GetString());
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
    }

    [Fact]
    public async Task Only_the_outermost_manifests_are_the_packages_own()
    {
        Write("package.json", """{ "name": "monorepo-root", "version": "1.0.0", "license": "ISC" }""");
        Write("packages/inner/package.json", """{ "name": "inner", "version": "9.9.9" }""");
        Write("test/fixtures/pom.xml", "<project><artifactId>fixture</artifactId></project>");
        Write("vendor/lib/composer.json", """{ "name": "vendored/lib" }""");

        var document = await Run();

        Assert.Equal(["package.json"], document.GetProperty("details").GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("path").GetString()));
        Assert.Equal("monorepo-root", document.GetProperty("summary").GetProperty("name").GetString());
        Assert.Equal("ISC", document.GetProperty("summary").GetProperty("declared_license").GetString());
    }

    [Fact]
    public async Task A_package_without_a_manifest_gives_empty_fields_not_a_failure()
    {
        Write("README", "nothing to see");

        var document = await Run();

        Assert.Equal(JsonValueKind.Null, document.GetProperty("summary").GetProperty("ecosystem").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.GetProperty("details").GetProperty("declared_license").GetProperty("raw").ValueKind);
        Assert.Empty(document.GetProperty("details").GetProperty("manifests").EnumerateArray());
    }

}
