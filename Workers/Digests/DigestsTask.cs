using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Digests;

/// <summary>md5, sha1, sha256 and ssdeep of every file of the package and of the original artifact.</summary>
public sealed class DigestsTask : BaseTask
{
    public override string Name => "digests";
    public override string Description => "md5, sha1, sha256 and ssdeep of every file and of the original artifact.";
    public override string Version => "1.1.0";

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");

        var all = PackageFiles.Enumerate(context.PackagePath);
        var outcomes = await PackageFiles.AnalyseAllAsync(all, (file, ct) => FileDigests.ComputeAsync(file.FullPath, file.Path, ct), cancellationToken).ConfigureAwait(false);
        var files = outcomes.Where(o => o.Error is null).Select(o => o.Result!).ToArray();
        var errors = PackageFiles.Errors(outcomes);
        FileDigest? artifact = null;
        if (Directory.Exists(context.ArtifactDirectory)
            && Directory.EnumerateFiles(context.ArtifactDirectory).FirstOrDefault() is { } artifactFile)
            artifact = await FileDigests.ComputeAsync(artifactFile, Path.GetFileName(artifactFile), cancellationToken).ConfigureAwait(false);

        return TaskResult.Success(
            new DigestsSummary(all.Length, files.Sum(f => f.Size), artifact?.Sha256, errors.Length),
            new DigestsDetails(artifact, files, errors));
    }

    /// <summary>Digests of every regular file below <paramref name="root"/>, in parallel, sorted by path.</summary>
    public static Task<FileDigest[]> DigestTreeAsync(string root, CancellationToken cancellationToken) =>
        PackageFiles.MapAsync(root, (file, ct) => FileDigests.ComputeAsync(file.FullPath, file.Path, ct), cancellationToken);
}
