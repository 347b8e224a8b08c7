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
        if (request.Tasks is { Length: 0 })
            problems.Add(new(RequestFields.Tasks, "'tasks' is empty: leave it out to run the default flow, or name at least one task."));
        return problems;
    }

    /// <summary>The ecosystem is missing: <paramref name="known"/> says what to give ("one of npm, nuget").</summary>
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
    }

    public static IEnumerable<RequestProblem> OfVersion(string? version, bool inQuery = false)
    {
        if (string.IsNullOrWhiteSpace(version))
            yield return new(RequestFields.Version, $"the {Where(inQuery)} 'version' is empty: give the package version, such as '1.7.1'" +
                (inQuery ? " (analyses are kept per package version)." : "."));
        else if (version.Length > MaxVersionLength || version.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\'))
            yield return new(RequestFields.Version,
                $"version '{version}' is malformed: a version has no spaces, slashes or control characters and at most {MaxVersionLength} characters (for example 1.7.1 or v1.2.3).");
    }

    public static bool IsEcosystemForm(string ecosystem) => EcosystemPattern().IsMatch(ecosystem);

    private static string Where(bool inQuery) => inQuery ? "query parameter" : "field";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex EcosystemPattern();
}
