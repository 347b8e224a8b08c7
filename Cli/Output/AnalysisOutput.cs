using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Client;
using Cucos.Reports.Sbom;
using Cucos.State;
using Cucos.Workers.StaticAnalysis;

namespace Cucos.Cli.Output;

/// <summary>
/// What <c>cucos analyze</c> writes besides its progress: <c>--format</c> (table, json, sarif; the SBOM formats
/// later) to <c>--output FILE</c>, or to stdout for none or <c>-</c>. Decided before any work, so a bad choice costs
/// nothing.
/// </summary>
public sealed record AnalysisOutput(string Format, string? File)
{
    public const string Table = "table";
    public const string Json = "json";
    public const string Sarif = "sarif";
    public const string CycloneDx = "cyclonedx";
    public const string Spdx = "spdx";

    public static readonly string[] Formats = [Table, Json, Sarif, CycloneDx, Spdx];

    /// <summary>A machine document (json, sarif) written to stdout, which then carries nothing else.</summary>
    public bool DocumentOnStdout => Format != Table && File is null;

    /// <summary>
    /// <c>--format</c> and <c>--output</c>. With <c>--output FILE</c> and no <c>--format</c> the file gets the JSON
    /// (as before <c>--format</c> existed) and the summary stays on the terminal.
    /// </summary>
    public static AnalysisOutput From(CommandLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var target = line.Value("--output");
        var file = target == "-" ? null : target;
        var format = line.Value("--format") ?? (file is null ? Table : Json);
        switch (format)
        {
            case Table or Json or Sarif or CycloneDx or Spdx:
                break;
            default:
                throw new UsageException($"--format '{format}' is not known: use one of {string.Join(", ", Formats)}.");
        }
        CliJson.CheckWritable(file);
        return new AnalysisOutput(format, file);
    }

    /// <summary>Writes the document of <see cref="Format"/> (json, sarif, cyclonedx or spdx) to the file, or to stdout.</summary>
    /// <param name="dependencies">The dependency analyses it started, each with its results and its own: written by json
    /// as <c>dependencies</c> (empty when none were started).</param>
    public async Task WriteAsync(AnalysisSnapshot analysis, IReadOnlyDictionary<string, JsonElement?> results, TextWriter stdout, CancellationToken cancellationToken,
        IReadOnlyList<Commands.AnalysisTreeNode>? dependencies = null)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(results);
        if (Format is CycloneDx or Spdx)
        {
            var stored = results.Where(r => r.Value is not null).ToDictionary(r => r.Key, r => r.Value!.Value, StringComparer.Ordinal);
            var sbom = SbomWriter.Render(SbomWriter.ParseFormat(Format), AnalysisDocumentsLoader.From(analysis, stored));
            if (File is { } sbomFile)
                await System.IO.File.WriteAllBytesAsync(sbomFile, sbom, cancellationToken);
            else
                stdout.WriteLine(System.Text.Encoding.UTF8.GetString(sbom));
            return;
        }
        object document = Format == Sarif ? SarifOf(results) : new { analysis, results, dependencies = dependencies ?? [] };
        if (File is { } file)
            await CliJson.WriteFileAsync(file, document, cancellationToken);
        else
            stdout.WriteLine(JsonSerializer.Serialize(document, document.GetType(), CliJson.Options));
    }

    /// <summary>
    /// The SARIF 2.1.0 log of what the analysis found: the static_analysis findings, a run per analyser, then a run of
    /// the security_issues advisories (as the API's <c>/sarif</c> route serves it). An analysis with neither result
    /// (not run, or failed) gives a log with no runs, which SARIF tools read as nothing found.
    /// </summary>
    public static JsonObject SarifOf(IReadOnlyDictionary<string, JsonElement?> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return AnalysisSarif.FromResults(Usable(results, "static_analysis"), Usable(results, "security_issues"))
            ?? new JsonObject { ["$schema"] = StaticAnalysisSarif.SchemaUri, ["version"] = "2.1.0", ["runs"] = new JsonArray() };
    }

    /// <summary>A stored result with its details (a skipped task's document has none and carries no findings).</summary>
    private static JsonElement? Usable(IReadOnlyDictionary<string, JsonElement?> results, string task) =>
        results.TryGetValue(task, out var result) && result is { ValueKind: JsonValueKind.Object } document
        && document.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object ? document : null;
}
