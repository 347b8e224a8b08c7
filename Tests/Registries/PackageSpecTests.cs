using Cucos.Messages;

namespace Cucos.Tests.Registries;

/// <summary>ECOSYSTEM:NAME@VERSION, the request shape the CLI and the client library share.</summary>
[Trait("Category", "Unit")]
public sealed class PackageSpecTests
{
    [Theory]
    [InlineData("npm:serve-static@1.7.1", "npm", "serve-static", "1.7.1")]
    [InlineData("npm:@types/node@20.1.0", "npm", "@types/node", "20.1.0")]
    [InlineData("nuget:Newtonsoft.Json@13.0.1", "nuget", "Newtonsoft.Json", "13.0.1")]
    [InlineData("pypi:six@1.16.0", "pypi", "six", "1.16.0")]
    [InlineData("maven:org.example:library@1.0", "maven", "org.example:library", "1.0")]
    [InlineData("go:example.org/group/module@v1.2.3", "go", "example.org/group/module", "v1.2.3")]
    public void Parses_each_ecosystem_into_a_registry_request(string text, string ecosystem, string name, string version)
    {
        var request = AnalysisRequest.ParsePackage(text);
        Assert.Equal((ecosystem, name, version), (request.Ecosystem, request.Name, request.Version));
        Assert.Null(request.SourcePath);
        Assert.Empty(request.Validate());
    }

    [Theory]
    [InlineData("serve-static@1.7.1", "with an ecosystem among")]
    [InlineData("npm:serve-static", "has no version")]
    [InlineData("npm:serve-static@", "has no version")]
    [InlineData("npm:@1.0.0", "has no version")]
    [InlineData("pypi:six@1 2", "is malformed: a version has no spaces")]
    public void Malformed_text_is_refused_saying_what_to_fix(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => AnalysisRequest.ParsePackage(text)).Message);
}
