using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>
/// The registry's own word on a fetched version, kept by init in the metadata folder as
/// <see cref="FileName"/>: the version document of the packument (what <c>npm install</c> acts on: scripts,
/// dependencies, bin), the version published just before it, and both publication times. supply_chain compares it
/// with the tarball's <c>package.json</c> (manifest confusion) and reads the release context from it.
/// </summary>
public static class NpmRegistryDocument
{
    public const string FileName = "npm-registry-version.json";

    public static void Write(string metadataDirectory, JsonElement packument, string version)
    {
        if (!packument.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Object
            || !versions.TryGetProperty(version, out var document))
            return;
        var times = packument.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        string? TimeOf(string v) => times.ValueKind == JsonValueKind.Object && times.TryGetProperty(v, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var published = TimeOf(version) is { } p && DateTimeOffset.TryParse(p, out var at) ? at : (DateTimeOffset?)null;
        // The version published last before this one, by the packument's times.
        string? previous = null;
        DateTimeOffset? previousAt = null;
        if (published is not null)
            foreach (var other in versions.EnumerateObject())
                if (other.Name != version && TimeOf(other.Name) is { } text && DateTimeOffset.TryParse(text, out var when)
                    && when < published && (previousAt is null || when > previousAt))
                    (previous, previousAt) = (other.Name, when);
        var kept = new JsonObject
        {
            ["name"] = packument.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            ["version"] = version,
            ["published"] = TimeOf(version),
            ["document"] = JsonNode.Parse(document.GetRawText()),
            ["previous_version"] = previous,
            ["previous_published"] = previous is null ? null : TimeOf(previous),
            ["previous"] = previous is null ? null : JsonNode.Parse(versions.GetProperty(previous).GetRawText()),
        };
        Directory.CreateDirectory(metadataDirectory);
        File.WriteAllText(Path.Combine(metadataDirectory, FileName), kept.ToJsonString());
    }
}
