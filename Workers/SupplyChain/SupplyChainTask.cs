using System.Text.RegularExpressions;
using Cucos.Sdk;
using Cucos.Workers.Content;
using Cucos.Workers.Content.Lexing;
using Cucos.Workers.Metadata;

namespace Cucos.Workers.SupplyChain;

/// <summary>
/// "Is this package trying to do something it shouldn't?": install-time execution, capabilities in code (lexically
/// aware), obfuscation and payloads, destinations, dependencies from outside the registry, typosquats, manifest
/// confusion and release context, each signal with file, line, snippet, severity and a one-line explanation, and
/// an overall risk level with the signals that set it. Reads metadata's result for the manifest.
/// </summary>
public sealed partial class SupplyChainTask : BaseTask
{
    public const string TaskName = "supply_chain";
    public const int MaxSignals = 500;
    private const int MaxDrivers = 10;

    public override string Name => TaskName;
    public override string Description => "Behavioural risk signals: install scripts, capabilities, obfuscation, destinations, typosquats, manifest confusion, release context.";
    public override IReadOnlyList<string> DependsOn => [MetadataTask.TaskName];

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");
        var metadata = await context.GetResultAsync<MetadataDetails>(cancellationToken).ConfigureAwait(false);
        var files = PackageFiles.Enumerate(context.PackagePath);
        var ecosystem = metadata?.Ecosystem ?? context.Request.Ecosystem;
        var npmScripts = metadata?.Format == "package.json" ? metadata.Scripts : null;

        var hooks = InstallHooks.Find(files, metadata?.Path, npmScripts);
        var signals = new List<SupplyChainSignal>(hooks.Signals);
        // The install scripts' own command lines are shell: curl | sh written straight into package.json.
        foreach (var (hook, script) in hooks.NpmScripts)
        {
            var view = LexicalView.Of($"{metadata?.Path ?? "package.json"}#scripts.{hook}", script, SourceSyntax.Shell);
            signals.AddRange(SupplyChainScanner.ScanView(view, installTime: true, cancellationToken).Signals
                .Select(s => s with { Path = metadata?.Path, Snippet = s.Snippet is null ? null : $"{hook}: {s.Snippet}" }));
        }

        var outcomes = await PackageFiles.AnalyseAllAsync(files,
            (file, ct) => SupplyChainScanner.Scan(file, hooks.InstallTimeFiles.Contains(file.Path), ct), cancellationToken).ConfigureAwait(false);
        foreach (var outcome in outcomes.Where(o => o.Result is not null))
            signals.AddRange(outcome.Result!.Signals);

        if (metadata is not null)
            DependencySources(metadata, signals);

        string? typosquatOf = null;
        var packageName = metadata?.Name ?? context.Request.Name;
        if (ecosystem is not null && packageName is not null && Typosquats.Instance.Check(ecosystem, packageName) is { } squat)
        {
            typosquatOf = squat.Popular;
            signals.Add(new SupplyChainSignal(Families.Typosquat, "any.typosquat", squat.Severity, metadata?.Path, null, packageName,
                $"the name '{packageName}' looks like {squat.How}, one of the most used {ecosystem} packages", false));
        }

        var manifestCheck = "not_npm";
        if (ecosystem == "npm")
            manifestCheck = RegistryChecks.Check(context.MetadataDirectory,
                metadata?.Path is { } path ? Path.Combine(context.PackagePath, path) : null, metadata?.Path, context.Clock.GetUtcNow(), signals);

        var ordered = signals
            .OrderByDescending(s => Severity.Rank(s.Severity)).ThenBy(s => s.Path ?? "", StringComparer.Ordinal).ThenBy(s => s.Line ?? 0)
            .ThenBy(s => s.Rule, StringComparer.Ordinal)
            .ToArray();
        var top = ordered.Length == 0 ? -1 : Severity.Rank(ordered[0].Severity);
        var risk = top <= 0 ? "none" : Severity.Ordered[top];
        var drivers = top <= 0 ? [] : ordered.Where(s => Severity.Rank(s.Severity) == top).Take(MaxDrivers).ToArray();
        var scanned = outcomes.Where(o => o.Result is not null).Select(o => o.Result!).ToArray();
        var errors = PackageFiles.Errors(outcomes);

        return TaskResult.Success(
            new SupplyChainSummary(
                risk,
                ordered.Length,
                ordered.GroupBy(s => s.Family, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                [.. drivers.Select(Describe)],
                hooks.Hooks.Count,
                scanned.Length,
                errors.Length),
            new SupplyChainDetails(
                risk,
                drivers,
                [.. ordered.Take(MaxSignals)],
                Math.Max(0, ordered.Length - MaxSignals),
                hooks.Hooks,
                typosquatOf,
                manifestCheck,
                scanned.Count(f => f.Lexed),
                scanned.Count(f => f.Binary),
                scanned.Sum(f => f.BlobsSkipped),
                errors));
    }

    private static string Describe(SupplyChainSignal signal) =>
        signal.Path is null ? signal.Rule : signal.Line is null ? $"{signal.Rule} ({signal.Path})" : $"{signal.Rule} ({signal.Path}:{signal.Line})";

    private static void DependencySources(MetadataDetails metadata, List<SupplyChainSignal> signals)
    {
        var groups = new List<(IReadOnlyList<Dependency> List, bool Runtime)> { (metadata.Dependencies, true), (metadata.DevDependencies, false) };
        groups.AddRange(metadata.OptionalDependencies.Values.Select(list => (list, true)));
        foreach (var (list, runtime) in groups)
        {
            foreach (var dependency in list)
            {
                if (dependency.Spec is not { } spec || OutsideRegistry().Match(spec) is not { Success: true } match)
                    continue;
                var insecure = spec.Contains("http://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("git://", StringComparison.OrdinalIgnoreCase);
                var severity = insecure ? Severity.High : runtime ? Severity.Medium : Severity.Low;
                signals.Add(new SupplyChainSignal(Families.DependencySource, "any.dependency_outside_registry", severity, metadata.Path, null,
                    $"{dependency.Name}: {spec}".Length <= 120 ? $"{dependency.Name}: {spec}" : $"{dependency.Name}: {spec}"[..120],
                    $"{(runtime ? "" : "the development ")}dependency {dependency.Name} comes from {Where(match.Value)}, not the registry: no version history, no integrity check by the registry"
                        + (insecure ? ", over an unencrypted connection" : ""), false));
            }
        }
    }

    private static string Where(string prefix) => prefix.ToLowerInvariant() switch
    {
        var p when p.StartsWith("git", StringComparison.Ordinal) || p.Contains("github", StringComparison.Ordinal) => "a git repository",
        var p when p.StartsWith("file", StringComparison.Ordinal) || p.StartsWith("link", StringComparison.Ordinal) => "a local path",
        var p when p.Contains("http", StringComparison.Ordinal) => "a URL",
        _ => "a GitHub repository (user/repo shorthand)",
    };

    [GeneratedRegex(@"^(?:git\+[a-z]+:|git:|github:|gitlab:|bitbucket:|gist:|https?:|file:|link:)|^[\w.-]+/[\w.-]+(?:#.*)?$|@\s*(?:https?|git\+[a-z]+|file):", RegexOptions.IgnoreCase)]
    private static partial Regex OutsideRegistry();
}
