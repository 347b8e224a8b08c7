namespace Cucos.Orleans.Workers.Init;

/// <summary>Bounds on what an untrusted archive may unpack to.</summary>
public sealed record ArchiveLimits
{
    public int MaxEntries { get; init; } = 100_000;
    public long MaxTotalBytes { get; init; } = 4L * 1024 * 1024 * 1024;
    /// <summary>Extracted bytes per archive byte; a larger ratio is taken for a decompression bomb.</summary>
    public double MaxCompressionRatio { get; init; } = 200;
    /// <summary>The ratio check starts only past this many extracted bytes, so tiny archives of text are fine.</summary>
    public long RatioCheckThresholdBytes { get; init; } = 64L * 1024 * 1024;
}
