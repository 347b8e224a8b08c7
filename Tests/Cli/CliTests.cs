using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cli;

/// <summary>The command line, run in-process exactly as a user calls it, on generated fixtures.</summary>
[Trait("Category", "Cluster")]
public sealed class CliTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli");
    private readonly Dictionary<string, byte[]> files = Fixtures.SmallPackage(seed: 3);

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string PackageDirectory()
    {
        var path = work.Combine("pkg");
        Fixtures.WriteTree(path, files);
        return path;
    }

    private static Dictionary<string, JsonElement> DigestsByPath(JsonElement digestsDocument) =>
        digestsDocument.GetProperty("details").GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f);

    private void AssertDigests(Dictionary<string, JsonElement> actual, string prefix = "")
    {
        Assert.Equal(files.Count, actual.Count);
        foreach (var (path, content) in files)
        {
            var digest = actual[prefix + path];
            var (md5, sha1, sha256) = Fixtures.Expected(content);
            Assert.Equal(content.Length, digest.GetProperty("size").GetInt64());
            Assert.Equal(md5, digest.GetProperty("md5").GetString());
            Assert.Equal(sha1, digest.GetProperty("sha1").GetString());
            Assert.Equal(sha256, digest.GetProperty("sha256").GetString());
        }
    }

    [Fact]
    public async Task Analyze_a_directory_prints_a_summary_and_writes_real_digests()
    {
        var output = work.Combine("result.json");
        var (exit, stdout, stderr) = await Run("analyze", PackageDirectory(), "--output", output, "--cache", work.Combine("cache"));

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains(": succeeded in", stdout);
        Assert.Matches(@"digests\s+succeeded\s+1", stdout);
        Assert.Contains("files=4", stdout);
        Assert.Matches(@"binary_data\s+succeeded\s+1\s+[\d.]+ s\s+files=4 hits=0 files_with_hits=0 high_entropy_files=1", stdout); // the random blob
        // Progress while it runs: a line per change the client saw (a task may start and finish between two looks).
        Assert.Matches(@"\[\s*\d+\.\d\ds\] digests\s+(running\s+attempt 1|succeeded)", stderr);
        using var result = JsonDocument.Parse(File.ReadAllBytes(output));
        Assert.Equal("succeeded", result.RootElement.GetProperty("analysis").GetProperty("status").GetString());
        ResultSchemas.AssertValid("digests", result.RootElement.GetProperty("results").GetProperty("digests"));
        ResultSchemas.AssertValid("binary_data", result.RootElement.GetProperty("results").GetProperty("binary_data"));
        AssertDigests(DigestsByPath(result.RootElement.GetProperty("results").GetProperty("digests")));
        Assert.Equal(JsonValueKind.Null, result.RootElement.GetProperty("results").GetProperty("digests").GetProperty("details").GetProperty("artifact").ValueKind);
        Assert.Empty(Directory.EnumerateFileSystemEntries(work.Combine("cache")));
    }

    [Theory]
    [InlineData("pkg.tgz")]
    [InlineData("pkg.zip")]
    public async Task Analyze_an_archive_digests_its_files_and_the_artifact(string name)
    {
        var archive = work.Combine(name);
        if (name.EndsWith(".zip", StringComparison.Ordinal))
            ArchiveBuilder.Zip(archive, zip =>
            {
                foreach (var (path, content) in files)
                    zip.AddFile("package/" + path, content);
            });
        else
            ArchiveBuilder.TarOfTree(archive, files);
        var output = work.Combine("result.json");

        var (exit, stdout, stderr) = await Run("analyze", archive, "--output", output, "--quiet", "--cache", work.Combine("cache"));

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Equal("", stderr);
        using var result = JsonDocument.Parse(File.ReadAllBytes(output));
        var digests = result.RootElement.GetProperty("results").GetProperty("digests");
        ResultSchemas.AssertValid("digests", digests);
        AssertDigests(DigestsByPath(digests), prefix: "package/");
        var artifact = digests.GetProperty("details").GetProperty("artifact");
        Assert.Equal(name, artifact.GetProperty("path").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive))), artifact.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Worker_runs_one_task_on_a_folder_and_prints_its_json()
    {
        var (exit, stdout, stderr) = await Run("worker", "digests", PackageDirectory());

        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal("success", document.RootElement.GetProperty("status").GetString());
        Assert.Equal("digests", document.RootElement.GetProperty("schema").GetProperty("name").GetString());
        AssertDigests(DigestsByPath(document.RootElement));
    }

    [Fact]
    public async Task Output_to_a_device_writes_through_it_and_leaves_it_a_device()
    {
        var (exit, _, stderr) = await Run("worker", "digests", PackageDirectory(), "--output", "/dev/null");

        Assert.True(exit == 0, stderr);
        // Renamed over, /dev/null would now be a file holding the JSON; the device reads empty.
        Assert.Empty(File.ReadAllBytes("/dev/null"));
    }

    [Fact]
    public async Task Worker_init_lays_out_an_archive_and_cleans_up()
    {
        var archive = work.Combine("pkg.tar.gz");
        ArchiveBuilder.TarOfTree(archive, files);
        var output = work.Combine("init.json");

        var (exit, _, stderr) = await Run("worker", "init", archive, "--output", output);

        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        Assert.Equal(files.Count, document.RootElement.GetProperty("summary").GetProperty("files").GetInt32());
        Assert.False(Directory.Exists(document.RootElement.GetProperty("details").GetProperty("package_path").GetString()));
    }

    [Fact]
    public async Task Workers_lists_every_task_with_its_description()
    {
        var (exit, stdout, _) = await Run("workers");

        Assert.Equal(0, exit);
        Assert.Matches(@"digests\s+1\.1\.0\s+child of init\s+md5, sha1, sha256 and ssdeep", stdout);
        Assert.Matches(@"init\s+1\.1\.0\s+root", stdout);
        Assert.Matches(@"finalize\s+1\.0\.0\s+callback of init", stdout);
    }

    [Fact]
    public async Task Missing_path_is_a_usage_error()
    {
        var (exit, stdout, stderr) = await Run("analyze", work.Combine("nope"));
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("does not exist. Give a directory or an archive", stderr);
    }

    [Fact]
    public async Task Unreadable_archive_fails_the_analysis_with_the_reason()
    {
        var archive = work.WriteFile("broken.tgz", Encoding.UTF8.GetBytes("definitely not gzip"));
        var (exit, stdout, stderr) = await Run("analyze", archive, "--quiet", "--cache", work.Combine("cache"));

        Assert.Equal(1, exit);
        Assert.Contains("error: the analysis failed: init: archive 'broken.tgz' refused: it is not gzip-compressed", stderr);
        Assert.Matches(@"init\s+failed\s+1", stdout);
        Assert.DoesNotContain("   at ", stdout + stderr); // no stack trace for a person
    }

    [Fact]
    public async Task Empty_directory_fails_with_nothing_to_analyse()
    {
        Directory.CreateDirectory(work.Combine("empty"));
        var (exit, _, stderr) = await Run("analyze", work.Combine("empty"), "--quiet", "--cache", work.Combine("cache"));

        Assert.Equal(1, exit);
        Assert.Contains("has no files: there is nothing to analyse", stderr);
    }

    [Fact]
    public async Task Unknown_task_names_are_usage_errors_that_list_the_known_ones()
    {
        var worker = await Run("worker", "no-such-task", PackageDirectory());
        Assert.Equal(2, worker.Exit);
        Assert.Contains($"no task named 'no-such-task'. Known tasks: {string.Join(", ", BuiltInTaskNames.All)}", worker.Err);

        var analyze = await Run("analyze", PackageDirectory(), "--tasks", "digests,no-such-task");
        Assert.Equal(2, analyze.Exit);
        Assert.Contains("unknown task(s) in --tasks: no-such-task", analyze.Err);
    }

    [Theory]
    [InlineData(new[] { "analyze" }, "analyze needs a PATH")]
    [InlineData(new[] { "analyze", ".", "--frobnicate" }, "unknown option '--frobnicate' for 'analyze'")]
    [InlineData(new[] { "analyze", ".", "--output" }, "option '--output' needs a value")]
    [InlineData(new[] { "analyze", ".", "--output", "/no/such/dir/out.json" }, "folder '/no/such/dir' does not exist")]
    [InlineData(new[] { "worker", "digests" }, "worker needs a TASK and a PATH")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "analyze", "/etc/hostname" }, "is not an archive this version reads")]
    public async Task Bad_usage_says_what_to_do(string[] args, string expected)
    {
        var (exit, _, stderr) = await Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task Worker_on_a_file_says_to_unpack_it()
    {
        var file = work.WriteFile("a.txt", [1, 2, 3]);
        var (exit, _, stderr) = await Run("worker", "digests", file);
        Assert.Equal(2, exit);
        Assert.Contains("is a file; task 'digests' reads a folder", stderr);
    }

    public void Dispose() => work.Dispose();
}
