using System.Formats.Tar;
using System.Text;
using Cucos.Tests.Support;
using Cucos.Workers.Init;
using Microsoft.Extensions.Configuration;

namespace Cucos.Tests.Archives;

/// <summary>Every archive format init reads, generated here, and the refusals added with them: nesting and impossible names.</summary>
[Trait("Category", "Unit")]
public sealed class ArchiveFormatTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-formats");
    private readonly Dictionary<string, byte[]> files = Fixtures.SmallPackage(seed: 11);
    private string Target => work.Combine("out", "package");
    private string Metadata => work.Combine("out", "metadata");

    private ExtractionReport Extract(string archive, ArchiveLimits? limits = null) =>
        new SafeArchiveExtractor(limits ?? new ArchiveLimits())
            .Extract(archive, ArchiveFormats.FromFileName(archive)!.Value, Target, CancellationToken.None, Metadata);

    private string Refused(string archive, ArchiveLimits? limits = null) =>
        Assert.Throws<ArchiveRefusedException>(() => Extract(archive, limits)).Reason;

    private void AssertTree(string root)
    {
        foreach (var (path, content) in files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine([root, .. path.Split('/')])));
    }

    private string[] FilesOutside() => [.. Directory.EnumerateFiles(work.Path, "*", SearchOption.AllDirectories)
        .Where(f => !f.StartsWith(Target + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Path.GetDirectoryName(f) != work.Path)];

    [Theory]
    [InlineData("pkg.tar.bz2", "not bzip2-compressed")]
    [InlineData("pkg.tar.xz", "not xz-compressed")]
    public void Compressed_tar_without_its_signature_is_refused(string name, string reason)
    {
        var archive = work.Combine(name);
        ArchiveBuilder.TarOfTree(archive, files); // a gzip tar under the wrong name
        Assert.Contains(reason, Refused(archive));
    }

    [Fact]
    public void Crate_is_a_gzip_tar()
    {
        var archive = work.Combine("fixture-1.0.0.crate");
        ArchiveBuilder.Tar(archive, gzip: true, w =>
        {
            foreach (var (path, content) in files)
                w.AddFile("fixture-1.0.0/" + path, content);
        });

        Assert.Equal(files.Count, Extract(archive).Files);
        AssertTree(Path.Combine(Target, "fixture-1.0.0"));
    }

    [Theory]
    [InlineData("lib.jar")]
    [InlineData("Lib.1.0.0.nupkg")]
    [InlineData("lib-1.0-py3-none-any.whl")]
    public void Zip_based_formats_round_trip(string name)
    {
        var archive = work.Combine(name);
        ArchiveBuilder.Zip(archive, zip =>
        {
            foreach (var (path, content) in files)
                zip.AddFile(path, content);
        });

        Assert.Equal(files.Count, Extract(archive).Files);
        AssertTree(Target);
    }

    [Fact]
    public void Gem_unpacks_its_data_and_keeps_its_metadata()
    {
        var archive = work.Combine("fixture-1.0.0.gem");
        File.WriteAllBytes(archive, ArchiveBuilder.Gem("fixture", "1.0.0", files));

        var report = Extract(archive);

        Assert.Equal(files.Count, report.Files);
        AssertTree(Target);
        Assert.Equal(["metadata.yaml", "checksums.yaml"], report.Metadata);
        Assert.Contains("name: fixture", File.ReadAllText(Path.Combine(Metadata, "metadata.yaml")));
    }

    [Fact]
    public void Gem_without_data_is_refused()
    {
        var archive = work.Combine("empty-1.0.0.gem");
        ArchiveBuilder.Tar(archive, gzip: false, w => w.AddFile("metadata.gz", ArchiveBuilder.Gzip("---\n"u8.ToArray())));
        Assert.Contains("no data.tar.gz inside", Refused(archive));
    }

    [Fact]
    public void Gem_data_escaping_the_target_is_refused()
    {
        var archive = work.Combine("evil-1.0.0.gem");
        var data = ArchiveBuilder.TarBytes(gzip: true, w => w.AddFile("../../evil.rb", "evil"u8.ToArray()));
        ArchiveBuilder.Tar(archive, gzip: false, w => w.AddFile("data.tar.gz", data));

        Assert.Contains("climbs out of the package", Refused(archive));
        Assert.Empty(FilesOutside());
    }

    /// <summary>An archive holding archives <paramref name="depth"/> deep in all: outer.zip holds level2.tgz, which holds level3.zip...</summary>
    private string Nested(int depth, string innermostEntry = "deep.txt")
    {
        byte[] inner = ArchiveBuilder.ZipBytes(zip => zip.AddFile(innermostEntry, "bottom"u8.ToArray()));
        for (var level = depth - 1; level >= 2; level--)
        {
            var (child, childName) = (inner, level + 1 == depth ? $"level{depth}.zip" : $"level{level + 1}.tgz");
            inner = ArchiveBuilder.TarBytes(gzip: true, w =>
            {
                w.AddFile("readme.txt", "x"u8.ToArray());
                w.AddFile(childName, child);
            });
        }
        var archive = work.Combine("outer.zip");
        ArchiveBuilder.Zip(archive, zip =>
        {
            zip.AddFile("top.txt", "top"u8.ToArray());
            zip.AddFile(depth == 2 ? "level2.zip" : "level2.tgz", inner);
        });
        return archive;
    }

    [Fact]
    public void Nested_archives_are_unpacked_next_to_themselves_up_to_the_limit()
    {
        var archive = Nested(3);

        var report = Extract(archive, new ArchiveLimits { MaxNestingDepth = 3 });

        Assert.Equal(2, report.NestedArchives);
        Assert.True(File.Exists(Path.Combine(Target, "level2.tgz")), "the nested archive itself is kept");
        Assert.Equal("bottom", File.ReadAllText(Path.Combine(Target, "level2.tgz-unpacked", "level3.zip-unpacked", "deep.txt")));
    }

    [Fact]
    public void Archives_nested_past_the_depth_limit_are_refused()
    {
        var archive = Nested(4);
        Assert.Contains("nested 4 deep, past the limit of 3", Refused(archive, new ArchiveLimits { MaxNestingDepth = 3 }));
    }

    [Fact]
    public void A_nested_archive_escaping_the_target_refuses_the_whole_package()
    {
        var archive = Nested(2, innermostEntry: "../../../../evil.txt");
        var reason = Refused(archive);
        Assert.Contains("level2.zip!/../../../../evil.txt", reason);
        Assert.Contains("climbs out of the package", reason);
        Assert.Empty(FilesOutside());
    }

    [Fact]
    public void A_file_only_named_like_an_archive_is_kept_and_listed()
    {
        var archive = work.Combine("pkg.zip");
        ArchiveBuilder.Zip(archive, zip => zip.AddFile("fixtures/broken.tgz", "not really gzip"u8.ToArray()));

        var report = Extract(archive);

        Assert.Equal(1, report.Files);
        Assert.Contains(report.Skipped, s => s.Path == "fixtures/broken.tgz" && s.Reason.Contains("not readable"));
    }

    [Theory]
    [InlineData("package/bell\u0007.txt", "control character")]
    [InlineData("package/esc\u001b[31m.txt", "control character")]
    public void Names_with_control_characters_are_refused(string name, string reason)
    {
        var archive = work.Combine("names.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w => w.AddFile(name, "x"u8.ToArray()));
        Assert.Contains(reason, Refused(archive));
        Assert.DoesNotContain(Directory.EnumerateFiles(work.Path, "*", SearchOption.AllDirectories), f => f.Contains("bell") || f.Contains("esc"));
    }

    [Fact]
    public void Names_longer_than_the_file_system_allows_are_refused()
    {
        var archive = work.Combine("long.tar");
        ArchiveBuilder.Tar(archive, gzip: false, w => w.AddFile("package/" + new string('a', 256), "x"u8.ToArray()));
        Assert.Contains("longer than 255 bytes", Refused(archive));
    }

    [Fact]
    public void Limits_come_from_the_Cucos_Archives_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cucos:Archives:MaxEntries"] = "12",
            ["Cucos:Archives:MaxNestingDepth"] = "1",
            ["Cucos:Archives:MaxCompressionRatio"] = "50.5",
        }).Build();

        var limits = ArchiveLimits.From(configuration);

        Assert.Equal(new ArchiveLimits { MaxEntries = 12, MaxNestingDepth = 1, MaxCompressionRatio = 50.5 }, limits);
        Assert.Contains("nested 2 deep, past the limit of 1", Refused(Nested(2), limits));
        var bad = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cucos:Archives:MaxEntries"] = "lots" }).Build();
        Assert.Contains("Cucos:Archives:MaxEntries is 'lots', which is not a number", Assert.Throws<InvalidOperationException>(() => (object)ArchiveLimits.From(bad)).Message);
    }

    public void Dispose() => work.Dispose();
}

/// <summary>tar archives compressed by the real bzip2 and xz programs (the tests above build theirs in memory).</summary>
[Trait("Category", "Processes")]
public sealed class ToolCompressedTarTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-formats");
    private readonly Dictionary<string, byte[]> files = Fixtures.SmallPackage(seed: 11);
    private string Target => work.Combine("out", "package");

    private ExtractionReport Extract(string archive) =>
        new SafeArchiveExtractor(new ArchiveLimits())
            .Extract(archive, ArchiveFormats.FromFileName(archive)!.Value, Target, CancellationToken.None, work.Combine("out", "metadata"));

    private void AssertTree(string root)
    {
        foreach (var (path, content) in files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine([root, .. path.Split('/')])));
    }

    [Theory]
    [InlineData("bzip2")]
    [InlineData("xz")]
    public void Tar_compressed_by_the_real_tool_round_trips(string tool)
    {
        var tar = work.Combine("pkg.tar");
        ArchiveBuilder.TarOfTree(tar, files);
        var archive = ArchiveBuilder.CompressWith(tool, tar);

        var report = Extract(archive);

        Assert.Equal(files.Count, report.Files);
        AssertTree(Path.Combine(Target, "package"));
    }

    public void Dispose() => work.Dispose();
}
