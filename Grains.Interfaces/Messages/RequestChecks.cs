using System.Globalization;
using System.Text.RegularExpressions;

namespace Cucos.Messages;

/// <summary>
/// The checks of a request that need neither the task registry nor the ecosystem catalog, each mistake with one wording.
/// <c>AnalysisRequestValidator</c> (in the grains) adds the checks against the cluster's tasks and ecosystems; callers
/// outside the cluster use these only to word a refusal the same way.
/// </summary>
public static partial class RequestChecks
{
    public const int MaxNameLength = 1024;
    public const int MaxVersionLength = 256;
    public const int MaxTasks = 64;
    public const int MaxParameters = 64;
    public const int MaxParameterNameLength = 128;
    public const int MaxParameterValueLength = 4096;
    public const int MaxSourcePathLength = 4096;
    public const int MaxWebhookUrlLength = 2048;

    /// <summary>
    /// The problems of the request's own fields; the ecosystem only by its form (whether it is known needs the catalog).
    /// <paramref name="knownEcosystems"/> says what to give when the ecosystem is missing.
    /// </summary>
    public static List<RequestProblem> OfShape(AnalysisRequest request, string knownEcosystems = "one such as 'npm', or 'local' with a source path")
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<RequestProblem>();
        if (string.IsNullOrWhiteSpace(request.Ecosystem))
            problems.Add(MissingEcosystem(knownEcosystems));
        else if (!IsEcosystemForm(request.Ecosystem))
            problems.Add(MalformedEcosystem(request.Ecosystem));
        problems.AddRange(OfName(request.Name));
        problems.AddRange(OfVersion(request.Version));
        if (request.Ecosystem == AnalysisRequest.LocalEcosystem && string.IsNullOrWhiteSpace(request.SourcePath))
            problems.Add(new(RequestFields.SourcePath, "a 'local' analysis needs a source path (a directory or an archive)."));
        else if (request.SourcePath is { } sourcePath && (sourcePath.Length > MaxSourcePathLength || HasForgingCharacter(sourcePath)))
            problems.Add(new(RequestFields.SourcePath, $"the source path has control or formatting characters or more than {MaxSourcePathLength} characters: give a plain path."));
        problems.AddRange(OfTasks(request.Tasks));
        problems.AddRange(OfParameters(request.Parameters));
        if (OfWebhookUrl(request.WebhookUrl) is { } webhook)
            problems.Add(webhook);
        return problems;
    }

    /// <summary>
    /// The webhook URL's form: an absolute http(s) URL of at most <see cref="MaxWebhookUrlLength"/> plain characters, with
    /// no user name or password (the URL is stored with the request and shown to readers; receivers authenticate the
    /// cluster by the signature instead) and no fragment. Whether the cluster may call its host is the cluster's word
    /// (its allow-list, after DNS); the URL is not echoed, since it may be long or carry a token.
    /// </summary>
    public static RequestProblem? OfWebhookUrl(string? url)
    {
        if (url is null)
            return null;
        if (url.Length == 0 || url.Length > MaxWebhookUrlLength || HasForgingCharacter(url) || url.Any(char.IsWhiteSpace))
            return new(RequestFields.WebhookUrl,
                $"'webhook_url' is empty, longer than {MaxWebhookUrlLength} characters or has spaces or control characters: give an absolute URL such as https://hooks.example/cucos.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.Host.Length == 0)
            return new(RequestFields.WebhookUrl, "'webhook_url' is not an absolute http or https URL: give one such as https://hooks.example/cucos.");
        if (parsed.UserInfo.Length > 0)
            return new(RequestFields.WebhookUrl,
                "'webhook_url' has a user name or password in it, which would be stored and shown with the analysis: leave it out; receivers check the X-Cucos-Signature header instead.");
        if (parsed.Fragment.Length > 0)
            return new(RequestFields.WebhookUrl, "'webhook_url' has a fragment ('#...'), which is never sent: leave it out.");
        return null;
    }

    /// <summary>
    /// The task names: a list of 1 to <see cref="MaxTasks"/> plain names (no null, blank or control-character entry).
    /// A registry can then look each one up without meeting a null.
    /// </summary>
    public static IEnumerable<RequestProblem> OfTasks(string?[]? tasks)
    {
        if (tasks is null)
            yield break;
        if (tasks.Length == 0)
            yield return new(RequestFields.Tasks, "'tasks' is empty: leave it out to run the default flow, or name at least one task.");
        else if (tasks.Length > MaxTasks)
            yield return new(RequestFields.Tasks, $"'tasks' names {tasks.Length} tasks; at most {MaxTasks} can be named (leave it out to run the default flow).");
        else if (Array.FindIndex(tasks, t => string.IsNullOrWhiteSpace(t) || t.Length > MaxNameLength || HasForgingCharacter(t)) is var bad and >= 0)
            yield return new(RequestFields.Tasks, tasks[bad] is null
                ? $"'tasks' entry {bad} is null: give each task by its name, such as \"digests\"."
                : $"'tasks' entry {bad} is not a task name: give each task by its name (no blanks or control characters), such as \"digests\".");
    }

    /// <summary>The parameters: at most <see cref="MaxParameters"/>, each a short plain name with a string value (not null).</summary>
    public static IEnumerable<RequestProblem> OfParameters(IReadOnlyDictionary<string, string>? parameters)
    {
        if (parameters is null)
            yield break;
        if (parameters.Count > MaxParameters)
        {
            yield return new(RequestFields.Parameters, $"'parameters' has {parameters.Count} entries; at most {MaxParameters} are taken.");
            yield break;
        }
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxParameterNameLength || HasForgingCharacter(name))
                yield return new(RequestFields.Parameters,
                    $"a parameter name is blank, longer than {MaxParameterNameLength} characters or has control characters: give names such as \"analyse_dependencies\".");
            else if (value is null)
                yield return new(RequestFields.Parameters, $"parameter '{name}' is null: give its value as a string, such as \"2\".");
            else if (value.Length > MaxParameterValueLength || HasForgingCharacter(value))
                yield return new(RequestFields.Parameters,
                    $"parameter '{name}' has control or formatting characters or more than {MaxParameterValueLength} characters: give a plain string.");
        }
    }

    /// <summary>
    /// True when <paramref name="text"/> has a character that can forge or hide a line where it is shown: control
    /// characters (CR, LF, NUL, ESC and the rest of Unicode's Cc), format characters (Cf: bidi overrides and
    /// isolates, zero-width characters) and the line and paragraph separators. No package name, version, task name or
    /// parameter needs one, so every field taken from a request is refused with one.
    /// </summary>
    public static bool HasForgingCharacter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                return true;
        return false;
    }

    /// <summary>
    /// The problems of a package version named by its three parts (a list query), without asking a catalog whether
    /// the ecosystem exists: the client checks this much before a call, the cluster's validator adds the catalog.
    /// </summary>
    public static List<RequestProblem> OfPackage(string? ecosystem, string? name, string? version, string knownEcosystems, bool inQuery = false)
    {
        var problems = new List<RequestProblem>();
        if (string.IsNullOrWhiteSpace(ecosystem))
            problems.Add(MissingEcosystem(knownEcosystems, inQuery));
        else if (!IsEcosystemForm(ecosystem.Trim()))
            problems.Add(MalformedEcosystem(ecosystem.Trim()));
        problems.AddRange(OfName(name?.Trim(), inQuery));
        problems.AddRange(OfVersion(version?.Trim(), inQuery));
        return problems;
    }

    public static RequestProblem MissingEcosystem(string known, bool inQuery = false) =>
        new(RequestFields.Ecosystem, $"the {Where(inQuery)} 'ecosystem' is missing: give {known}.");

    public static RequestProblem MalformedEcosystem(string ecosystem) =>
        new(RequestFields.Ecosystem, $"ecosystem '{ecosystem}' is not valid: use lower-case letters, digits and '-'.");

    public static IEnumerable<RequestProblem> OfName(string? name, bool inQuery = false)
    {
        if (string.IsNullOrWhiteSpace(name))
            yield return new(RequestFields.Name,
                $"the {Where(inQuery)} 'name' is empty: give the package name, such as 'serve-static', '@types/node' or 'org.example:library'.");
        else if (name.Length > MaxNameLength)
            yield return new(RequestFields.Name, $"'name' is longer than {MaxNameLength} characters.");
        else if (HasForgingCharacter(name))
            // The name is not echoed: it is the text that would forge the line.
            yield return new(RequestFields.Name, "'name' has control or formatting characters (such as a line break, NUL, ESC or a bidi override): give the package name as its registry spells it.");
    }

    public static IEnumerable<RequestProblem> OfVersion(string? version, bool inQuery = false)
    {
        if (string.IsNullOrWhiteSpace(version))
            yield return new(RequestFields.Version, $"the {Where(inQuery)} 'version' is empty: give the package version, such as '1.7.1'" +
                (inQuery ? " (analyses are kept per package version)." : "."));
        else if (version.Length > MaxVersionLength || HasForgingCharacter(version))
            yield return new(RequestFields.Version, MalformedVersion);
        // ':' separates a Maven group from its artifact, and no version of a shipped ecosystem has one.
        else if (version.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\' or ':'))
            yield return new(RequestFields.Version, $"version '{version}' is malformed: {VersionRule}.");
    }

    private static readonly string VersionRule = $"a version has no spaces, slashes, colons or control characters and at most {MaxVersionLength} characters (for example 1.7.1 or v1.2.3)";

    // Not echoed: a long or control-character version is the text that would flood or forge the line.
    private static readonly string MalformedVersion = $"the version is malformed: {VersionRule}.";

    public static bool IsEcosystemForm(string ecosystem) => EcosystemPattern().IsMatch(ecosystem);

    private static string Where(bool inQuery) => inQuery ? "query parameter" : "field";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex EcosystemPattern();
}
