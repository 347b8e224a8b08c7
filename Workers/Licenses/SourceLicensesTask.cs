using System.ComponentModel;
using System.Text.Json;
using Cucos.Sdk;
using Cucos.Workers.Content;
using Cucos.Workers.Metadata;

namespace Cucos.Workers.Licenses;

/// <summary>
/// Licences of the package's files as SPDX identifiers (tags, full texts, notices, references) with line ranges and
/// confidence, copyright statements and holders, the package's overall licence and how it compares with the
/// licence its manifest declares.
/// </summary>
public sealed class SourceLicensesTask : BaseTask
{
    /// <summary>Findings at or above this confidence are the licences we are sure of.</summary>
    public const double SureConfidence = 0.9;

    /// <summary>The task whose result carries the declared licence (<c>details.declared_license</c>), when it ran.</summary>
    public const string MetadataTask = "metadata";

    public override string Name => "source_licenses";

    /// <summary>1.1.0: files carry <c>mentions</c>, licences named in changelogs and in sentences about other works.</summary>
    public override string Version => "1.1.0";
    public override string Description => "SPDX licences of every file (tags, full texts, notices), copyrights, the overall licence against the declared one.";

    /// <summary>The declared licence comes from metadata's result, so in an analysis this runs after it.</summary>
    public override IReadOnlyList<string> DependsOn => [MetadataTask];

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");
        var catalog = LicenseCatalog.Instance;
        var scanner = new LicenseScanner(catalog, LicenseNotices.Instance);
        var files = PackageFiles.Enumerate(context.PackagePath);
        var outcomes = await PackageFiles.AnalyseAllAsync(files, scanner.Scan, cancellationToken).ConfigureAwait(false);

        var scanned = outcomes.Where(o => o.Result is not null).Select(o => o.Result!).ToArray();
        var errors = PackageFiles.Errors(outcomes);
        var overall = OverallLicense.Of(scanned, catalog);
        var metadata = await context.GetResultAsync<MetadataDetails>(cancellationToken).ConfigureAwait(false);
        var declared = DeclaredLicense.From(metadata, catalog);
        var comparison = DeclaredLicense.Compare(declared, overall.Expression);

        var licenseCounts = overall.FileCounts;
        return TaskResult.Success(
            new SourceLicensesSummary(
                files.Length,
                scanned.Count(f => f.Licenses.Count > 0),
                overall.Expression?.ToString(),
                licenseCounts,
                overall.Sure,
                comparison.Declared,
                comparison.Status,
                errors.Length),
            new SourceLicensesDetails(
                catalog.ListVersion,
                overall.Expression?.ToString(),
                [.. licenseCounts.Select(p => new LicenseFileCount(p.Key, p.Value, overall.Sure.Contains(p.Key)))],
                comparison,
                [.. scanned.SelectMany(f => f.Copyrights.Where(c => c.Holder is not null).Select(c => (Holder: c.Holder!, f.Path)))
                    .GroupBy(h => h.Holder, StringComparer.Ordinal)
                    .Select(g => new CopyrightHolder(g.Key, g.Select(x => x.Path).Distinct().Count()))
                    .OrderByDescending(h => h.Files).ThenBy(h => h.Holder, StringComparer.Ordinal)],
                [.. scanned.Where(f => f.Licenses.Count > 0 || f.Mentions.Count > 0 || f.Copyrights.Count > 0)],
                outcomes.Count(o => o.Result is null && o.Error is null),
                errors));
    }
}

/// <summary>The licences of the whole package: per-licence file counts, the sure ones, one SPDX expression.</summary>
public sealed record OverallLicense(SortedDictionary<string, int> FileCounts, IReadOnlyList<string> Sure, SpdxExpression? Expression)
{
    public static OverallLicense Of(IReadOnlyList<FileLicenses> files, LicenseCatalog catalog)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var id in file.Licenses.SelectMany(l => l.LicenseIds).Distinct(StringComparer.Ordinal))
                counts[id] = counts.GetValueOrDefault(id) + 1;

        // The terms of the overall expression: each sure finding's expression, kept whole ("MIT OR Apache-2.0").
        var sureFindings = files.SelectMany(f => f.Licenses.Where(l => l.Confidence >= SourceLicensesTask.SureConfidence && l.LicenseIds.Count > 0)
            .Select(l => (File: f.Path, Finding: l))).ToArray();
        var terms = sureFindings
            .GroupBy(s => s.Finding.Expression, StringComparer.Ordinal)
            .Select(g => (Expression: SpdxExpression.TryParse(g.Key, catalog)!,
                FullTextOnly: g.All(s => s.Finding.Method == LicenseMethod.FullText)))
            .Where(t => t.Expression is not null)
            .ToList();
        // A licence offered as one choice of a dual licence (LICENSE-MIT next to "MIT OR Apache-2.0") is that choice.
        var choices = terms.Where(t => t.Expression is SpdxExpression.Compound { Operator: "OR" })
            .SelectMany(t => t.Expression.LicenseIds()).ToHashSet(StringComparer.Ordinal);
        // A GNU licence text alone does not say whether later versions apply; the notices do.
        var allIds = terms.SelectMany(t => t.Expression.LicenseIds()).ToHashSet(StringComparer.Ordinal);
        // Most files first, a term counting the files of the licences it absorbed.
        var kept = terms.Where(t => !(t.Expression is SpdxExpression.License single
                && (choices.Contains(single.Id)
                    || (t.FullTextOnly && single.Id.EndsWith("-only", StringComparison.Ordinal) && allIds.Contains(single.Id[..^5] + "-or-later")))))
            .Select(t => (t.Expression, Files: sureFindings.Where(s => s.Finding.LicenseIds.All(t.Expression.LicenseIds().Contains)).Select(s => s.File).Distinct().Count()))
            .OrderByDescending(t => t.Files).ThenBy(t => t.Expression.ToString(), StringComparer.Ordinal)
            .Select(t => t.Expression)
            .ToList();
        var sure = sureFindings.SelectMany(s => s.Finding.LicenseIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new OverallLicense(counts, sure, SpdxExpression.AllOf(kept));
    }
}

