using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Init;

/// <summary>
/// The root task: lays the package out in the analysis' cache folder. A directory is copied (a snapshot the
/// workers can read while the user edits the original); an archive, local or fetched from the ecosystem's
/// registry, is kept as the artifact with its digests and unpacked safely.
/// </summary>
public sealed class InitTask(ArchiveLimits limits, RegistryLimits registryLimits, EcosystemCatalog ecosystems) : BaseTask
{
    public override string Name => CucosFlow.RootTask;
    public override string Description => "Lays out the package in the cache: fetches it from its registry or copies a directory, keeps the archive and unpacks it safely.";
    public override string Version => "1.1.0";
    public override bool InDefaultFlow => false;
    public override string? CallbackTask => CucosFlow.FinalizeTask;

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        // A retried attempt starts from an empty cache folder, so a half-finished earlier attempt leaves nothing behind.
        if (Directory.Exists(context.CachePath))
            Directory.Delete(context.CachePath, recursive: true);
        Directory.CreateDirectory(context.PackagePath);

        if (string.IsNullOrWhiteSpace(request.SourcePath))
            return await FromRegistryAsync(context, cancellationToken).ConfigureAwait(false);

        var source = Path.GetFullPath(request.SourcePath);
        if (Directory.Exists(source))
            return await Task.Run(() => FromDirectory(source, context.PackagePath, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!File.Exists(source))
            throw new FatalTaskException($"source '{source}' does not exist: give an existing directory or archive.");
        var format = FormatOf(source);
        Directory.CreateDirectory(context.ArtifactDirectory);
        var artifact = Path.Combine(context.ArtifactDirectory, Path.GetFileName(source));
        ArtifactDigests digests;
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
            digests = await ArtifactDigests.CopyAsync(input, artifact, cancellationToken).ConfigureAwait(false);
        var file = new DownloadedFile("archive", Path.GetFileName(source), artifact, new Uri(source).AbsoluteUri, digests, null);
        return await Task.Run(() => FromArchive(source, "archive", file, format, null, context, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<TaskResult> FromRegistryAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var registry = ecosystems.Find(request.Ecosystem)?.ArtifactSource
            ?? throw new FatalTaskException(
                $"no source was given for {request.Release}, and '{request.Ecosystem}' is not an ecosystem this version fetches from " +
                $"({string.Join(", ", ecosystems.InRegistrationOrder.Where(e => e.ArtifactSource is not null).Select(e => e.Id))}): give one of those, or a local directory or archive.");
        FetchedPackage fetched;
        try
        {
            fetched = await registry.FetchAsync(request.Name, request.Version, context.ArtifactDirectory, context.MetadataDirectory, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (PackageNotFoundException notFound)
        {
            throw new FatalTaskException($"{notFound.Message} Check the name and version.", notFound);
        }
        // Checked here, not in each registry client, so that an ecosystem added later is held to it too.
        if (fetched.Archive.Verified is null && registryLimits.RequireChecksum)
        {
            File.Delete(fetched.Archive.Path);
            throw new RegistryException(
                $"{fetched.Registry} publishes no checksum this version checks for {fetched.Archive.FileName}, and {RegistrySettings.Section}:{nameof(RegistryLimits.RequireChecksum)} is on, so it was refused.");
        }
        var format = FormatOf(fetched.Archive.Path);
        return await Task.Run(
            () => FromArchive($"{request.Ecosystem}:{request.Name}@{request.Version}", "registry", fetched.Archive, format, fetched, context, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    private static ArchiveFormat FormatOf(string path) =>
        ArchiveFormats.FromFileName(path)
        ?? throw new FatalTaskException(
            $"'{Path.GetFileName(path)}' is not an archive this version reads ({ArchiveFormats.Supported}): give one of those or a directory.");

    private static TaskResult FromDirectory(string source, string packagePath, CancellationToken cancellationToken)
    {
        var skipped = new List<SkippedEntry>();
        int files = 0, directories = 0;
        long bytes = 0;
        CopyDirectory(new DirectoryInfo(source), packagePath);
        if (files == 0)
            throw new FatalTaskException($"directory '{source}' has no files: there is nothing to analyse.");
        return TaskResult.Success(
            new InitSummary("directory", files, bytes),
            new InitDetails { Source = source, SourceKind = "directory", PackagePath = packagePath, Files = files, Directories = directories, Bytes = bytes, Skipped = skipped });

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

    private TaskResult FromArchive(
        string source, string sourceKind, DownloadedFile artifact, ArchiveFormat format, FetchedPackage? fetched, TaskContext context, CancellationToken cancellationToken)
    {
        ExtractionReport report;
        try
        {
            report = new SafeArchiveExtractor(limits).Extract(artifact.Path, format, context.PackagePath, cancellationToken, context.MetadataDirectory);
        }
        catch (ArchiveRefusedException)
        {
            Directory.Delete(context.PackagePath, recursive: true);
            throw;
        }
        if (report.Files == 0)
            throw new FatalTaskException($"archive '{artifact.FileName}' holds no files: there is nothing to analyse.");
        return TaskResult.Success(
            new InitSummary(sourceKind, report.Files, report.Bytes, artifact.Digests.Sha256),
            new InitDetails
            {
                Source = source,
                SourceKind = sourceKind,
                Registry = fetched?.Registry,
                DownloadUrl = fetched?.Archive.Url,
                Artifact = Describe(artifact) with { Format = format.ToString() },
                MetadataFiles = [.. (fetched?.Metadata ?? []).Select(Describe)],
                UnpackedMetadata = report.Metadata,
                PackagePath = context.PackagePath,
                Files = report.Files,
                Directories = report.Directories,
                Bytes = report.Bytes,
                NestedArchives = report.NestedArchives,
                Skipped = report.Skipped,
            });
    }

    private static ArtifactRecord Describe(DownloadedFile file) => new(
        file.Kind, file.FileName, file.Path, file.Url, file.Digests.Size,
        file.Digests.Md5, file.Digests.Sha1, file.Digests.Sha256, file.Digests.Sha512, file.Verified);
}
