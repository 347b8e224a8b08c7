using System.ComponentModel;
using Cucos.Sdk;

namespace Cucos.Workers.Metadata;

[TaskResultPart("metadata", ResultPart.Summary)]
public sealed record MetadataSummary(
    [property: Description("the primary manifest's ecosystem; null when there is no manifest")] string? Ecosystem,
    string? Name,
    string? Version,
    [property: Description("the declared licence as an SPDX expression, when it could be mapped")] string? DeclaredLicense,
    [property: Description("how many runtime dependencies are declared")] int Dependencies,
    [property: Description("manifests that could not be read")] int Errors);

/// <summary>
/// The primary manifest's fields (completed by its folder's siblings), every manifest read, and the errors. Path,
/// format and ecosystem are null when the package has no manifest. The contract with source_licenses
/// (<see cref="DeclaredLicense"/>) and dependency_snapshot (<see cref="Dependencies"/>).
/// </summary>
[TaskResultPart("metadata", ResultPart.Details)]
[Description("The package's own manifests normalised into one schema. docs/result-schemas.md describes every field.")]
public sealed record MetadataDetails
{
    public string? Path { get; init; }
    public string? Format { get; init; }
    public string? Ecosystem { get; init; }
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Description { get; init; }
    [Description("contract with the licence worker: the licence as written, and an SPDX expression when it maps unambiguously")]
    public DeclaredLicense DeclaredLicense { get; init; } = DeclaredLicense.None;
    public string? Homepage { get; init; }
    public CodeRepository? CodeRepository { get; init; }
    public string? BugTracker { get; init; }
    public Person? Author { get; init; }
    public IReadOnlyList<Person> Maintainers { get; init; } = [];
    public IReadOnlyList<Person> Contributors { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public IReadOnlyDictionary<string, string> Engines { get; init; } = new Dictionary<string, string>();
    [Description("contract with dependency_snapshot: the runtime dependencies")]
    public IReadOnlyList<Dependency> Dependencies { get; init; } = [];
    public IReadOnlyList<Dependency> DevDependencies { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<Dependency>> OptionalDependencies { get; init; } = new Dictionary<string, IReadOnlyList<Dependency>>();
    public IReadOnlyDictionary<string, string> Scripts { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Files { get; init; } = [];
    public IReadOnlyList<string> Dynamic { get; init; } = [];
    public LockedTree? LockedTree { get; init; }
    [Description("contract with dependency_snapshot, security_issues and the SBOM: the whole resolved graph of the primary manifest's lock file (its folder's), else null")]
    public Locks.LockGraph? LockGraph { get; init; }
    [Description("every outermost manifest read, ordered by depth, format, path")]
    public IReadOnlyList<PackageManifest> Manifests { get; init; } = [];
    [Description("manifests that could not be read, and why")]
    public IReadOnlyList<ManifestError> Errors { get; init; } = [];

    /// <summary>The details of <paramref name="primary"/> (null when there is no manifest) with every manifest and error.</summary>
    public static MetadataDetails Of(PackageManifest? primary, IReadOnlyList<PackageManifest> manifests, IReadOnlyList<ManifestError> errors) =>
        primary is null
            ? new MetadataDetails { Manifests = manifests, Errors = errors }
            : new MetadataDetails
            {
                Path = primary.Path,
                Format = primary.Format,
                Ecosystem = primary.Ecosystem,
                Name = primary.Name,
                Version = primary.Version,
                Description = primary.Description,
                DeclaredLicense = primary.DeclaredLicense,
                Homepage = primary.Homepage,
                CodeRepository = primary.CodeRepository,
                BugTracker = primary.BugTracker,
                Author = primary.Author,
                Maintainers = primary.Maintainers,
                Contributors = primary.Contributors,
                Keywords = primary.Keywords,
                Engines = primary.Engines,
                Dependencies = primary.Dependencies,
                DevDependencies = primary.DevDependencies,
                OptionalDependencies = primary.OptionalDependencies,
                Scripts = primary.Scripts,
                Files = primary.Files,
                Dynamic = primary.Dynamic,
                LockedTree = primary.LockedTree,
                LockGraph = primary.LockGraph,
                Manifests = manifests,
                Errors = errors,
            };
}
