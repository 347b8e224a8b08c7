using System.Text.Json;
using Cucos.Workers.Ecosystems.Npm;

namespace Cucos.Workers.SupplyChain;

/// <summary>
/// npm's registry document against the tarball: manifest confusion (what the registry says differs from the
/// package.json npm will run: scripts, dependencies, bin, name, version) and the release context (published
/// recently, another publisher than the previous version, install scripts added, a large jump in size).
/// </summary>
public static class RegistryChecks
{
    /// <summary>A release this recent is reported.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromDays(7);

    private static readonly string[] ComparedMaps = ["scripts", "dependencies", "optionalDependencies", "peerDependencies"];

    public static string Check(string metadataDirectory, string? manifestFullPath, string? manifestPath, DateTimeOffset now, List<SupplyChainSignal> signals)
    {
        var documentPath = Path.Combine(metadataDirectory, NpmRegistryDocument.FileName);
        if (!File.Exists(documentPath))
            return "no_registry_document";
        JsonDocument registry;
        try
        {
            registry = JsonDocument.Parse(File.ReadAllBytes(documentPath));
        }
        catch (JsonException)
        {
            return "no_registry_document";
        }
        using (registry)
        {
            var root = registry.RootElement;
            if (!root.TryGetProperty("document", out var published) || published.ValueKind != JsonValueKind.Object)
                return "no_registry_document";
            if (manifestFullPath is not null && File.Exists(manifestFullPath))
            {
                try
                {
                    using var tarball = JsonDocument.Parse(File.ReadAllBytes(manifestFullPath));
                    if (tarball.RootElement.ValueKind == JsonValueKind.Object)
                        CompareManifests(published, tarball.RootElement, manifestPath, signals);
                }
                catch (JsonException)
                {
                    // metadata reports an unreadable package.json; nothing to compare.
                }
            }
            ReleaseContext(root, published, now, signals);
        }
        return "compared";
    }

    private static void CompareManifests(JsonElement registry, JsonElement tarball, string? path, List<SupplyChainSignal> signals)
    {
        foreach (var field in new[] { "name", "version" })
        {
            var a = Text(registry, field);
            var b = Text(tarball, field);
            if (a != b)
                signals.Add(Confusion(path, field, $"the registry says {field} '{a}', the tarball's package.json '{b}'"));
        }
        foreach (var field in ComparedMaps)
        {
            var a = Map(registry, field);
            var b = Map(tarball, field);
            foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
            {
                a.TryGetValue(key, out var left);
                b.TryGetValue(key, out var right);
                // npm publish itself adds this install script for a package with binding.gyp and none of its own.
                if (left == right || field == "scripts" && key == "install" && right is null && left == "node-gyp rebuild")
                    continue;
                var what = left is null ? $"only the tarball has {field}.{key} = '{right}'"
                    : right is null ? $"only the registry has {field}.{key} = '{left}'"
                    : $"{field}.{key} is '{left}' in the registry, '{right}' in the tarball";
                signals.Add(Confusion(path, field, what));
            }
        }
        var binA = Bin(registry);
        var binB = Bin(tarball);
        if (!binA.OrderBy(p => p.Key).SequenceEqual(binB.OrderBy(p => p.Key)))
            signals.Add(Confusion(path, "bin", $"bin differs: registry [{string.Join(", ", binA.Select(p => p.Key + "=" + p.Value))}], tarball [{string.Join(", ", binB.Select(p => p.Key + "=" + p.Value))}]"));
    }

    private static SupplyChainSignal Confusion(string? path, string field, string what) =>
        new(Families.ManifestConfusion, "npm.manifest_" + field, field == "scripts" || field == "dependencies" ? Severity.High : Severity.Medium,
            path, null, what.Length <= 120 ? what : what[..120], "manifest confusion: " + what, field == "scripts");

    private static void ReleaseContext(JsonElement root, JsonElement published, DateTimeOffset now, List<SupplyChainSignal> signals)
    {
        var version = Text(root, "version");
        if (Text(root, "published") is { } time && DateTimeOffset.TryParse(time, out var at) && now - at < Recent && now >= at)
            signals.Add(new SupplyChainSignal(Families.ReleaseContext, "npm.recent_release", Severity.Low, null, null, time,
                $"{version} was published {(int)(now - at).TotalDays} day(s) ago: too new for others to have looked at it", false));
        if (!root.TryGetProperty("previous", out var previous) || previous.ValueKind != JsonValueKind.Object)
            return;
        var previousVersion = Text(root, "previous_version");
        var publisher = Publisher(published);
        var previousPublisher = Publisher(previous);
        if (publisher is not null && previousPublisher is not null && publisher != previousPublisher)
            signals.Add(new SupplyChainSignal(Families.ReleaseContext, "npm.publisher_changed", Severity.Medium, null, null,
                $"{previousPublisher} -> {publisher}", $"published by {publisher}, while {previousVersion} was published by {previousPublisher}", false));
        var hooks = InstallHooks.NpmHookNames.Where(h => Map(published, "scripts").ContainsKey(h)).ToArray();
        var before = InstallHooks.NpmHookNames.Where(h => Map(previous, "scripts").ContainsKey(h)).ToHashSet(StringComparer.Ordinal);
        foreach (var hook in hooks.Where(h => !before.Contains(h)))
            signals.Add(new SupplyChainSignal(Families.ReleaseContext, "npm.install_script_added", Severity.Medium, null, null,
                $"\"{hook}\": \"{Map(published, "scripts")[hook]}\"", $"the '{hook}' script is new in {version}: {previousVersion} had none", true));
        var size = UnpackedSize(published);
        var previousSize = UnpackedSize(previous);
        if (size is > 0 && previousSize is > 0 && size > 5 * previousSize && size - previousSize > 512 * 1024)
            signals.Add(new SupplyChainSignal(Families.ReleaseContext, "npm.size_jump", Severity.Low, null, null, $"{previousSize:N0} -> {size:N0} bytes",
                $"{version} unpacks to {size / (double)previousSize:0.#} times the size of {previousVersion}", false));
    }

    private static string? Publisher(JsonElement document) =>
        document.TryGetProperty("_npmUser", out var user) && user.ValueKind == JsonValueKind.Object ? Text(user, "name") : null;

    private static long? UnpackedSize(JsonElement document) =>
        document.TryGetProperty("dist", out var dist) && dist.ValueKind == JsonValueKind.Object
        && dist.TryGetProperty("unpackedSize", out var size) && size.ValueKind == JsonValueKind.Number ? size.GetInt64() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string> Map(JsonElement element, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
            foreach (var property in value.EnumerateObject())
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        return map;
    }

    // bin is a path (named after the package) or a map of command -> path; paths compared without a leading "./".
    private static Dictionary<string, string> Bin(JsonElement element)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!element.TryGetProperty("bin", out var bin))
            return map;
        if (bin.ValueKind == JsonValueKind.String)
            map[(Text(element, "name") ?? "").Split('/')[^1]] = Normalise(bin.GetString()!);
        else if (bin.ValueKind == JsonValueKind.Object)
            foreach (var property in bin.EnumerateObject())
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? Normalise(property.Value.GetString()!) : property.Value.GetRawText();
        return map;
    }

    private static string Normalise(string path) => path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
}
