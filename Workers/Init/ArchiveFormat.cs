namespace Cucos.Workers.Init;

public enum ArchiveFormat
{
    Tar,
    TarGzip,
    TarBzip2,
    TarXz,
    Zip,
    /// <summary>A RubyGems package: a plain tar holding <c>data.tar.gz</c> (the files) and <c>metadata.gz</c> (the gemspec).</summary>
    Gem,
}

public static class ArchiveFormats
{
    public const string Supported = ".tar.gz, .tgz, .crate, .tar, .tar.bz2, .tar.xz, .zip (and zip-based .jar, .nupkg, .whl), .gem";

    private static readonly (string Suffix, ArchiveFormat Format)[] Suffixes =
    [
        (".tar.gz", ArchiveFormat.TarGzip), (".tgz", ArchiveFormat.TarGzip), (".crate", ArchiveFormat.TarGzip),
        (".tar.bz2", ArchiveFormat.TarBzip2), (".tbz2", ArchiveFormat.TarBzip2),
        (".tar.xz", ArchiveFormat.TarXz), (".txz", ArchiveFormat.TarXz),
        (".tar", ArchiveFormat.Tar),
        (".zip", ArchiveFormat.Zip), (".jar", ArchiveFormat.Zip), (".nupkg", ArchiveFormat.Zip), (".whl", ArchiveFormat.Zip),
        (".gem", ArchiveFormat.Gem),
    ];

    /// <summary>The format a file name says it has, or null when it names none we read.</summary>
    public static ArchiveFormat? FromFileName(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var (suffix, format) in Suffixes)
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                return format;
        return null;
    }

    public static string Describe(this ArchiveFormat format) => format switch
    {
        ArchiveFormat.TarGzip => "gzip-compressed tar",
        ArchiveFormat.TarBzip2 => "bzip2-compressed tar",
        ArchiveFormat.TarXz => "xz-compressed tar",
        ArchiveFormat.Tar => "tar",
        ArchiveFormat.Gem => "gem (tar)",
        _ => "zip",
    };
}
