using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Metadata;

namespace Cucos.Tests.Metadata;

/// <summary>Python manifests: core metadata, pyproject.toml (PEP 621 and Poetry), setup.cfg and setup.py.</summary>
[Trait("Category", "Unit")]
public sealed class MetadataPythonTests : MetadataTestBase
{
    [Fact]
    public async Task An_sdist_pyproject_with_dynamic_fields_is_completed_by_its_PKG_INFO()
    {
        Write("demo-1.4.0/pyproject.toml", """
            [build-system]
            requires = ["setuptools>=61"]

            [project]
            name = "demo"
            description = "A demo."
            dynamic = ["version", "dependencies"]
            requires-python = ">=3.9"
            license = { file = "LICENSE" }
            classifiers = ["License :: OSI Approved :: BSD License"]

            [project.urls]
            "Source Code" = "https://github.com/demo/demo"
            "Bug Tracker" = "https://github.com/demo/demo/issues"
            """);
        Write("demo-1.4.0/PKG-INFO", """
            Metadata-Version: 2.1
            Name: demo
            Version: 1.4.0
            Summary: A demo.
            Author-email: Grace Hopper <grace@example.org>
            License: BSD-3-Clause
            Classifier: License :: OSI Approved :: BSD License
            Project-URL: Source Code, https://github.com/demo/demo
            Requires-Python: >=3.9
            Requires-Dist: requests (>=2.25,<3)
            Requires-Dist: importlib-metadata>=4; python_version < "3.10"
            Requires-Dist: pytest>=7; extra == "test"
            Provides-Extra: test

            Demo
            ====
            The long description is not a header: Name: not-this-one
            """);
        // setuptools' copy inside the sdist is below the outermost folder.
        Write("demo-1.4.0/src/demo.egg-info/PKG-INFO", "Metadata-Version: 2.1\nName: demo-egg-copy\nVersion: 0.0.0\n");

        var details = (await Run()).GetProperty("details");

        // PKG-INFO is preferred in its folder; pyproject's fields are there too.
        Assert.Equal("demo", details.GetProperty("name").GetString());
        Assert.Equal("1.4.0", details.GetProperty("version").GetString());
        Assert.Equal("pypi", details.GetProperty("ecosystem").GetString());
        Assert.Equal("BSD-3-Clause", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("https://github.com/demo/demo", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("grace@example.org", details.GetProperty("author").GetProperty("email").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["requests"] = ">=2.25,<3", ["importlib-metadata"] = ">=4" }, Specs(details.GetProperty("dependencies")));
        Assert.Equal("python_version < \"3.10\"", details.GetProperty("dependencies")[1].GetProperty("marker").GetString());
        Assert.Equal(">=7", Specs(details.GetProperty("optional_dependencies").GetProperty("test"))["pytest"]);

        var manifests = details.GetProperty("manifests").EnumerateArray().ToDictionary(m => m.GetProperty("format").GetString()!);
        Assert.Equal(["PKG-INFO", "pyproject.toml"], manifests.Keys.Order());
        var pyproject = manifests["pyproject.toml"];
        Assert.Equal(["version", "dependencies"], pyproject.GetProperty("dynamic").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(JsonValueKind.Null, pyproject.GetProperty("version").ValueKind);
        Assert.Equal("file: LICENSE", pyproject.GetProperty("declared_license").GetProperty("raw").GetString());
        Assert.Equal("https://github.com/demo/demo/issues", pyproject.GetProperty("bug_tracker").GetString());
        Assert.Equal(">=3.9", pyproject.GetProperty("engines").GetProperty("python").GetString());
    }

    [Fact]
    public async Task Pep621_licence_table_authors_extras_and_dependency_groups()
    {
        Write("pyproject.toml", """
            [project]
            name = "tablelic"
            version = "0.3.0"
            license = { text = "Apache License 2.0" }
            authors = [{ name = "Ann", email = "ann@example.org" }, { email = "ops@example.org" }]
            keywords = ["x", "y"]
            dependencies = ["attrs>=22.1", "numpy ~= 1.26"]

            [project.optional-dependencies]
            fast = ["orjson>=3"]

            [project.scripts]
            tablelic = "tablelic.cli:main"

            [dependency-groups]
            dev = ["ruff==0.5.0"]
            """);

        var details = (await Run()).GetProperty("details");

        Assert.Equal("Apache License 2.0", details.GetProperty("declared_license").GetProperty("raw").GetString());
        Assert.Equal("Apache-2.0", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("Ann", details.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal("ops@example.org", details.GetProperty("contributors")[0].GetProperty("email").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["attrs"] = ">=22.1", ["numpy"] = "~=1.26" }, Specs(details.GetProperty("dependencies")));
        Assert.Equal(new Dictionary<string, string?> { ["ruff"] = "==0.5.0" }, Specs(details.GetProperty("dev_dependencies")));
        Assert.Equal(["orjson"], details.GetProperty("optional_dependencies").GetProperty("fast").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.Equal("tablelic.cli:main", details.GetProperty("scripts").GetProperty("tablelic").GetString());
    }

    [Fact]
    public async Task Poetry_dependencies_in_every_shape()
    {
        Write("pyproject.toml", """
            [tool.poetry]
            name = "poem"
            version = "1.0.0"
            description = "Verses."
            license = "MIT"
            authors = ["Ogden Nash <ogden@example.org>"]
            repository = "https://gitlab.com/verse/poem.git"

            [tool.poetry.dependencies]
            python = "^3.10"
            requests = "^2.31"
            rich = { version = ">=13", optional = true }
            local = { path = "../local" }
            fork = { git = "https://github.com/me/fork.git" }

            [tool.poetry.group.dev.dependencies]
            pytest = "^8"
            """);

        var details = (await Run()).GetProperty("details");

        Assert.Equal("poem", details.GetProperty("name").GetString());
        Assert.Equal("MIT", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("Ogden Nash", details.GetProperty("author").GetProperty("name").GetString());
        Assert.Equal("https://gitlab.com/verse/poem", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("^3.10", details.GetProperty("engines").GetProperty("python").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["requests"] = "^2.31", ["local"] = "path:../local", ["fork"] = "git+https://github.com/me/fork.git",
        }, Specs(details.GetProperty("dependencies")));
        Assert.Equal(">=13", Specs(details.GetProperty("optional_dependencies").GetProperty("optional"))["rich"]);
        Assert.Equal("^8", Specs(details.GetProperty("dev_dependencies"))["pytest"]);
    }

    [Fact]
    public async Task Setup_cfg_with_dangling_lists_markers_and_an_attr_version()
    {
        Write("setup.cfg", """
            [metadata]
            name = cfgpkg
            version = attr: cfgpkg.__version__
            description = Declarative.
            license = MIT
            author = Ken
            author_email = ken@example.org
            url = https://cfgpkg.example.org
            project_urls =
                Source = https://github.com/ken/cfgpkg
                Tracker = https://github.com/ken/cfgpkg/issues

            [options]
            python_requires = >=3.8
            install_requires =
                click>=8
                tomli>=1.1; python_version < "3.11"

            [options.extras_require]
            docs = sphinx>=7

            [options.entry_points]
            console_scripts =
                cfgpkg = cfgpkg.__main__:main

            [flake8]
            max-line-length = 100
            """);

        var details = (await Run()).GetProperty("details");

        Assert.Equal("cfgpkg", details.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("version").ValueKind);
        Assert.Equal(["version"], details.GetProperty("dynamic").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("MIT", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal("https://github.com/ken/cfgpkg", details.GetProperty("code_repository").GetProperty("url").GetString());
        Assert.Equal("https://github.com/ken/cfgpkg/issues", details.GetProperty("bug_tracker").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["click"] = ">=8", ["tomli"] = ">=1.1" }, Specs(details.GetProperty("dependencies")));
        Assert.Equal("cfgpkg.__main__:main", details.GetProperty("scripts").GetProperty("cfgpkg").GetString());
        Assert.Equal(">=7", Specs(details.GetProperty("optional_dependencies").GetProperty("docs"))["sphinx"]);
    }

    [Fact]
    public async Task Setup_py_is_read_for_literals_and_never_executed()
    {
        var marker = Package.Combine("executed");
        Write("setup.py", $$"""
            import os
            from setuptools import setup, find_packages
            open({{JsonSerializer.Serialize(marker)}}, "w").write("setup.py was executed")

            REQUIRES = [
                "six>=1.10",  # a comment inside the list
                'urllib3 (<2)',
            ]
            NAME = "legacy" "pkg"

            setup(
                name=NAME,
                version='3.2.1',
                description=open("README.rst").read(),
                long_description=f"{NAME} long",
                license="GPLv3",
                author="Linus",
                author_email="linus@example.org",
                url="https://legacy.example.org",
                packages=find_packages(exclude=["tests"]),
                install_requires=REQUIRES,
                extras_require={"socks": ["PySocks>=1.5.6"]},
                entry_points={"console_scripts": ["legacy=legacy.main:run"]},
                classifiers=[
                    "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
                ],
                **extra_kwargs
            )
            """);

        var details = (await Run()).GetProperty("details");

        Assert.False(File.Exists(marker));
        Assert.Equal("legacypkg", details.GetProperty("name").GetString());
        Assert.Equal("3.2.1", details.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("description").ValueKind);
        Assert.Contains("description", details.GetProperty("dynamic").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("GPL-3.0-only", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["six"] = ">=1.10", ["urllib3"] = "<2" }, Specs(details.GetProperty("dependencies")));
        Assert.Equal(">=1.5.6", Specs(details.GetProperty("optional_dependencies").GetProperty("socks"))["PySocks"]);
        Assert.Equal("legacy.main:run", details.GetProperty("scripts").GetProperty("legacy").GetString());
        Assert.Equal("Linus", details.GetProperty("author").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_wheel_METADATA_and_a_broken_pyproject()
    {
        Write("wheelpkg-2.0.dist-info/METADATA", """
            Metadata-Version: 2.4
            Name: wheelpkg
            Version: 2.0
            License-Expression: MIT OR Apache-2.0
            Keywords: one,two
            Home-page: https://wheel.example.org

            """);
        Write("other/pyproject.toml", "[project\nname = 'broken'");

        var details = (await Run()).GetProperty("details");

        Assert.Equal("wheelpkg", details.GetProperty("name").GetString());
        Assert.Equal("METADATA", details.GetProperty("format").GetString());
        Assert.Equal("MIT OR Apache-2.0", details.GetProperty("declared_license").GetProperty("expression").GetString());
        Assert.Equal(["one", "two"], details.GetProperty("keywords").EnumerateArray().Select(k => k.GetString()));
        var error = Assert.Single(details.GetProperty("errors").EnumerateArray());
        Assert.Equal("other/pyproject.toml", error.GetProperty("path").GetString());
        Assert.Contains("not valid TOML", error.GetProperty("error").GetString());
    }

}
