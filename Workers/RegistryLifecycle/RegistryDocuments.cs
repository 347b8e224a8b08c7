using System.Globalization;
using System.Text.Json;

namespace Cucos.Workers.RegistryLifecycle;

/// <summary>
/// Reads each registry's own document into a <see cref="ReleaseHistory"/>: pure, no I/O, so that the field names
/// each registry uses are tested on their own. A field of the wrong type is read as absent, not as an error: the
/// lifecycle is a report, and a registry that leaves a field out must not fail it.
/// </summary>
public static class RegistryDocuments
{
    /// <summary>
    /// npm's packument: <c>versions</c> (each version document's <c>deprecated</c> and <c>maintainers</c>),
    /// <c>time</c> (publication per version) and <c>dist-tags.latest</c>. npm has no yank and no unlisting: an
    /// unpublished version is gone from <c>versions</c> altogether.
    /// </summary>
    public static ReleaseHistory Npm(JsonElement packument, string registry)
    {
        var times = Object(packument, "time");
        var releases = new List<ReleaseEntry>();
        if (Object(packument, "versions") is { } versions)
            foreach (var version in versions.EnumerateObject())
            {
                var document = version.Value;
                var deprecated = String(document, "deprecated") is { Length: > 0 } message ? message : null;
                releases.Add(new ReleaseEntry(version.Name, times is { } t ? Time(String(t, version.Name)) : null,
                    DeprecationMessage: deprecated, Maintainers: People(document, "maintainers")));
            }
        var latest = Object(packument, "dist-tags") is { } tags ? String(tags, "latest") : null;
        return new ReleaseHistory(registry, releases, latest, ["yanked", "listed"]);
    }

    /// <summary>
    /// PyPI's project document: <c>releases</c> (each a list of files with <c>upload_time_iso_8601</c>,
    /// <c>yanked</c> and <c>yanked_reason</c>; a release is yanked when all its files are, PEP 592) and
    /// <c>info.version</c>, the latest. It names maintainers only for the latest release (<c>info</c>) and has no
    /// deprecation or unlisting.
    /// </summary>
    public static ReleaseHistory PyPi(JsonElement project, string registry)
    {
        var releases = new List<ReleaseEntry>();
        if (Object(project, "releases") is { } listed)
            foreach (var release in listed.EnumerateObject())
            {
                var files = release.Value.ValueKind == JsonValueKind.Array ? release.Value.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object).ToList() : [];
                var uploaded = files.Select(f => Time(String(f, "upload_time_iso_8601") ?? String(f, "upload_time"))).Where(t => t is not null).Min();
                var yanked = files.Count > 0 && files.All(f => Bool(f, "yanked") == true);
                var reason = yanked ? files.Select(f => String(f, "yanked_reason")).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r)) : null;
                releases.Add(new ReleaseEntry(release.Name, uploaded, yanked, reason));
            }
        var latest = Object(project, "info") is { } info ? String(info, "version") : null;
        return new ReleaseHistory(registry, releases, latest, ["deprecated", "listed", "maintainers"]);
    }

    /// <summary>
    /// NuGet's registration <c>catalogEntry</c>s: <c>version</c>, <c>listed</c>, <c>published</c>,
    /// <c>deprecation</c> (reasons and message) and <c>authors</c>. NuGet names no latest and has no yank (unlisting
    /// is its way of withdrawing a version); an unlisted version's <c>published</c> is the year 1900, read as unknown.
    /// </summary>
    public static ReleaseHistory NuGet(IEnumerable<JsonElement> catalogEntries, string registry)
    {
        var releases = new List<ReleaseEntry>();
        foreach (var entry in catalogEntries)
        {
            if (String(entry, "version") is not { } version)
                continue;
            var published = Time(String(entry, "published")) is { Year: > 1900 } at ? at : (DateTimeOffset?)null;
            string? deprecation = null;
            if (Object(entry, "deprecation") is { } deprecated)
            {
                var reasons = deprecated.TryGetProperty("reasons", out var r) && r.ValueKind == JsonValueKind.Array
                    ? string.Join(", ", r.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()))
                    : "";
                var message = String(deprecated, "message");
                deprecation = (reasons, message) switch
                {
                    ({ Length: > 0 }, { Length: > 0 }) => $"{reasons}: {message}",
                    ({ Length: > 0 }, _) => reasons,
                    (_, { Length: > 0 }) => message,
                    _ => "deprecated",
                };
            }
            var authors = entry.TryGetProperty("authors", out var a) ? a.ValueKind switch
            {
                JsonValueKind.String => a.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                JsonValueKind.Array => a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!.Trim()).ToArray(),
                _ => null,
            } : null;
            releases.Add(new ReleaseEntry(version, published, Listed: Bool(entry, "listed") ?? true, DeprecationMessage: deprecation,
                Maintainers: authors is { Length: > 0 } ? authors : null));
        }
        return new ReleaseHistory(registry, releases, null, ["yanked"]);
    }

    /// <summary>
    /// The crates web API's crate document: <c>versions</c> (<c>num</c>, <c>yanked</c>, <c>created_at</c> and the
    /// <c>published_by</c> user) and <c>crate.max_stable_version</c>. crates has no deprecation and no unlisting.
    /// </summary>
    public static ReleaseHistory Crates(JsonElement crate, string registry)
    {
        var releases = new List<ReleaseEntry>();
        if (crate.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array)
            foreach (var version in versions.EnumerateArray())
            {
                if (version.ValueKind != JsonValueKind.Object || String(version, "num") is not { } number)
                    continue;
                var publisher = Object(version, "published_by") is { } by ? String(by, "login") ?? String(by, "name") : null;
                releases.Add(new ReleaseEntry(number, Time(String(version, "created_at")), Bool(version, "yanked") == true,
                    Maintainers: publisher is null ? null : [publisher]));
            }
        var latest = Object(crate, "crate") is { } about ? String(about, "max_stable_version") : null;
        return new ReleaseHistory(registry, releases, latest, ["deprecated", "listed"]);
    }

    /// <summary>
    /// A Cargo sparse index file's lines: <c>vers</c> and <c>yanked</c> only. The index publishes no times, publishers
    /// or latest version, so the latest is derived and the cadence and maintainers stay empty.
    /// </summary>
    public static ReleaseHistory CratesIndex(IEnumerable<JsonElement> lines, string registry)
    {
        var releases = lines.Where(line => String(line, "vers") is not null)
            .Select(line => new ReleaseEntry(String(line, "vers")!, null, Bool(line, "yanked") == true))
            .ToList();
        return new ReleaseHistory(registry, releases, null, ["published", "maintainers", "deprecated", "listed"]);
    }

    /// <summary>npm's people: objects with a <c>name</c>, or "name &lt;email&gt;" strings; the names only (no addresses in results).</summary>
    private static List<string>? People(JsonElement document, string property)
    {
        if (!document.TryGetProperty(property, out var people) || people.ValueKind != JsonValueKind.Array)
            return null;
        var names = people.EnumerateArray().Select(person => person.ValueKind switch
        {
            JsonValueKind.Object => String(person, "name"),
            JsonValueKind.String => person.GetString()!.Split('<')[0].Trim(),
            _ => null,
        }).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return names.Count > 0 ? names : null;
    }

    private static JsonElement? Object(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool? Bool(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean() : null;

    /// <summary>An ISO 8601 time; PyPI's older <c>upload_time</c> has no zone and is UTC.</summary>
    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;
}
