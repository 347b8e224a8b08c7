using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Cucos.Client;
using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Locks;
using Cucos.Workers.Registries;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers.Dependencies;

/// <summary>One declared runtime dependency and the version its lock file pins, else the one the ecosystem's rules pick for it today.</summary>
public sealed record ResolvedDependency(
    [property: Description("the name the manifest declares")] string Name,
    [property: Description("the declared specification")] string? Spec,
    [property: Description("the package looked up when it differs from name (an npm alias)")] string? Package,
    string? ResolvedVersion,
    DateTimeOffset ResolvedAt,
    [property: Description("why it is unresolvable; null when resolved")] string? Reason)
{
    public string Status => ResolvedVersion is null ? "unresolvable" : "resolved";

    [Description("lock_file when the version is the one the lock file pins, registry when the registry's list gave it; null when unresolvable")]
    public string? ResolvedFrom { get; init; }
}

/// <summary>An analysis started (or found already running or done) for a resolved dependency.</summary>
public sealed record DependencyAnalysis(string Ecosystem, string Name, string Version, string AnalysisId, bool Created);

/// <summary>What became of the request to analyse the dependencies too.</summary>
public sealed record DependencyAnalyses(int RequestedDepth, string Status, IReadOnlyList<DependencyAnalysis> Started);

/// <summary>
/// Resolves each runtime dependency metadata declared to the version the ecosystem's own rules pick from the
/// versions its registry lists. With <c>analyse_dependencies=N</c> it also starts analyses of the resolved
/// dependencies, which do the same with N-1; the package grain's one-analysis-per-version rule means no package
/// version is analysed twice.
/// </summary>
/// <param name="cucos">The door to the cluster the analyses of dependencies start through; absent under 'cucos worker'.</param>
public sealed class DependencySnapshotTask(ICucosClient? cucos = null) : BaseTask
{
    public const string TaskName = "dependency_snapshot";
    public const string DepthParameter = "analyse_dependencies";

    /// <summary>The deepest recursion a request may ask for: each level can multiply the analyses by a package's fan-out.</summary>
    public const int MaxDepth = 5;

    /// <summary>The most dependency analyses one snapshot starts; the rest are listed as resolved but not started.</summary>
    public const int MaxAnalysesStarted = 200;
    private const int Lookups = 8;

    public override string Name => TaskName;
    // 1.1.0: a lock file's pins are used as they are (resolved_from), and its whole graph is kept (lock_graph).
    public override string Version => "1.1.0";
    public override bool ReadsPackageFiles => false; // results and the request only
    public override string Description => "Resolves each declared runtime dependency to the version its ecosystem's rules pick from the registry; optionally analyses them too.";
    // Runs whenever metadata runs, once it succeeded, and reads its result.
    public override string? SpawnedBy => MetadataTask.TaskName;

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var depth = Depth(context.Parameter(DepthParameter));
        var metadata = await context.GetResultAsync(MetadataTask.TaskName, cancellationToken).ConfigureAwait(false)
            ?? throw new FatalTaskException("the metadata result is missing: dependency_snapshot reads the dependencies metadata declared.");
        var details = TaskContextResults.Read<MetadataDetails>(metadata, MetadataTask.TaskName, ResultPart.Details);
        var ecosystem = details?.Ecosystem;
        IReadOnlyList<Dependency> declared = details?.Dependencies ?? [];

