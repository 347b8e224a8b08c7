using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;

namespace Cucos.Workers.SecurityIssues;

/// <summary>How one affected entry of a record judges one version.</summary>
/// <param name="Problems">Ranges that could not be evaluated because a version in them is not one of the ecosystem's.</param>
/// <param name="NotEvaluated">Ranges recorded but not evaluated (GIT ranges name commits, not versions).</param>
public sealed record AffectedVerdict(bool Affected, IReadOnlyList<string> Problems, IReadOnlyList<string> NotEvaluated);

/// <summary>
/// The OSV schema's evaluation of <c>affected[].versions</c> and <c>affected[].ranges</c>: a version is affected when
/// it is listed, or when, walking a range's events sorted by version (<c>introduced: "0"</c> first), the last
/// <c>introduced</c> at or below it is not followed by a <c>fixed</c> at or below it or a <c>last_affected</c> below
/// it; and, when the range has <c>limit</c> events, it is below one of them.
/// </summary>
public sealed class AffectedVersions(IVersionResolver? ecosystemOrdering)
{
    /// <summary>SEMVER ranges use Semantic Versioning 2.0.0 whatever the ecosystem; a leading 'v' is tolerated (Go).</summary>
    private static int? CompareSemVer(string left, string right) =>
        SemVersion.Parse(left) is { } a && SemVersion.Parse(right) is { } b ? a.CompareTo(b) : null;

    /// <summary>Whether this ecosystem's versions can be ordered at all (ECOSYSTEM ranges need it).</summary>
    public bool CanOrder => ecosystemOrdering is not null;

    public int? Compare(string rangeType, string left, string right) =>
        rangeType == "SEMVER" ? CompareSemVer(left, right) : ecosystemOrdering?.CompareVersions(left, right);

    public AffectedVerdict Judge(OsvAffected affected, string version)
    {
        var problems = new List<string>();
        var notEvaluated = new List<string>();
        var listed = affected.Versions?.Any(v => v == version || (CanOrder && ecosystemOrdering!.CompareVersions(v, version) == 0)) == true;
        var inRange = false;
        foreach (var range in affected.Ranges ?? [])
        {
            if (range.Type == "GIT")
            {
                notEvaluated.Add($"GIT range of {range.Repo ?? "an unnamed repository"}: commits are not versions, so it was not evaluated.");
                continue;
            }
            switch (InRange(range, version))
            {
                case (true, _):
                    inRange = true;
                    break;
                case (false, { } problem):
                    problems.Add(problem);
                    break;
            }
        }
        return new AffectedVerdict(listed || inRange, problems, notEvaluated);
    }

    /// <summary>Whether <paramref name="version"/> is in the range, or a sentence on why that cannot be told.</summary>
    public (bool Affected, string? Problem) InRange(OsvRange range, string version)
    {
        if (range.Type == "ECOSYSTEM" && !CanOrder)
            return (false, "this ecosystem has no version ordering, so its ECOSYSTEM ranges cannot be evaluated.");
        var events = new List<(OsvEvent Event, string Version)>(range.Events.Count);
        foreach (var e in range.Events)
        {
            var v = e.Introduced ?? e.Fixed ?? e.LastAffected ?? e.Limit!;
            if (!(e.Introduced == "0" || e.Limit == "*") && Compare(range.Type, v, v) is null)
                return (false, $"the {range.Type} range has the version '{v}', which is not a valid version here, so the range was skipped.");
            events.Add((e, v));
        }
        if (Compare(range.Type, version, version) is null)
            return (false, $"'{version}' is not a valid {(range.Type == "SEMVER" ? "semantic" : "")} version, so the {range.Type} range could not be evaluated.".Replace("  ", " ", StringComparison.Ordinal));
        events.Sort((a, b) => Order(range.Type, a, b));

        var affected = false;
        var limits = new List<string>();
        foreach (var (e, v) in events)
        {
            if (e.Limit is not null)
                limits.Add(v);
            else if (e.Introduced is not null)
            {
                if (v == "0" || Compare(range.Type, version, v) >= 0)
                    affected = true;
            }
            else if (e.Fixed is not null)
            {
                if (Compare(range.Type, version, v) >= 0)
                    affected = false;
            }
            else if (Compare(range.Type, version, v) > 0)
                affected = false; // past last_affected
        }
        if (affected && limits.Count > 0)
            affected = limits.Any(limit => limit == "*" || Compare(range.Type, version, limit) < 0);
        return (affected, null);
    }

    private int Order(string type, (OsvEvent Event, string Version) a, (OsvEvent Event, string Version) b)
    {
        // "0" is below every version and "*" above; neither is a version to compare.
        static int Rank((OsvEvent Event, string Version) e) => e.Event.Introduced == "0" ? -1 : e.Event.Limit == "*" ? 1 : 0;
        var (ra, rb) = (Rank(a), Rank(b));
        return ra != 0 || rb != 0 ? ra.CompareTo(rb) : Compare(type, a.Version, b.Version) ?? 0;
    }
}
