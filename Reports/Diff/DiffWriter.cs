using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cucos.Reports.Diff;

public enum DiffFormat
{
    Table,
    Json,
    Markdown,
}

/// <summary>A <see cref="VersionDiff"/> as a text table (the CLI), snake_case JSON (no schema file yet: the property names of VersionDiff in snake_case) or a short Markdown pull-request comment.</summary>
public static class DiffWriter
{
    /// <summary>How many rows of one list the table and the Markdown show; JSON always has them all.</summary>
    public const int ShownRows = 20;

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        // A null stays in the document: a consumer can tell "no value on that side" from a field it does not know.
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <exception cref="DiffException">The name is none of table, json, markdown.</exception>
    public static DiffFormat ParseFormat(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "table" or "text" => DiffFormat.Table,
        "json" => DiffFormat.Json,
        "markdown" or "md" => DiffFormat.Markdown,
        _ => throw new DiffException($"format '{name}' is not a diff format: give table, json or markdown."),
    };

    public static string MediaType(DiffFormat format) => format switch
    {
        DiffFormat.Json => "application/json",
        DiffFormat.Markdown => "text/markdown; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    public static string Render(DiffFormat format, VersionDiff diff) => format switch
    {
        DiffFormat.Json => Json(diff),
        DiffFormat.Markdown => Markdown(diff),
        _ => Table(diff),
    };

    public static string Json(VersionDiff diff) => JsonSerializer.Serialize(diff, JsonOptions);

    public static VersionDiff? ParseJson(string json) => JsonSerializer.Deserialize<VersionDiff>(json, JsonOptions);

    public static string Table(VersionDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"{diff.Ecosystem}:{diff.Name} {diff.From.Version} -> {diff.To.Version}"));
        text.AppendLine(Invariant($"  size       {Size(diff.Size)}"));
        text.AppendLine(Invariant($"  files      +{diff.Files.Added.Count} -{diff.Files.Removed.Count} ~{diff.Files.Changed.Count} ({diff.Files.Unchanged} unchanged)"));
        foreach (var file in diff.Files.Added.Take(ShownRows))
            text.AppendLine(Invariant($"    + {file.Path} ({file.Size} B)"));
        foreach (var file in diff.Files.Removed.Take(ShownRows))
            text.AppendLine(Invariant($"    - {file.Path}"));
        foreach (var file in diff.Files.Changed.Take(ShownRows))
            text.AppendLine(Invariant($"    ~ {file.Path} ({file.FromSize} -> {file.ToSize} B{(file.SsdeepSimilarity is { } s ? $", ssdeep {s}" : "")})"));
        Licence(text, "declared", diff.Licences.Declared);
        Licence(text, "concluded", diff.Licences.Concluded);
        var dependencies = diff.Dependencies;
        text.AppendLine(Invariant($"  dependencies +{dependencies.Added.Count} -{dependencies.Removed.Count} ~{dependencies.Changed.Count}"));
        foreach (var dependency in dependencies.Added.Take(ShownRows))
            text.AppendLine(Invariant($"    + {dependency.Name} {dependency.Spec} {Resolved(dependency.ResolvedVersion)}").TrimEnd());
        foreach (var dependency in dependencies.Removed.Take(ShownRows))
            text.AppendLine(Invariant($"    - {dependency.Name}"));
        foreach (var dependency in dependencies.Changed.Take(ShownRows))
            text.AppendLine(Invariant($"    ~ {dependency.Name} {DependencyChange(dependency)}"));
        foreach (var script in diff.SupplyChain.InstallScriptsAdded)
            text.AppendLine(Invariant($"  new install script  {script.Hook}: {script.Command}"));
        foreach (var capability in diff.SupplyChain.CapabilitiesAdded.Take(ShownRows))
            text.AppendLine(Invariant($"  new capability      {capability.Family}/{capability.Rule}"));
        if (diff.SupplyChain.Risk is { } risk)
            text.AppendLine(Invariant($"  supply-chain risk   {risk.From ?? "none"} -> {risk.To ?? "none"}"));
        foreach (var advisory in diff.Advisories.Introduced)
            text.AppendLine(Invariant($"  advisory introduced {advisory.Id} {advisory.Rating}{Of(advisory)}").TrimEnd());
        foreach (var advisory in diff.Advisories.Fixed)
            text.AppendLine(Invariant($"  advisory fixed      {advisory.Id} {advisory.Rating}{Of(advisory)}").TrimEnd());
        if (diff.MissingResults.Count > 0)
            text.AppendLine(Invariant($"  not compared (a side has no result): {string.Join(", ", diff.MissingResults)}"));
        return text.ToString();
    }

    public static string Markdown(VersionDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"### `{diff.Ecosystem}:{diff.Name}` {diff.From.Version} → {diff.To.Version}"));
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(Invariant($"| Size | {Size(diff.Size)} |"));
        text.AppendLine(Invariant($"| Files | {diff.Files.Added.Count} added, {diff.Files.Removed.Count} removed, {diff.Files.Changed.Count} changed |"));
        text.AppendLine(Invariant($"| Dependencies | {diff.Dependencies.Added.Count} added, {diff.Dependencies.Removed.Count} removed, {diff.Dependencies.Changed.Count} changed |"));
        text.AppendLine(Invariant($"| Advisories | {diff.Advisories.Introduced.Count} introduced, {diff.Advisories.Fixed.Count} fixed |"));
        if (diff.Licences.Declared is { } declared)
            text.AppendLine(Invariant($"| Declared licence | {Cell(declared.From)} → {Cell(declared.To)} |"));
        if (diff.Licences.Concluded is { } concluded)
            text.AppendLine(Invariant($"| Concluded licence | {Cell(concluded.From)} → {Cell(concluded.To)} |"));
        var warnings = diff.SupplyChain.InstallScriptsAdded.Select(s => Invariant($"- ⚠️ new install script `{s.Hook}`: `{Code(s.Command)}`"))
            .Concat(diff.SupplyChain.CapabilitiesAdded.Take(ShownRows).Select(c => Invariant($"- new capability `{c.Family}/{c.Rule}`")))
            .Concat(diff.Advisories.Introduced.Select(a => Invariant($"- ⚠️ advisory introduced **{a.Id}** {a.Rating}{Of(a)}").TrimEnd()))
            .Concat(diff.Advisories.Fixed.Select(a => Invariant($"- advisory fixed {a.Id}{Of(a)}")))
            .Concat(diff.Dependencies.Added.Take(ShownRows).Select(d => Invariant($"- dependency added `{d.Name}` {Code(d.Spec ?? "")}").TrimEnd()))
            .Concat(diff.Dependencies.Changed.Take(ShownRows).Select(d => Invariant($"- dependency `{d.Name}` {DependencyChange(d)}")))
            .Concat(diff.Dependencies.Removed.Take(ShownRows).Select(d => Invariant($"- dependency removed `{d.Name}`")))
            .ToList();
        if (warnings.Count > 0)
        {
            text.AppendLine();
            foreach (var line in warnings)
                text.AppendLine(line);
        }
        if (diff.MissingResults.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"_Not compared (a side has no result): {string.Join(", ", diff.MissingResults)}._"));
        }
        return text.ToString();
    }

    private static void Licence(StringBuilder text, string which, ValueChange? change)
    {
        if (change is not null)
            text.AppendLine(Invariant($"  {which} licence {change.From ?? "none"} -> {change.To ?? "none"}"));
    }

    private static string DependencyChange(ChangedDependency dependency) => string.Join(", ", new[]
    {
        dependency.Spec is { } spec ? $"range {spec.From ?? "none"} -> {spec.To ?? "none"}" : null,
        dependency.ResolvedVersion is { } resolved ? $"resolved {resolved.From ?? "none"} -> {resolved.To ?? "none"}" : null,
    }.OfType<string>());

    /// <summary>Whose advisory it is, when it is a dependency's rather than the package's own.</summary>
    private static string Of(Advisory advisory) => advisory.Dependency ? Invariant($" (dependency {advisory.Package}@{advisory.Version})") : "";

    private static string Resolved(string? version) => version is null ? "" : $"(resolved {version})";

    private static string Size(SizeChange size) =>
        Invariant($"{size.FromBytes?.ToString(CultureInfo.InvariantCulture) ?? "?"} -> {size.ToBytes?.ToString(CultureInfo.InvariantCulture) ?? "?"} bytes") +
        (size.BytesChange is { } change ? Invariant($" ({change:+#;-#;0})") : "") +
        Invariant($", {size.FromFiles?.ToString(CultureInfo.InvariantCulture) ?? "?"} -> {size.ToFiles?.ToString(CultureInfo.InvariantCulture) ?? "?"} files");

    /// <summary>A value in a table cell: a pipe would end the cell.</summary>
    private static string Cell(string? value) => value is null ? "none" : $"`{value.Replace("|", "\\|", StringComparison.Ordinal)}`";

    private static string Code(string value) => value.Replace("`", "'", StringComparison.Ordinal);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
