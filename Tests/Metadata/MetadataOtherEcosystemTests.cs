using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Metadata;

namespace Cucos.Tests.Metadata;

/// <summary>Maven, NuGet, RubyGems, Cargo and Go manifests.</summary>
[Trait("Category", "Unit")]
public sealed class MetadataOtherEcosystemTests : MetadataTestBase
{
    [Fact]
    public async Task A_pom_inherits_from_a_parent_in_the_same_tree_with_properties_and_managed_versions()
    {
        Write("pom.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <parent>
                <groupId>org.example</groupId>
                <artifactId>example-parent</artifactId>
                <version>3.1.0</version>
                <relativePath>build/parent/pom.xml</relativePath>
              </parent>
              <artifactId>example-core</artifactId>
              <description>Core of ${project.artifactId}</description>
              <properties>
                <guava.version>33.0-jre</guava.version>
              </properties>
              <dependencies>
                <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>${guava.version}</version></dependency>
                <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId></dependency>
                <dependency><groupId>${project.groupId}</groupId><artifactId>example-api</artifactId><version>${project.version}</version></dependency>
                <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>[1.7,3.0)</version><optional>true</optional></dependency>
                <dependency><groupId>jakarta.servlet</groupId><artifactId>jakarta.servlet-api</artifactId><version>6.0.0</version><scope>provided</scope></dependency>
                <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>${junit.version}</version><scope>test</scope></dependency>
              </dependencies>
            </project>
            """);
        Write("build/parent/pom.xml", """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <groupId>org.example</groupId>
              <artifactId>example-parent</artifactId>
              <version>3.1.0</version>
              <packaging>pom</packaging>
              <url>https://example.org/project</url>
              <licenses><license><name>The Apache Software License, Version 2.0</name></license></licenses>
              <scm><connection>scm:git:git@github.com:example/example.git</connection></scm>
              <issueManagement><url>https://github.com/example/example/issues</url></issueManagement>
              <properties>
                <jackson.version>2.17.1</jackson.version>
                <junit.version>5.10.2</junit.version>
                <maven.compiler.release>17</maven.compiler.release>
              </properties>
              <dependencyManagement>
                <dependencies>
                  <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>${jackson.version}</version></dependency>
                </dependencies>
              </dependencyManagement>
            </project>
            """);

        var details = (await Run()).GetProperty("details");

        Assert.Equal("maven", details.GetProperty("ecosystem").GetString());
        Assert.Equal("org.example:example-core", details.GetProperty("name").GetString());
        Assert.Equal("3.1.0", details.GetProperty("version").GetString());
        Assert.Equal("Core of example-core", details.GetProperty("description").GetString());
        Assert.Equal("Apache-2.0", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("https://github.com/example/example", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("https://github.com/example/example/issues", details.GetProperty("bug_tracker").GetString());
        Assert.Equal("https://example.org/project", details.GetProperty("homepage").GetString());
        Assert.Equal("17", details.GetProperty("engines").GetProperty("java").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["com.google.guava:guava"] = "33.0-jre",
            ["com.fasterxml.jackson.core:jackson-databind"] = "2.17.1",
            ["org.example:example-api"] = "3.1.0",
        }, Specs(details.GetProperty("dependencies")));
        Assert.Equal("5.10.2", Specs(details.GetProperty("dev_dependencies"))["org.junit.jupiter:junit-jupiter"]);
        Assert.Equal("[1.7,3.0)", Specs(details.GetProperty("optional_dependencies").GetProperty("optional"))["org.slf4j:slf4j-api"]);
        Assert.Equal("6.0.0", Specs(details.GetProperty("optional_dependencies").GetProperty("provided"))["jakarta.servlet:jakarta.servlet-api"]);
        Assert.Single(details.GetProperty("manifests").EnumerateArray()); // the parent is read, not reported as the package's
    }

    [Fact]
    public async Task A_jar_pom_whose_parent_is_not_in_the_package_keeps_what_it_declares()
    {
        Write("META-INF/maven/org.example/lonely/pom.xml", """
            <project>
              <parent><groupId>org.example</groupId><artifactId>elsewhere</artifactId><version>1.0</version></parent>
              <artifactId>lonely</artifactId>
              <dependencies><dependency><groupId>a</groupId><artifactId>b</artifactId><version>${undefined.version}</version></dependency></dependencies>
            </project>
            """);
        Write("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n");

        var details = (await Run()).GetProperty("details");

        Assert.Equal("org.example:lonely", details.GetProperty("name").GetString());
        Assert.Equal("1.0", details.GetProperty("version").GetString());
        Assert.Equal("org.example:elsewhere:1.0", details.GetProperty("engines").GetProperty("unresolved_parent").GetString());
        Assert.Equal("${undefined.version}", Specs(details.GetProperty("dependencies"))["a:b"]);
    }

    [Fact]
    public async Task A_nuspec_with_a_licence_expression_and_framework_groups()
    {
        Write("Acme.Json.nuspec", """
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata minClientVersion="4.1">
                <id>Acme.Json</id>
                <version>5.0.1</version>
                <authors>Acme Corp, Jo Dev</authors>
                <license type="expression">Apache-2.0 WITH LLVM-exception</license>
                <projectUrl>https://acme.example/json</projectUrl>
                <repository type="git" url="https://github.com/acme/json.git" commit="abc" />
                <description>JSON for Acme.</description>
                <tags>json serialization</tags>
                <dependencies>
                  <group targetFramework="net8.0">
                    <dependency id="System.Memory" version="4.5.5" />
                  </group>
                  <group targetFramework="netstandard2.0">
                    <dependency id="System.Memory" version="4.5.5" />
                    <dependency id="Microsoft.Bcl.AsyncInterfaces" version="[8.0.0, 9.0.0)" />
                  </group>
                </dependencies>
              </metadata>
            </package>
            """);

        var details = (await Run()).GetProperty("details");

        Assert.Equal("nuget", details.GetProperty("ecosystem").GetString());
        Assert.Equal("Acme.Json", details.GetProperty("name").GetString());
        Assert.Equal("Apache-2.0 WITH LLVM-exception", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("https://github.com/acme/json", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("Acme Corp", details.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal("net8.0, netstandard2.0", details.GetProperty("engines").GetProperty("target_frameworks").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["System.Memory"] = "4.5.5", ["Microsoft.Bcl.AsyncInterfaces"] = "[8.0.0, 9.0.0)" },
            Specs(details.GetProperty("dependencies")));
        Assert.Equal(["json", "serialization"], details.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task A_gemspec_is_read_not_run_and_a_built_gems_metadata_gz_is_YAML()
    {
        Write("src/rack-tools.gemspec", """
            # frozen_string_literal: true
            require_relative "lib/rack/tools/version"

            Gem::Specification.new do |spec|
              spec.name          = "rack-tools"
              spec.version       = Rack::Tools::VERSION
              spec.authors       = ["Ruby Dev", "Other Dev"]
              spec.email         = ["ruby@example.org"]
              spec.summary       = "Tools for Rack."
              spec.homepage      = "https://rack-tools.example.org"
              spec.license       = "MIT"
              spec.required_ruby_version = ">= 3.0"
              spec.metadata["source_code_uri"] = "https://github.com/ruby/rack-tools"
              spec.add_dependency "rack", "~> 3.0", ">= 3.0.8"
              spec.add_runtime_dependency("rake", ">= 13")
              spec.add_development_dependency "rspec", "~> 3.12"
            end
            """);
        var yaml = """
            --- !ruby/object:Gem::Specification
            name: built
            version: !ruby/object:Gem::Version
              version: 1.2.3
            authors:
            - Gem Author
            licenses:
            - BSD-2-Clause
            - Ruby
            metadata:
              source_code_uri: https://github.com/gem/built
              bug_tracker_uri: https://github.com/gem/built/issues
            dependencies:
            - !ruby/object:Gem::Dependency
              name: nokogiri
              requirement: !ruby/object:Gem::Requirement
                requirements:
                - - "~>"
                  - !ruby/object:Gem::Version
                    version: '1.15'
              type: :runtime
            - !ruby/object:Gem::Dependency
              name: minitest
              requirement: !ruby/object:Gem::Requirement
                requirements:
                - - ">="
                  - !ruby/object:Gem::Version
                    version: '0'
              type: :development
            summary: A built gem.
            """;
        Directory.CreateDirectory(Package.Combine("gem"));
        using (var gz = new GZipStream(File.Create(Package.Combine("gem", "metadata.gz")), CompressionLevel.Fastest))
            gz.Write(Encoding.UTF8.GetBytes(yaml));

        var manifests = (await Run()).GetProperty("details").GetProperty("manifests").EnumerateArray()
            .ToDictionary(m => m.GetProperty("format").GetString()!);

        var gemspec = manifests["gemspec"];
        Assert.Equal("rack-tools", gemspec.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, gemspec.GetProperty("version").ValueKind);
        Assert.Contains("version", gemspec.GetProperty("dynamic").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("MIT", gemspec.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("https://github.com/ruby/rack-tools", gemspec.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["rack"] = "~> 3.0, >= 3.0.8", ["rake"] = ">= 13" }, Specs(gemspec.GetProperty("dependencies")));
        Assert.Equal("~> 3.12", Specs(gemspec.GetProperty("dev_dependencies"))["rspec"]);
        Assert.Equal(">= 3.0", gemspec.GetProperty("engines").GetProperty("ruby").GetString());

        var built = manifests["metadata.gz"];
        Assert.Equal("1.2.3", built.GetProperty("version").GetString());
        Assert.Equal("BSD-2-Clause OR Ruby", built.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["nokogiri"] = "~> 1.15" }, Specs(built.GetProperty("dependencies")));
        Assert.Equal(">= 0", Specs(built.GetProperty("dev_dependencies"))["minitest"]);
        Assert.Equal("https://github.com/gem/built/issues", built.GetProperty("bug_tracker").GetString());
    }

    [Fact]
    public async Task Cargo_toml_with_workspace_inheritance_renames_and_sources()
    {
        Write("Cargo.toml", """
            [package]
            name = "ferris"
            version.workspace = true
            edition = "2021"
            rust-version = "1.74"
            license = "MIT/Apache-2.0"
            repository = "https://github.com/rust/ferris"
            authors = ["Crab <crab@example.org>"]
            keywords = ["crab"]

            [workspace]
            members = ["crates/*"]

            [workspace.package]
            version = "0.9.2"

            [workspace.dependencies]
            serde = { version = "1.0.190", features = ["derive"] }

            [dependencies]
            serde = { workspace = true }
            rand = "0.8"
            json = { package = "serde_json", version = "1" }
            tokio = { version = "1", optional = true }
            local-util = { path = "crates/util" }

            [target.'cfg(unix)'.dependencies]
            libc = "0.2"

            [dev-dependencies]
            proptest = "1.4"

            [[bin]]
            name = "ferris-cli"
            path = "src/main.rs"
            """);

        var details = (await Run()).GetProperty("details");

        Assert.Equal("crates", details.GetProperty("ecosystem").GetString());
        Assert.Equal("0.9.2", details.GetProperty("version").GetString());
        Assert.Equal("MIT OR Apache-2.0", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("1.74", details.GetProperty("engines").GetProperty("rust").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["serde"] = "1.0.190", ["rand"] = "0.8", ["serde_json"] = "1", ["local-util"] = "path:crates/util", ["libc"] = "0.2",
        }, Specs(details.GetProperty("dependencies")));
        Assert.Equal("cfg(unix)", details.GetProperty("dependencies")[4].GetProperty("marker").GetString());
        Assert.Equal("1", Specs(details.GetProperty("optional_dependencies").GetProperty("optional"))["tokio"]);
        Assert.Equal("1.4", Specs(details.GetProperty("dev_dependencies"))["proptest"]);
        Assert.Equal("src/main.rs", details.GetProperty("scripts").GetProperty("bin:ferris-cli").GetString());
    }

    [Fact]
    public async Task Go_mod_with_blocks_indirect_requirements_and_replacements()
    {
        Write("go.mod", """
            module github.com/gopher/tool/v2

            go 1.22
            toolchain go1.22.3

            require github.com/spf13/cobra v1.8.0

            require (
                golang.org/x/sys v0.20.0 // indirect
                github.com/pkg/errors v0.9.1
                example.org/forked v1.0.0
            )

            replace example.org/forked => ../forked
            """);
        Write("broken/go.mod", "require (\n  a v1\n");

        var details = (await Run()).GetProperty("details");

        Assert.Equal("go", details.GetProperty("ecosystem").GetString());
        Assert.Equal("github.com/gopher/tool/v2", details.GetProperty("name").GetString());
        Assert.Equal("https://github.com/gopher/tool", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("1.22", details.GetProperty("engines").GetProperty("go").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["github.com/spf13/cobra"] = "v1.8.0", ["github.com/pkg/errors"] = "v0.9.1", ["example.org/forked"] = "v1.0.0",
        }, Specs(details.GetProperty("dependencies")));
        Assert.Equal("replaced by ../forked", details.GetProperty("dependencies")[2].GetProperty("marker").GetString());
        Assert.Equal("v0.20.0", Specs(details.GetProperty("optional_dependencies").GetProperty("indirect"))["golang.org/x/sys"]);
        Assert.Empty(details.GetProperty("errors").EnumerateArray()); // broken/ is below the outermost go.mod
    }

}
