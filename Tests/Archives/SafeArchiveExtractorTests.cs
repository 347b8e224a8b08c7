using System.Formats.Tar;
using System.Text;
using Cucos.Tests.Support;
using Cucos.Workers.Init;

namespace Cucos.Tests.Archives;

/// <summary>Archives are untrusted: every hostile shape is refused and nothing lands outside the target.</summary>
[Trait("Category", "Unit")]
public sealed class SafeArchiveExtractorTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-archives");
    private string Target => work.Combine("out", "package");

    private ExtractionReport Extract(string archive, ArchiveLimits? limits = null) =>
        new SafeArchiveExtractor(limits ?? new ArchiveLimits())
            .Extract(archive, ArchiveFormats.FromFileName(archive)!.Value, Target, CancellationToken.None);

    private string Refused(string archive, ArchiveLimits? limits = null) =>
        Assert.Throws<ArchiveRefusedException>(() => Extract(archive, limits)).Reason;

    /// <summary>Every file under the work folder that is not inside the target nor an input archive.</summary>
    private string[] FilesOutsideTarget() => [.. Directory.EnumerateFiles(work.Path, "*", SearchOption.AllDirectories)
        .Where(f => !f.StartsWith(Target + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && Path.GetDirectoryName(f) != work.Path)];

    [Theory]
    [InlineData("pkg.tar.gz")]
    [InlineData("pkg.tgz")]
    [InlineData("pkg.tar")]
    public void Tar_formats_round_trip(string name)
    {
        var files = Fixtures.SmallPackage();
        var archive = work.Combine(name);
        ArchiveBuilder.TarOfTree(archive, files);

        var report = Extract(archive);

        Assert.Equal(files.Count, report.Files);
        foreach (var (path, content) in files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine([Target, "package", .. path.Split('/')])));
    }

    [Fact]
    public void Zip_round_trips()
    {
        var files = Fixtures.SmallPackage();
        var archive = work.Combine("pkg.zip");
        ArchiveBuilder.Zip(archive, zip =>
        {
            foreach (var (path, content) in files)
                zip.AddFile(path, content);
        });

        Assert.Equal(files.Count, Extract(archive).Files);
        Assert.Equal(files["lib/data.bin"], File.ReadAllBytes(Path.Combine(Target, "lib", "data.bin")));
    }

    [Theory]
    [InlineData("../evil.txt", "climbs out of the package")]
    [InlineData("package/../../evil.txt", "climbs out of the package")]
    [InlineData("/tmp/cucos-evil-absolute.txt", "has an absolute path")]
    public void Tar_entries_escaping_the_target_are_refused(string entryName, string reason)
    {
        var archive = work.Combine("evil.tar.gz");
        ArchiveBuilder.Tar(archive, gzip: true, w =>
        {
            w.AddFile("package/fine.txt", "ok"u8.ToArray());
            w.AddFile(entryName, "evil"u8.ToArray());
        });

        Assert.Contains(reason, Refused(archive));
        Assert.Empty(FilesOutsideTarget());
        Assert.False(File.Exists("/tmp/cucos-evil-absolute.txt"));
    }

    [Fact]
    public void Zip_slip_is_refused()
    {
        var archive = work.Combine("evil.zip");
        ArchiveBuilder.Zip(archive, zip => zip.AddFile("../../evil.txt", "evil"u8.ToArray()));

        Assert.Contains("climbs out of the package", Refused(archive));
        Assert.Empty(FilesOutsideTarget());
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "package/link", "../../../etc/passwd")]
    [InlineData(TarEntryType.SymbolicLink, "package/link", "/etc/passwd")]
    [InlineData(TarEntryType.HardLink, "package/link", "../outside")]
    public void Links_leading_outside_are_refused(TarEntryType type, string name, string target)
    {
        var archive = work.Combine("links.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w => w.AddEntry(type, name, target));

        Assert.Contains("outside the package", Refused(archive));
    }

    [Fact]
    public void Links_inside_the_tree_are_listed_as_skipped_and_not_created()
    {
        var archive = work.Combine("links.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            w.AddFile("package/real.txt", "x"u8.ToArray());
            w.AddEntry(TarEntryType.SymbolicLink, "package/alias.txt", "real.txt");
        });

        var report = Extract(archive);

        var skipped = Assert.Single(report.Skipped);
        Assert.Equal("package/alias.txt", skipped.Path);
        Assert.False(Path.Exists(Path.Combine(Target, "package", "alias.txt")));
    }

    [Fact]
    public void Zip_symlink_leading_outside_is_refused()
    {
        var archive = work.Combine("link.zip");
        ArchiveBuilder.Zip(archive, zip => zip.AddFile("link", Encoding.UTF8.GetBytes("../../secret"), unixMode: 0xA1FF));

        Assert.Contains("outside the package", Refused(archive));
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public void Device_files_and_fifos_are_refused(TarEntryType type)
    {
        var archive = work.Combine("device.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w => w.AddEntry(type, "package/dev"));

        Assert.Contains("device file or FIFO", Refused(archive));
    }

    [Fact]
    public void Too_many_entries_are_refused()
    {
        var archive = work.Combine("many.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w =>
        {
            for (var i = 0; i < 11; i++)
                w.AddFile($"package/f{i}", [1]);
        });

        Assert.Contains("more than 10 entries", Refused(archive, new ArchiveLimits { MaxEntries = 10 }));
    }

    [Fact]
    public void Decompression_bomb_is_refused_by_ratio_before_it_is_written_out()
    {
        var archive = work.Combine("bomb.tar.gz");
        ArchiveBuilder.Tar(archive, gzip: true, w => w.AddFile("package/zeros", new byte[32 * 1024 * 1024]));
        var limits = new ArchiveLimits { RatioCheckThresholdBytes = 1024 * 1024, MaxCompressionRatio = 100 };

        Assert.Contains("times its own size", Refused(archive, limits));
        var written = new FileInfo(Path.Combine(Target, "package", "zeros")).Length;
        Assert.True(written < 4 * 1024 * 1024, $"{written} bytes were written before the refusal");
    }

    [Fact]
    public void Total_size_limit_is_enforced()
    {
        var archive = work.Combine("big.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w => w.AddFile("package/big", new byte[200_000]));

        Assert.Contains("more than 100000 bytes", Refused(archive, new ArchiveLimits { MaxTotalBytes = 100_000 }));
    }

    [Theory]
    [InlineData("junk.tgz", "not gzip-compressed")]
    [InlineData("junk.zip", "not a readable zip archive")]
    public void Unreadable_archives_are_refused_with_a_reason(string name, string reason)
    {
        var archive = work.WriteFile(name, Encoding.UTF8.GetBytes("this is not an archive at all, just text"));
        Assert.Contains(reason, Refused(archive));
    }

    public void Dispose() => work.Dispose();
}
