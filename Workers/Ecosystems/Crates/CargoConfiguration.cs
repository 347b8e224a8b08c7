using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Registries;
using Tomlyn;
using Tomlyn.Model;

namespace Cucos.Workers.Ecosystems.Crates;

/// <summary>
/// Cargo's own configuration: source replacement of <c>crates-io</c> (<c>[source.crates-io] replace-with = "NAME"</c>
/// and <c>[source.NAME] registry = "sparse+https://..."</c>), from <c>.cargo/config.toml</c> (or <c>.cargo/config</c>)
/// in the working folder and every folder above it, then <c>$CARGO_HOME/config.toml</c> (<c>~/.cargo</c>); a nearer
/// file wins, as in Cargo. Also <c>CARGO_REGISTRIES_NAME_INDEX</c> for the replacement's index. Only sparse indexes
/// are read (a git index needs a clone); their <c>config.json</c> names the download and API URLs.
/// </summary>
public sealed class CargoConfiguration(UserEnvironment user) : INativeRegistryConfiguration
{
    private readonly Lazy<RegistryEndpoint?> found = new(() => Read(user));

    public string Ecosystem => "crates";

    public string Where => "[source.crates-io] replace-with and a sparse registry in ~/.cargo/config.toml";

    public RegistryEndpoint? Find(string packageName) => found.Value;

    private static RegistryEndpoint? Read(UserEnvironment user)
    {
        // Lowest precedence first: nearer files overwrite.
        var files = new List<string>();
        var cargoHome = user.Variable("CARGO_HOME") ?? Path.Combine(user.HomeDirectory, ".cargo");
        files.AddRange(Candidates(cargoHome));
        var folders = new List<string>();
        for (var folder = new DirectoryInfo(user.WorkingDirectory); folder is not null; folder = folder.Parent)
            folders.Add(Path.Combine(folder.FullName, ".cargo"));
        folders.Reverse();
        foreach (var folder in folders.Where(f => !string.Equals(f, cargoHome, StringComparison.Ordinal)))
            files.AddRange(Candidates(folder));

        var sources = new Dictionary<string, (string? ReplaceWith, string? Registry, string Origin)>(StringComparer.Ordinal);
        var registries = new Dictionary<string, (string Index, string Origin)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            TomlTable root;
            try
            {
                root = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(file)) ?? [];
            }
            catch (TomlException exception)
            {
                throw new RegistryException($"{file} is not valid TOML ({exception.Message}): fix it, or set Cucos:Registries:crates.", exception);
            }
            if (root.TryGetValue("source", out var sourceTable) && sourceTable is TomlTable sourceEntries)
                foreach (var (name, value) in sourceEntries)
                    if (value is TomlTable source)
                    {
                        var previous = sources.GetValueOrDefault(name);
                        sources[name] = (source.TryGetValue("replace-with", out var with) ? with as string : previous.ReplaceWith,
                            source.TryGetValue("registry", out var registry) ? registry as string : previous.Registry, file);
                    }
            if (root.TryGetValue("registries", out var registriesTable) && registriesTable is TomlTable registryEntries)
                foreach (var (name, value) in registryEntries)
                    if (value is TomlTable registry && registry.TryGetValue("index", out var index) && index is string indexUrl)
                        registries[name] = (indexUrl, file);
        }

        // Follow the replacement chain from crates-io (bounded: a loop in the configuration is an error, not a hang).
        var current = "crates-io";
        for (var hop = 0; hop < 10; hop++)
        {
            if (!sources.TryGetValue(current, out var source) || source.ReplaceWith is not { Length: > 0 } next)
            {
                if (current == "crates-io")
                    return null;
                if (sources.TryGetValue(current, out var replacement) && replacement.Registry is { } registryUrl)
                    return Index(registryUrl, replacement.Origin);
                var variable = $"CARGO_REGISTRIES_{current.ToUpperInvariant().Replace('-', '_')}_INDEX";
                if (user.Variable(variable) is { } fromEnvironment)
                    return Index(fromEnvironment, variable);
                if (registries.TryGetValue(current, out var named))
                    return Index(named.Index, named.Origin);
                throw new RegistryException(
                    $"Cargo's configuration replaces crates-io with '{current}' ({source.Origin}), but names no registry for it: add [source.{current}] registry = \"sparse+https://...\", or set Cucos:Registries:crates.");
            }
            current = next;
        }
        throw new RegistryException("Cargo's [source] replace-with entries go round in a loop: fix them, or set Cucos:Registries:crates.");
    }

    private static IEnumerable<string> Candidates(string folder)
    {
        var withExtension = Path.Combine(folder, "config.toml");
        var without = Path.Combine(folder, "config");
        if (File.Exists(withExtension))
            yield return withExtension;
        else if (File.Exists(without))
            yield return without;
    }

    private static RegistryEndpoint Index(string url, string origin)
    {
        if (!url.StartsWith("sparse+", StringComparison.Ordinal))
            throw new RegistryException(
                $"Cargo's registry '{url}' ({origin}) is a git index, which this version does not clone: use the registry's sparse index (sparse+https://...), or set Cucos:Registries:crates to its web API.");
        return RegistryEndpoint.FromUrl(url["sparse+".Length..], origin, RegistryProtocol.CargoSparseIndex)
            ?? throw new RegistryException($"Cargo's registry '{url}' ({origin}) is not an http(s) URL: fix it, or set Cucos:Registries:crates.");
    }
}
