using System.Text.Json.Serialization;

namespace Cucos.Workers.Metadata;

/// <summary>One manifest normalised into the common schema shared by every ecosystem.</summary>
public sealed record PackageManifest
{
    /// <summary>The manifest's path relative to the package root, with '/' separators.</summary>
    public required string Path { get; init; }
    /// <summary>The manifest format, e.g. <c>package.json</c>, <c>pom.xml</c>, <c>pyproject.toml</c>.</summary>
    public required string Format { get; init; }
    /// <summary>The ecosystem id as used by requests and registries: npm, pypi, maven, nuget, rubygems, crates, go, packagist.</summary>
    public required string Ecosystem { get; init; }
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Description { get; init; }
    public DeclaredLicense DeclaredLicense { get; init; } = DeclaredLicense.None;
    public string? Homepage { get; init; }
    public CodeRepository? CodeRepository { get; init; }
    public string? BugTracker { get; init; }
    public Person? Author { get; init; }
    public IReadOnlyList<Person> Maintainers { get; init; } = [];
    public IReadOnlyList<Person> Contributors { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>Runtime and platform requirements: node, python, php, go, rust, target frameworks...</summary>
    public IReadOnlyDictionary<string, string> Engines { get; init; } = Empty;
    public IReadOnlyList<Dependency> Dependencies { get; init; } = [];
    public IReadOnlyList<Dependency> DevDependencies { get; init; } = [];
    /// <summary>Dependencies outside the runtime set, by group: extras, optional, peer, provided, build...</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Dependency>> OptionalDependencies { get; init; } = new Dictionary<string, IReadOnlyList<Dependency>>();
    /// <summary>Scripts, executables and entry points: name to command or target.</summary>
    public IReadOnlyDictionary<string, string> Scripts { get; init; } = Empty;
    /// <summary>Files or patterns the manifest says the package ships.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
    /// <summary>Fields the manifest says are computed by the build (pyproject <c>dynamic</c>), so not read here.</summary>
    public IReadOnlyList<string> Dynamic { get; init; } = [];
    /// <summary>npm's locked packages flattened by install path (kept from before <see cref="LockGraph"/>), else null.</summary>
    public LockedTree? LockedTree { get; init; }
    /// <summary>The whole resolved graph of the lock file this manifest is, or of its folder's lock file once merged; else null.</summary>
    public Locks.LockGraph? LockGraph { get; init; }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>The licence as declared: the raw text kept, and an SPDX expression where it could be mapped.</summary>
public sealed record DeclaredLicense(string? Raw, string? Expression)
{
    public static readonly DeclaredLicense None = new(null, null);
}

/// <summary>Where the code lives: the version-control type and a normalised browsable URL.</summary>
public sealed record CodeRepository(string Type, string Url);

public sealed record Person(string? Name, string? Email = null, string? Url = null);

/// <summary>A declared dependency: its name and the specification as written (a range, a version, a URL...).</summary>
public sealed record Dependency(string Name, string? Spec)
{
    /// <summary>A condition on the platform (a PEP 508 marker, a Maven classifier...), when declared.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Marker { get; init; }
}

/// <summary>The versions a lock file pins, flattened with their place in the tree.</summary>
public sealed record LockedTree(string Path, int LockfileVersion, IReadOnlyList<LockedPackage> Packages);

public sealed record LockedPackage(string Name, string? Version, string Location, bool Dev, bool Optional, string? Resolved, string? Integrity);

/// <summary>A manifest that could not be read: where, which format, and why.</summary>
public sealed record ManifestError(string Path, string Format, string Error);
