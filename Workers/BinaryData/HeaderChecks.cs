using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Numerics;
using System.Text;

namespace Cucos.Workers.BinaryData;

/// <summary>
/// Confirms a magic match by the structure around it and describes it, or returns null for a false hit.
/// <paramref name="header"/> starts at the structure (at least the signature's header length, up to
/// <see cref="SignatureSet.MaxHeaderLength"/> bytes); <paramref name="remaining"/> counts the bytes from there to the end of the file.
/// </summary>
public delegate string? HeaderCheck(ReadOnlySpan<byte> header, long remaining);

/// <summary>The header checks the signature data file names.</summary>
public static partial class HeaderChecks
{
    public static readonly IReadOnlyDictionary<string, HeaderCheck> ByName = new Dictionary<string, HeaderCheck>(StringComparer.Ordinal)
    {
        ["zip_local_file"] = ZipLocalFile,
        ["zip_end_of_central_directory"] = ZipEnd,
        ["gzip"] = Gzip,
        ["zlib"] = Zlib,
        ["bzip2"] = Bzip2,
        ["xz"] = Xz,
        ["seven_zip"] = SevenZip,
        ["tar"] = Tar,
        ["elf"] = Elf,
        ["pe"] = Pe,
        ["mach_o_big_endian"] = (h, r) => MachO(h, r, bigEndian: true),
        ["mach_o_little_endian"] = (h, r) => MachO(h, r, bigEndian: false),
        ["mach_o_universal"] = MachOUniversal,
        ["java_class"] = JavaClass,
        ["wasm"] = Wasm,
        ["png"] = Png,
        ["jpeg"] = Jpeg,
        ["gif"] = Gif,
        ["swf_uncompressed"] = SwfUncompressed,
        ["swf_zlib"] = SwfZlib,
        ["swf_lzma"] = SwfLzma,
        ["pdf"] = Pdf,
        ["pem"] = Pem,
        ["der_certificate"] = DerCertificate,
        ["sqlite"] = Sqlite,
        ["uimage"] = UImage,
        ["trx"] = Trx,
        ["squashfs_little_endian"] = (h, r) => Squashfs(h, r, bigEndian: false),
        ["squashfs_big_endian"] = (h, r) => Squashfs(h, r, bigEndian: true),
    };

    private static ushort U16(ReadOnlySpan<byte> h, int at) => BinaryPrimitives.ReadUInt16LittleEndian(h[at..]);
    private static uint U32(ReadOnlySpan<byte> h, int at) => BinaryPrimitives.ReadUInt32LittleEndian(h[at..]);
    private static ushort U16Big(ReadOnlySpan<byte> h, int at) => BinaryPrimitives.ReadUInt16BigEndian(h[at..]);
    private static uint U32Big(ReadOnlySpan<byte> h, int at) => BinaryPrimitives.ReadUInt32BigEndian(h[at..]);
    private static ushort U16(ReadOnlySpan<byte> h, int at, bool bigEndian) => bigEndian ? U16Big(h, at) : U16(h, at);
    private static uint U32(ReadOnlySpan<byte> h, int at, bool bigEndian) => bigEndian ? U32Big(h, at) : U32(h, at);

    private static string Date(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A NUL-terminated (or field-long) name of printable characters; null if it has control bytes.</summary>
    private static string? PrintableName(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        var name = end >= 0 ? field[..end] : field;
        foreach (var b in name)
            if (b < 0x20 || b == 0x7F)
                return null;
        return Encoding.UTF8.GetString(name);
    }

    private static readonly HashSet<int> ZipMethods = [0, 1, 2, 3, 4, 5, 6, 8, 9, 12, 14, 19, 93, 95, 96, 97, 98, 99];

    private static string? ZipLocalFile(ReadOnlySpan<byte> h, long remaining)
    {
        var version = U16(h, 4);
        var flags = U16(h, 6);
        var method = U16(h, 8);
        var compressed = U32(h, 18);
        var uncompressed = U32(h, 22);
        var nameLength = U16(h, 26);
        var extraLength = U16(h, 28);
        if (version > 100 || !ZipMethods.Contains(method) || nameLength == 0 || 30 + nameLength > h.Length)
            return null;
        var name = PrintableName(h.Slice(30, nameLength));
        if (name is null || name.Length != nameLength)
            return null;
        var sizeKnown = (flags & 0x08) == 0 && compressed != uint.MaxValue;
        if (sizeKnown && 30L + nameLength + extraLength + compressed > remaining)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"at least v{version / 10}.{version % 10} to extract, compressed size: {compressed}, uncompressed size: {uncompressed}, name: {name}");
    }

