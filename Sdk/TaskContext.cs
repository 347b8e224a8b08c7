using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cucos.Sdk;

/// <summary>Everything a task sees of its analysis while it runs.</summary>
public sealed class TaskContext
{
    public required string AnalysisId { get; init; }
    /// <summary>The name the task runs under (a task type may be registered under several names).</summary>
    public required string TaskName { get; init; }
    public int Attempt { get; init; } = 1;
    public required RequestView Request { get; init; }

    /// <summary>The analysis' own folder in the cache; init fills it, every worker reads it.</summary>
    public required string CachePath { get; init; }

    /// <summary>The extracted package tree the workers analyse.</summary>
    public string PackagePath { get; init; } = "";

    /// <summary>The folder holding the original artifact (the archive), empty for a directory source.</summary>
    public string ArtifactDirectory { get; init; } = "";

    /// <summary>The registry's side documents init keeps next to the artifact: nuspec, pom, sources jar, go.mod, a gem's gemspec.</summary>
    public string MetadataDirectory => AnalysisCache.MetadataDirectory(CachePath);

    /// <summary>Where this analysis' result documents are stored; parents' results are read from here.</summary>
    public required ITaskResultStore Results { get; init; }

    /// <summary>For callbacks: every task of the analysis, as it stood when the callback became due.</summary>
    public IReadOnlyDictionary<string, TaskView>? AnalysisTasks { get; init; }

    public IServiceProvider Services { get; init; } = EmptyServiceProvider.Instance;
    public ILogger Logger { get; init; } = NullLogger.Instance;
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The stored result of another task of this analysis (a declared dependency), or null.</summary>
    public Task<JsonElement?> GetResultAsync(string taskName, CancellationToken cancellationToken = default) =>
        Results.GetAsync(taskName, cancellationToken);

    /// <summary>A request parameter, or null.</summary>
    public string? Parameter(string name) =>
        Request.Parameters is { } parameters && parameters.TryGetValue(name, out var value) ? value : null;

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
