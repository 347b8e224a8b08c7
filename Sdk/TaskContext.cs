using System.Text.Json;
using Cucos.Messages;
using Cucos.State;
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
    public required AnalysisRequest Request { get; init; }

    /// <summary>The analysis' own folder in the cache; init fills it, every worker reads it.</summary>
    public required string CachePath { get; init; }

    /// <summary>The extracted package tree the workers analyse.</summary>
    public string PackagePath { get; init; } = "";

    /// <summary>The folder holding the original artifact (the archive), empty for a directory source.</summary>
    public string ArtifactDirectory { get; init; } = "";

    /// <summary>The registry's side documents init keeps next to the artifact: nuspec, pom, sources jar, go.mod, a gem's gemspec.</summary>
    public string MetadataDirectory => Path.Combine(CachePath, "metadata");

    /// <summary>Where this analysis' result documents are stored; parents' results are read from here.</summary>
    public required ITaskResultStore Results { get; init; }

    /// <summary>For callbacks: every task of the analysis, as it stood when the callback became due.</summary>
    public IReadOnlyDictionary<string, AnalysisTask>? AnalysisTasks { get; init; }

    public IServiceProvider Services { get; init; } = EmptyServiceProvider.Instance;
    public ILogger Logger { get; init; } = NullLogger.Instance;
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// The cache folder of one analysis: <c>ROOT/ECOSYSTEM/NAME/VERSION/ANALYSIS-ID</c>. The analysis id keeps a forced
    /// re-analysis from sharing (and deleting) the folder of one still running. Name and version are escaped so
    /// that each stays one folder whatever it holds (a scoped npm name, a Maven group:artifact, a local path).
    /// </summary>
    public static string CachePathFor(string cacheRoot, AnalysisRequest request, string analysisId) =>
        Path.Combine(cacheRoot, CacheSegment(request.Ecosystem), CacheSegment(request.Name), CacheSegment(request.Version), CacheSegment(analysisId));

    /// <summary>
    /// Removes an analysis' cache folder and the package folders above it that it leaves empty, never going above
    /// <paramref name="cacheRoot"/>.
    /// </summary>
    public static void DeleteCache(string cachePath, string cacheRoot)
    {
        if (Directory.Exists(cachePath))
            Directory.Delete(cachePath, recursive: true);
        var root = Path.GetFullPath(cacheRoot).TrimEnd(Path.DirectorySeparatorChar);
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(cachePath));
             folder is not null && folder.Length > root.Length && folder.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
             folder = Path.GetDirectoryName(folder))
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                    Directory.Delete(folder);
                else
                    break;
            }
            catch (IOException)
            {
                break; // another analysis of the same package put something there meanwhile
            }
        }
    }

    /// <summary>One folder name for any text: letters, digits and <c>._@+-</c> kept, the rest percent-encoded, long ones shortened with a hash.</summary>
    private static string CacheSegment(string value)
    {
        var escaped = new System.Text.StringBuilder();
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(value))
            escaped.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'_' or (byte)'@' or (byte)'+' or (byte)'-'
                ? ((char)b).ToString()
                : $"%{b:X2}");
        var segment = escaped.ToString();
        if (segment is "." or "..")
            segment = segment.Replace(".", "%2E", StringComparison.Ordinal);
        if (segment.Length > 120)
            segment = segment[..80] + "~" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)))[..16];
        return segment;
    }

    /// <summary>Lays out the cache folder of one analysis.</summary>
    public static (string PackagePath, string ArtifactDirectory) CacheLayout(string cachePath) =>
        (Path.Combine(cachePath, "package"), Path.Combine(cachePath, "artifact"));

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