    private static string? ZipEnd(ReadOnlySpan<byte> h, long remaining)
    {
        var (disk, directoryDisk, entriesHere, entries, commentLength) = (U16(h, 4), U16(h, 6), U16(h, 8), U16(h, 10), U16(h, 20));
        if (disk != directoryDisk || entriesHere != entries || 22L + commentLength > remaining)
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"{entries} entries, footer length: {22 + commentLength}");
    }

    private static readonly Dictionary<byte, string> GzipSystems = new()
    {
        [0] = "FAT filesystem (MS-DOS, OS/2, NT/Win32)", [3] = "Unix", [7] = "Macintosh", [10] = "TOPS-20", [11] = "NTFS filesystem (NT)", [255] = "unknown OS",
    };

    private static string? Gzip(ReadOnlySpan<byte> h, long remaining)
    {
        var flags = h[3];
        var extraFlags = h[8];
        var system = h[9];
        if ((flags & 0xE0) != 0 || extraFlags is not (0 or 2 or 4) || (system > 13 && system != 255) || remaining < 18)
            return null;
        var parts = new List<string>();
        if (extraFlags == 2)
            parts.Add("maximum compression");
        else if (extraFlags == 4)
            parts.Add("fastest compression");
        if ((flags & 0x08) != 0)
        {
            var at = 10;
            if ((flags & 0x04) != 0)
                at = h.Length >= 12 ? 12 + U16(h, 10) : int.MaxValue;
            var end = at < h.Length ? h[at..].IndexOf((byte)0) : -1;
            if (end < 0 || PrintableName(h.Slice(at, end)) is not { } name)
                return null;
            parts.Add($"has original file name: \"{name}\"");
        }
        parts.Add("from " + (GzipSystems.TryGetValue(system, out var os) ? os : $"system {system}"));
        if (U32(h, 4) is var modified and > 0)
            parts.Add("last modified: " + Date(modified));
        return string.Join(", ", parts);
    }

    private static string? Bzip2(ReadOnlySpan<byte> h, long remaining)
    {
        if (h[3] is < (byte)'1' or > (byte)'9')
            return null;
        ReadOnlySpan<byte> block = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
        ReadOnlySpan<byte> endOfStream = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
        if (!h.Slice(4, 6).SequenceEqual(block) && !h.Slice(4, 6).SequenceEqual(endOfStream))
            return null;
        return $"block size = {(char)h[3]}00k";
    }

    private static string? Xz(ReadOnlySpan<byte> h, long remaining)
    {
        if (h[6] != 0 || Crc32.HashToUInt32(h.Slice(6, 2)) != U32(h, 8))
            return null;
        return h[7] switch
        {
            0x00 => "check: none",
            0x01 => "check: CRC32",
            0x04 => "check: CRC64",
            0x0A => "check: SHA-256",
            _ => null,
        };
    }

    private static string? SevenZip(ReadOnlySpan<byte> h, long remaining)
    {
        if (h[6] != 0 || Crc32.HashToUInt32(h.Slice(12, 20)) != U32(h, 8))
            return null;
        var nextHeaderEnd = 32 + (decimal)BinaryPrimitives.ReadUInt64LittleEndian(h[12..]) + BinaryPrimitives.ReadUInt64LittleEndian(h[20..]);
        if (nextHeaderEnd > remaining)
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"version 0.{h[7]}");
    }

    private static string? Tar(ReadOnlySpan<byte> h, long remaining)
    {
        var gnu = h.Slice(262, 3).SequenceEqual("  \0"u8);
        if (!gnu && !(h[262] == 0 && h.Slice(263, 2).SequenceEqual("00"u8)))
            return null;
        if (ParseOctal(h.Slice(148, 8)) is not { } stored || ParseOctal(h.Slice(124, 12)) is not { } size)
            return null;
        long sum = 0;
        for (var i = 0; i < 512; i++)
            sum += i is >= 148 and < 156 ? (byte)' ' : h[i];
        if (sum != stored || PrintableName(h[..100]) is not { Length: > 0 } name)
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"{(gnu ? "GNU" : "POSIX")} format, file name: {name}, file size: {size} bytes");
    }

    /// <summary>A tar number: octal digits, padded with spaces or NULs.</summary>
    private static long? ParseOctal(ReadOnlySpan<byte> field)
    {
        var text = Encoding.ASCII.GetString(field).Trim(' ', '\0');
        if (text.Length == 0 || text.Any(c => c is < '0' or > '7'))
            return null;
        return Convert.ToInt64(text, 8);
    }

    private static readonly Dictionary<int, string> ElfMachines = new()
    {
        [2] = "SPARC", [3] = "Intel 80386", [8] = "MIPS", [20] = "PowerPC", [21] = "64-bit PowerPC", [22] = "IBM S/390",
        [40] = "ARM", [43] = "SPARC V9", [50] = "IA-64", [62] = "x86-64", [183] = "ARM aarch64", [243] = "RISC-V", [247] = "eBPF", [258] = "LoongArch",
    };

    private static string? Elf(ReadOnlySpan<byte> h, long remaining)
    {
        var (elfClass, data, version) = (h[4], h[5], h[6]);
        if (elfClass is not (1 or 2) || data is not (1 or 2) || version != 1)
            return null;
        var little = data == 1;
        var type = U16(h, 16, !little);
        var machine = U16(h, 18, !little);
        var objectVersion = U32(h, 20, !little);
        if (type is < 1 or > 4 || objectVersion != 1)
            return null;
        var typeName = type switch { 1 => "relocatable", 2 => "executable", 3 => "shared object", _ => "core file" };
        var machineName = ElfMachines.TryGetValue(machine, out var m) ? m : $"machine {machine}";
        return $"{(elfClass == 1 ? 32 : 64)}-bit {(little ? "LSB" : "MSB")} {typeName}, {machineName}";
    }

    private static readonly Dictionary<int, string> PeMachines = new()
    {
        [0x14C] = "Intel 80386", [0x8664] = "x86-64", [0x1C0] = "ARM", [0x1C4] = "ARMv7 Thumb", [0xAA64] = "ARM64", [0x200] = "IA-64", [0xEBC] = "EFI byte code",
    };

    /// <summary>How far the PE header may sit from the MZ stub: 4 KiB, as before the header window grew to 64 KiB for zlib.</summary>
    private const int MaxPeHeaderEnd = 4096;

    private static string? Pe(ReadOnlySpan<byte> h, long remaining)
    {
        var peOffset = U32(h, 0x3C);
        if (peOffset < 0x40 || peOffset + 26 > Math.Min(h.Length, MaxPeHeaderEnd) || peOffset + 26 > remaining)
            return null;
        var pe = h[(int)peOffset..];
        if (!pe[..4].SequenceEqual("PE\0\0"u8) || !PeMachines.TryGetValue(U16(pe, 4), out var machine))
            return null;
        var kind = U16(pe, 24) switch { 0x10B => "PE32", 0x20B => "PE32+", _ => null };
        if (kind is null)
            return null;
        var dll = (U16(pe, 22) & 0x2000) != 0;
        return $"{kind} {(dll ? "DLL" : "executable")}, {machine}";
    }

    private static readonly Dictionary<uint, string> MachCpus = new()
    {
        [7] = "Intel 80386", [0x01000007] = "x86-64", [12] = "ARM", [0x0100000C] = "ARM64", [0x0200000C] = "ARM64_32", [18] = "PowerPC", [0x01000012] = "PowerPC64",
    };

    private static readonly string[] MachFileTypes =
        ["", "object", "executable", "fixed VM shared library", "core", "preloaded executable", "dynamically linked shared library", "dynamic linker", "bundle", "shared library stub", "debug companion", "kext bundle"];

    private static string? MachO(ReadOnlySpan<byte> h, long remaining, bool bigEndian)
    {
        var (cpu, fileType, commands, commandBytes) = (U32(h, 4, bigEndian), U32(h, 12, bigEndian), U32(h, 16, bigEndian), U32(h, 20, bigEndian));
        if (!MachCpus.TryGetValue(cpu, out var cpuName) || fileType is 0 or >= 12 || commands is 0 or > 4096 || commandBytes + 28L > remaining)
            return null;
        return $"{cpuName} {MachFileTypes[fileType]}, {commands} load commands";
    }

    private static string? MachOUniversal(ReadOnlySpan<byte> h, long remaining)
    {
        var architectures = U32Big(h, 4);
        if (architectures is 0 or > 20 || !MachCpus.TryGetValue(U32Big(h, 8), out var first) || U32Big(h, 16) > remaining || U32Big(h, 24) > 16)
            return null;
        return $"{architectures} architecture{(architectures == 1 ? "" : "s")}, first: {first}";
    }

    private static string? JavaClass(ReadOnlySpan<byte> h, long remaining)
    {
        var (minor, major, constants) = (U16Big(h, 4), U16Big(h, 6), U16Big(h, 8));
        if (major is < 45 or > 80 || constants < 2 || (minor != 0 && minor != 0xFFFF && major >= 56))
            return null;
        return major >= 49 ? $"version {major}.{minor} (Java {major - 44})" : $"version {major}.{minor} (Java 1.{major - 44})";
    }

    private static string? Wasm(ReadOnlySpan<byte> h, long remaining) => h.Length == 8 || h[8] <= 12 ? "" : null;

    private static string? Png(ReadOnlySpan<byte> h, long remaining)
    {
        if (U32Big(h, 8) != 13 || !h.Slice(12, 4).SequenceEqual("IHDR"u8) || Crc32.HashToUInt32(h.Slice(12, 17)) != U32Big(h, 29))
            return null;
        var (width, height, depth, color, interlace) = (U32Big(h, 16), U32Big(h, 20), h[24], h[25], h[28]);
        var colorName = color switch { 0 => "grayscale", 2 => "RGB", 3 => "colormap", 4 => "gray+alpha", 6 => "RGBA", _ => null };
        if (width == 0 || height == 0 || colorName is null || depth is not (1 or 2 or 4 or 8 or 16) || h[26] != 0 || h[27] != 0 || interlace > 1)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{width} x {height}, {depth}-bit{(color is 0 or 3 ? "" : "/color")} {colorName}, {(interlace == 1 ? "interlaced" : "non-interlaced")}");
    }

    private static string? Jpeg(ReadOnlySpan<byte> h, long remaining)
    {
        var segmentLength = U16Big(h, 4);
        return h[3] switch
        {
            0xE0 when segmentLength >= 16 && h.Slice(6, 5).SequenceEqual("JFIF\0"u8) => $"JFIF standard {h[11]}.{h[12]:00}",
            0xE1 when segmentLength >= 8 && h.Slice(6, 6).SequenceEqual("Exif\0\0"u8) => "EXIF standard",
            0xDB when segmentLength is 0x43 or 0x84 && h[6] is 0 or 1 => "quantization table first",
            _ => null,
        };
    }

    private static string? Gif(ReadOnlySpan<byte> h, long remaining)
    {
        var (width, height, flags) = (U16(h, 6), U16(h, 8), h[10]);
        if (width == 0 || height == 0)
            return null;
        var next = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        if (next < h.Length && h[next] is not ((byte)',' or (byte)'!' or (byte)';'))
            return null;
        if (next >= remaining)
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"{width} x {height}");
    }

    private static string? Pdf(ReadOnlySpan<byte> h, long remaining) =>
        char.IsAsciiDigit((char)h[5]) && h[6] == '.' && char.IsAsciiDigit((char)h[7]) ? $"version {(char)h[5]}.{(char)h[7]}" : null;

    /// <summary>The BEGIN line must close with five dashes and be followed by a header or a line of base64.</summary>
    private static string? Pem(ReadOnlySpan<byte> h, long remaining)
    {
        var lineEnd = h.IndexOf((byte)'\n');
        if (lineEnd < 0)
            return null;
        var begin = h[..lineEnd].TrimEnd((byte)'\r');
        if (!begin.EndsWith("-----"u8))
            return null;
        var next = h[(lineEnd + 1)..];
        if (next.StartsWith("Proc-Type:"u8))
            return "";
        var base64 = 0;
        while (base64 < next.Length && (char.IsAsciiLetterOrDigit((char)next[base64]) || next[base64] is (byte)'+' or (byte)'/' or (byte)'='))
            base64++;
        return base64 >= 16 && (base64 == next.Length || next[base64] is (byte)'\r' or (byte)'\n') ? "" : null;
    }

    private static string? DerCertificate(ReadOnlySpan<byte> h, long remaining)
    {
        var outer = U16Big(h, 2);
        var inner = U16Big(h, 6);
        if (h[4] != 0x30 || h[5] != 0x82 || inner + 4 > outer || outer + 4L > remaining)
            return null;
        if (!h.Slice(8, 4).SequenceEqual((ReadOnlySpan<byte>)[0xA0, 0x03, 0x02, 0x01]) || h[12] > 2)
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"x509 v{h[12] + 1}, header length: 4, sequence length: {outer}");
    }

    private static string? Sqlite(ReadOnlySpan<byte> h, long remaining)
    {
        var pageSize = U16Big(h, 16) is 1 ? 65536 : U16Big(h, 16);
        if (pageSize < 512 || !BitOperations.IsPow2(pageSize) || h[18] is not (1 or 2) || h[19] is not (1 or 2) || h[21] != 64 || h[22] != 32 || h[23] != 32)
            return null;
        return string.Create(CultureInfo.InvariantCulture, $"page size: {pageSize}, {U32Big(h, 28)} pages");
    }

    private static readonly Dictionary<byte, string> UImageSystems = new() { [5] = "Linux", [17] = "U-Boot", [19] = "QNX", [14] = "VxWorks", [20] = "ARM Trusted Firmware" };
    private static readonly Dictionary<byte, string> UImageCpus = new() { [2] = "ARM", [3] = "Intel x86", [5] = "MIPS", [6] = "MIPS64", [7] = "PowerPC", [22] = "ARM64", [26] = "RISC-V" };
    private static readonly Dictionary<byte, string> UImageTypes = new() { [1] = "Standalone Program", [2] = "OS Kernel Image", [3] = "RAMDisk Image", [4] = "Multi-File Image", [5] = "Firmware Image", [6] = "Script file", [7] = "Filesystem Image", [8] = "Flat Device Tree" };
    private static readonly string[] UImageCompressions = ["none", "gzip", "bzip2", "lzma", "lzo", "lz4", "zstd"];

    private static string? UImage(ReadOnlySpan<byte> h, long remaining)
    {
        Span<byte> header = stackalloc byte[64];
        h[..64].CopyTo(header);
        header.Slice(4, 4).Clear();
        if (Crc32.HashToUInt32(header) != U32Big(h, 4) || h[31] >= UImageCompressions.Length || PrintableName(h.Slice(32, 32)) is not { } name)
            return null;
        string Named(Dictionary<byte, string> names, byte value) => names.TryGetValue(value, out var text) ? text : $"{value}";
        return string.Create(CultureInfo.InvariantCulture,
            $"image size: {U32Big(h, 12)} bytes, created: {Date(U32Big(h, 8))}, OS: {Named(UImageSystems, h[28])}, CPU: {Named(UImageCpus, h[29])}, image type: {Named(UImageTypes, h[30])}, compression type: {UImageCompressions[h[31]]}, image name: \"{name}\"");
    }

    private static string? Trx(ReadOnlySpan<byte> h, long remaining)
    {
        var length = U32(h, 4);
        var version = U16(h, 14);
        if (length < 28 || length > remaining || version is not (1 or 2) || U32(h, 16) is < 28 or >= 0x10000000)
            return null;
        for (var at = 16; at <= 24; at += 4)
            if (U32(h, at) >= length)
                return null;
        return string.Create(CultureInfo.InvariantCulture, $"version {version}, image size: {length} bytes, partitions at 0x{U32(h, 16):X}, 0x{U32(h, 20):X}, 0x{U32(h, 24):X}");
    }

    private static readonly string[] SquashfsCompressions = ["", "gzip", "lzma", "lzo", "xz", "lz4", "zstd"];

    private static string? Squashfs(ReadOnlySpan<byte> h, long remaining, bool bigEndian)
    {
        var (inodes, created, blockSize) = (U32(h, 4, bigEndian), U32(h, 8, bigEndian), U32(h, 12, bigEndian));
        var (compression, blockLog, major, minor) = (U16(h, 20, bigEndian), U16(h, 22, bigEndian), U16(h, 28, bigEndian), U16(h, 30, bigEndian));
        var bytesUsed = bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(h[40..]) : BinaryPrimitives.ReadUInt64LittleEndian(h[40..]);
        if (major != 4 || minor != 0 || inodes == 0 || blockSize is < 4096 or > 1 << 20 || !BitOperations.IsPow2(blockSize)
            || blockLog != BitOperations.Log2(blockSize) || compression is 0 or >= 7 || bytesUsed > (ulong)remaining)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"version {major}.{minor}, compression: {SquashfsCompressions[compression]}, size: {bytesUsed} bytes, {inodes} inodes, blocksize: {blockSize} bytes, created: {Date(created)}");
    }
}
