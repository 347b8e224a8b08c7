namespace Cucos.Grains.Hosting;

/// <summary>
/// The cache root is checked once at start: a folder that cannot be created or written would otherwise fail every
/// analysis's init, and each failure would be retried as if it might pass.
/// </summary>
public static class CacheRootCheck
{
    /// <summary>Creates <paramref name="cacheRoot"/> if needed and writes a file there; throws with one sentence naming <paramref name="setting"/>.</summary>
    public static void EnsureWritable(string cacheRoot, string setting)
    {
        ArgumentNullException.ThrowIfNull(cacheRoot);
        var full = Path.GetFullPath(cacheRoot);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".cucos-write-check-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CacheRootNotWritableException(
                $"the cache folder '{full}' ({setting}) cannot be written: {exception.Message} Give a folder this user may create and write.", exception);
        }
    }
}

/// <summary>The cache root cannot be used; the message says which setting to change.</summary>
public sealed class CacheRootNotWritableException(string message, Exception inner) : Exception(message, inner);
