using System.Buffers;
using System.Security.Cryptography;

namespace Cucos.Sdk.Ecosystems;

/// <summary>A registry init fetches packages from: it lists versions and downloads one version's artifacts.</summary>
public interface IPackageArtifactSource : IPackageVersionSource
{
    /// <summary>
    /// Downloads the package archive of <paramref name="version"/> into <paramref name="artifactDirectory"/> and the
    /// registry's side documents (nuspec, pom, sources jar, go.mod) into <paramref name="metadataDirectory"/>,
    /// verifying every checksum the registry publishes. Throws <see cref="PackageNotFoundException"/> when the
    /// registry has no such package or version, <see cref="RegistryException"/> for answers no retry can fix, and
    /// any other exception for transient failures.
    /// </summary>
    Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken);
}

/// <summary>md5, sha1, sha256 and sha512 of an artifact, in lower-case hex.</summary>
public sealed record ArtifactDigests(long Size, string Md5, string Sha1, string Sha256, string Sha512)
{
    private const int BufferSize = 128 * 1024;

    /// <summary>Copies <paramref name="source"/> to a new file at <paramref name="destination"/>, hashing as it goes: the artifact is read once.</summary>
    public static async Task<ArtifactDigests> CopyAsync(Stream source, string destination, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                md5.AppendData(chunk);
                sha1.AppendData(chunk);
                sha256.AppendData(chunk);
                sha512.AppendData(chunk);
                size += read;
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new ArtifactDigests(size, Hex(md5), Hex(sha1), Hex(sha256), Hex(sha512));
    }

    private static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());
}

/// <summary>One downloaded file: where it came from, where it is, its digests and the checksum that was verified.</summary>
/// <param name="Verified">The registry's checksum that matched, as <c>algorithm:value</c>; null when the registry publishes none.</param>
public sealed record DownloadedFile(string Kind, string FileName, string Path, string Url, ArtifactDigests Digests, string? Verified);

/// <param name="Registry">The registry as the user reads it: "the npm registry at https://…/".</param>
/// <param name="Archive">The package archive, unpacked by init.</param>
/// <param name="Metadata">Side documents kept next to it (nuspec, pom, sources jar, go.mod).</param>
public sealed record FetchedPackage(string Registry, DownloadedFile Archive, IReadOnlyList<DownloadedFile> Metadata);
