using Cucos.Sdk;

namespace Cucos.Workers.Dependencies;

[TaskResultPart("dependency_snapshot", ResultPart.Summary)]
public sealed record DependencySnapshotSummary(string? Ecosystem, int Dependencies, int Resolved, int Unresolvable, int AnalysesStarted)
{
    [System.ComponentModel.Description("the packages of the lock file's graph (the project's own not counted), 0 without a lock file")]
    public int LockedPackages { get; init; }
}

[TaskResultPart("dependency_snapshot", ResultPart.Details)]
[System.ComponentModel.Description("Each declared runtime dependency at the version its lock file pins, else resolved to the version its ecosystem's rules pick from the registry's list; the lock file's whole graph as it is; and the analyses started for them.")]
public sealed record DependencySnapshotDetails(string? Ecosystem, IReadOnlyList<ResolvedDependency> Dependencies, DependencyAnalyses Analyses)
{
    [System.ComponentModel.Description("metadata's lock_graph as it is (direct and transitive packages, edges), which security_issues and the SBOM read; null without a lock file")]
    public Metadata.Locks.LockGraph? LockGraph { get; init; }
}
