using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Go;

/// <summary>
/// Go's own settings: <c>GOPROXY</c>, <c>GOPRIVATE</c>, <c>GONOPROXY</c> from the environment, else from Go's
/// environment file (<c>$GOENV</c>, else <c>~/.config/go/env</c>, written by <c>go env -w</c>), else from
/// <c>go env</c> when Go is installed (it knows Go's defaults). The first proxy URL of the <c>GOPROXY</c> list is used;
/// a module that <c>GOPRIVATE</c>/<c>GONOPROXY</c> match, or a list that says only <c>direct</c> or <c>off</c>, is
/// refused with the reason, since this version fetches from proxies, not from version control.
/// </summary>
public sealed class GoConfiguration(UserEnvironment user) : INativeRegistryConfiguration
{
    private readonly Lazy<IReadOnlyDictionary<string, string>> settings = new(() => Read(user));

    public string Ecosystem => "go";

    public string Where => "GOPROXY (environment, or 'go env -w GOPROXY=URL')";

    public RegistryEndpoint? Find(string packageName)
    {
        if (!settings.Value.TryGetValue("GOPROXY", out var list) || list.Length == 0)
            return null;
        var origin = settings.Value.TryGetValue("origin", out var from) ? from : "GOPROXY";
        var noProxy = settings.Value.GetValueOrDefault("GONOPROXY") is { Length: > 0 } explicitNoProxy ? explicitNoProxy : settings.Value.GetValueOrDefault("GOPRIVATE") ?? "";
        if (packageName.Length > 0 && MatchesAny(noProxy, packageName))
            throw new RegistryException(
                $"{packageName} is private by GOPRIVATE/GONOPROXY ('{noProxy}', {origin}), so Go would fetch it from version control, which this version does not do: serve it through a module proxy and set Cucos:Registries:go to it.");
        foreach (var entry in list.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry is "direct" or "off")
                break;
            return RegistryEndpoint.FromUrl(entry, origin)
                ?? throw new RegistryException($"GOPROXY names '{entry}' ({origin}), which is not an http(s) URL: fix it, or set Cucos:Registries:go.");
        }
        throw new RegistryException(
            $"GOPROXY is '{list}' ({origin}): it names no module proxy before 'direct' or 'off', and this version fetches only from proxies: put a proxy URL first, or set Cucos:Registries:go.");
    }

    private static Dictionary<string, string> Read(UserEnvironment user)
    {
        string[] keys = ["GOPROXY", "GOPRIVATE", "GONOPROXY"];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var envFile = user.Variable("GOENV") is { } named ? user.ExpandHome(named)
            : Path.Combine(user.Variable("XDG_CONFIG_HOME") ?? Path.Combine(user.HomeDirectory, ".config"), "go", "env");
        if (envFile != "off" && File.Exists(envFile))
            foreach (var line in File.ReadAllLines(envFile))
                if (line.IndexOf('=') is > 0 and var equals && keys.Contains(line[..equals].Trim()))
                {
                    values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
                    values["origin"] = envFile;
                }
        foreach (var key in keys)
            if (user.Variable(key) is { } value)
            {
                values[key] = value;
                if (key == "GOPROXY")
                    values["origin"] = "the GOPROXY environment variable";
            }
        if (!values.ContainsKey("GOPROXY") && user.Ask("go", "env", "GOPROXY", "GOPRIVATE", "GONOPROXY") is { } answer)
        {
            var lines = answer.Split('\n');
            for (var i = 0; i < keys.Length && i < lines.Length; i++)
                if (lines[i].Trim() is { Length: > 0 } value && !values.ContainsKey(keys[i]))
                    values[keys[i]] = value;
            values["origin"] = "go env GOPROXY";
        }
        return values;
    }

    /// <summary>
    /// Go's module path patterns (<c>GOPRIVATE=*.corp.example,example.org/private</c>): each pattern, a glob of
    /// slash-separated elements, matches a module whose path begins with as many elements matching it.
    /// </summary>
    public static bool MatchesAny(string patterns, string modulePath)
    {
        var elements = modulePath.Split('/');
        foreach (var pattern in patterns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pattern.TrimEnd('/').Split('/');
            if (parts.Length <= elements.Length && parts.Select((part, i) => Glob(part, elements[i])).All(match => match))
                return true;
        }
        return false;
    }

    /// <summary>One element's glob: <c>*</c> any run of characters, <c>?</c> one, anything else itself.</summary>
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        if (pattern.IsEmpty)
            return text.IsEmpty;
        if (pattern[0] == '*')
        {
            for (var skip = 0; skip <= text.Length; skip++)
                if (Glob(pattern[1..], text[skip..]))
                    return true;
            return false;
        }
        return !text.IsEmpty && (pattern[0] == '?' || pattern[0] == text[0]) && Glob(pattern[1..], text[1..]);
    }
}
