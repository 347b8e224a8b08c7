using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.RubyGems;

/// <summary>
/// RubyGems' own configuration: the first of the <c>:sources:</c> of the gemrc files RubyGems reads (<c>GEMRC</c>, a
/// list of paths, else <c>/etc/gemrc</c> then <c>~/.gemrc</c>, a later file winning), else <c>gem sources</c> when
/// RubyGems is installed (it knows its default source). <c>gem sources --add URL</c> writes <c>~/.gemrc</c>.
/// </summary>
public sealed class GemConfiguration(UserEnvironment user) : INativeRegistryConfiguration
{
    private readonly Lazy<RegistryEndpoint?> found = new(() => Read(user));

    public string Ecosystem => "rubygems";

    public string Where => ":sources: in ~/.gemrc ('gem sources --add URL')";

    public RegistryEndpoint? Find(string packageName) => found.Value;

    private static RegistryEndpoint? Read(UserEnvironment user)
    {
        var files = user.Variable("GEMRC") is { } named
            ? named.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(user.ExpandHome)
            : ["/etc/gemrc", Path.Combine(user.HomeDirectory, ".gemrc")];
        string? source = null, origin = null;
        foreach (var file in files)
            if (File.Exists(file) && Sources(File.ReadAllText(file)).FirstOrDefault() is { } first)
                (source, origin) = (first, file);
        if (source is null && user.Ask("gem", "sources") is { } listed)
            (source, origin) = (listed.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("http", StringComparison.Ordinal)), "gem sources");
        if (source is null)
            return null;
        return RegistryEndpoint.FromUrl(source, origin!)
            ?? throw new RegistryException($"the gem source '{source}' ({origin}) is not an http(s) URL: fix it with 'gem sources', or set Cucos:Registries:rubygems.");
    }

    /// <summary>The items of a gemrc's <c>:sources:</c> (YAML: a block list, or a flow list <c>[a, b]</c>).</summary>
    public static IReadOnlyList<string> Sources(string gemrc)
    {
        var lines = gemrc.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (!line.StartsWith(":sources:", StringComparison.Ordinal) && !line.StartsWith("sources:", StringComparison.Ordinal))
                continue;
            var rest = line[(line.IndexOf(':', 1) + 1)..].Trim();
            if (rest.StartsWith('['))
                return [.. rest.Trim('[', ']').Split(',').Select(Unquote).Where(s => s.Length > 0)];
            var items = new List<string>();
            for (var j = i + 1; j < lines.Length && lines[j].TrimStart().StartsWith('-'); j++)
                items.Add(Unquote(lines[j].TrimStart()[1..]));
            return items;
        }
        return [];
    }

    private static string Unquote(string value) => value.Trim().Trim('"', '\'').Trim();
}
