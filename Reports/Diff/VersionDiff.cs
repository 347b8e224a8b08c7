namespace Cucos.Reports.Diff;

/// <summary>
/// What an upgrade from one analysed version of a package to another brings in: files, licences, dependencies, install
/// scripts and capabilities, advisories and size. Built by <see cref="VersionComparer"/> from two analyses' stored results.
/// </summary>
public sealed record VersionDiff
{
    public required string Ecosystem { get; init; }
    public required string Name { get; init; }
    public required DiffSide From { get; init; }
    public required DiffSide To { get; init; }
    public required FileChanges Files { get; init; }
    public required LicenceChanges Licences { get; init; }
    public required DependencyChanges Dependencies { get; init; }
    public required SupplyChainChanges SupplyChain { get; init; }
    public required AdvisoryChanges Advisories { get; init; }
    public required SizeChange Size { get; init; }
    /// <summary>Tasks whose results one side lacks, so their part of the diff is empty for want of data, not for want of change.</summary>
    public required IReadOnlyList<string> MissingResults { get; init; }
}

public sealed record DiffSide(string AnalysisId, string Version, string Status);

public sealed record FileChanges(IReadOnlyList<DiffFile> Added, IReadOnlyList<DiffFile> Removed, IReadOnlyList<ChangedFile> Changed, int Unchanged);

public sealed record DiffFile(string Path, long Size, string? Sha256);

/// <summary>A file on both sides with other contents; <see cref="SsdeepSimilarity"/> (0-100) when both sides have an ssdeep digest.</summary>
public sealed record ChangedFile(string Path, long FromSize, long ToSize, string? FromSha256, string? ToSha256, int? SsdeepSimilarity);

public sealed record LicenceChanges(ValueChange? Declared, ValueChange? Concluded);

/// <summary>A value that differs between the versions; null on a side that has none.</summary>
public sealed record ValueChange(string? From, string? To);

public sealed record DependencyChanges(IReadOnlyList<DiffDependency> Added, IReadOnlyList<DiffDependency> Removed, IReadOnlyList<ChangedDependency> Changed);

public sealed record DiffDependency(string Name, string? Spec, string? ResolvedVersion);

/// <summary>A dependency of both versions whose declared range or resolved version moved.</summary>
public sealed record ChangedDependency(string Name, ValueChange? Spec, ValueChange? ResolvedVersion);

public sealed record SupplyChainChanges(
    IReadOnlyList<InstallScript> InstallScriptsAdded, IReadOnlyList<InstallScript> InstallScriptsRemoved,
    IReadOnlyList<Capability> CapabilitiesAdded, IReadOnlyList<Capability> CapabilitiesRemoved, ValueChange? Risk);

public sealed record InstallScript(string Hook, string Command);

/// <summary>A supply_chain signal family and rule, without where it was seen: a capability the code has or not.</summary>
public sealed record Capability(string Family, string Rule);

/// <summary>
/// Advisories of the package and of its resolved direct dependencies (security_issues), matched by (package, advisory
/// id): a dependency bump that leaves a vulnerable range fixes its advisories, one that enters a range introduces them.
/// </summary>
public sealed record AdvisoryChanges(IReadOnlyList<Advisory> Fixed, IReadOnlyList<Advisory> Introduced, IReadOnlyList<Advisory> Remaining);

/// <param name="Package">The package the advisory is about: the compared package itself or one of its dependencies.</param>
/// <param name="Version">The version of <paramref name="Package"/> it affects on the side it is listed for (a dependency's resolved version).</param>
/// <param name="Dependency">True when <paramref name="Package"/> is a dependency, not the compared package.</param>
public sealed record Advisory(string Id, string Package, string? Version, bool Dependency, string? Rating, string? Summary);

public sealed record SizeChange(long? FromBytes, long? ToBytes, int? FromFiles, int? ToFiles)
{
    public long? BytesChange => FromBytes is { } from && ToBytes is { } to ? to - from : null;
    public int? FilesChange => FromFiles is { } from && ToFiles is { } to ? to - from : null;
}

/// <summary>Two analyses that cannot be compared; the message says why and what to give instead.</summary>
public sealed class DiffException(string message) : Exception(message);
