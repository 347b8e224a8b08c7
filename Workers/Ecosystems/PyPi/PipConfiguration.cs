using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// pip's own configuration: <c>PIP_INDEX_URL</c>, else <c>index-url</c> from pip's configuration files in pip's order
/// (global <c>/etc/xdg/pip/pip.conf</c> and <c>/etc/pip.conf</c>, user <c>~/.pip/pip.conf</c> and
/// <c>~/.config/pip/pip.conf</c>, site <c>$VIRTUAL_ENV/pip.conf</c>, then <c>PIP_CONFIG_FILE</c>; a later file wins,
/// and in a file the <c>[download]</c> and <c>[install]</c> sections win over <c>[global]</c>). With none of them,
/// an installed pip is asked for the index it would use. The index is a Simple Repository API index (PEP 503/691).
/// </summary>
public sealed class PipConfiguration(UserEnvironment user) : INativeRegistryConfiguration
{
    private readonly Lazy<RegistryEndpoint?> found = new(() => Read(user));

    public string Ecosystem => "pypi";

    public string Where => "index-url in pip.conf (~/.config/pip/pip.conf) or PIP_INDEX_URL";

    public RegistryEndpoint? Find(string packageName) => found.Value;

    private static RegistryEndpoint? Read(UserEnvironment user)
    {
        if (user.Variable("PIP_INDEX_URL") is { } fromEnvironment)
            return Endpoint(fromEnvironment, "PIP_INDEX_URL");
        string? value = null, origin = null;
        foreach (var file in Files(user))
        {
            if (!File.Exists(file))
                continue;
            if (IndexUrl(File.ReadAllText(file)) is { } inFile)
                (value, origin) = (inFile, file);
        }
        if (value is not null)
            return Endpoint(value, origin!);
        // pip knows its own default and the files of other layouts; asked only when nothing above says anything.
        if (user.Ask("python3", "-m", "pip", "config", "get", "global.index-url")?.Trim() is { Length: > 0 } configured)
            return Endpoint(configured, "pip config get global.index-url");
        if (user.Ask("python3", "-c", "from pip._internal.models.index import PyPI; print(PyPI.simple_url)")?.Trim() is { Length: > 0 } builtIn)
            return Endpoint(builtIn, "pip's default index (pip is installed)");
        return null;
    }

    private static RegistryEndpoint Endpoint(string url, string origin) =>
        RegistryEndpoint.FromUrl(url, origin, RegistryProtocol.PythonSimpleIndex)
        ?? throw new RegistryException($"pip's index-url is '{url}' ({origin}), which is not an http(s) URL: fix it there, or set Cucos:Registries:pypi.");

    private static IEnumerable<string> Files(UserEnvironment user)
    {
        foreach (var folder in (user.Variable("XDG_CONFIG_DIRS") ?? "/etc/xdg").Split(':', StringSplitOptions.RemoveEmptyEntries).Reverse())
            yield return Path.Combine(folder, "pip", "pip.conf");
        yield return "/etc/pip.conf";
        yield return Path.Combine(user.HomeDirectory, ".pip", "pip.conf");
        yield return Path.Combine(user.Variable("XDG_CONFIG_HOME") ?? Path.Combine(user.HomeDirectory, ".config"), "pip", "pip.conf");
        if (user.Variable("VIRTUAL_ENV") is { } venv)
            yield return Path.Combine(venv, "pip.conf");
        if (user.Variable("PIP_CONFIG_FILE") is { } named && named != "/dev/null")
            yield return user.ExpandHome(named);
    }

    /// <summary><c>index-url</c> (or <c>index_url</c>) of an INI file: <c>[download]</c>, then <c>[install]</c>, then <c>[global]</c>.</summary>
    public static string? IndexUrl(string ini)
    {
        var bySection = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var section = "";
        foreach (var raw in ini.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            if (line[0] == '[' && line.EndsWith(']'))
            {
                section = line[1..^1].Trim();
                continue;
            }
            // INI as Python's configparser reads it: "key = value" or "key: value"; a key holds neither character.
            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
                continue;
            var key = line[..separator].Trim().Replace('_', '-');
            if (key == "index-url")
                bySection[section] = line[(separator + 1)..].Trim();
        }
        return bySection.GetValueOrDefault("download") ?? bySection.GetValueOrDefault("install") ?? bySection.GetValueOrDefault("global");
    }
}
