using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// setuptools' declarative <c>setup.cfg</c>: <c>[metadata]</c>, <c>[options]</c>, <c>[options.extras_require]</c> and
/// <c>[options.entry_points]</c>. Values given as <c>attr:</c> or <c>file:</c> are computed at build time and reported as dynamic.
/// </summary>
public sealed class SetupCfgParser : IManifestParser
{
    public string Format => "setup.cfg";
    public string Ecosystem => "pypi";
    public bool Accepts(string fileName, string folderName) => fileName == "setup.cfg";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var ini = await ReadIniAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var metadata = ini.GetValueOrDefault("metadata") ?? [];
        var options = ini.GetValueOrDefault("options") ?? [];
        var dynamic = new List<string>();
        string? Meta(string key)
        {
            var value = metadata.GetValueOrDefault(key) ?? metadata.GetValueOrDefault(key.Replace('_', '-'));
            if (value is not null && (value.StartsWith("attr:", StringComparison.Ordinal) || value.StartsWith("file:", StringComparison.Ordinal)))
            {
                dynamic.Add(key);
                return null;
            }
            return value;
        }

        var extras = (ini.GetValueOrDefault("options.extras_require") ?? [])
            .ToDictionary(p => p.Key, p => (IReadOnlyList<Dependency>)[.. Lines(p.Value).Select(Pep508.Parse).OfType<Dependency>()], StringComparer.Ordinal);
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (group, entries) in ini.GetValueOrDefault("options.entry_points") ?? [])
            foreach (var line in Lines(entries))
                if (line.IndexOf('=') is > 0 and var equals)
                    scripts.TryAdd(group is "console_scripts" or "gui_scripts" ? line[..equals].Trim() : $"{group}:{line[..equals].Trim()}", line[(equals + 1)..].Trim());

        var urls = ProjectUrls.FromPairs(Lines(metadata.GetValueOrDefault("project_urls"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).Select(p => (p[0].Trim(), p[1].Trim())));
        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.GetValueOrDefault("python_requires") is { } python)
            engines["python"] = python;
        var classifiers = Lines(metadata.GetValueOrDefault("classifiers"));
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Meta("name"),
            Version = Meta("version"),
            Description = Meta("description"),
            DeclaredLicense = PythonMetadataParser.License(null, Meta("license"), classifiers),
            Homepage = Meta("url") ?? Meta("home_page") ?? urls.Homepage,
            CodeRepository = RepositoryUrls.Normalize(urls.Repository ?? Meta("download_url")),
            BugTracker = urls.BugTracker,
            Author = PythonMetadataParser.Person(Meta("author"), Meta("author_email")),
            Maintainers = PythonMetadataParser.Person(Meta("maintainer"), Meta("maintainer_email")) is { } maintainer ? [maintainer] : [],
            Keywords = PythonMetadataParser.SplitKeywords(Meta("keywords")?.Replace('\n', ',')),
            Engines = engines,
            Dependencies = [.. Lines(options.GetValueOrDefault("install_requires")).Select(Pep508.Parse).OfType<Dependency>()],
            DevDependencies = [.. Lines(options.GetValueOrDefault("tests_require")).Select(Pep508.Parse).OfType<Dependency>()],
            OptionalDependencies = extras,
            Scripts = scripts,
            Files = Lines(metadata.GetValueOrDefault("license_files")),
            Dynamic = dynamic,
        };
    }

    private static IReadOnlyList<string> Lines(string? value) => value is null
        ? []
        : [.. value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#'))];

    /// <summary>An INI file as configparser reads it: <c>key = value</c> or <c>key: value</c>, indented lines continue the value.</summary>
    private static async Task<Dictionary<string, Dictionary<string, string>>> ReadIniAsync(string path, CancellationToken cancellationToken)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string>? section = null;
        string? key = null;
        var number = 0;
        using var reader = new StreamReader(path);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
                continue;
            if (char.IsWhiteSpace(line[0]) && key is not null && section is not null)
            {
                section[key] = section[key].Length == 0 ? trimmed : section[key] + "\n" + trimmed;
                continue;
            }
            if (trimmed.StartsWith('['))
            {
                if (!trimmed.EndsWith(']'))
                    throw new ManifestFormatException($"line {number}: section header '{trimmed}' has no closing ']'.");
                sections[trimmed[1..^1].Trim()] = section = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                key = null;
                continue;
            }
            var separator = trimmed.IndexOfAny(['=', ':']);
            if (section is null || separator <= 0)
                throw new ManifestFormatException(section is null
                    ? $"line {number}: '{trimmed}' comes before any [section]."
                    : $"line {number}: '{trimmed}' is not a 'key = value' line.");
            key = trimmed[..separator].Trim();
            section[key] = trimmed[(separator + 1)..].Trim();
        }
        return sections;
    }
}
