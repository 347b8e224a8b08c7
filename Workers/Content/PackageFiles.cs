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
    /// The one per-file error policy of the content workers: runs <paramref name="analyse"/> on every file in
    /// parallel and returns the outcomes in file order; a file that cannot be read (it vanished, it is a socket, an
    /// I/O error, access refused) gives an outcome with <see cref="FileOutcome{T}.Error"/> instead of failing the
    /// whole task. Report those with <see cref="Errors{T}"/> in <c>details.errors</c> and count them in <c>summary.errors</c>.
    /// </summary>
    public static Task<FileOutcome<T>[]> AnalyseAllAsync<T>(
        IReadOnlyList<PackageFile> files, Func<PackageFile, CancellationToken, T> analyse, CancellationToken cancellationToken) =>
        AnalyseAllAsync(files, (file, ct) => Task.FromResult(analyse(file, ct)), cancellationToken);

    /// <inheritdoc cref="AnalyseAllAsync{T}(IReadOnlyList{PackageFile}, Func{PackageFile, CancellationToken, T}, CancellationToken)"/>
    public static async Task<FileOutcome<T>[]> AnalyseAllAsync<T>(
        IReadOnlyList<PackageFile> files, Func<PackageFile, CancellationToken, Task<T>> analyse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(analyse);
        var outcomes = new FileOutcome<T>[files.Count];
        await Parallel.ForAsync(0, files.Count,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, ct) =>
            {
                try
                {
                    outcomes[i] = new FileOutcome<T>(files[i], await analyse(files[i], ct).ConfigureAwait(false), null);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    outcomes[i] = new FileOutcome<T>(files[i], default, UnreadableReason(exception));
                }
            }).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>The sentence a result gives for a file that could not be read.</summary>
    public static string UnreadableReason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return $"could not read the file: {exception.Message}";
    }

    /// <summary>The files that could not be read, as the <c>{path, error}</c> entries of <c>details.errors</c>.</summary>
    public static FileError[] Errors<T>(IEnumerable<FileOutcome<T>> outcomes) =>
        [.. outcomes.Where(o => o.Error is not null).Select(o => new FileError(o.File.Path, o.Error!))];
}

/// <summary>What one file gave: a result, or the error that kept it from being read.</summary>
public sealed record FileOutcome<T>(PackageFile File, T? Result, string? Error);

/// <summary>A file that could not be analysed, as reported in results.</summary>
public sealed record FileError(string Path, string Error);
