using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Registries;

namespace Cucos.Tests.Registries;

/// <summary>.npmrc files read the way npm reads them: which file wins, variables, and which credentials go to which URL.</summary>
[Trait("Category", "Unit")]
public sealed class NpmConfigTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-npmrc");

    private NpmConfig Load(string? user, string? project, Dictionary<string, string>? environment = null, string workingFolder = "project")
    {
        if (user is not null)
            work.WriteFile("home/.npmrc", Encoding.UTF8.GetBytes(user));
        if (project is not null)
        {
            work.WriteFile("project/.npmrc", Encoding.UTF8.GetBytes(project));
            work.WriteFile("project/package.json", "{}"u8.ToArray());
        }
        Directory.CreateDirectory(work.Combine(workingFolder.Split('/')));
        return new NpmConfigSource(work.Combine(workingFolder.Split('/')), work.Combine("home"), environment ?? [], AskNpm: false).Load();
    }

    [Fact]
    public void The_project_npmrc_beats_the_user_one_and_the_environment_beats_both()
    {
        const string user = "registry=http://user.invalid/\n@scope:registry=http://user-scope.invalid/\n";
        const string project = "registry=http://project.invalid/\n";

        var fromFiles = Load(user, project, workingFolder: "project/src/deep");
        Assert.Equal("http://project.invalid/", fromFiles.RegistryFor("left-pad").AbsoluteUri);
        Assert.Equal("http://user-scope.invalid/", fromFiles.RegistryFor("@scope/thing").AbsoluteUri);

        var fromEnvironment = Load(user, project, new Dictionary<string, string> { ["npm_config_registry"] = "http://env.invalid" });
        Assert.Equal("http://env.invalid/", fromEnvironment.RegistryFor("left-pad").AbsoluteUri);
    }

    [Fact]
    public void Credentials_go_to_the_longest_matching_path_of_the_same_host_only()
    {
        var config = Load(
            "//reg.invalid/team/:_authToken=team-token\n//reg.invalid/:_authToken=host-token\n//basic.invalid/:username=alice\n//basic.invalid/:_password="
            + Convert.ToBase64String("pa:ss"u8.ToArray()) + "\n", null);

        Assert.Equal("Bearer team-token", config.AuthFor(new Uri("http://reg.invalid/team/pkg/-/pkg-1.0.0.tgz"))!.ToString());
        Assert.Equal("Bearer host-token", config.AuthFor(new Uri("http://reg.invalid/other"))!.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String("alice:pa:ss"u8.ToArray()), config.AuthFor(new Uri("https://basic.invalid/pkg"))!.ToString());
        Assert.Null(config.AuthFor(new Uri("http://elsewhere.invalid/team/pkg")));
        Assert.Null(config.AuthFor(new Uri("http://reg.invalid:8080/team/pkg")));
    }

    [Fact]
    public void Variables_comments_and_quotes_are_read_like_npm_does()
    {
        var config = Load("# a comment\n; another\nregistry = \"http://${REGISTRY_HOST}/npm/\"\n//h.invalid/:_authToken=${TOKEN}\n", null,
            new Dictionary<string, string> { ["REGISTRY_HOST"] = "mirror.invalid", ["TOKEN"] = "from-env" });

        Assert.Equal("http://mirror.invalid/npm/", config.RegistryFor("x").AbsoluteUri);
        Assert.Equal("Bearer from-env", config.AuthFor(new Uri("http://h.invalid/x"))!.ToString());
    }

    [Fact]
    public void A_registry_that_is_not_a_url_is_a_clear_error()
    {
        var config = Load("registry=not a url\n", null);
        Assert.Contains("is not an http(s) URL: fix it in your .npmrc", Assert.Throws<RegistryException>(() => config.RegistryFor("x")).Message);
    }

    public void Dispose() => work.Dispose();
}
