using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;
using NuGet.Configuration;

namespace Cucos.Workers.Ecosystems.Nuget;

/// <summary>Which NuGet.Config files are read: NuGet's default chain from a folder, or one given file.</summary>
public sealed record NuGetConfigSource(string Root, string? ConfigFile = null)
{
    public static NuGetConfigSource CurrentUser() => new(Environment.CurrentDirectory);

    /// <summary>The enabled HTTP package sources of protocol version 3 (a service index), in the configuration's order.</summary>
    public IReadOnlyList<PackageSource> Load()
    {
        var settings = ConfigFile is null ? Settings.LoadDefaultSettings(Root) : Settings.LoadSpecificSettings(Root, ConfigFile);
        return [.. new PackageSourceProvider(settings).LoadPackageSources()
            .Where(s => s.IsEnabled && s.IsHttp && s.Source.EndsWith(".json", StringComparison.OrdinalIgnoreCase))];
    }
}

/// <summary>
/// NuGet v3: each enabled source's service index gives its <c>PackageBaseAddress</c> (the flat container), which
/// lists versions (<c>ID/index.json</c>) and serves the .nupkg and its .nuspec. Sources and credentials come from
/// the user's NuGet.Config through NuGet.Configuration; the first source that has the package serves it.
/// </summary>
public sealed partial class NuGetRegistry(RegistryHttp http, NuGetConfigSource configSource) : IPackageArtifactSource
{
    private const string PackageBaseAddress = "PackageBaseAddress/3.0.0";

