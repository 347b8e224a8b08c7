namespace Cucos.Messages;

/// <summary>What to analyse: a package version, optionally backed by a local directory or archive.</summary>
[GenerateSerializer, Alias("cucos.AnalysisRequest")]
public sealed partial record AnalysisRequest
{
    /// <summary>The ecosystem used for sources given as a local path.</summary>
    public const string LocalEcosystem = Sdk.Ecosystems.EcosystemCatalog.LocalEcosystem;

    [Id(0)] public required string Ecosystem { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string Version { get; init; }

    /// <summary>A local directory or archive to analyse instead of fetching from a registry.</summary>
    [Id(3)] public string? SourcePath { get; init; }

    /// <summary>Start a new analysis even when one exists for this package version.</summary>
    [Id(4)] public bool Force { get; init; }

    /// <summary>Tasks to run under init; null runs the default flow.</summary>
    [Id(5)] public string[]? Tasks { get; init; }

    /// <summary>Keep the cache path (artifact and extracted tree) after the analysis.</summary>
    [Id(6)] public bool KeepCache { get; init; }

    /// <summary>Free-form parameters handed to every task.</summary>
    [Id(7)] public Dictionary<string, string>? Parameters { get; init; }

    /// <summary>
    /// Where the analysis' end is POSTed (signed with the cluster's webhook secret), or null for the cluster's default
    /// (<c>Cucos:Webhooks:Url</c>, none unless set). Checked against the cluster's allow-list when the request comes in
    /// and again, after DNS, at each delivery.
    /// </summary>
    [Id(8)] public string? WebhookUrl { get; init; }

    /// <summary>The release string of the original design: <c>ecosystem:name:version</c>.</summary>
    public string Release => $"{Ecosystem}:{Name}:{Version}";

    /// <summary>A request for a local directory or archive; the name is the full path, the version "local".</summary>
    public static AnalysisRequest ForLocalPath(string path, bool force = false, string[]? tasks = null)
    {
        var fullPath = Path.GetFullPath(path);
        return new AnalysisRequest
        {
            Ecosystem = LocalEcosystem,
            Name = fullPath,
            Version = "local",
            SourcePath = fullPath,
            Force = force,
            Tasks = tasks,
        };
    }

    /// <summary>A request for a package version that init fetches from its ecosystem's registry.</summary>
    public static AnalysisRequest ForPackage(string ecosystem, string name, string version, bool force = false, string[]? tasks = null) => new()
    {
        Ecosystem = ecosystem,
        Name = name,
        Version = version,
        Force = force,
        Tasks = tasks,
    };

    /// <summary>
    /// Reads <c>ECOSYSTEM:NAME@VERSION</c>, as the CLI takes it: <c>npm:serve-static@1.7.1</c>, <c>npm:@types/node@20.1.0</c>,
    /// <c>nuget:Newtonsoft.Json@13.0.1</c>, <c>maven:org.example:library@1.0</c>, <c>go:example.org/module@v1.2.3</c>.
    /// The split is only syntactic: whether the cluster knows the ecosystem is the <c>EcosystemCatalog</c>'s to say
    /// (its <c>ParsePackage</c> also turns an alias into the id), so a plug-in's <c>toy:name@1.0</c> parses here too.
    /// Throws <see cref="ArgumentException"/> saying what to fix.
    /// </summary>
    public static AnalysisRequest ParsePackage(string text, bool force = false, string[]? tasks = null)
    {
        ThrowIfForged(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            throw new ArgumentException(
                $"'{text}' does not name a package as ECOSYSTEM:NAME@VERSION with an ecosystem among those the cluster knows (for example npm:serve-static@1.7.1).");
        var ecosystem = text[..colon];
        var rest = text[(colon + 1)..];
        var at = rest.LastIndexOf('@');
        if (at <= 0 || at == rest.Length - 1)
            throw new ArgumentException($"'{text}' has no version: write it as {ecosystem}:NAME@VERSION (for example npm:serve-static@1.7.1).");
        var request = ForPackage(ecosystem, rest[..at], rest[(at + 1)..], force, tasks);
        if (request.Validate() is { Count: > 0 } problems)
            throw new ArgumentException($"'{text}' is not a valid package: {string.Join(" ", problems)}");
        return request;
    }

    /// <summary>
    /// Refuses a package text with a character that forges lines, before any message quotes it.
    /// Throws <see cref="InvalidAnalysisRequestException"/> for the <c>package</c> field.
    /// </summary>
    public static void ThrowIfForged(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (RequestChecks.HasForgingCharacter(text))
            throw new InvalidAnalysisRequestException(RequestFields.Package,
                "the package has control or formatting characters (such as a line break, NUL, ESC or a bidi override): write it as ECOSYSTEM:NAME@VERSION in plain characters.");
    }

    /// <summary>
    /// Every problem of this request's own fields, each saying what to change; empty when it is valid. The cluster checks
    /// more (its tasks and ecosystems) with <c>AnalysisRequestValidator</c>, in the same words.
    /// </summary>
    public IReadOnlyList<string> Validate() => [.. RequestChecks.OfShape(this).Select(p => p.Message)];
}
