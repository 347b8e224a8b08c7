using Cucos.Sdk;

namespace Cucos.Workers.Dependencies;

[TaskResultPart("dependency_snapshot", ResultPart.Summary)]
public sealed record DependencySnapshotSummary(string? Ecosystem, int Dependencies, int Resolved, int Unresolvable, int AnalysesStarted);

[TaskResultPart("dependency_snapshot", ResultPart.Details)]
[System.ComponentModel.Description("Each declared runtime dependency resolved to the version its ecosystem's rules pick from the registry's list, and the analyses started for them.")]
public sealed record DependencySnapshotDetails(string? Ecosystem, IReadOnlyList<ResolvedDependency> Dependencies, DependencyAnalyses Analyses);