    public string Ecosystem => "nuget";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (_, versions, _) = await FindAsync(name, null, cancellationToken).ConfigureAwait(false);
        return versions;
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var (source, _, baseAddress) = await FindAsync(name, version, cancellationToken).ConfigureAwait(false);
        var (id, normalized) = (name.ToLowerInvariant(), NormalizeVersion(version));
        var auth = Credentials(source);
        var registry = Describe(source);
        var folder = new Uri(baseAddress, $"{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(normalized)}/");
        Exception NotFound() => new PackageNotFoundException(Ecosystem, name, version, registry);
        var nupkg = await http.DownloadAsync("nupkg", new Uri(folder, $"{id}.{normalized}.nupkg"), auth, artifactDirectory,
            $"{id}.{normalized}.nupkg", NotFound, cancellationToken).ConfigureAwait(false);
        DownloadedFile nuspec;
        try
        {
            nuspec = await http.DownloadAsync("nuspec", new Uri(folder, $"{id}.nuspec"), auth, metadataDirectory,
                $"{id}.nuspec", () => new NuspecNotServed(), cancellationToken).ConfigureAwait(false);
        }
        catch (NuspecNotServed)
        {
            nuspec = await NuspecFromPackageAsync(nupkg, metadataDirectory, registry, cancellationToken).ConfigureAwait(false);
        }
        return new FetchedPackage(registry, nupkg, [nuspec]);
    }

    /// <summary>A mirror may serve only the .nupkg; its nuspec is inside it too.</summary>
    private sealed class NuspecNotServed : Exception;

    private static async Task<DownloadedFile> NuspecFromPackageAsync(DownloadedFile nupkg, string metadataDirectory, string registry, CancellationToken cancellationToken)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg.Path);
        var entry = zip.Entries.FirstOrDefault(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase))
            ?? throw new RegistryException($"{nupkg.FileName} from {registry} has no .nuspec at its root: it is not a valid package.");
        if (entry.Length > MaxNuspecBytes)
            throw new RegistryException($"the nuspec of {nupkg.FileName} from {registry} is larger than {MaxNuspecBytes} bytes: it is not a valid package.");
        Directory.CreateDirectory(metadataDirectory);
        var fileName = Path.GetFileName(entry.FullName).ToLowerInvariant();
        var path = Path.Combine(metadataDirectory, fileName);
        await using var data = entry.Open();
        var digests = await ArtifactDigests.CopyAsync(data, path, cancellationToken).ConfigureAwait(false);
        return new DownloadedFile("nuspec", fileName, path, $"{nupkg.Url}#{entry.FullName}", digests, null);
    }

    private const long MaxNuspecBytes = 16L * 1024 * 1024;

    /// <summary>The first source whose flat container lists the package (and <paramref name="version"/>, when given).</summary>
    private async Task<(PackageSource Source, IReadOnlyList<string> Versions, Uri BaseAddress)> FindAsync(
        string name, string? version, CancellationToken cancellationToken)
    {
        var sources = SourcesFor(name);
        foreach (var source in sources)
        {
            var auth = Credentials(source);
            var registry = Describe(source);
            using var index = await GetServiceIndexAsync(source, auth, registry, cancellationToken).ConfigureAwait(false);
            var baseAddress = FindResource(index.RootElement, source.SourceUri)
                ?? throw new RegistryException($"{registry} has no {PackageBaseAddress} resource in its service index, which this version needs.");
            var listing = new Uri(baseAddress, $"{Uri.EscapeDataString(name.ToLowerInvariant())}/index.json");
            IReadOnlyList<string> versions;
            try
            {
                using var document = await http.GetJsonAsync(listing, auth,
                    () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
                versions = document.RootElement.TryGetProperty("versions", out var list) && list.ValueKind == JsonValueKind.Array
                    ? [.. list.EnumerateArray().Select(v => v.GetString() ?? "")]
                    : [];
            }
            catch (PackageNotFoundException)
            {
                continue;
            }
            if (version is null || versions.Contains(NormalizeVersion(version), StringComparer.OrdinalIgnoreCase))
                return (source, versions, baseAddress);
        }
        throw new PackageNotFoundException(Ecosystem, name, version, DescribeAll(sources));
    }

    /// <summary>The enabled sources of the user's NuGet.Config, once <paramref name="name"/> is known to be a package id.</summary>
    private IReadOnlyList<PackageSource> SourcesFor(string name)
    {
        if (!PackageId().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid NuGet package id: use letters, digits, '.', '_' and '-'.");
        var sources = configSource.Load();
        return sources.Count > 0
            ? sources
            : throw new RegistryException(
                "no NuGet v3 package source is enabled in your NuGet.Config: add one with 'dotnet nuget add source URL/index.json --name NAME'.");
    }

    private Task<JsonDocument> GetServiceIndexAsync(PackageSource source, AuthenticationHeaderValue? auth, string registry, CancellationToken cancellationToken) =>
        http.GetJsonAsync(source.SourceUri, auth,
            () => new RegistryException($"{registry} has no service index at {RegistryHttp.Show(source.SourceUri)}: fix the source in your NuGet.Config."),
            cancellationToken);

    /// <summary>
    /// The registration hives' types, the one with deprecations and SemVer 2.0.0 versions first: every one of them
    /// lists <c>listed</c> and <c>published</c>; only the later ones may carry <c>deprecation</c>.
    /// </summary>
    private static readonly string[] RegistrationTypes =
        ["RegistrationsBaseUrl/3.6.0", "RegistrationsBaseUrl/3.4.0", "RegistrationsBaseUrl/Versioned", "RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl/3.0.0-beta", "RegistrationsBaseUrl"];

    /// <summary>Registration pages read at most, so that a registry cannot keep the task reading.</summary>
    public const int MaxRegistrationPages = 200;

    /// <summary>
    /// Every <c>catalogEntry</c> of the package's registration (its index, and the pages the index only links to) from
    /// the first source whose service index has a registration resource and whose registration has the package, with
    /// that source described for messages. The configured credentials go to each source as they do for downloads.
    /// </summary>
    public async Task<(IReadOnlyList<JsonElement> CatalogEntries, string Registry)> GetRegistrationAsync(string name, CancellationToken cancellationToken)
    {
        var sources = SourcesFor(name);
        var withoutRegistration = new List<string>();
        foreach (var source in sources)
        {
            var auth = Credentials(source);
            var registry = Describe(source);
            using var index = await GetServiceIndexAsync(source, auth, registry, cancellationToken).ConfigureAwait(false);
            if (RegistrationTypes.Select(type => FindResource(index.RootElement, source.SourceUri, type)).FirstOrDefault(url => url is not null) is not { } baseUrl)
            {
                withoutRegistration.Add(source.Name);
                continue;
            }
            var entries = new List<JsonElement>();
            try
            {
                var registrationUrl = new Uri(baseUrl, $"{Uri.EscapeDataString(name.ToLowerInvariant())}/index.json");
                using var registration = await http.GetJsonAsync(registrationUrl, auth,
                    () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
                var pages = registration.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray().ToList() : [];
                if (pages.Count > MaxRegistrationPages)
                    throw new RegistryException($"{registry} splits the registration of {name} into {pages.Count} pages, more than the {MaxRegistrationPages} read: the registration is not one this version reads.");
                foreach (var page in pages)
                {
                    if (page.TryGetProperty("items", out var inline) && inline.ValueKind == JsonValueKind.Array)
                    {
                        entries.AddRange(CatalogEntries(inline));
                        continue;
                    }
                    // A page of a large registration is only linked: its @id is the page's own document.
                    var pageUrl = page.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String ? http.Resolve(registrationUrl, id.GetString()) : null;
                    if (pageUrl is null)
                        throw new RegistryException($"{registry} lists a registration page of {name} with neither items nor an @id: the registration is malformed.");
                    using var linked = await http.GetJsonAsync(pageUrl, auth,
                        () => new RegistryException($"{registry} links a registration page of {name} that it does not serve ({RegistryHttp.Show(pageUrl)})."),
                        cancellationToken).ConfigureAwait(false);
                    if (linked.RootElement.TryGetProperty("items", out var linkedItems) && linkedItems.ValueKind == JsonValueKind.Array)
                        entries.AddRange(CatalogEntries(linkedItems));
                }
            }
            catch (PackageNotFoundException)
            {
                continue;
            }
            return (entries, registry);
        }
        if (withoutRegistration.Count == sources.Count)
            throw new RegistryException(
                $"{DescribeAll(sources)} {(sources.Count == 1 ? "has" : "have")} no RegistrationsBaseUrl resource in {(sources.Count == 1 ? "its" : "their")} service index, so there is no release history to read.");
        throw new PackageNotFoundException(Ecosystem, name, null, DescribeAll(sources));
    }

    private static IEnumerable<JsonElement> CatalogEntries(JsonElement leaves) =>
        leaves.EnumerateArray().Where(leaf => leaf.ValueKind == JsonValueKind.Object && leaf.TryGetProperty("catalogEntry", out var entry) && entry.ValueKind == JsonValueKind.Object)
            .Select(leaf => leaf.GetProperty("catalogEntry").Clone());

    /// <summary>A resource's address, ending in '/'; a relative <c>@id</c> is relative to the service index.</summary>
    private Uri? FindResource(JsonElement index, Uri indexUrl, string wanted = PackageBaseAddress)
    {
        if (!index.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var resource in resources.EnumerateArray())
            if (resource.TryGetProperty("@type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == wanted
                && resource.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String && http.Resolve(indexUrl, id.GetString()) is { } url)
                return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        return null;
    }

    private static AuthenticationHeaderValue? Credentials(PackageSource source) =>
        source.Credentials is { Username: { } user } credentials
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{credentials.Password}")))
            : null;

    /// <summary>NuGet's normalised version, as the flat container names folders: 1.0 is 1.0.0, 1.0.0.0 is 1.0.0, no build metadata, lower case.</summary>
    public static string NormalizeVersion(string version)
    {
        var withoutMetadata = version.Split('+')[0].ToLowerInvariant();
        var dash = withoutMetadata.IndexOf('-');
        var (release, label) = dash < 0 ? (withoutMetadata, "") : (withoutMetadata[..dash], withoutMetadata[dash..]);
        var parts = release.Split('.').Select(p => long.TryParse(p, out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : p).ToList();
        while (parts.Count < 3)
            parts.Add("0");
        if (parts.Count == 4 && parts[3] == "0")
            parts.RemoveAt(3);
        return string.Join('.', parts) + label;
    }

    private static string Describe(PackageSource source) => $"the NuGet source '{source.Name}' ({RegistryHttp.Show(source.SourceUri)})";

    private static string DescribeAll(IReadOnlyList<PackageSource> sources) =>
        sources.Count == 1 ? Describe(sources[0]) : "the NuGet sources " + string.Join(", ", sources.Select(s => $"'{s.Name}'"));

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex PackageId();
}
