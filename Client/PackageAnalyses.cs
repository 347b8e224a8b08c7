using Cucos.State;

namespace Cucos.Client;

/// <summary>One analysis of a package version as <see cref="ICucosClient.ListAnalysesAsync"/> lists it (and <c>GET /api/v1/analyses?ecosystem=..&amp;name=..&amp;version=..</c>).</summary>
/// <param name="Status">Null when the analysis could not be read just now (its silo is being replaced).</param>
/// <param name="Current">The analysis a start request without <c>force</c> returns: the newest.</param>
public sealed record PackageAnalysisEntry(string AnalysisId, AnalysisStatus? Status, DateTimeOffset? CreatedAt, DateTimeOffset? FinishedAt, bool Current);

/// <summary>Every analysis of one package version, oldest first.</summary>
public sealed record PackageAnalyses(string Ecosystem, string Name, string Version, IReadOnlyList<PackageAnalysisEntry> Analyses);
