using Cucos.Orleans.Messages;
using Cucos.Orleans.Sdk;

namespace Cucos.Orleans.Workers.Init;

/// <summary>
/// The root task: lays the package out in the analysis' cache folder. A directory is copied (a snapshot the
/// workers can read while the user edits the original); an archive is kept as the artifact and unpacked safely.
/// </summary>
public sealed class InitTask(ArchiveLimits limits) : BaseTask
{
    public override string Name => CucosFlow.RootTask;
    public override string Description => "Lays out the package in the cache: copies a directory, or keeps an archive and unpacks it safely.";
    public override bool InDefaultFlow => false;
    public override string? CallbackTask => CucosFlow.FinalizeTask;

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (string.IsNullOrWhiteSpace(request.SourcePath))
            throw new FatalTaskException(
                $"no source was given for {request.Release}: fetching from the '{request.Ecosystem}' registry is not supported yet. " +
                "Give a local directory or archive.");
        var source = Path.GetFullPath(request.SourcePath);

        // A retried attempt starts from an empty cache folder, so a half-finished earlier attempt leaves nothing behind.
        if (Directory.Exists(context.CachePath))
            Directory.Delete(context.CachePath, recursive: true);
        Directory.CreateDirectory(context.PackagePath);

        return await Task.Run(() =>
        {
            if (Directory.Exists(source))
                return FromDirectory(source, context.PackagePath, cancellationToken);
            if (File.Exists(source))
                return FromArchive(source, context, cancellationToken);
            throw new FatalTaskException($"source '{source}' does not exist: give an existing directory or archive.");
        }, cancellationToken).ConfigureAwait(false);
    }

    private static TaskResult FromDirectory(string source, string packagePath, CancellationToken cancellationToken)
    {
        var skipped = new List<SkippedEntry>();
        int files = 0, directories = 0;
        long bytes = 0;
        CopyDirectory(new DirectoryInfo(source), packagePath);
        if (files == 0)
            throw new FatalTaskException($"directory '{source}' has no files: there is nothing to analyse.");
        return TaskResult.Success(
            new { source_kind = "directory", files, bytes },
            new { source, source_kind = "directory", package_path = packagePath, files, directories, bytes, skipped });

        void CopyDirectory(DirectoryInfo from, string to)
        {
            foreach (var entry in from.EnumerateFileSystemInfos())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = Path.GetRelativePath(source, entry.FullName).Replace('\\', '/');
                if (entry.LinkTarget is not null)
                {
                    skipped.Add(new SkippedEntry(relative, $"link to '{entry.LinkTarget}' not copied"));
                    continue;
                }
                var destination = Path.Combine(to, entry.Name);
                switch (entry)
                {
                    case DirectoryInfo directory:
                        Directory.CreateDirectory(destination);
                        directories++;
                        CopyDirectory(directory, destination);
                        break;
                    case FileInfo { Length: 0 }:
                        // Never opened: FIFOs, sockets and devices report length 0, and reading one could block.
                        File.Create(destination).Dispose();
                        files++;
                        break;
                    case FileInfo file:
                        file.CopyTo(destination);
                        files++;
                        bytes += file.Length;
                        break;
                }
            }
        }
    }

    private TaskResult FromArchive(string source, TaskContext context, CancellationToken cancellationToken)
    {
        var format = ArchiveFormats.FromFileName(source)
            ?? throw new FatalTaskException(
                $"'{Path.GetFileName(source)}' is not an archive this version reads ({ArchiveFormats.Supported}): give one of those or a directory.");
        Directory.CreateDirectory(context.ArtifactDirectory);
        var artifact = Path.Combine(context.ArtifactDirectory, Path.GetFileName(source));
        File.Copy(source, artifact, overwrite: true);
        ExtractionReport report;
        try
        {
            report = new SafeArchiveExtractor(limits).Extract(artifact, format, context.PackagePath, cancellationToken);
        }
        catch (ArchiveRefusedException)
        {
            Directory.Delete(context.PackagePath, recursive: true);
            throw;
        }
        if (report.Files == 0)
            throw new FatalTaskException($"archive '{Path.GetFileName(source)}' holds no files: there is nothing to analyse.");
        var artifactInfo = new { name = Path.GetFileName(artifact), path = artifact, size = new FileInfo(artifact).Length, format = format.ToString() };
        return TaskResult.Success(
            new { source_kind = "archive", files = report.Files, bytes = report.Bytes },
            new
            {
                source,
                source_kind = "archive",
                artifact = artifactInfo,
                package_path = context.PackagePath,
                files = report.Files,
                directories = report.Directories,
                bytes = report.Bytes,
                skipped = report.Skipped,
            });
    }
}
