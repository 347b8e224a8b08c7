using System.Security.Cryptography;
using System.Text;

namespace Cucos.Sdk;

/// <summary>
/// The cache folder of one analysis: where it is (<c>ROOT/ECOSYSTEM/NAME/VERSION/ANALYSIS-ID</c>), how it is laid
/// out (<c>package/</c>, <c>artifact/</c>, <c>metadata/</c>) and how it is removed.
/// </summary>
public static class AnalysisCache
{
    /// <summary>
    /// The analysis id keeps a forced re-analysis from sharing (and deleting) the folder of one still running.
    /// Name and version are escaped so that each stays one folder whatever it holds (a scoped npm name, a Maven
    /// group:artifact, a local path).
    /// </summary>
    public static string PathFor(string cacheRoot, RequestView request, string analysisId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Path.Combine(cacheRoot, Segment(request.Ecosystem), Segment(request.Name), Segment(request.Version), Segment(analysisId));
    }

    /// <summary>The extracted package tree and the folder of the original artifact inside a cache folder.</summary>
    public static (string PackagePath, string ArtifactDirectory) Layout(string cachePath) =>
        (Path.Combine(cachePath, "package"), Path.Combine(cachePath, "artifact"));

    /// <summary>The folder of the registry's side documents init keeps next to the artifact.</summary>
    public static string MetadataDirectory(string cachePath) => Path.Combine(cachePath, "metadata");

    /// <summary>
    /// Removes an analysis' cache folder and the package folders above it that it leaves empty, never going above
    /// <paramref name="cacheRoot"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="cachePath"/> is not inside <paramref name="cacheRoot"/>: nothing is deleted.</exception>
    public static void Delete(string cachePath, string cacheRoot)
    {
        ArgumentNullException.ThrowIfNull(cachePath);
        ArgumentNullException.ThrowIfNull(cacheRoot);
        var root = Path.GetFullPath(cacheRoot).TrimEnd(Path.DirectorySeparatorChar);
        if (!IsInside(cachePath, root))
            throw new ArgumentException($"'{cachePath}' is not inside the cache root '{cacheRoot}', so it is not deleted.", nameof(cachePath));
        if (Directory.Exists(cachePath))
            Directory.Delete(cachePath, recursive: true);
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(cachePath)); folder is not null && IsInside(folder, root); folder = Path.GetDirectoryName(folder))
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

    /// <summary>Whether <paramref name="path"/> is below <paramref name="root"/> (never the root itself).</summary>
    public static bool IsInside(string path, string root)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.Length > parent.Length && full.StartsWith(parent, StringComparison.Ordinal);
    }

    /// <summary>One folder name for any text: letters, digits and <c>._@+-</c> kept, the rest percent-encoded, long ones shortened with a hash.</summary>
    public static string Segment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
            escaped.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'_' or (byte)'@' or (byte)'+' or (byte)'-'
                ? ((char)b).ToString()
                : $"%{b:X2}");
        var segment = escaped.ToString();
        if (segment is "." or "..")
            segment = segment.Replace(".", "%2E", StringComparison.Ordinal);
        if (segment.Length > 120)
            segment = segment[..80] + "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
        return segment;
    }
}
