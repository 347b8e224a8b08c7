using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.Workers.Content;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Metadata;

/// <summary>
/// The package's own manifests normalised into one schema (the original design's mercator). The outermost
/// manifests are read in parallel; the primary one (shallowest, then by format) gives the top-level fields,
/// completed by the other manifests of its folder and ecosystem (a pyproject.toml with dynamic fields by its PKG-INFO).
/// </summary>
public sealed class MetadataTask : BaseTask
{
    public const string TaskName = "metadata";

    /// <summary>Every format the ecosystems of <paramref name="ecosystems"/> read, in order of preference for the primary manifest of a folder.</summary>
    public static IReadOnlyList<IManifestParser> ParsersOf(EcosystemCatalog ecosystems) =>
    [
        .. ecosystems.InRegistrationOrder.OfType<IEcosystemManifests>()
            .Select(e => (e.ManifestPriority, e.ManifestParsers))
            .Append((ManifestOnlyFormats.Priority, ManifestOnlyFormats.Parsers))
            .OrderBy(e => e.Item1) // stable: equal priorities keep registration order
            .SelectMany(e => e.Item2),
    ];

    /// <summary>The formats of the built-in ecosystems.</summary>
    public static IReadOnlyList<IManifestParser> Parsers => ParsersOf(BuiltInTasks.EcosystemsOf(null));

    /// <summary>Manifests are small; anything bigger than this is not read (lock file parsers allow more, <see cref="IManifestParser.MaxBytes"/>).</summary>
    public const long MaxManifestBytes = 16 * 1024 * 1024;

