using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Sdk;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>
/// The static_analysis result as one SARIF 2.1.0 log: a run per analyser (<c>tool.driver</c> with its name, version
/// and the rules its findings came from), its findings as results, and for an analyser that did not run cleanly an
/// invocation that says so. Built from the stored result, so any stored analysis can be exported.
/// </summary>
public static class StaticAnalysisSarif
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    /// <summary>The uriBaseId of every location: the root of the analysed package.</summary>
    public const string PackageRoot = "PACKAGE_ROOT";

    /// <summary>The SARIF log of a static_analysis result document (the whole document, as stored).</summary>
    public static JsonObject FromResult(JsonElement document)
    {
        if (!document.TryGetProperty("details", out var element) || element.ValueKind != JsonValueKind.Object)
            throw new ArgumentException("the document is not a successful static_analysis result: it has no 'details'.", nameof(document));
        var details = element.Deserialize<StaticAnalysisDetails>(TaskJson.Options)
            ?? throw new ArgumentException("the static_analysis result's details are empty.", nameof(document));
        return FromDetails(details);
    }

    public static JsonObject FromDetails(StaticAnalysisDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var runs = new JsonArray();
        foreach (var analyser in details.Analysers.Where(a => a.Status != AnalyserStatus.NoFiles))
            runs.Add(Run(analyser, details.Findings.Where(f => f.Analyser == analyser.Name)));
        return new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = runs,
        };
    }

    private static JsonObject Run(AnalyserRun analyser, IEnumerable<StaticFinding> findings)
    {
        var ruleIndex = analyser.Rules.Select((rule, index) => (rule.Id, index)).ToDictionary(r => r.Id, r => r.index, StringComparer.Ordinal);
        var driver = new JsonObject { ["name"] = analyser.Name };
        if (analyser.Version is { } version)
            driver["version"] = version;
        driver["rules"] = new JsonArray([.. analyser.Rules.Select(rule =>
        {
            var descriptor = new JsonObject { ["id"] = rule.Id };
            if (rule.Name is { } name)
                descriptor["name"] = name;
            return (JsonNode)descriptor;
        })]);

        var invocation = new JsonObject { ["executionSuccessful"] = analyser.Status == AnalyserStatus.Ran };
        if (analyser.ExitCode is { } exitCode)
            invocation["exitCode"] = exitCode;
        if (analyser.Reason is { } reason)
            invocation["toolExecutionNotifications"] = new JsonArray(new JsonObject
            {
                ["level"] = "error",
                ["message"] = new JsonObject { ["text"] = reason },
            });
        // SARIF's invocation.stderr names a file; the tail we kept goes in the property bag.
        if (analyser.StderrTail is { Length: > 0 } stderr)
            invocation["properties"] = new JsonObject { ["stderrTail"] = stderr };

        return new JsonObject
        {
            ["tool"] = new JsonObject { ["driver"] = driver },
            ["invocations"] = new JsonArray(invocation),
            ["results"] = new JsonArray([.. findings.Select(f => (JsonNode)Result(f, ruleIndex))]),
        };
    }

    private static JsonObject Result(StaticFinding finding, Dictionary<string, int> ruleIndex)
    {
        var location = new JsonObject
        {
            ["artifactLocation"] = new JsonObject { ["uri"] = RelativeUri(finding.File), ["uriBaseId"] = PackageRoot },
        };
        // SARIF lines and columns start at 1; an analyser's 0 means "the whole file".
        if (finding.Line >= 1)
        {
            var region = new JsonObject { ["startLine"] = finding.Line };
            if (finding.Column is >= 1)
                region["startColumn"] = finding.Column;
            if (finding.Snippet is { } snippet)
                region["snippet"] = new JsonObject { ["text"] = snippet };
            location["region"] = region;
        }
        var result = new JsonObject
        {
            ["ruleId"] = finding.RuleId,
            ["level"] = finding.Severity,
            ["message"] = new JsonObject { ["text"] = finding.Message },
            ["locations"] = new JsonArray(new JsonObject { ["physicalLocation"] = location }),
        };
        if (ruleIndex.TryGetValue(finding.RuleId, out var index))
            result["ruleIndex"] = index;
        if (finding.Cwe.Count > 0)
            result["properties"] = new JsonObject
            {
                // GitHub code scanning reads CWEs from tags of this form.
                ["tags"] = new JsonArray([.. finding.Cwe.Select(id => (JsonNode)$"external/cwe/cwe-{id}")]),
            };
        return result;
    }

    /// <summary>A package path as a relative URI reference: each segment escaped, so spaces, '#' or newlines stay in the name.</summary>
    public static string RelativeUri(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
