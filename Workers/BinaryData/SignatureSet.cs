using System.Text.Json;

namespace Cucos.Workers.BinaryData;

/// <summary>One signature of <c>signatures.json</c>: magic bytes at an offset inside a structure, confirmed by a header check.</summary>
public sealed record Signature(string Name, string Category, byte[] Magic, int MagicOffset, int HeaderLength, HeaderCheck Check, string Description);

/// <summary>The signatures the scanner looks for, loaded from the data file embedded in this assembly.</summary>
public sealed class SignatureSet
{
    /// <summary>
    /// Bytes a check may read past the start of a structure: the zlib check inflates this much of a stream (the PE
    /// header, found through a pointer, needs up to 4 KiB).
    /// </summary>
    public const int MaxHeaderLength = 64 * 1024;

    private readonly Signature[]?[] byFirstTwoBytes = new Signature[]?[65536];

    public IReadOnlyList<Signature> All { get; }

    /// <summary>The largest distance from a structure's start to its magic (tar's "ustar" sits at 257).</summary>
    public int MaxMagicOffset { get; }

    public SignatureSet(IReadOnlyList<Signature> signatures)
    {
        All = signatures;
        foreach (var group in signatures.GroupBy(s => s.Magic[0] | (s.Magic[1] << 8)))
            byFirstTwoBytes[group.Key] = [.. group];
        MaxMagicOffset = signatures.Max(s => s.MagicOffset);
    }

    /// <summary>Signatures whose magic starts with these two bytes, or null.</summary>
    public Signature[]? Candidates(byte first, byte second) => byFirstTwoBytes[first | (second << 8)];

    public static SignatureSet Default { get; } = Load();

    private static SignatureSet Load()
    {
        using var stream = typeof(SignatureSet).Assembly.GetManifestResourceStream("Cucos.Orleans.Workers.BinaryData.signatures.json")
            ?? throw new InvalidOperationException("the signature data file is not embedded in the workers assembly.");
        using var document = JsonDocument.Parse(stream);
        var signatures = new List<Signature>();
        foreach (var entry in document.RootElement.GetProperty("signatures").EnumerateArray())
        {
            var name = entry.GetProperty("name").GetString()!;
            var checkName = entry.GetProperty("check").GetString()!;
            // One magic, or a list of them for a structure whose first bytes take several values (the zlib header).
            var magicElement = entry.GetProperty("magic");
            var magics = magicElement.ValueKind == JsonValueKind.Array
                ? magicElement.EnumerateArray().Select(m => m.GetString()!).ToArray()
                : [magicElement.GetString()!];
            var headerLength = entry.GetProperty("header").GetInt32();
            var magicOffset = entry.GetProperty("offset").GetInt32();
            var check = HeaderChecks.ByName.TryGetValue(checkName, out var named) ? named : throw new InvalidOperationException($"signature '{name}' names an unknown check '{checkName}'.");
            foreach (var hex in magics)
            {
                var magic = Convert.FromHexString(hex);
                if (magic.Length < 2)
                    throw new InvalidOperationException($"signature '{name}': a magic needs at least two bytes.");
                if (headerLength > MaxHeaderLength || magicOffset + magic.Length > headerLength)
                    throw new InvalidOperationException($"signature '{name}': its header must hold its magic and be at most {MaxHeaderLength} bytes.");
                signatures.Add(new Signature(name, entry.GetProperty("category").GetString()!, magic, magicOffset, headerLength, check, entry.GetProperty("description").GetString()!));
            }
        }
        return new SignatureSet(signatures);
    }
}
