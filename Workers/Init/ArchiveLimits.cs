namespace Cucos.Orleans.Workers.Init;

/// <summary>Bounds on what an untrusted archive may unpack to.</summary>
public sealed record ArchiveLimits
{
    /// <summary>Entries in all, those of nested archives included.</summary>
    public int MaxEntries { get; init; } = 100_000;
    public long MaxTotalBytes { get; init; } = 4L * 1024 * 1024 * 1024;
    /// <summary>Extracted bytes per archive byte; a larger ratio is taken for a decompression bomb.</summary>
    public double MaxCompressionRatio { get; init; } = 200;
    /// <summary>The ratio check starts only past this many extracted bytes, so tiny archives of text are fine.</summary>
    public long RatioCheckThresholdBytes { get; init; } = 64L * 1024 * 1024;
    /// <summary>
    /// How deep archives are unpacked, the outer one being depth 1. An archive inside the archive (a .jar in a .zip)
    /// is kept and also unpacked next to itself, in <c>NAME-unpacked/</c>; one nested deeper than this refuses the whole archive.
    /// </summary>
    public int MaxNestingDepth { get; init; } = 3;
}
