namespace Cucos.Workers.Content;

/// <summary>One regular file of the package tree.</summary>
public sealed record PackageFile(string FullPath, string Path, long Size);

/// <summary>Walking a package tree and reading its files, shared by the content workers.</summary>
public static class PackageFiles
{
    /// <summary>How many leading bytes decide whether a file is binary.</summary>
    public const int BinarySniffLength = 8192;

    /// <summary>Every regular file below <paramref name="root"/> (links are not followed), paths relative with '/'.</summary>
    public static PackageFile[] Enumerate(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        return new DirectoryInfo(root).EnumerateFiles("*", options)
            .Select(f => new PackageFile(f.FullName, System.IO.Path.GetRelativePath(root, f.FullName).Replace('\\', '/'), f.Length))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Runs <paramref name="map"/> on every regular file below <paramref name="root"/> in parallel; results in path order.</summary>
    public static async Task<T[]> MapAsync<T>(string root, Func<PackageFile, CancellationToken, Task<T>> map, CancellationToken cancellationToken)
    {
        var files = Enumerate(root);
        var results = new T[files.Length];
        await Parallel.ForAsync(0, files.Length,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, ct) => results[i] = await map(files[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <summary>A NUL byte in the first bytes marks a binary file, as git and grep decide.</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head) => head.Contains((byte)0);

    /// <summary>Opens a file for one sequential pass.</summary>
    public static FileStream OpenSequential(string fullPath) =>
        new(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);

    /// <summary>
    /// Runs <paramref name="analyse"/> on every file in parallel and returns the results in file order; a file that
    /// cannot be read gives an error entry instead of failing the whole task.
    /// </summary>
    public static async Task<FileOutcome<T>[]> AnalyseAllAsync<T>(
        IReadOnlyList<PackageFile> files, Func<PackageFile, CancellationToken, T> analyse, CancellationToken cancellationToken)
    {
        var outcomes = new FileOutcome<T>[files.Count];
        await Parallel.ForAsync(0, files.Count,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            (i, ct) =>
            {
                try
                {
                    outcomes[i] = new FileOutcome<T>(files[i], analyse(files[i], ct), null);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    outcomes[i] = new FileOutcome<T>(files[i], default, $"could not read the file: {exception.Message}");
                }
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
        return outcomes;
    }
}

/// <summary>What one file gave: a result, or the error that kept it from being read.</summary>
public sealed record FileOutcome<T>(PackageFile File, T? Result, string? Error);

/// <summary>A file that could not be analysed, as reported in results.</summary>
public sealed record FileError(string Path, string Error);
