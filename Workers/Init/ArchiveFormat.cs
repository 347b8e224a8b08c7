namespace Cucos.Orleans.Workers.Init;

public enum ArchiveFormat
{
    Tar,
    TarGzip,
    Zip,
}

public static class ArchiveFormats
{
    public const string Supported = ".tar.gz, .tgz, .tar, .zip (and zip-based .jar, .nupkg, .whl)";

    /// <summary>The format a file name says it has, or null when it names none we read.</summary>
    public static ArchiveFormat? FromFileName(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal))
            return ArchiveFormat.TarGzip;
        if (name.EndsWith(".tar", StringComparison.Ordinal))
            return ArchiveFormat.Tar;
        if (name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith(".jar", StringComparison.Ordinal)
            || name.EndsWith(".nupkg", StringComparison.Ordinal) || name.EndsWith(".whl", StringComparison.Ordinal))
            return ArchiveFormat.Zip;
        return null;
    }
}
