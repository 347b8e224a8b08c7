using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// Python core metadata: <c>PKG-INFO</c> (sdists, eggs) and <c>METADATA</c> (wheels' <c>*.dist-info</c>). Only the
/// header block is read; the long description after it is not loaded.
/// </summary>
public sealed class PythonMetadataParser : IManifestParser
{
    public string Format => "PKG-INFO";
    public string Ecosystem => "pypi";

    public bool Accepts(string fileName, string folderName) =>
        fileName == "PKG-INFO" || (fileName == "METADATA" && folderName.EndsWith(".dist-info", StringComparison.Ordinal));

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var headers = await ReadHeadersAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        if (!headers.ContainsKey("metadata-version") && !headers.ContainsKey("name"))
            throw new ManifestFormatException("it has neither a Metadata-Version nor a Name header: this is not Python core metadata.");
        string? One(string key) => headers.TryGetValue(key, out var values) ? values[0] : null;
        IReadOnlyList<string> All(string key) => headers.TryGetValue(key, out var values) ? values : [];

        var requirements = All("requires-dist").Select(Pep508.Parse).OfType<Dependency>().ToList();
        var urls = ProjectUrls.FromLabelled(All("project-url"));
        var author = Person(One("author"), One("author-email"));
        var maintainer = Person(One("maintainer"), One("maintainer-email"));
        var classifiers = All("classifier");
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Path.GetFileName(file.FullPath),
            Ecosystem = Ecosystem,
            Name = One("name"),
            Version = One("version"),
            Description = One("summary"),
            DeclaredLicense = License(One("license-expression"), One("license"), classifiers),
            Homepage = One("home-page") ?? urls.Homepage,
            CodeRepository = RepositoryUrls.Normalize(urls.Repository),
            BugTracker = urls.BugTracker,
            Author = author,
            Maintainers = maintainer is null ? [] : [maintainer],
            Keywords = SplitKeywords(One("keywords")),
            Engines = One("requires-python") is { } python ? new Dictionary<string, string> { ["python"] = python } : new Dictionary<string, string>(),
            Dependencies = [.. requirements.Where(r => Pep508.Extra(r.Marker) is null)],
            OptionalDependencies = requirements.Where(r => Pep508.Extra(r.Marker) is not null)
                .GroupBy(r => Pep508.Extra(r.Marker)!)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<Dependency>)[.. g], StringComparer.Ordinal),
            Files = All("license-file"),
        };
    }

    /// <summary>PEP 639's License-Expression first; then a short License field; then the licence classifiers.</summary>
    public static DeclaredLicense License(string? expression, string? license, IReadOnlyList<string> classifiers)
    {
        if (expression is not null)
            return SpdxLicenses.Declared(expression);
        var licenseClassifiers = classifiers.Where(c => c.StartsWith("License ::", StringComparison.Ordinal)).ToList();
        if (license is not null && license != "UNKNOWN")
        {
            var mapped = SpdxLicenses.Map(license);
            return new DeclaredLicense(license, mapped ?? (licenseClassifiers.Count > 0 ? SpdxLicenses.Any(licenseClassifiers) : null));
        }
        return SpdxLicenses.DeclaredAny(licenseClassifiers);
    }

    public static Person? Person(string? name, string? email)
    {
        var fromEmail = People.SplitList(email).FirstOrDefault();
        if (name is null or "UNKNOWN")
            return fromEmail;
        return People.Merge(new Person(name), fromEmail is null ? null : fromEmail with { Name = null });
    }

    public static IReadOnlyList<string> SplitKeywords(string? text) => text is null
        ? []
        : text.Split(text.Contains(',') ? [','] : [' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The header block (names lower-cased, repeated headers kept in order), stopping at the first blank line.</summary>
    private static async Task<Dictionary<string, List<string>>> ReadHeadersAsync(string path, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: false));
        string? key = null;
        var value = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
                break;
            if (char.IsWhiteSpace(line[0]) && key is not null)
            {
                value.Append('\n').Append(line.Trim());
                continue;
            }
            Flush();
            var colon = line.IndexOf(':');
            if (colon <= 0)
                throw new ManifestFormatException($"line '{Shorten(line)}' is not a 'Name: value' header.");
            key = line[..colon].Trim().ToLowerInvariant();
            value.Clear().Append(line[(colon + 1)..].Trim());
        }
        Flush();
        return headers;

        void Flush()
        {
            if (key is null)
                return;
            var text = value.ToString().Trim();
            if (text.Length > 0)
            {
                if (!headers.TryGetValue(key, out var list))
                    headers[key] = list = [];
                list.Add(text);
            }
            key = null;
        }
    }

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..59] + "…";
}

/// <summary>Project URLs by label (PKG-INFO's <c>Project-URL: Label, url</c>, pyproject's <c>[project.urls]</c>).</summary>
public sealed record ProjectUrls(string? Homepage, string? Repository, string? BugTracker)
{
    public static ProjectUrls FromLabelled(IEnumerable<string> labelled) => FromPairs(labelled.Select(entry =>
    {
        var comma = entry.IndexOf(',');
        return comma < 0 ? ("", entry.Trim()) : (entry[..comma].Trim(), entry[(comma + 1)..].Trim());
    }));

    public static ProjectUrls FromPairs(IEnumerable<(string Label, string Url)> pairs)
    {
        string? homepage = null, repository = null, bugs = null;
        foreach (var (label, url) in pairs)
        {
            // Labels are free text; PEP 753 normalises them by dropping punctuation and case.
            var key = new string([.. label.ToLowerInvariant().Where(char.IsLetterOrDigit)]);
            if (key is "homepage" or "home")
                homepage ??= url;
            else if (key is "source" or "sourcecode" or "repository" or "code" or "github" or "gitlab" or "git")
                repository ??= url;
            else if (key is "bugtracker" or "issues" or "issuetracker" or "tracker" or "bugs" or "bugreports")
                bugs ??= url;
        }
        return new ProjectUrls(homepage, repository, bugs);
    }
}
