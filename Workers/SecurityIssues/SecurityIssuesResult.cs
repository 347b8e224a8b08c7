using System.ComponentModel;
using Cucos.Sdk;

namespace Cucos.Workers.SecurityIssues;

[TaskResultPart(SecurityIssuesTask.TaskName, ResultPart.Summary)]
public sealed record SecurityIssuesSummary(
    [property: Description("checked; or skipped when no advisory source is configured or OSV has no advisories for the ecosystem (reason says which)")] string Status,
    [property: Description("why the check was skipped, naming the setting to set; null when checked")] string? Reason,
    [property: Description("known vulnerabilities of the package version itself (aliases merged)")] int Vulnerabilities,
    [property: Description("known vulnerabilities of its resolved direct dependencies, and of every package its lock file pins when it has one")] int DependencyVulnerabilities,
    [property: Description("rating -> findings of the package and its dependencies: critical, high, medium, low, none, unknown")] IReadOnlyDictionary<string, int> BySeverity,
    [property: Description("the highest base score among the findings; null when none has a score")] double? HighestScore,
    [property: Description("the lowest listed version above the analysed one that none of its findings affect")] string? UpgradeTo,
    [property: Description("records and ranges skipped because they break the OSV schema or cannot be evaluated (see details.skipped)")] int Skipped);

[TaskResultPart(SecurityIssuesTask.TaskName, ResultPart.Details)]
[Description("Known vulnerabilities of the package version and of its resolved direct dependencies (with a lock file: of every package its graph pins), matched against OSV advisories by the ecosystem's own version ordering.")]
public sealed record SecurityIssuesDetails(
    [property: Description("the ecosystem as OSV spells it; null when OSV has none for it")] string? OsvEcosystem,
    string? Package,
    string? Version,
    IReadOnlyList<AdvisorySourceRead> Sources,
    IReadOnlyList<Vulnerability> Vulnerabilities,
    IReadOnlyList<DependencyVulnerabilities> Dependencies,
    [property: Description("why records or ranges were skipped, at most 50 messages per source")] IReadOnlyList<string> Skipped);

/// <summary>One advisory source as this attempt read it.</summary>
public sealed record AdvisorySourceRead(
    [property: Description("directory, api, or store (the imported PostgreSQL tables)")] string Kind,
    [property: Description("the file or folder under Cucos:Advisories:Directory, the API's base URL, or the store (postgres)")] string Source,
    [property: Description("sha256 of the zip or of the folder's listing; null for an API")] string? Digest,
    [property: Description("when the index of this part was built; null for an API")] DateTimeOffset? IndexedAt,
    [property: Description("records read (withdrawn ones not counted)")] int Records,
    int Withdrawn,
    int Skipped);

/// <summary>One vulnerability: every record that names it (a GHSA and its CVE) merged into one finding.</summary>
public sealed record Vulnerability(
    [property: Description("the id of the first merged record: an advisory database's own id before a CVE's")] string Id,
    [property: Description("every id and alias the vulnerability is known by")] IReadOnlyList<string> Aliases,
    string? Summary,
    IReadOnlyList<SeverityEntry> Severity,
    [property: Description("critical, high, medium, low, none, or unknown when no entry is rated")] string Rating,
    double? Score,
    IReadOnlyList<string> CweIds,
    DateTimeOffset? Published,
    DateTimeOffset Modified,
    IReadOnlyList<ReferenceLink> References,
    [property: Description("the affected ranges of this package, as the records give them")] IReadOnlyList<AffectedRange> Ranges,
    [property: Description("the versions the records list as affected")] IReadOnlyList<string> AffectedVersions,
    [property: Description("every fixed version the records name, in version order")] IReadOnlyList<string> FixedVersions,
    [property: Description("the lowest version above the analysed one this vulnerability does not affect: from the registry's list, else the advisory's fixed versions")] string? NearestFixedVersion,
    [property: Description("'upgrade to X', or what is known when no fixed version is")] string Advice,
    [property: Description("ranges recorded but not evaluated (GIT ranges)")] IReadOnlyList<string> NotEvaluated);

/// <param name="Type">CVSS_V3, CVSS_V4, ... as the record gives it.</param>
/// <param name="Vector">The vector as the record gives it.</param>
public sealed record SeverityEntry(string Type, string Vector, double? Score, string? Rating);

public sealed record ReferenceLink(string Type, string Url);

public sealed record AffectedRange(string Type, string? Repo, IReadOnlyList<OsvEvent> Events);

/// <summary>The findings of one resolved direct dependency.</summary>
public sealed record DependencyVulnerabilities(
    [property: Description("the dependency as the manifest declares it")] string Dependency,
    [property: Description("the package looked up when it differs (an npm alias)")] string? Package,
    string Version,
    IReadOnlyList<Vulnerability> Vulnerabilities)
{
    [Description("whether the package itself depends on it; false for a transitive package of its lock file")]
    public bool Direct { get; init; } = true;
    [Description("its id in dependency_snapshot's lock_graph, when it comes from a lock file")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? LockId { get; init; }
}
