using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Workers.Init;

namespace Cucos.Tests.Archives;

/// <summary>
/// Every byte read from an archive is bounded and checked: capped headers and link targets, all decompressed bytes
/// counted, checksums verified, one path per entry, and every refusal one sentence that is never retried.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ArchiveBoundsTests : IDisposable
{
    private const long HundredsOfMiB = 512L * 1024 * 1024;
    /// <summary>What one extraction may allocate on its thread while refusing a header of hundreds of MiB: buffers, not the header.</summary>
    private const long SmallAllocation = 16L * 1024 * 1024;

    private readonly TempDirectory work = new("cucos-bounds");
    private string Target => work.Combine("out", "package");

    private ExtractionReport Extract(string archive, ArchiveLimits? limits = null) =>
        new SafeArchiveExtractor(limits ?? new ArchiveLimits())
            .Extract(archive, ArchiveFormats.FromFileName(archive)!.Value, Target, CancellationToken.None);

    private string Refused(string archive, ArchiveLimits? limits = null)
    {
        var refusal = Assert.Throws<ArchiveRefusedException>(() => Extract(archive, limits));
        Assert.IsAssignableFrom<FatalTaskException>(refusal); // what the task runner never retries
        return refusal.Reason;
    }

    /// <summary>The refusal, and the bytes the extraction allocated on this thread (the extractor is synchronous).</summary>
    private (string Reason, long Allocated) RefusedWithAllocation(string archive)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var reason = Refused(archive);
        return (reason, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private string TarGz(string name, Action<Stream> write)
    {
        var archive = work.Combine(name);
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            write(gzip);
        return archive;
    }

    private string Tar(string name, Action<Stream> write)
    {
        var archive = work.Combine(name);
        using (var file = File.Create(archive))
            write(file);
        return archive;
    }

    [Fact]
    public void A_zip_symbolic_link_of_hundreds_of_MiB_is_refused_without_reading_it_whole()
    {
        var archive = work.Combine("link.zip");
        ArchiveBuilder.Zip(archive, zip =>
        {
            var entry = zip.CreateEntry("package/link", CompressionLevel.Fastest);
            entry.ExternalAttributes = 0xA1FF << 16;
            using var data = entry.Open();
            ArchiveBuilder.WriteRepeated(data, (byte)'a', HundredsOfMiB);
        });

        var (reason, allocated) = RefusedWithAllocation(archive);

        Assert.Contains("is a link whose target is longer than 4096 bytes", reason);
        Assert.True(allocated < SmallAllocation, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData('x', "a pax extended header of")]
    [InlineData('L', "a GNU long name of")]
    [InlineData('K', "a GNU long link target of")]
    public void A_tar_header_of_hundreds_of_MiB_is_refused_without_reading_it(char type, string reason)
    {
        var archive = TarGz("header.tar.gz", tar =>
        {
            ArchiveBuilder.WriteTarHeader(tar, "././@LongHeader", type, HundredsOfMiB);
            ArchiveBuilder.WriteRepeated(tar, (byte)'a', HundredsOfMiB);
            ArchiveBuilder.WriteTarEntry(tar, "package/file", '0', [1]);
            ArchiveBuilder.WriteTarEnd(tar);
        });

        var (refusal, allocated) = RefusedWithAllocation(archive);

        Assert.Contains(reason, refusal);
        Assert.True(allocated < SmallAllocation, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_pax_link_target_past_the_cap_is_refused()
    {
        var archive = Tar("link.tar", tar =>
        {
            ArchiveBuilder.WriteTarEntry(tar, "pax", 'x', ArchiveBuilder.PaxRecord("linkpath", new string('a', 5000)));
            ArchiveBuilder.WriteTarHeader(tar, "package/link", '2', 0);
            ArchiveBuilder.WriteTarEnd(tar);
        });

        Assert.Contains("is a link whose target is longer than 4096 bytes", Refused(archive));
    }

    [Fact]
    public void Data_of_skipped_tar_entries_counts_against_the_size_limit()
    {
        var archive = Tar("skipped.tar", tar =>
        {
            ArchiveBuilder.WriteTarEntry(tar, "package/unknown-1", 'Z', new byte[60_000]);
            ArchiveBuilder.WriteTarEntry(tar, "package/unknown-2", 'Z', new byte[60_000]);
            ArchiveBuilder.WriteTarEnd(tar);
        });

        Assert.Contains("more than 100000 bytes", Refused(archive, new ArchiveLimits { MaxTotalBytes = 100_000 }));
    }

    [Fact]
    public void Tar_headers_count_against_the_size_limit()
    {
        var archive = work.Combine("empty-files.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            for (var i = 0; i < 300; i++)
                w.AddFile($"package/f{i}", []);
        });

        Assert.Contains("more than 100000 bytes", Refused(archive, new ArchiveLimits { MaxTotalBytes = 100_000 }));
    }

    [Theory]
    [InlineData("3000000000", "it is truncated: it ends inside an entry's data.")]
    [InlineData("5000000000", "an entry declares 5000000000 bytes, more than 4294967296 bytes (the limit).")]
    [InlineData("12x", "a pax header gives the size '12x', which is not a byte count.")]
    public void A_pax_size_past_2_GB_or_malformed_is_refused_in_one_sentence(string size, string reason)
    {
        var archive = Tar("size.tar", tar =>
        {
            ArchiveBuilder.WriteTarEntry(tar, "pax", 'x', ArchiveBuilder.PaxRecord("size", size));
            ArchiveBuilder.WriteTarHeader(tar, "package/big", '0', 0);
            ArchiveBuilder.WriteTarEnd(tar);
        });

        Assert.EndsWith(reason, Refused(archive));
    }

    [Fact]
    public void A_corrupt_tar_header_is_refused()
    {
        var archive = Tar("corrupt.tar", tar =>
        {
            ArchiveBuilder.WriteTarEntry(tar, "package/file", '0', [1, 2, 3]);
            ArchiveBuilder.WriteTarEnd(tar);
        });
        var bytes = File.ReadAllBytes(archive);
        bytes[8] ^= 0x01; // the name changes, the checksum does not
        File.WriteAllBytes(archive, bytes);

        Assert.Contains("an entry header's checksum does not match", Refused(archive));
    }

    [Theory]
    [InlineData("package/a", "package/a/b", "needs a folder 'package/a' where the archive already has a file or link")]
    [InlineData("package/a/", "package/a", "is a file or link where the archive already has a folder")]
    [InlineData("package/a", "package/a/", "is a folder where the archive already has a file or link")]
    public void A_file_and_a_folder_of_one_name_are_refused_in_one_sentence(string first, string second, string reason)
    {
        var archive = work.Combine("clash.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            foreach (var name in new[] { first, second })
            {
                if (name.EndsWith('/'))
                    w.AddEntry(TarEntryType.Directory, name);
                else
                    w.AddFile(name, [1]);
            }
        });

        Assert.Contains(reason, Refused(archive));
    }

    [Theory]
    [InlineData("package/x", "package/x")]
    [InlineData("package/x", "package/./x")]
    [InlineData("package/x", "package//x")]
    public void Two_tar_entries_for_one_path_are_refused(string first, string second)
    {
        var archive = work.Combine("twice.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            w.AddFile(first, "first"u8.ToArray());
            w.AddFile(second, "second"u8.ToArray());
        });

        Assert.Contains("appears twice", Refused(archive));
    }

    [Fact]
    public void Two_names_that_decode_to_one_string_are_refused()
    {
        var archive = Tar("invalid-utf8.tar", tar =>
        {
            // Both are invalid UTF-8, and both decode to "package/\uFFFD".
            foreach (var name in new byte[][] { [.. "package/"u8, 0xFF], [.. "package/"u8, 0xFE] })
            {
                ArchiveBuilder.WriteTarHeader(tar, name, '0', 1);
                tar.Write([1]);
                ArchiveBuilder.WriteTarPadding(tar, 1);
            }
            ArchiveBuilder.WriteTarEnd(tar);
        });

        Assert.Contains("appears twice", Refused(archive));
    }

    [Fact]
    public void Names_differing_in_Unicode_normalisation_are_two_files()
    {
        var archive = work.Combine("nfc.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            w.AddFile("package/caf\u00e9", "composed"u8.ToArray());
            w.AddFile("package/cafe\u0301", "decomposed"u8.ToArray());
        });

        Assert.Equal(2, Extract(archive).Files);
    }

    [Fact]
    public void A_link_and_a_file_of_one_name_are_refused()
    {
        var archive = work.Combine("twice.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            w.AddEntry(TarEntryType.SymbolicLink, "package/x", "y");
            w.AddFile("package/x", [1]);
        });

        Assert.Contains("appears twice", Refused(archive));
    }

    [Fact]
    public void Two_zip_entries_of_one_name_are_refused()
    {
        var archive = work.Combine("twice.zip");
        ArchiveBuilder.Zip(archive, zip =>
        {
            zip.AddFile("lib/x.txt", "first"u8.ToArray());
            zip.AddFile("lib/x.txt", "second"u8.ToArray());
        });

        Assert.Contains("entry 'lib/x.txt' appears twice", Refused(archive));
    }

    [Fact]
    public void Names_differing_only_in_case_are_two_files()
    {
        var archive = work.Combine("case.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            w.AddFile("package/README", "upper"u8.ToArray());
            w.AddFile("package/readme", "lower"u8.ToArray());
        });

        Assert.Equal(2, Extract(archive).Files);
        Assert.Equal("upper", File.ReadAllText(Path.Combine(Target, "package", "README")));
    }

    [Fact]
    public void A_zip_entry_whose_CRC_does_not_match_is_refused()
    {
        var archive = work.Combine("crc.zip");
        ArchiveBuilder.Zip(archive, zip => zip.AddFile("lib/data.bin", Fixtures.SmallPackage()["lib/data.bin"]));
        var bytes = File.ReadAllBytes(archive);
        var central = bytes.AsSpan().LastIndexOf("PK\u0001\u0002"u8);
        bytes[central + 16] ^= 0xFF; // CRC-32 in the central directory
        bytes[14] ^= 0xFF;           // and in the local header
        File.WriteAllBytes(archive, bytes);

        Assert.Contains("the CRC-32 or size of entry 'lib/data.bin' does not match its data", Refused(archive));
    }

    public static TheoryData<string, int, int> GzipDamage => new()
    {
        { "trailer CRC", 8, 0 },
        { "trailer size", 4, 0 },
        { "trailer cut off", 0, 8 },
    };

    [Theory]
    [MemberData(nameof(GzipDamage))]
    public void A_gzip_whose_trailer_does_not_match_is_refused(string damage, int flipFromEnd, int cut)
    {
        Assert.NotEmpty(damage);
        var archive = work.Combine("damaged.tar.gz");
        ArchiveBuilder.TarOfTree(archive, Fixtures.SmallPackage());
        var bytes = File.ReadAllBytes(archive);
        if (flipFromEnd > 0)
            bytes[^flipFromEnd] ^= 0x01;
        File.WriteAllBytes(archive, bytes[..^cut]);

        Assert.Contains("its gzip data or trailer (CRC-32 and size) is damaged", Refused(archive));
    }

    [Fact]
    public void Too_many_zip_entries_are_refused_before_any_is_written()
    {
        var archive = work.Combine("many.zip");
        ArchiveBuilder.Zip(archive, zip =>
        {
            for (var i = 0; i < 11; i++)
                zip.AddFile($"f{i}", [1]);
        });

        Assert.Contains("more than 10 entries", Refused(archive, new ArchiveLimits { MaxEntries = 10 }));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Target));
    }

    [Fact]
    public void Sparse_and_other_tar_types_are_skipped_and_the_entries_after_them_read()
    {
        var archive = Tar("types.tar", tar =>
        {
            ArchiveBuilder.WriteTarEntry(tar, "package/label", 'V', []);
            ArchiveBuilder.WriteTarEntry(tar, "package/sparse", 'S', new byte[700]);
            ArchiveBuilder.WriteTarEntry(tar, "package/after.txt", '0', "after"u8.ToArray());
            ArchiveBuilder.WriteTarEnd(tar);
        });

        var report = Extract(archive);

        Assert.Equal(1, report.Files);
        Assert.Equal("after", File.ReadAllText(Path.Combine(Target, "package", "after.txt")));
        Assert.Equal(["tar entry type volume label is not extracted", "tar entry type sparse file is not extracted"], report.Skipped.Select(s => s.Reason));
    }

    public void Dispose() => work.Dispose();
}
