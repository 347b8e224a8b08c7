using System.Buffers;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace Cucos.Workers.Digests;

/// <summary>The digests of one file.</summary>
public sealed record FileDigest(string Path, long Size, [property: RegularExpression(@"^[0-9a-f]{32}$")] string Md5, [property: RegularExpression(@"^[0-9a-f]{40}$")] string Sha1, [property: RegularExpression(@"^[0-9a-f]{64}$")] string Sha256, [property: Description("ssdeep's context-triggered piecewise hash, BLOCKSIZE:SIGNATURE:SIGNATURE as the ssdeep tool prints it; compare two with 'cucos ssdeep-compare'.")] [property: RegularExpression(@"^[0-9]+:[A-Za-z0-9+/]{0,64}:[A-Za-z0-9+/]{0,64}$")] string Ssdeep);

public static class FileDigests
{
    private const int BufferSize = 128 * 1024;

    /// <summary>md5, sha1, sha256 and ssdeep of a file, read once, streaming.</summary>
    public static async Task<FileDigest> ComputeAsync(string fullPath, string reportedPath, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        FuzzyHasher fuzzy;
        try
        {
            await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
            fuzzy = new FuzzyHasher(stream.Length);
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                md5.AppendData(chunk);
                sha1.AppendData(chunk);
                sha256.AppendData(chunk);
                fuzzy.Append(chunk);
                size += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new FileDigest(reportedPath, size, Hex(md5), Hex(sha1), Hex(sha256), fuzzy.Finish());
    }

    private static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());
}
