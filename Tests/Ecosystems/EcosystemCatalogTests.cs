using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Ecosystems;

/// <summary>The catalog every part asks about ecosystems: its checks, its lookups and the ECOSYSTEM:NAME@VERSION parse.</summary>
[Trait("Category", "Unit")]
public sealed class EcosystemCatalogTests
{
    private sealed class Named(string id, params string[] aliases) : IEcosystem
    {
        public string Id => id;
        public IReadOnlyList<string> Aliases => aliases;
        public string PurlType => id;
        public string Example => $"{id}:x@1";
        public IPackageArtifactSource? ArtifactSource => null;
        public IVersionResolver? VersionResolver => null;
    }

    private sealed class Other(string id, params string[] aliases) : IEcosystem
    {
        public string Id => id;
        public IReadOnlyList<string> Aliases => aliases;
        public string PurlType => id;
        public string Example => $"{id}:x@1";
        public IPackageArtifactSource? ArtifactSource => null;
        public IVersionResolver? VersionResolver => null;
    }

    private static EcosystemCatalog WithToy() => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
        .AddCucosBuiltInTasks()
        .AddCucosEcosystem<ToyEcosystem>()
        .BuildServiceProvider()
        .GetRequiredService<EcosystemCatalog>();

    [Fact]
    public void Two_ecosystems_with_one_id_are_refused_naming_both()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new EcosystemCatalog([new Named("npm"), new Other("npm")]));
        Assert.Contains("ecosystem name 'npm' is claimed by both Named and Other", error.Message);
    }

    [Fact]
    public void An_alias_that_is_another_ecosystems_id_or_alias_is_refused()
    {
        Assert.Contains("ecosystem name 'pypi' is claimed by both Named and Other",
            Assert.Throws<InvalidOperationException>(() => new EcosystemCatalog([new Named("pypi"), new Other("python-index", "pypi")])).Message);
        Assert.Contains("ecosystem name 'pip' is claimed by both Named and Other",
            Assert.Throws<InvalidOperationException>(() => new EcosystemCatalog([new Named("pypi", "pip"), new Other("pip2", "pip")])).Message);
    }

    [Fact]
    public void The_id_local_is_refused_because_path_requests_use_it() =>
        Assert.Contains("takes the id 'local'", Assert.Throws<InvalidOperationException>(() => new EcosystemCatalog([new Named("local")])).Message);

    [Fact]
    public void An_alias_finds_its_ecosystem_and_a_request_by_alias_is_written_with_the_id()
    {
        var catalog = WithToy();
        Assert.Equal("pypi", catalog.Find("pip")!.Id);
        Assert.Equal("toy", catalog.Find("toybox")!.Id);
        Assert.Null(catalog.Find("cpan"));
        Assert.Equal("crates", catalog.Normalise(AnalysisRequest.ForPackage("cargo", "serde", "1.0.0")).Ecosystem);
        Assert.Equal(AnalysisRequest.LocalEcosystem, catalog.Normalise(AnalysisRequest.ForLocalPath("/tmp/x")).Ecosystem);
    }

    [Fact]
    public void The_built_in_ecosystems_are_listed_by_id_and_in_registration_order()
    {
        var catalog = BuiltInTasks.EcosystemsOf(null);
        Assert.Equal("crates, go, maven, npm, nuget, pypi, rubygems", catalog.Ids);
        Assert.Equal("npm, nuget, pypi, maven, rubygems, crates, go", catalog.IdsInRegistrationOrder);
        Assert.All(catalog.All, e => Assert.NotNull(e.VersionResolver));
    }

    [Theory]
    [InlineData("toy:blocks@1.0", "toy", "blocks", "1.0")]
    [InlineData("toybox:blocks@1.0", "toy", "blocks", "1.0")]
    [InlineData("pip:six@1.16.0", "pypi", "six", "1.16.0")]
    [InlineData("maven:org.example:library@1.0", "maven", "org.example:library", "1.0")]
    public void A_package_of_a_registered_ecosystem_parses_with_its_id(string text, string ecosystem, string name, string version)
    {
        var request = WithToy().ParsePackage(text);
        Assert.Equal((ecosystem, name, version), (request.Ecosystem, request.Name, request.Version));
    }

    [Fact]
    public void A_package_of_an_unknown_ecosystem_is_refused_listing_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => WithToy().ParsePackage("cpan:Moose@2.0"));
        Assert.Contains("with an ecosystem among npm, nuget, pypi, maven, rubygems, crates, go, toy: 'cpan' is not one this cluster knows", error.Message);
        Assert.Contains("has no version", Assert.Throws<ArgumentException>(() => WithToy().ParsePackage("toy:blocks")).Message);
    }

    [Fact]
    public void Metadata_reads_the_manifests_of_every_registered_ecosystem_in_priority_order()
    {
        var formats = Workers.Metadata.MetadataTask.ParsersOf(BuiltInTasks.EcosystemsOf(null)).Select(p => p.Format).ToList();
        Assert.True(formats.IndexOf("package.json") < formats.IndexOf("pom.xml"));
        Assert.True(formats.IndexOf("Cargo.toml") < formats.IndexOf("composer.json"));
        Assert.True(formats.IndexOf("composer.json") < formats.IndexOf("pyproject.toml"));
        Assert.Equal(formats.Count, formats.Distinct().Count());
    }
}
