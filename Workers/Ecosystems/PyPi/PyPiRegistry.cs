using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Init;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// PyPI's JSON API at the configured base URL (<c>Cucos:Registries:pypi</c>): <c>pypi/NAME/json</c> lists the
/// releases, <c>pypi/NAME/VERSION/json</c> the files of one. The sdist is fetched when there is one, else a wheel
/// (a pure-Python one first); its sha256 is verified. An index of the Simple Repository API (what pip's
/// <c>index-url</c> names, <see cref="PipConfiguration"/>, or a <c>Cucos:Registries:pypi</c> ending in <c>/simple</c>)
/// is read as pip reads it: <c>INDEX/NAME/</c> with the name normalised (PEP 503), asking for PEP 691's JSON and
/// taking PEP 503's HTML when that is what the index serves; the versions come from the file names.
/// </summary>
public sealed partial class PyPiRegistry(RegistryHttp http, RegistrySettings settings) : IPackageArtifactSource
{
    public string Ecosystem => "pypi";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (baseUrl, registry) = Registry(name);
        if (Simple(name) is { } index)
        {
            var (listed, files) = await SimpleProjectAsync(index, name, null, registry, cancellationToken).ConfigureAwait(false);
            return listed ?? [.. files.Select(f => f.Version).Where(v => v is not null).Select(v => v!).Distinct()];
        }
        using var document = await http.GetJsonAsync(new Uri(baseUrl, $"pypi/{name}/json"), null,
            () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
        return document.RootElement.TryGetProperty("releases", out var releases) && releases.ValueKind == JsonValueKind.Object
            ? [.. releases.EnumerateObject().Select(r => r.Name)]
            : [];
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var (baseUrl, registry) = Registry(name);
        Exception NotFound() => new PackageNotFoundException(Ecosystem, name, version, registry);
        if (Simple(name) is { } index)
            return await FetchFromSimpleIndexAsync(index, name, version, artifactDirectory, registry, NotFound, cancellationToken).ConfigureAwait(false);
        var documentUrl = new Uri(baseUrl, $"pypi/{name}/{Uri.EscapeDataString(version)}/json");
        using var document = await http.GetJsonAsync(documentUrl, null, NotFound, cancellationToken).ConfigureAwait(false);
        var files = document.RootElement.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array
            ? urls.EnumerateArray().Select(file => Describe(file, documentUrl)).Where(f => f is not null && ArchiveFormats.FromFileName(f.FileName) is not null).ToList()
            : [];
        var chosen = files.FirstOrDefault(f => f!.Type == "sdist")
            ?? files.Where(f => f!.Type == "bdist_wheel").OrderByDescending(f => f!.FileName.EndsWith("-none-any.whl", StringComparison.Ordinal)).FirstOrDefault()
            ?? throw new RegistryException($"{registry} has {name} {version} but no sdist or wheel in a format this version reads.");
        var file = await http.DownloadAsync(chosen.Type, chosen.Url, null, artifactDirectory, chosen.FileName, NotFound, cancellationToken).ConfigureAwait(false);
        if (chosen.HasSha256)
            file = RegistryHttp.Verify(file, "sha256", chosen.Sha256, registry);
        return new FetchedPackage(registry, file, []);
    }

