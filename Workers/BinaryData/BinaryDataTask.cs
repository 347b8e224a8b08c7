using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.BinaryData;

/// <summary>Embedded content by signature (archives, executables, images, keys, firmware...) and entropy, for every file.</summary>
public sealed class BinaryDataTask : BaseTask
{
    public override string Name => "binary_data";
    // 1.1.0: zlib streams and Flash SWF files are found (new hits, and the details' description changed).
    public override string Version => "1.1.0";
    public override string Description => "Embedded archives, zlib streams, executables, images, Flash, certificates, keys and firmware by signature; entropy per file.";

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");

        var files = await ScanTreeAsync(context.PackagePath, SignatureSet.Default, cancellationToken).ConfigureAwait(false);
        var hits = files.SelectMany(f => f.Hits).ToList();
        var found = hits.GroupBy(h => h.Type).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{g.Count()}");
        var errors = files.Where(f => f.Error is not null).Select(f => new FileError(f.Path, f.Error!)).ToArray();
        return TaskResult.Success(
            new BinaryDataSummary(
                files.Length, hits.Count, files.Count(f => f.Hits.Count > 0), files.Count(f => f.HighEntropyRegions.Count > 0),
                string.Join(' ', found), errors.Length, errors.Length),
            new BinaryDataDetails(SignatureSet.Default.All.Count, EntropyMeter.HighEntropy, files, errors));
    }

    /// <summary>The scan of every regular file below <paramref name="root"/>, in parallel, sorted by path.</summary>
    public static Task<BinaryFileReport[]> ScanTreeAsync(string root, SignatureSet signatures, CancellationToken cancellationToken)
    {
        var scanner = new SignatureScanner(signatures);
        return PackageFiles.MapAsync(root, async (file, ct) =>
        {
            try
            {
                return await scanner.ScanAsync(file.FullPath, file.Path, ct).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // One unreadable file is an entry in the result, not a failed analysis (PackageFiles' policy).
                return new BinaryFileReport(file.Path, 0, 0, [], false, [], PackageFiles.UnreadableReason(exception));
            }
        }, cancellationToken);
    }
}