/// <summary>How the licence the manifest declares compares with the licences found in the files.</summary>
public sealed record LicenseComparison(
    string? Declared,
    [property: Description("the manifest's own text, from the metadata result")] string? DeclaredRaw,
    string? Detected,
    string Status,
    [property: Description("true for partial or mismatch")] bool Mismatch,
    IReadOnlyList<string> DeclaredNotFound,
    IReadOnlyList<string> FoundNotDeclared,
    string Reason);

/// <summary>Reads the declared licence from the metadata worker's result and compares it.</summary>
public static class DeclaredLicense
{
    public const string Match = "match", Partial = "partial", Mismatch = "mismatch", Unknown = "unknown";

    /// <summary>The declared licence of a metadata result document (<c>details.declared_license</c>), or null.</summary>
    public static (string? Raw, SpdxExpression? Expression)? From(JsonElement? metadata, LicenseCatalog catalog) =>
        From(TaskContextResults.Read<MetadataDetails>(metadata, MetadataTask.TaskName, ResultPart.Details), catalog);

    /// <summary>The declared licence (raw text and SPDX expression) of metadata's details, or null without them.</summary>
    public static (string? Raw, SpdxExpression? Expression)? From(MetadataDetails? metadata, LicenseCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (metadata?.DeclaredLicense is not { } declared)
            return null;
        var raw = declared.Raw;
        var written = declared.Expression;
        var expression = (written is null ? null : SpdxExpression.TryParse(written, catalog))
            ?? (raw is null ? null : SpdxExpression.TryParse(raw, catalog) ?? FromNoticeText(raw, catalog));
        return (raw, expression);
    }

    // A manifest's free text ("Apache License 2.0", "GNU GPL v3 or later") read like a notice.
    private static SpdxExpression? FromNoticeText(string raw, LicenseCatalog catalog)
    {
        var text = LicenseText.Of(raw);
        var (joined, starts) = text.Joined();
        var ids = LicenseNotices.Instance.Find(joined, starts)
            .Select(n => SpdxExpression.TryParse(n.Expression, catalog)).OfType<SpdxExpression>().ToArray();
        return SpdxExpression.AllOf(ids);
    }

    public static LicenseComparison Compare((string? Raw, SpdxExpression? Expression)? declared, SpdxExpression? detected)
    {
        var detectedText = detected?.ToString();
        if (declared is null)
            return new LicenseComparison(null, null, detectedText, Unknown, false, [], [], "no declared licence: the metadata result is absent or has none.");
        var (raw, expression) = declared.Value;
        if (expression is null)
            return new LicenseComparison(null, raw, detectedText, Unknown, false, [], [],
                raw is null ? "the manifest declares no licence." : $"the declared licence '{raw}' is not an SPDX expression or a licence name we know.");
        if (detected is null)
            return new LicenseComparison(expression.ToString(), raw, null, Unknown, false, [], [], "no licence was found with confidence in the files.");
        var declaredIds = expression.LicenseIds();
        var detectedIds = detected.LicenseIds();
        var notFound = declaredIds.Except(detectedIds, StringComparer.Ordinal).ToArray();
        var notDeclared = detectedIds.Except(declaredIds, StringComparer.Ordinal).ToArray();
        var status = notFound.Length == 0 && notDeclared.Length == 0 ? Match
            : notFound.Length < declaredIds.Count ? Partial
            : Mismatch;
        var reason = status switch
        {
            Match => "the files carry the declared licences.",
            Partial => "the files carry the declared licences only in part, or more than them.",
            _ => "none of the declared licences was found in the files.",
        };
        return new LicenseComparison(expression.ToString(), raw, detectedText, status, status != Match, notFound, notDeclared, reason);
    }
}
