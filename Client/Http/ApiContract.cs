using System.Text.Json.Serialization;

namespace Cucos.Client.Http;

/// <summary>
/// The body of <c>POST /api/v1/analyses</c>: a package as <see cref="Package"/> (<c>npm:@types/node@20.1.0</c>)
/// or as <see cref="Ecosystem"/>, <see cref="Name"/> and <see cref="Version"/>. A field the API does not know is an error,
/// so a misspelt <c>forse</c> is not silently ignored.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StartAnalysisBody
{
    /// <summary>The package as <c>ECOSYSTEM:NAME@VERSION</c>, instead of the three fields below.</summary>
    public string? Package { get; init; }
    public string? Ecosystem { get; init; }
    public string? Name { get; init; }
    public string? Version { get; init; }
    /// <summary>Start a new analysis even when the version has one; otherwise the current one is returned.</summary>
    public bool Force { get; init; }
    /// <summary>Tasks to run under init; left out, the default flow runs.</summary>
    public string[]? Tasks { get; init; }
    /// <summary>Parameters handed to every task, such as <c>analyse_dependencies</c>.</summary>
    public Dictionary<string, string>? Parameters { get; init; }
    /// <summary>Where the analysis' end is POSTed, signed (docs/api.md, "Webhooks"); left out, the cluster's default, if any.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>The field names, for the error that names an unknown one.</summary>
    public static readonly IReadOnlyList<string> FieldNames = ["package", "ecosystem", "name", "version", "force", "tasks", "parameters", "webhook_url"];
}

/// <summary>
/// A page of <c>GET /api/v1/analyses</c> without a version: analyses newest first, and the cursor of the next page
/// (null on the last), to pass back as <c>cursor=</c> with the same filters.
/// </summary>
public sealed record AnalysisListBody
{
    public required IReadOnlyList<Cucos.Messages.AnalysisListEntry> Analyses { get; init; }
    public string? NextCursor { get; init; }
}

/// <summary>The answer of <c>GET /api/v1/analyses/counts</c>: every status word with its number of analyses, and their sum.</summary>
public sealed record AnalysisCountsBody
{
    public required IReadOnlyDictionary<string, long> Counts { get; init; }
    public long Total { get; init; }
}

/// <summary>
/// The optional body of <c>POST /api/v1/analyses/{id}/tasks/{task}/rerun</c>. A refused re-run answers a problem document
/// whose <c>refusal</c> field names why (<see cref="Cucos.State.TaskRerunRefusal"/> in snake_case).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RerunTaskBody
{
    /// <summary>Why the task is re-run, kept in the analysis' audit trail.</summary>
    public string? Reason { get; init; }

    /// <summary>The problem document's extension that names the refusal.</summary>
    public const string RefusalField = "refusal";

    public static string RefusalName(Cucos.State.TaskRerunRefusal refusal) =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(refusal.ToString());

    public static Cucos.State.TaskRerunRefusal? ParseRefusal(string name) =>
        Enum.GetValues<Cucos.State.TaskRerunRefusal>().Select(r => (Cucos.State.TaskRerunRefusal?)r).FirstOrDefault(r => RefusalName(r!.Value) == name);
}
