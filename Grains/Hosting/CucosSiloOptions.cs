namespace Cucos.Grains.Hosting;

/// <summary>The silo's Cucos settings, bound from the configuration section <c>Cucos</c>.</summary>
public sealed class CucosSiloOptions
{
    public const string Section = "Cucos";

    /// <summary>Where each analysis gets its folder (artifact and extracted tree).</summary>
    public string CacheRoot { get; set; } = Path.Combine(Path.GetTempPath(), "cucos-cache");

    /// <summary>
    /// Whether analyses of paths on the silo's own disk (a request's source path) are run. Off by default: the files
    /// are the silo's and the results readable by API callers. The command line's embedded cluster turns it on.
    /// </summary>
    public bool AllowLocalPaths { get; set; }

    /// <summary>With <see cref="AllowLocalPaths"/>, the folders a source path must be in (links resolved); empty for any.</summary>
    public string[] LocalPathRoots { get; set; } = [];

    /// <summary>How often a running analysis checks for lost workers. Never below the reminder minimum period.</summary>
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Added to a task's timeout before an attempt that has not reported is presumed lost.</summary>
    public TimeSpan LeaseGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Task attempts one silo runs at once; the rest wait their turn.</summary>
    public int MaxConcurrentTasks { get; set; } = Math.Max(4, Environment.ProcessorCount * 4);

    /// <summary>
    /// How long a worker keeps trying to deliver a report before leaving the attempt to the watchdog; long enough
    /// to outlast the detection of a dead silo, after which the analysis comes back on a live one.
    /// </summary>
    public TimeSpan ReportDeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>In the in-memory profile, how many analyses the cluster-wide list keeps (the oldest drop out).</summary>
    public int AnalysisIndexCapacity { get; set; } = 100_000;
}
