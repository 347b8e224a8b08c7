using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Sdk;
using Cucos.Workers.SecurityIssues;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>
/// One SARIF 2.1.0 log for an analysis, from its stored result documents: the runs of static_analysis (one per
/// analyser, <see cref="StaticAnalysisSarif"/>) and a run of security_issues, whose rules are the advisories (by id)
/// and whose results are the vulnerabilities of the package and of its resolved dependencies, at a level from their
/// rating. Shared by the HTTP API (<c>GET /api/v1/analyses/{id}/sarif</c>) and the CLI.
/// </summary>
public static class AnalysisSarif
{
    public const string MediaType = "application/sarif+json";

    /// <summary>The driver name of the security_issues run.</summary>
    public const string SecurityDriver = "cucos-security-issues";

    /// <summary>
    /// The log of whichever of the two documents there is (as stored: <c>summary</c>, <c>details</c>, ...); null when
    /// there is neither. A document that is not a successful result of its task is an <see cref="ArgumentException"/>.
    /// </summary>
    public static JsonObject? FromResults(JsonElement? staticAnalysis, JsonElement? securityIssues)
    {
        if (staticAnalysis is null && securityIssues is null)
            return null;
        var log = staticAnalysis is { } analysis
            ? StaticAnalysisSarif.FromResult(analysis)
            : new JsonObject { ["$schema"] = StaticAnalysisSarif.SchemaUri, ["version"] = "2.1.0", ["runs"] = new JsonArray() };
        if (securityIssues is { } security)
            log["runs"]!.AsArray().Add(SecurityRun(security));
        return log;
    }

    /// <summary>The SARIF level of an OSV rating: critical and high are errors, medium a warning, the rest notes.</summary>
    public static string Level(string rating) => rating switch
    {
        "critical" or "high" => "error",
        "medium" => "warning",
        _ => "note",
    };

    private static JsonObject SecurityRun(JsonElement document)
    {
        if (!document.TryGetProperty("details", out var element) || element.ValueKind != JsonValueKind.Object)
            throw new ArgumentException("the document is not a successful security_issues result: it has no 'details'.", nameof(document));
        var details = element.Deserialize<SecurityIssuesDetails>(TaskJson.Options)
            ?? throw new ArgumentException("the security_issues result's details are empty.", nameof(document));
        var summary = document.TryGetProperty("summary", out var s) ? s.Deserialize<SecurityIssuesSummary>(TaskJson.Options) : null;

        var found = details.Vulnerabilities.Select(v => (Vulnerability: v, Dependency: (DependencyVulnerabilities?)null))
            .Concat(details.Dependencies.SelectMany(d => d.Vulnerabilities.Select(v => (Vulnerability: v, Dependency: (DependencyVulnerabilities?)d))))
            .ToArray();
        var rules = found.Select(f => f.Vulnerability).DistinctBy(v => v.Id, StringComparer.Ordinal)
            .OrderBy(v => v.Id, StringComparer.Ordinal).ToArray();
        var ruleIndex = rules.Select((rule, index) => (rule.Id, index)).ToDictionary(r => r.Id, r => r.index, StringComparer.Ordinal);

        var invocation = new JsonObject { ["executionSuccessful"] = true };
        if (summary is { Reason: { } reason })
            invocation["toolExecutionNotifications"] = new JsonArray(new JsonObject
            {
                ["level"] = "note",
                ["message"] = new JsonObject { ["text"] = $"security_issues {summary.Status}: {reason}" },
            });
        return new JsonObject
        {
            ["tool"] = new JsonObject
            {
                ["driver"] = new JsonObject
                {
                    ["name"] = SecurityDriver,
                    ["informationUri"] = "https://osv.dev/",
                    ["rules"] = new JsonArray([.. rules.Select(v => (JsonNode)Rule(v))]),
                },
            },
            ["invocations"] = new JsonArray(invocation),
            ["results"] = new JsonArray([.. found.Select(f => (JsonNode)Result(f.Vulnerability, f.Dependency, details, ruleIndex))]),
        };
    }

    private static JsonObject Rule(Vulnerability vulnerability)
    {
        var rule = new JsonObject
        {
            ["id"] = vulnerability.Id,
            ["shortDescription"] = new JsonObject { ["text"] = vulnerability.Summary is { Length: > 0 } text ? text : vulnerability.Id },
        };
        if (vulnerability.References.FirstOrDefault(r => Uri.TryCreate(r.Url, UriKind.Absolute, out _)) is { } reference)
            rule["helpUri"] = reference.Url;
        var properties = new JsonObject
        {
            ["tags"] = new JsonArray([.. vulnerability.CweIds.Select(Tag).Prepend("security").Select(t => (JsonNode)t)]),
            ["aliases"] = new JsonArray([.. vulnerability.Aliases.Select(a => (JsonNode)a)]),
        };
        // GitHub code scanning ranks security results by this property, a CVSS base score as a string.
        if (vulnerability.Score is { } score)
            properties["security-severity"] = score.ToString("0.0", CultureInfo.InvariantCulture);
        rule["properties"] = properties;
        return rule;
    }

    private static JsonObject Result(Vulnerability vulnerability, DependencyVulnerabilities? dependency, SecurityIssuesDetails details,
        Dictionary<string, int> ruleIndex)
    {
        var package = dependency is null
            ? $"{details.Package}@{details.Version}"
            : $"{dependency.Package ?? dependency.Dependency}@{dependency.Version}";
        var subject = dependency is null ? package : $"the dependency {package}";
        var result = new JsonObject
        {
            ["ruleId"] = vulnerability.Id,
            ["ruleIndex"] = ruleIndex[vulnerability.Id],
            ["level"] = Level(vulnerability.Rating),
            ["message"] = new JsonObject
            {
                ["text"] = $"{subject} is affected by {vulnerability.Id}" +
                    (vulnerability.Summary is { Length: > 0 } summary ? $" ({summary})" : "") + $": {vulnerability.Advice}.",
            },
            // A vulnerability is of a package, not of a line: a logical location names it.
            ["locations"] = new JsonArray(new JsonObject
            {
                ["logicalLocations"] = new JsonArray(new JsonObject
                {
                    ["fullyQualifiedName"] = package,
                    ["kind"] = "module",
                }),
            }),
        };
        var properties = new JsonObject { ["rating"] = vulnerability.Rating };
        if (vulnerability.Score is { } score)
            properties["score"] = score;
        if (vulnerability.NearestFixedVersion is { } fixedVersion)
            properties["nearestFixedVersion"] = fixedVersion;
        if (dependency is not null)
            properties["dependency"] = dependency.Dependency;
        if (vulnerability.CweIds.Count > 0)
            properties["tags"] = new JsonArray([.. vulnerability.CweIds.Select(c => (JsonNode)Tag(c))]);
        result["properties"] = properties;
        return result;
    }

    /// <summary>OSV's "CWE-79" as code scanning's tag "external/cwe/cwe-79".</summary>
    private static string Tag(string cwe) => "external/cwe/" + cwe.ToLowerInvariant();
}
