using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>
/// Where npm's configuration is read from: the project's .npmrc (in the nearest folder above the working folder
/// that has a package.json or node_modules), the user's (<c>NPM_CONFIG_USERCONFIG</c>, else <c>~/.npmrc</c>), and
/// <c>npm_config_*</c> environment variables, which win. With no registry in any of them, <c>npm config get
/// registry</c> answers when npm is installed (it knows the global npmrc and npm's own default).
/// </summary>
public sealed record NpmConfigSource(string WorkingDirectory, string HomeDirectory, IReadOnlyDictionary<string, string> Environment, bool AskNpm)
{
    public static NpmConfigSource CurrentUser() => new(
        System.Environment.CurrentDirectory,
        System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal),
        AskNpm: true);

    // npm's own answer takes a process start (seconds); the files are re-read on every load, npm is asked once.
    private readonly Lazy<string?> npmRegistry = new(() => AskNpmForRegistry(WorkingDirectory));

    public NpmConfig Load()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<string>();
        // Lowest precedence first: later sources overwrite.
        var userConfig = EnvironmentValue("userconfig") ?? Path.Combine(HomeDirectory, ".npmrc");
        foreach (var file in new[] { userConfig, Path.Combine(ProjectRoot(), ".npmrc") }.Distinct())
            if (File.Exists(file))
            {
                files.Add(file);
                foreach (var (key, value) in NpmConfig.ParseIni(File.ReadAllText(file), Environment))
                    values[key] = value;
            }
        foreach (var (key, value) in Environment)
            if (key.StartsWith("npm_config_", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
                values[key["npm_config_".Length..].ToLowerInvariant().Replace('_', '-')] = value;
        if (!values.ContainsKey("registry") && AskNpm && npmRegistry.Value is { } registry)
            values["registry"] = registry;
        return new NpmConfig(values, files);
    }

    private string? EnvironmentValue(string key) =>
        Environment.FirstOrDefault(e => e.Key.Equals("npm_config_" + key, StringComparison.OrdinalIgnoreCase) && e.Value.Length > 0).Value;

    private string ProjectRoot()
    {
        for (var folder = new DirectoryInfo(WorkingDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "package.json")) || Directory.Exists(Path.Combine(folder.FullName, "node_modules")))
                return folder.FullName;
        return WorkingDirectory;
    }

    private static string? AskNpmForRegistry(string workingDirectory)
    {
        try
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", ["config", "get", "registry"])
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (npm is null)
                return null;
            var output = npm.StandardOutput.ReadToEndAsync();
            _ = npm.StandardError.ReadToEndAsync(); // drained so a chatty npm cannot block on a full pipe
            if (!npm.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                npm.Kill();
                return null;
            }
            var registry = output.Result.Trim();
            return npm.ExitCode == 0 && Uri.IsWellFormedUriString(registry, UriKind.Absolute) ? registry : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // npm is not installed
        }
    }
}

/// <summary>npm's merged configuration: the registry of a package (scoped registries first) and the credentials for a URL.</summary>
public sealed partial class NpmConfig(IReadOnlyDictionary<string, string> values, IReadOnlyList<string> files)
{
    public IReadOnlyList<string> Files { get; } = files;

    /// <summary>The registry <paramref name="packageName"/> is fetched from: its scope's <c>@scope:registry</c>, else <c>registry</c>.</summary>
    public Uri RegistryFor(string packageName)
    {
        var scope = packageName.StartsWith('@') && packageName.IndexOf('/') is > 0 and var slash ? packageName[..slash] : null;
        var key = scope is not null && values.ContainsKey(scope + ":registry") ? scope + ":registry" : "registry";
        if (!values.TryGetValue(key, out var registry))
            throw new RegistryException(
                "no npm registry is configured: set 'registry=URL' in ~/.npmrc (or the project's .npmrc, or NPM_CONFIG_REGISTRY), or install npm so 'npm config get registry' can answer.");
        if (!Uri.TryCreate(registry.EndsWith('/') ? registry : registry + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new RegistryException($"the npm setting '{key}' is '{registry}', which is not an http(s) URL: fix it in your .npmrc.");
        return url;
    }

    /// <summary>
    /// The credentials npm would send to <paramref name="url"/>: the settings of the longest <c>//host/path/</c>
    /// prefix of the URL that has <c>_authToken</c>, <c>_auth</c>, or <c>username</c> with <c>_password</c>.
    /// </summary>
    public AuthenticationHeaderValue? AuthFor(Uri url)
    {
        var path = url.AbsolutePath;
        var folder = path.EndsWith('/') ? path : path[..(path.LastIndexOf('/') + 1)];
        while (true)
        {
            var prefix = $"//{url.Authority}{folder}:";
            if (values.TryGetValue(prefix + "_authToken", out var token))
                return new AuthenticationHeaderValue("Bearer", token);
            if (values.TryGetValue(prefix + "_auth", out var basic))
                return new AuthenticationHeaderValue("Basic", basic);
            if (values.TryGetValue(prefix + "username", out var user) && values.TryGetValue(prefix + "_password", out var password64))
            {
                var password = Encoding.UTF8.GetString(Convert.FromBase64String(password64));
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            }
            if (folder == "/")
                return null;
            folder = folder[..(folder.LastIndexOf('/', folder.Length - 2) + 1)];
        }
    }

    /// <summary>The <c>key=value</c> lines of an .npmrc, with <c>${VAR}</c> taken from the environment; comments and sections ignored.</summary>
    public static IEnumerable<(string Key, string Value)> ParseIni(string text, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is ';' or '#' or '[')
                continue;
            var equals = line.IndexOf('=');
            if (equals <= 0)
                continue;
            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
                value = value[1..^1];
            value = Variable().Replace(value, m => environment.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
            yield return (Variable().Replace(key, m => environment.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value), value);
        }
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Variable();
}
