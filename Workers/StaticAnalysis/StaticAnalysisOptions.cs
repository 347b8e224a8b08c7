using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>The sandbox's limits and the analysers' paths; set in the configuration section <c>Cucos:StaticAnalysis</c>.</summary>
public sealed record StaticAnalysisOptions
{
    public const string Section = "Cucos:StaticAnalysis";

    /// <summary>Wall-clock time one analyser may take on one package.</summary>
    public TimeSpan AnalyserTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Wall-clock time all analysers together may take on one package; the task's own timeout is above it.</summary>
    public TimeSpan PackageTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public int CpuSeconds { get; init; } = 600;

    /// <summary>The address-space limit of an analyser (prlimit --as).</summary>
    public long MemoryBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Bytes kept of each of an analyser's standard output and error; the rest is counted and dropped.</summary>
    public long OutputBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// Files larger than this are given to no analyser (listed in <c>details.files_too_large</c>): cppcheck takes
    /// minutes and gigabytes on a generated source of tens of megabytes, and no reviewer reads such a file's findings.
    /// </summary>
    public long MaxFileBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary><c>Cucos:StaticAnalysis:&lt;analyser&gt;:Path</c>, by analyser name.</summary>
    public IReadOnlyDictionary<string, string> Paths { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The defaults, with every setting of <see cref="Section"/> applied; a value that is not a number is a clear error.</summary>
    public static StaticAnalysisOptions From(IConfiguration? configuration)
    {
        var section = configuration?.GetSection(Section);
        T Read<T>(string key, T fallback) where T : IParsable<T> => NumberSettings.Read(section, Section, key, fallback);
        var defaults = new StaticAnalysisOptions();
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section?.GetChildren() ?? [])
            if (child["Path"] is { Length: > 0 } path)
                paths[child.Key] = path;
        return new StaticAnalysisOptions
        {
            AnalyserTimeout = TimeSpan.FromSeconds(Read("AnalyserTimeoutSeconds", (int)defaults.AnalyserTimeout.TotalSeconds)),
            PackageTimeout = TimeSpan.FromSeconds(Read("PackageTimeoutSeconds", (int)defaults.PackageTimeout.TotalSeconds)),
            CpuSeconds = Read(nameof(CpuSeconds), defaults.CpuSeconds),
            MemoryBytes = Read(nameof(MemoryBytes), defaults.MemoryBytes),
            OutputBytes = Read(nameof(OutputBytes), defaults.OutputBytes),
            MaxFileBytes = Read(nameof(MaxFileBytes), defaults.MaxFileBytes),
            Paths = paths,
        };
    }
}