        // A lock file of the package's own ecosystem pins its dependencies: those are used as they are, never resolved again.
        var lockGraph = details?.LockGraph is { } graph && graph.Ecosystem == ecosystem ? graph : null;
        var resolved = ecosystem is null ? [] : await ResolveAllAsync(context, ecosystem, declared, lockGraph, cancellationToken).ConfigureAwait(false);
        var analyses = await StartAnalysesAsync(cucos, context, ecosystem, resolved, depth, cancellationToken).ConfigureAwait(false);
        return TaskResult.Success(
            new DependencySnapshotSummary(
                ecosystem,
                resolved.Count,
                resolved.Count(r => r.ResolvedVersion is not null),
                resolved.Count(r => r.ResolvedVersion is null),
                analyses.Started.Count(a => a.Created)) { LockedPackages = lockGraph?.Dependencies.Count() ?? 0 },
            new DependencySnapshotDetails(ecosystem, resolved, analyses) { LockGraph = lockGraph });
    }

    private static int Depth(string? value)
    {
        if (value is null)
            return 0;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var depth))
            return depth <= MaxDepth ? depth
                : throw new FatalTaskException($"parameter {DepthParameter}={depth} is over the limit of {MaxDepth}: give a depth from 0 to {MaxDepth}.");
        throw new FatalTaskException($"parameter {DepthParameter}='{value}' is not a whole number: give the depth of dependencies to analyse, e.g. {DepthParameter}=2 (0 analyses none).");
    }

    /// <summary>Resolves every declared dependency, looking each package up once, a few lookups at a time.</summary>
    public static Task<IReadOnlyList<ResolvedDependency>> ResolveAllAsync(
        TaskContext context, string ecosystem, IReadOnlyList<Dependency> declared, CancellationToken cancellationToken) =>
        ResolveAllAsync(context, ecosystem, declared, null, cancellationToken);

    /// <summary>
    /// Takes each declared dependency's version from the lock graph when it pins one, and resolves the others (a lock
    /// older than the manifest) against the registry, looking each package up once, a few lookups at a time.
    /// </summary>
    public static async Task<IReadOnlyList<ResolvedDependency>> ResolveAllAsync(
        TaskContext context, string ecosystem, IReadOnlyList<Dependency> declared, LockGraph? lockGraph, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pinned = lockGraph is null ? new Dictionary<string, LockedNode>() : DirectByInstalledName(lockGraph);
        var resolver = BuiltInTasks.EcosystemsOf(context.Services).Find(ecosystem)?.VersionResolver;
        // A version source registered in the services (a test's fixed listing, a mirror) overrides the ecosystem's own;
        // without a catalog in the services only the rules come from the built-ins, never a registry to ask.
        var source = (context.Services.GetService<IEnumerable<IPackageVersionSource>>() ?? []).FirstOrDefault(s => s.Ecosystem == ecosystem)
            ?? context.Services.GetService<EcosystemCatalog>()?.Find(ecosystem)?.VersionSource;
        var listings = new ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<string>>>>(StringComparer.Ordinal);
        var results = new ResolvedDependency[declared.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, declared.Count),
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Lookups },
            async (i, ct) =>
            {
                var dependency = declared[i];
                ResolvedDependency Result(string? package, string? version, string? reason) =>
                    new(dependency.Name, dependency.Spec, package == dependency.Name ? null : package, version, context.Clock.GetUtcNow(), reason)
                    { ResolvedFrom = version is null ? null : "registry" };
                if (pinned.TryGetValue(LookupKey(dependency.Name), out var locked))
                {
                    results[i] = locked.Source == LockSources.Registry && locked.Version is not null
                        ? Result(locked.Name, locked.Version, null) with { ResolvedFrom = "lock_file" }
                        : Result(locked.Name, null, $"the lock file '{lockGraph!.Path}' takes it from {locked.Source} ({locked.Resolved ?? "no location written"}), not from the registry.");
                    return;
                }
                if (resolver is null)
                {
                    results[i] = Result(null, null, $"this version has no resolver for {ecosystem} version specifications.");
                    return;
                }
                if (resolver.Target(dependency.Name, dependency.Spec, out var notVersion) is not { } target)
                {
                    results[i] = Result(null, null, notVersion);
                    return;
                }
                if (source is null)
                {
                    results[i] = Result(target.Name, null, $"no registry is configured for {ecosystem}: configure one to resolve its dependencies.");
                    return;
                }
                IReadOnlyList<string> versions;
                try
                {
                    versions = await listings.GetOrAdd(target.Name, name => new Lazy<Task<IReadOnlyList<string>>>(() => source.ListVersionsAsync(name, ct))).Value.ConfigureAwait(false);
                }
                catch (PackageNotFoundException notFound)
                {
                    results[i] = Result(target.Name, null, notFound.Message);
                    return;
                }
                catch (RegistryException refused)
                {
                    // No URL configured, or credentials refused: no retry helps, and the other entries still resolve.
                    results[i] = Result(target.Name, null, refused.Message);
                    return;
                }
                var resolution = resolver.Resolve(target.Spec, versions);
                results[i] = Result(target.Name, resolution.Version, resolution.Reason);
            }).ConfigureAwait(false);
        return results;
    }

    /// <summary>The packages the project's root depends on, by the name it installs them under (the root's edges first, then the workspace members').</summary>
    private static Dictionary<string, LockedNode> DirectByInstalledName(LockGraph graph)
    {
        var byId = graph.Packages.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var root = graph.Packages.FirstOrDefault(p => p.Source == LockSources.Workspace)?.Id;
        var direct = new Dictionary<string, LockedNode>(StringComparer.Ordinal);
        foreach (var edge in graph.Edges.Where(e => byId[e.From].Source == LockSources.Workspace).OrderBy(e => e.From == root ? 0 : 1))
            direct.TryAdd(LookupKey(byId[edge.To].Alias ?? byId[edge.To].Name), byId[edge.To]);
        return direct;
    }

    // Lock files and manifests may spell one name differently where the ecosystem treats them alike (PyPI's
    // Foo_Bar and foo-bar, Cargo's - and _); no two packages of one graph differ only so.
    private static string LookupKey(string name) => name.ToLowerInvariant().Replace('_', '-').Replace('.', '-');

    private static async Task<DependencyAnalyses> StartAnalysesAsync(
        ICucosClient? cucos, TaskContext context, string? ecosystem, IReadOnlyList<ResolvedDependency> resolved, int depth, CancellationToken cancellationToken)
    {
        if (depth <= 0)
            return new DependencyAnalyses(depth, "not requested", []);
        if (cucos is null)
            return new DependencyAnalyses(depth, "not started: no cluster. Dependencies are analysed only inside a silo (cucos analyze or a silo), not by 'cucos worker'.", []);
        var parameters = new Dictionary<string, string>(context.Request.Parameters ?? [], StringComparer.Ordinal);
        if (depth > 1)
            parameters[DepthParameter] = (depth - 1).ToString(CultureInfo.InvariantCulture);
        else
            parameters.Remove(DepthParameter);

        var started = new List<DependencyAnalysis>();
        var toStart = resolved.Where(r => r.ResolvedVersion is not null).Select(r => (Name: r.Package ?? r.Name, Version: r.ResolvedVersion!)).Distinct().ToList();
        foreach (var (name, version) in toStart.Take(MaxAnalysesStarted))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new AnalysisRequest
            {
                Ecosystem = ecosystem!,
                Name = name,
                Version = version,
                Tasks = context.Request.Tasks,
                Parameters = parameters.Count > 0 ? parameters : null,
            };
            // The package grain returns the analysis a version already has, so a diamond or a cycle is analysed once.
            var ticket = await cucos.StartAnalysisAsync(request, cancellationToken).ConfigureAwait(false);
            started.Add(new DependencyAnalysis(request.Ecosystem, name, version, ticket.AnalysisId, ticket.Created));
        }
        return new DependencyAnalyses(depth, toStart.Count > MaxAnalysesStarted
            ? $"started the first {MaxAnalysesStarted} of {toStart.Count}: one snapshot starts at most {MaxAnalysesStarted} analyses"
            : "started", started);
    }
}
