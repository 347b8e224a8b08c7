
namespace Cucos.ManifestBench;

/// <summary>One manifest of each format, of a realistic size (a few dozen dependencies), written to a folder.</summary>
public static class Samples
{
    public static readonly (string Format, string Folder, string File)[] All =
    [
        ("package.json", "npm", "package.json"),
        ("package.json + package-lock.json (300 locked)", "npm-lock", "package.json"),
        ("composer.json", "composer", "composer.json"),
        ("PKG-INFO", "pkginfo", "PKG-INFO"),
        ("pyproject.toml (PEP 621)", "pyproject", "pyproject.toml"),
        ("pyproject.toml (Poetry)", "poetry", "pyproject.toml"),
        ("setup.cfg", "setupcfg", "setup.cfg"),
        ("setup.py", "setuppy", "setup.py"),
        ("pom.xml (with a parent)", "maven", "pom.xml"),
        (".nuspec", "nuget", "Bench.Package.nuspec"),
        ("gemspec", "gem", "bench.gemspec"),
        ("Cargo.toml", "cargo", "Cargo.toml"),
        ("go.mod", "go", "go.mod"),
    ];

    private static IEnumerable<int> Deps => Enumerable.Range(1, 30);

    public static void Write(string root)
    {
        void Put(string path, string text)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        var npm = $$"""
            { "name": "@bench/app", "version": "1.2.3", "description": "A benchmark package.", "license": "MIT",
              "repository": { "type": "git", "url": "git+https://github.com/bench/app.git" },
              "author": "Bench Author <bench@example.org> (https://bench.example.org)", "keywords": ["a", "b", "c"],
              "engines": { "node": ">=18" }, "scripts": { "test": "jest", "build": "tsc" },
              "dependencies": { {{string.Join(", ", Deps.Select(i => $"\"dep-{i}\": \"^{i}.0.0\""))}} },
              "devDependencies": { {{string.Join(", ", Deps.Take(10).Select(i => $"\"dev-{i}\": \"~{i}.1.0\""))}} } }
            """;
        Put("npm/package.json", npm);
        Put("npm-lock/package.json", npm);
        Put("npm-lock/package-lock.json", $$"""
            { "name": "@bench/app", "lockfileVersion": 3, "packages": { "": { "name": "@bench/app" },
              {{string.Join(",\n", Enumerable.Range(1, 300).Select(i => $"\"node_modules/p{i}\": {{ \"version\": \"1.{i}.0\", \"resolved\": \"https://registry.example/p{i}/-/p{i}-1.{i}.0.tgz\", \"integrity\": \"sha512-{new string('x', 40)}\" }}"))}} } }
            """);
        Put("composer/composer.json", $$"""
            { "name": "bench/app", "license": ["MIT"], "support": { "source": "https://github.com/bench/app" },
              "require": { "php": ">=8.1", {{string.Join(", ", Deps.Select(i => $"\"vendor/dep-{i}\": \"^{i}.0\""))}} } }
            """);
        Put("pkginfo/PKG-INFO", "Metadata-Version: 2.1\nName: bench\nVersion: 1.2.3\nSummary: A benchmark package.\nLicense: MIT\n"
            + "Author-email: Bench <bench@example.org>\nProject-URL: Source, https://github.com/bench/app\n"
            + string.Concat(Deps.Select(i => $"Requires-Dist: dep-{i} (>={i}.0,<{i + 1})\n"))
            + "Classifier: License :: OSI Approved :: MIT License\n\n" + new string('d', 20_000));
        Put("pyproject/pyproject.toml", "[project]\nname = \"bench\"\nversion = \"1.2.3\"\nlicense = \"MIT\"\n"
            + "authors = [{ name = \"Bench\", email = \"bench@example.org\" }]\n"
            + $"dependencies = [{string.Join(", ", Deps.Select(i => $"\"dep-{i}>={i}.0\""))}]\n"
            + "[project.urls]\nSource = \"https://github.com/bench/app\"\n");
        Put("poetry/pyproject.toml", "[tool.poetry]\nname = \"bench\"\nversion = \"1.2.3\"\nlicense = \"MIT\"\n"
            + "authors = [\"Bench <bench@example.org>\"]\n[tool.poetry.dependencies]\npython = \"^3.10\"\n"
            + string.Concat(Deps.Select(i => $"dep-{i} = {{ version = \"^{i}.0\", optional = {(i % 5 == 0 ? "true" : "false")} }}\n")));
        Put("setupcfg/setup.cfg", "[metadata]\nname = bench\nversion = 1.2.3\nlicense = MIT\nauthor = Bench\n"
            + "[options]\ninstall_requires =\n" + string.Concat(Deps.Select(i => $"    dep-{i}>={i}.0\n")));
        Put("setuppy/setup.py", "from setuptools import setup\nREQUIRES = [\n" + string.Concat(Deps.Select(i => $"    'dep-{i}>={i}.0',\n"))
            + "]\nsetup(name='bench', version='1.2.3', license='MIT', author='Bench', install_requires=REQUIRES,\n"
            + "      long_description=open('README').read(), classifiers=['License :: OSI Approved :: MIT License'])\n");
        Put("maven/parent/pom.xml", """
            <project xmlns="http://maven.apache.org/POM/4.0.0"><groupId>org.bench</groupId><artifactId>parent</artifactId><version>1.2.3</version>
            <licenses><license><name>Apache-2.0</name></license></licenses><properties><dep.version>4.5.6</dep.version></properties></project>
            """);
        Put("maven/pom.xml", $$"""
            <project xmlns="http://maven.apache.org/POM/4.0.0"><parent><groupId>org.bench</groupId><artifactId>parent</artifactId>
            <version>1.2.3</version><relativePath>parent/pom.xml</relativePath></parent><artifactId>app</artifactId>
            <scm><url>https://github.com/bench/app</url></scm><dependencies>
            {{string.Concat(Deps.Select(i => $"<dependency><groupId>org.dep{i}</groupId><artifactId>dep-{i}</artifactId><version>${{dep.version}}</version></dependency>\n"))}}
            </dependencies></project>
            """);
        Put("nuget/Bench.Package.nuspec", $$"""
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>Bench.Package</id><version>1.2.3</version>
            <authors>Bench</authors><license type="expression">MIT</license><repository type="git" url="https://github.com/bench/app.git" />
            <description>A benchmark package.</description><dependencies><group targetFramework="net8.0">
            {{string.Concat(Deps.Select(i => $"<dependency id=\"Dep.{i}\" version=\"[{i}.0, {i + 1}.0)\" />\n"))}}
            </group></dependencies></metadata></package>
            """);
        Put("gem/bench.gemspec", "Gem::Specification.new do |spec|\n  spec.name = \"bench\"\n  spec.version = \"1.2.3\"\n  spec.license = \"MIT\"\n"
            + "  spec.authors = [\"Bench\"]\n  spec.metadata[\"source_code_uri\"] = \"https://github.com/bench/app\"\n"
            + string.Concat(Deps.Select(i => $"  spec.add_dependency \"dep-{i}\", \"~> {i}.0\"\n")) + "end\n");
        Put("cargo/Cargo.toml", "[package]\nname = \"bench\"\nversion = \"1.2.3\"\nlicense = \"MIT OR Apache-2.0\"\n"
            + "repository = \"https://github.com/bench/app\"\n[dependencies]\n"
            + string.Concat(Deps.Select(i => i % 3 == 0 ? $"dep-{i} = {{ version = \"{i}.0\", features = [\"x\"] }}\n" : $"dep-{i} = \"{i}.0\"\n")));
        Put("go/go.mod", "module github.com/bench/app\n\ngo 1.22\n\nrequire (\n"
            + string.Concat(Deps.Select(i => $"\tgithub.com/dep/d{i} v{i}.0.0{(i % 4 == 0 ? " // indirect" : "")}\n")) + ")\n");
        Put("setuppy/README", "readme");
    }
}
