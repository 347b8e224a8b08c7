using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.Init;

/// <summary>Bounds on what an untrusted archive may unpack to; set in the configuration section <c>Cucos:Archives</c>.</summary>
public sealed record ArchiveLimits
{
    public const string Section = "Cucos:Archives";

    /// <summary>The defaults, with every setting of <see cref="Section"/> applied; a value that is not a number is a clear error.</summary>
    public static ArchiveLimits From(IConfiguration? configuration)
    {
        var section = configuration?.GetSection(Section);
        T Read<T>(string key, T fallback) where T : IParsable<T> => NumberSettings.Read(section, Section, key, fallback);
        var defaults = new ArchiveLimits();
        return new ArchiveLimits
        {
            MaxEntries = Read(nameof(MaxEntries), defaults.MaxEntries),
            MaxTotalBytes = Read(nameof(MaxTotalBytes), defaults.MaxTotalBytes),
            MaxCompressionRatio = Read(nameof(MaxCompressionRatio), defaults.MaxCompressionRatio),
            RatioCheckThresholdBytes = Read(nameof(RatioCheckThresholdBytes), defaults.RatioCheckThresholdBytes),
            MaxNestingDepth = Read(nameof(MaxNestingDepth), defaults.MaxNestingDepth),
            MaxLinkTargetBytes = Read(nameof(MaxLinkTargetBytes), defaults.MaxLinkTargetBytes),
            MaxTarHeaderBytes = Read(nameof(MaxTarHeaderBytes), defaults.MaxTarHeaderBytes),
        };
    }

    /// <summary>Entries in all, those of nested archives included.</summary>
    public int MaxEntries { get; init; } = 100_000;
    /// <summary>Bytes decompressed in all (file data, tar headers, link targets, skipped entries, nested archives).</summary>
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
    /// <summary>The longest link target (a symbolic or hard link's text), in bytes; Linux's own PATH_MAX is 4096.</summary>
    public int MaxLinkTargetBytes { get; init; } = 4096;
    /// <summary>The largest tar pax extended header or GNU long name, in bytes; such headers are read into memory whole, so they are capped first.</summary>
    public int MaxTarHeaderBytes { get; init; } = 1024 * 1024;
}