    /// <summary>
    /// The project's JSON document (<c>pypi/NAME/json</c>: <c>info</c>, and every release's files with their upload
    /// times and <c>yanked</c>/<c>yanked_reason</c>) and the registry described for messages; null when the configured
    /// index speaks only the Simple Repository API, which has no such document. The caller disposes it.
    /// </summary>
    public async Task<(JsonDocument Project, string Registry)?> GetProjectDocumentAsync(string name, CancellationToken cancellationToken)
    {
        var (baseUrl, registry) = Registry(name);
        if (Simple(name) is not null)
            return null;
        var document = await http.GetJsonAsync(new Uri(baseUrl, $"pypi/{name}/json"), null,
            () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
        return (document, registry);
    }

    /// <summary>
    /// The author and maintainer one release's own document (<c>pypi/NAME/VERSION/json</c>, its <c>info</c>) names,
    /// without e-mail addresses; null when it names neither or the registry no longer serves that release.
    /// </summary>
    public async Task<IReadOnlyList<string>?> GetReleasePeopleAsync(string name, string version, CancellationToken cancellationToken)
    {
        var (baseUrl, registry) = Registry(name);
        JsonDocument document;
        try
        {
            document = await http.GetJsonAsync(new Uri(baseUrl, $"pypi/{name}/{Uri.EscapeDataString(version)}/json"), null,
                () => new PackageNotFoundException(Ecosystem, name, version, registry), cancellationToken).ConfigureAwait(false);
        }
        catch (PackageNotFoundException)
        {
            return null;
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("info", out var info) || info.ValueKind != JsonValueKind.Object)
                return null;
            var people = PeopleFields
                .Select(field => info.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)
                .SelectMany(text => (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(person => person.Split('<')[0].Trim())
                .Where(person => person.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
            return people.Count > 0 ? people : null;
        }
    }

    private static readonly string[] PeopleFields = ["author", "maintainer"];

    /// <summary>The configured index as messages name it, for a caller that reports why it did not ask.</summary>
    public string Describe(string name) => Registry(name).Registry;

    /// <param name="HasSha256">Whether the registry gives an sha256 at all: an empty one is refused, not skipped.</param>
    private sealed record ReleaseFile(string Type, string FileName, Uri Url, bool HasSha256, string? Sha256);

    /// <summary>A file of the release; its URL may be relative to the document.</summary>
    private ReleaseFile? Describe(JsonElement file, Uri documentUrl) =>
        file.TryGetProperty("packagetype", out var type) && file.TryGetProperty("filename", out var fileName)
        && file.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && http.Resolve(documentUrl, url.GetString()) is { } uri
            ? file.TryGetProperty("digests", out var digests) && digests.ValueKind == JsonValueKind.Object
              && digests.TryGetProperty("sha256", out var sha) && sha.ValueKind == JsonValueKind.String
                ? new ReleaseFile(type.GetString() ?? "", fileName.GetString() ?? "", uri, true, sha.GetString())
                : new ReleaseFile(type.GetString() ?? "", fileName.GetString() ?? "", uri, false, null)
            : null;

    private (Uri BaseUrl, string Registry) Registry(string name)
    {
        if (!ProjectName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid PyPI project name: use letters, digits, '.', '_' and '-'.");
        var endpoint = settings.Endpoint(Ecosystem, "PyPI", name);
        return (endpoint.BaseUrl, endpoint.Protocol == RegistryProtocol.PythonSimpleIndex
            ? $"the Python package index at {RegistryHttp.Show(endpoint.BaseUrl)}"
            : $"PyPI at {RegistryHttp.Show(endpoint.BaseUrl)}");
    }

    private RegistryEndpoint? Simple(string name) =>
        settings.Endpoint(Ecosystem, "PyPI", name) is { Protocol: RegistryProtocol.PythonSimpleIndex } endpoint ? endpoint : null;

    /// <summary>One file of a Simple API project page, with the version its name carries (null when it cannot be read).</summary>
    private sealed record IndexFile(string FileName, Uri Url, string? Sha256, string? Version);

    // PEP 691 first; PEP 503 HTML for indexes that only serve that (pip sends the same preference).
    private const string SimpleAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

    private async Task<(IReadOnlyList<string>? Versions, IReadOnlyList<IndexFile> Files)> SimpleProjectAsync(
        RegistryEndpoint index, string name, string? version, string registry, CancellationToken cancellationToken)
    {
        var page = new Uri(index.BaseUrl, NormalisedName(name) + "/");
        var (text, mediaType, finalUrl) = await http.GetDocumentAsync(page, index.Credentials,
            () => new PackageNotFoundException(Ecosystem, name, version, registry), cancellationToken, SimpleAccept).ConfigureAwait(false);
        var files = new List<IndexFile>();
        IReadOnlyList<string>? versions = null;
        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException exception)
            {
                throw new RegistryException($"{RegistryHttp.Show(page)} did not answer with valid JSON ({exception.Message}): is the index URL in your configuration right?", exception);
            }
            using (document)
            {
                if (document.RootElement.TryGetProperty("versions", out var listed) && listed.ValueKind == JsonValueKind.Array)
                    versions = [.. listed.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)];
                if (document.RootElement.TryGetProperty("files", out var entries) && entries.ValueKind == JsonValueKind.Array)
                    foreach (var entry in entries.EnumerateArray())
                        if (entry.TryGetProperty("filename", out var fileName) && fileName.ValueKind == JsonValueKind.String
                            && entry.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                            && http.Resolve(finalUrl, url.GetString()) is { } resolved)
                        {
                            var sha256 = entry.TryGetProperty("hashes", out var hashes) && hashes.ValueKind == JsonValueKind.Object
                                && hashes.TryGetProperty("sha256", out var sha) && sha.ValueKind == JsonValueKind.String ? sha.GetString() : null;
                            files.Add(File(fileName.GetString()!, resolved, sha256));
                        }
            }
        }
        else
            foreach (Match anchor in Anchor().Matches(text))
                if (http.Resolve(finalUrl, WebUtility.HtmlDecode(anchor.Groups["href"].Value)) is { } resolved)
                {
                    var sha256 = resolved.Fragment.StartsWith("#sha256=", StringComparison.Ordinal) ? resolved.Fragment["#sha256=".Length..] : null;
                    files.Add(File(WebUtility.HtmlDecode(anchor.Groups["text"].Value).Trim(), resolved, sha256));
                }
        return (versions, files);

        IndexFile File(string fileName, Uri url, string? sha256) =>
            new(fileName, new UriBuilder(url) { Fragment = "" }.Uri, sha256, VersionOf(fileName, name));
    }

    private async Task<FetchedPackage> FetchFromSimpleIndexAsync(RegistryEndpoint index, string name, string version, string artifactDirectory,
        string registry, Func<Exception> notFound, CancellationToken cancellationToken)
    {
        var (_, files) = await SimpleProjectAsync(index, name, version, registry, cancellationToken).ConfigureAwait(false);
        var candidates = files.Where(f => f.Version == version && ArchiveFormats.FromFileName(f.FileName) is not null).ToList();
        if (candidates.Count == 0)
            throw files.Any(f => f.Version == version)
                ? new RegistryException($"{registry} has {name} {version} but no sdist or wheel in a format this version reads.")
                : notFound();
        var chosen = candidates.FirstOrDefault(f => !f.FileName.EndsWith(".whl", StringComparison.Ordinal))
            ?? candidates.OrderByDescending(f => f.FileName.EndsWith("-none-any.whl", StringComparison.Ordinal)).First();
        var kind = chosen.FileName.EndsWith(".whl", StringComparison.Ordinal) ? "bdist_wheel" : "sdist";
        // Credentials go to the index's host only; the download is checked against the index's digest.
        var file = await http.DownloadAsync(kind, chosen.Url, chosen.Url.Authority == index.BaseUrl.Authority ? index.Credentials : null,
            artifactDirectory, chosen.FileName, notFound, cancellationToken).ConfigureAwait(false);
        if (chosen.Sha256 is not null)
            file = RegistryHttp.Verify(file, "sha256", chosen.Sha256, registry);
        return new FetchedPackage(registry, file, []);
    }

    /// <summary>PEP 503's normalised project name: lower case, every run of '-', '_' and '.' one '-'.</summary>
    public static string NormalisedName(string name) => Separators().Replace(name, "-").ToLowerInvariant();

    /// <summary>
    /// The version a distribution's file name carries: a wheel's second dash-separated field, an sdist's text after the
    /// project name and its dash; null when the name is not of <paramref name="project"/>.
    /// </summary>
    public static string? VersionOf(string fileName, string project)
    {
        var normalised = NormalisedName(project);
        if (fileName.EndsWith(".whl", StringComparison.Ordinal))
        {
            var parts = fileName[..^4].Split('-');
            return parts.Length >= 5 && NormalisedName(parts[0]) == normalised ? parts[1] : null;
        }
        foreach (var extension in new[] { ".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar" })
            if (fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                var stem = fileName[..^extension.Length];
                // The project part may itself contain dashes: match it by its normalised length, then a dash.
                for (var dash = stem.IndexOf('-'); dash > 0; dash = stem.IndexOf('-', dash + 1))
                    if (NormalisedName(stem[..dash]) == normalised)
                        return stem[(dash + 1)..];
                return null;
            }
        return null;
    }

    [GeneratedRegex(@"[-_.]+")]
    private static partial Regex Separators();

    [GeneratedRegex(@"<a\s[^>]*?href\s*=\s*[""'](?<href>[^""']*)[""'][^>]*>(?<text>[^<]*)</a>", RegexOptions.IgnoreCase)]
    private static partial Regex Anchor();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")]
    private static partial Regex ProjectName();
}