    public override string Name => TaskName;
    // 1.1.0: lock files are manifests of their own, and details carry the resolved graph (lock_graph).
    public override string Version => "1.1.0";
    public override string Description => "Reads the package's own manifests (npm, PyPI, Maven, NuGet, RubyGems, Cargo, Go, Composer) into one schema.";

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");
        var (manifests, errors) = await ReadAsync(context.PackagePath, ParsersOf(BuiltInTasks.EcosystemsOf(context.Services)), cancellationToken).ConfigureAwait(false);
        var details = Details(manifests, errors);
        return TaskResult.Success(
            new MetadataSummary(details.Ecosystem, details.Name, details.Version, details.DeclaredLicense.Expression, details.Dependencies.Count, errors.Count),
            details);
    }

    /// <summary>Finds and parses the outermost manifests; a malformed one becomes an error entry.</summary>
    public static Task<(IReadOnlyList<PackageManifest> Manifests, IReadOnlyList<ManifestError> Errors)> ReadAsync(string root, CancellationToken cancellationToken) =>
        ReadAsync(root, Parsers, cancellationToken);

    /// <summary>Finds and parses the outermost manifests of these formats; a malformed one becomes an error entry.</summary>
    public static async Task<(IReadOnlyList<PackageManifest> Manifests, IReadOnlyList<ManifestError> Errors)> ReadAsync(
        string root, IReadOnlyList<IManifestParser> parsers, CancellationToken cancellationToken)
    {
        var (found, tree) = ManifestFinder.Find(root, parsers, cancellationToken);
        var parsed = new ConcurrentBag<(FoundManifest Found, PackageManifest? Manifest, ManifestError? Error)>();
        await Parallel.ForEachAsync(found, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (manifest, ct) =>
            {
                var file = new ManifestFile(Path.Combine(root, manifest.RelativePath), manifest.RelativePath, tree);
                try
                {
                    if (new FileInfo(file.FullPath).Length > manifest.Parser.MaxBytes)
                        throw new ManifestFormatException($"it is larger than {manifest.Parser.MaxBytes / (1024 * 1024)} MiB, which no real {manifest.Parser.Format} is; it was not read.");
                    parsed.Add((manifest, await manifest.Parser.ParseAsync(file, ct).ConfigureAwait(false), null));
                }
                catch (Exception exception) when (Describe(exception) is { } reason)
                {
                    parsed.Add((manifest, null, new ManifestError(manifest.RelativePath, manifest.Parser.Format, reason)));
                }
            }).ConfigureAwait(false);
        var ordered = parsed
            .OrderBy(p => p.Found.Depth)
            .ThenBy(p => IndexOf(parsers, p.Found.Parser))
            .ThenBy(p => p.Found.RelativePath, StringComparer.Ordinal)
            .ToList();
        return ([.. ordered.Select(p => p.Manifest).OfType<PackageManifest>()], [.. ordered.Select(p => p.Error).OfType<ManifestError>()]);
    }

    private static int IndexOf(IReadOnlyList<IManifestParser> parsers, IManifestParser parser)
    {
        for (var i = 0; i < parsers.Count; i++)
            if (parsers[i] == parser)
                return i;
        return -1;
    }

    /// <summary>What was wrong with a malformed manifest, or null for failures that are not the manifest's fault (I/O...).</summary>
    private static string? Describe(Exception exception) => exception switch
    {
        ManifestFormatException format => format.Message,
        JsonException json => $"it is not valid JSON: {json.Message}",
        XmlException xml => $"it is not well-formed XML: {xml.Message}",
        InvalidDataException data => $"it could not be decompressed: {data.Message}",
        DecoderFallbackException => "it is not valid UTF-8 text.",
        // The content workers' policy: an unreadable file is an error entry, not a failed worker.
        IOException or UnauthorizedAccessException => PackageFiles.UnreadableReason(exception),
        _ => null,
    };

    /// <summary>The top-level fields of the primary manifest completed by its folder's siblings, every manifest, and the errors.</summary>
    public static MetadataDetails Details(IReadOnlyList<PackageManifest> manifests, IReadOnlyList<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var primary = manifests.FirstOrDefault(m => m.Name is not null) ?? manifests.FirstOrDefault();
        if (primary is null)
            return MetadataDetails.Of(null, manifests, errors);
        var folder = FolderOf(primary.Path);
        var merged = manifests
            .Where(m => m != primary && m.Ecosystem == primary.Ecosystem && FolderOf(m.Path) == folder)
            .Aggregate(primary, Complete);
        return MetadataDetails.Of(merged, manifests, errors);
    }

    private static string FolderOf(string path) => path.LastIndexOf('/') is var slash and >= 0 ? path[..slash] : "";

    /// <summary>Fills what <paramref name="primary"/> leaves empty from <paramref name="other"/>.</summary>
    private static PackageManifest Complete(PackageManifest primary, PackageManifest other) => primary with
    {
        Name = primary.Name ?? other.Name,
        Version = primary.Version ?? other.Version,
        Description = primary.Description ?? other.Description,
        DeclaredLicense = primary.DeclaredLicense.Expression is null && other.DeclaredLicense.Expression is not null
            || primary.DeclaredLicense.Raw is null ? other.DeclaredLicense : primary.DeclaredLicense,
        Homepage = primary.Homepage ?? other.Homepage,
        CodeRepository = primary.CodeRepository ?? other.CodeRepository,
        BugTracker = primary.BugTracker ?? other.BugTracker,
        Author = primary.Author ?? other.Author,
        Maintainers = primary.Maintainers.Count > 0 ? primary.Maintainers : other.Maintainers,
        Contributors = primary.Contributors.Count > 0 ? primary.Contributors : other.Contributors,
        Keywords = primary.Keywords.Count > 0 ? primary.Keywords : other.Keywords,
        Engines = primary.Engines.Count > 0 ? primary.Engines : other.Engines,
        Dependencies = primary.Dependencies.Count > 0 ? primary.Dependencies : other.Dependencies,
        DevDependencies = primary.DevDependencies.Count > 0 ? primary.DevDependencies : other.DevDependencies,
        OptionalDependencies = primary.OptionalDependencies.Count > 0 ? primary.OptionalDependencies : other.OptionalDependencies,
        Scripts = primary.Scripts.Count > 0 ? primary.Scripts : other.Scripts,
        Files = primary.Files.Count > 0 ? primary.Files : other.Files,
        // The folder's lock file, the first in parser order (npm reads a shrinkwrap before a package lock).
        LockedTree = primary.LockedTree ?? other.LockedTree,
        LockGraph = primary.LockGraph ?? other.LockGraph,
    };
}
