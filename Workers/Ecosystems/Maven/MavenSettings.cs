using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Maven;

/// <summary>
/// Maven's own settings: the first <c>&lt;mirror&gt;</c> whose <c>mirrorOf</c> covers the <c>central</c> repository
/// (<c>*</c>, <c>central</c>, <c>external:*</c>, lists with <c>!</c> exclusions), else an active profile's repository
/// with the id <c>central</c>, from the user's <c>~/.m2/settings.xml</c> over the installation's
/// <c>conf/settings.xml</c> (<c>MAVEN_HOME</c>, <c>M2_HOME</c>, or where <c>mvn</c> on the PATH lives). The
/// <c>&lt;server&gt;</c> with the mirror's id gives the credentials, <c>${env.NAME}</c> expanded. With neither, an
/// installed Maven's own super POM names its central repository.
/// </summary>
public sealed partial class MavenSettings(UserEnvironment user) : INativeRegistryConfiguration
{
    private readonly Lazy<RegistryEndpoint?> found = new(() => Read(user));

    public string Ecosystem => "maven";

    public string Where => "a <mirror> of central in ~/.m2/settings.xml";

    public RegistryEndpoint? Find(string packageName) => found.Value;

    private static RegistryEndpoint? Read(UserEnvironment user)
    {
        var home = MavenHome(user);
        var files = new List<string>();
        if (home is not null)
            files.Add(Path.Combine(home, "conf", "settings.xml"));
        files.Add(Path.Combine(user.HomeDirectory, ".m2", "settings.xml"));
        // The user's file wins: read it first and keep the first answer.
        foreach (var file in Enumerable.Reverse(files))
            if (File.Exists(file) && FromSettings(File.ReadAllText(file), file, user) is { } endpoint)
                return endpoint;
        if (home is not null && user.AskTools && SuperPomCentral(home) is { } central)
            return RegistryEndpoint.FromUrl(central, $"Maven's default central repository ({home})");
        return null;
    }

    /// <summary>The central repository a settings.xml sends Maven to, with its server's credentials; null when it says nothing.</summary>
    public static RegistryEndpoint? FromSettings(string xml, string origin, UserEnvironment user)
    {
        XElement root;
        try
        {
            root = XElement.Parse(xml);
        }
        catch (System.Xml.XmlException exception)
        {
            throw new RegistryException($"{origin} is not valid XML ({exception.Message}): fix it, or set Cucos:Registries:maven.", exception);
        }
        XNamespace ns = root.Name.Namespace;
        string? Text(XElement? element, string name) => element?.Element(ns + name)?.Value is { } v ? Expand(v.Trim(), user) : null;

        var mirror = root.Element(ns + "mirrors")?.Elements(ns + "mirror").FirstOrDefault(m => MirrorsCentral(Text(m, "mirrorOf") ?? ""));
        string? id = null, url = null;
        if (mirror is not null)
            (id, url) = (Text(mirror, "id"), Text(mirror, "url"));
        else
        {
            var active = root.Element(ns + "activeProfiles")?.Elements(ns + "activeProfile").Select(p => p.Value.Trim()).ToHashSet() ?? [];
            var repository = root.Element(ns + "profiles")?.Elements(ns + "profile")
                .Where(p => active.Contains(Text(p, "id") ?? "") || Text(p.Element(ns + "activation"), "activeByDefault") == "true")
                .SelectMany(p => p.Element(ns + "repositories")?.Elements(ns + "repository") ?? [])
                .FirstOrDefault(r => Text(r, "id") == "central");
            if (repository is not null)
                (id, url) = ("central", Text(repository, "url"));
        }
        if (url is null)
            return null;
        var server = root.Element(ns + "servers")?.Elements(ns + "server").FirstOrDefault(s => Text(s, "id") == id);
        AuthenticationHeaderValue? credentials = null;
        if (Text(server, "username") is { } username)
        {
            var password = Text(server, "password") ?? "";
            if (password.StartsWith('{') && password.EndsWith('}'))
                throw new RegistryException(
                    $"the password of server '{id}' in {origin} is encrypted with Maven's master password, which this version cannot read: give it in plain text through ${{env.NAME}}, or set Cucos:Registries:maven to a URL that needs none.");
            credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        }
        return RegistryEndpoint.FromUrl(url, origin, credentials: credentials)
            ?? throw new RegistryException($"the repository URL '{url}' in {origin} is not an http(s) URL: fix it, or set Cucos:Registries:maven.");
    }

    /// <summary>Whether a <c>mirrorOf</c> covers the repository <c>central</c> (an external one).</summary>
    public static bool MirrorsCentral(string mirrorOf)
    {
        var entries = mirrorOf.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Contains("!central"))
            return false;
        return entries.Any(e => e is "*" or "central" or "external:*");
    }

    private static string Expand(string value, UserEnvironment user) =>
        EnvironmentReference().Replace(value, m => user.Variable(m.Groups[1].Value) ?? m.Value);

    private static string? MavenHome(UserEnvironment user)
    {
        if ((user.Variable("MAVEN_HOME") ?? user.Variable("M2_HOME")) is { } configured)
            return configured;
        foreach (var folder in (user.Variable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var mvn = new FileInfo(Path.Combine(folder, "mvn"));
            if (!mvn.Exists)
                continue;
            var target = mvn.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? mvn.FullName;
            return Path.GetDirectoryName(Path.GetDirectoryName(target));
        }
        return null;
    }

    /// <summary>The central repository URL of Maven's super POM, inside the installation's maven-model-builder jar.</summary>
    private static string? SuperPomCentral(string home)
    {
        var lib = Path.Combine(home, "lib");
        if (!Directory.Exists(lib))
            return null;
        foreach (var jar in Directory.EnumerateFiles(lib, "maven-model-builder-*.jar"))
        {
            using var archive = ZipFile.OpenRead(jar);
            if (archive.GetEntry("org/apache/maven/model/pom-4.0.0.xml") is not { } entry)
                continue;
            using var reader = new StreamReader(entry.Open());
            var pom = XElement.Parse(reader.ReadToEnd());
            XNamespace ns = pom.Name.Namespace;
            return pom.Element(ns + "repositories")?.Elements(ns + "repository")
                .FirstOrDefault(r => r.Element(ns + "id")?.Value == "central")?.Element(ns + "url")?.Value.Trim();
        }
        return null;
    }

    [GeneratedRegex(@"\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvironmentReference();
}
