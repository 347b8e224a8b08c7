using System.Text.Json;
using Cucos.Cli;
using Cucos.Cli.Commands;
using Cucos.Cli.Output;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;

namespace Cucos.Tests.Cli;

/// <summary>The CLI on System.CommandLine: version, help, short options, completion, plug-ins, --keep-cache, output choices.</summary>
[Trait("Category", "Unit")]
public sealed class CommandLineLibraryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-library");
    private static string Plugin => typeof(TestTaskModule).Assembly.Location;

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string PackageDirectory()
    {
        var path = work.Combine("pkg");
        Fixtures.WriteTree(path, Fixtures.SmallPackage(seed: 5));
        return path;
    }

    [Fact]
    public async Task Version_prints_the_assembly_version_and_exits()
    {
        var (exit, stdout, _) = await Run("--version");
        Assert.Equal(0, exit);
        Assert.Equal($"cucos {typeof(CucosCli).Assembly.GetName().Version!.ToString(3)}", stdout.Trim());
    }

    [Fact]
    public async Task Help_command_prints_that_commands_help_and_an_unknown_one_is_a_usage_error()
    {
        var analyze = await Run("help", "analyze");
        Assert.Equal(0, analyze.Exit);
        Assert.StartsWith("usage: cucos analyze", analyze.Out, StringComparison.Ordinal);
        var worker = await Run("help", "worker");
        Assert.StartsWith("usage: cucos worker", worker.Out, StringComparison.Ordinal);
        var top = await Run("help");
        Assert.Equal(0, top.Exit);
        foreach (var command in CucosCli.Commands())
            Assert.Contains($"  {command.Name} ", top.Out, StringComparison.Ordinal);
        var unknown = await Run("help", "nope");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("there is no command 'nope'", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_option_and_short_alias_of_every_command_is_in_its_help()
    {
        foreach (var command in CucosCli.Commands())
            foreach (var option in command.Options)
                foreach (var name in option.Aliases.Prepend(option.Name))
                    Assert.True(command.HelpText.Contains(name, StringComparison.Ordinal), $"'cucos {command.Name} --help' does not mention {name}");
    }

    [Fact]
    public async Task Short_options_work_like_the_long_ones()
    {
        var output = work.Combine("digests.json");
        var (exit, stdout, stderr) = await Run("worker", "digests", PackageDirectory(), "-o", output, "-p", "unused=1");
        Assert.True(exit == 0, stderr);
        Assert.Equal("", stdout);
        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        Assert.Equal("success", document.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Completion_prints_a_shell_script_and_the_suggest_directive_completes_options()
    {
        var bash = await Run("completion", "bash");
        Assert.Equal(0, bash.Exit);
        Assert.Contains("complete -o default -F _cucos_complete cucos", bash.Out, StringComparison.Ordinal);
        var line = "cucos analyze --no-re";
        var suggested = await Run($"[suggest:{line.Length}]", line);
        Assert.Equal(0, suggested.Exit);
        Assert.Equal(["--no-retry"], suggested.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var formatLine = "cucos analyze . --format ";
        var formats = await Run($"[suggest:{formatLine.Length}]", formatLine);
        Assert.Contains("sarif", formats.Out, StringComparison.Ordinal);
        var wrongShell = await Run("completion", "fish");
        Assert.Equal(2, wrongShell.Exit);
    }

    [Theory]
    [InlineData(new[] { "analyze", ".", "-f", "xml" }, "--format 'xml' is not known")]
    [InlineData(new[] { "analyze", ".", "--max-attempts", "0" }, "--max-attempts '0' is not a whole number of at least 1")]
    [InlineData(new[] { "analyze", ".", "--max-attempts", "x" }, "--max-attempts 'x' is not a whole number")]
    [InlineData(new[] { "analyze", ".", "--no-retry", "--max-attempts", "2" }, "--no-retry and --max-attempts say the same thing twice")]
    [InlineData(new[] { "analyze", "npm:x@1", "--cluster", "http://127.0.0.1:9/", "--no-retry" }, "--no-retry does not go with --cluster")]
    [InlineData(new[] { "worker", "line_count", "." }, "no task named 'line_count'")]
    public async Task Bad_choices_are_usage_errors_before_any_work(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plug_in_task_runs_with_worker_and_is_listed_by_workers()
    {
        // The test assembly is a plug-in: its ICucosTaskModule registers the test tasks (producer, consumer, ...).
        var package = PackageDirectory();
        var produced = work.Combine("producer.json");
        var first = await Run("worker", "producer", package, "--output", produced, "--task-assembly", Plugin);
        Assert.True(first.Exit == 0, first.Err);
        var (exit, stdout, stderr) = await Run("worker", "consumer", package, "--with-result", $"producer={produced}", "--task-assembly", Plugin);
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal("success", document.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("produced-for-", document.RootElement.GetProperty("summary").GetProperty("seen_token").GetString(), StringComparison.Ordinal);

        var workers = await Run("workers", "--task-assemblies", Plugin);
        Assert.Equal(0, workers.Exit);
        Assert.Matches(@"(?m)^consumer\s+\S+\s+", workers.Out);
        Assert.DoesNotMatch(@"(?m)^consumer\s", (await Run("workers")).Out);
    }

    [Fact]
    public async Task Workers_columns_line_up_whatever_the_names()
    {
        var (_, stdout, _) = await Run("workers", "--task-assembly", Plugin);
        var table = stdout.Split('\n').TakeWhile(l => l.Length > 0).ToList();
        var header = table[0];
        foreach (var column in new[] { "VERSION", "FLOW", "DESCRIPTION" })
        {
            var at = header.IndexOf(column, StringComparison.Ordinal);
            foreach (var row in table.Skip(1))
                Assert.True(row.Length > at && row[at - 1] == ' ' && row[at] != ' ', $"column {column} at {at} breaks in:\n{row}\n{header}");
        }
    }

    [Fact]
    public async Task Worker_init_keep_cache_keeps_the_folder_it_reports()
    {
        var archive = work.Combine("pkg.tar.gz");
        ArchiveBuilder.TarOfTree(archive, Fixtures.SmallPackage(seed: 6));
        var output = work.Combine("init.json");

        var (exit, _, stderr) = await Run("worker", "init", archive, "--output", output, "--keep-cache");

        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        var kept = document.RootElement.GetProperty("details").GetProperty("package_path").GetString()!;
        try
        {
            Assert.True(Directory.Exists(kept), $"{kept} was removed");
            Assert.NotEmpty(Directory.EnumerateFiles(kept, "*", SearchOption.AllDirectories));
            Assert.Contains("kept: the package is laid out in", stderr, StringComparison.Ordinal);
        }
        finally
        {
            // The worker's own folder (cucos-worker-...), never anything above it.
            for (var folder = new DirectoryInfo(kept); folder is not null; folder = folder.Parent)
                if (folder.Name.StartsWith("cucos-worker-", StringComparison.Ordinal))
                {
                    folder.Delete(recursive: true);
                    break;
                }
        }
    }

    [Fact]
    public void The_summary_prints_small_objects_inline_and_leaves_out_empty_values_and_hashes()
    {
        using var summary = JsonDocument.Parse("""
            {"algorithms": {"MD5": 8, "MD4": 2}, "licenses": {}, "found": "", "none": null,
             "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
             "declared_match": "matches the licence that the package metadata declares", "files": 4}
            """);
        var line = AnalysisPrinter.Flatten(summary.RootElement);
        Assert.StartsWith("algorithms=MD5:8 MD4:2 declared_match=", line, StringComparison.Ordinal);
        Assert.EndsWith(" files=4", line, StringComparison.Ordinal);
        foreach (var absent in new[] { "licenses", "found", "none", "sha256", "9f86d0", "{" })
            Assert.DoesNotContain(absent, line, StringComparison.Ordinal);
        var declared = line[(line.IndexOf("declared_match=", StringComparison.Ordinal) + "declared_match=".Length)..line.IndexOf(" files=", StringComparison.Ordinal)];
        const string Original = "matches the licence that the package metadata declares";
        Assert.True(declared == Original || (declared.EndsWith('…') && Original.StartsWith(declared.TrimEnd('…') + " ", StringComparison.Ordinal)),
            $"cut inside a word: '{declared}'");
    }

    [Fact]
    public void The_heading_names_the_package_as_written_and_progress_and_summary_read_one_clock()
    {
        var created = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var snapshot = new AnalysisSnapshot
        {
            AnalysisId = "a", CachePath = "/cache/a", CreatedAt = created, FinishedAt = created.AddSeconds(0.75), Status = AnalysisStatus.Succeeded,
            Request = new AnalysisRequest { Ecosystem = "npm", Name = "chalk", Version = "4.1.2" },
            Tasks =
            {
                ["finalize"] = new AnalysisTask
                {
                    Name = "finalize", Kind = AnalysisTaskKind.Callback, Status = AnalysisTaskStatus.Succeeded, Attempts = 1,
                    StartedAt = created.AddSeconds(0.5), EndedAt = created.AddSeconds(0.75),
                },
            },
        };
        var (progress, summary) = (new StringWriter(), new StringWriter());
        // The CLI looks late (1.11 s after the start): the times printed are still the cluster's.
        var printer = new AnalysisPrinter(progress, summary, new FixedClock(created.AddSeconds(1.11)));
        printer.Progress(snapshot);
        printer.Summary(snapshot);
        Assert.Contains("[  0.75s] finalize", progress.ToString(), StringComparison.Ordinal);
        Assert.Contains("Analysis a of npm:chalk@4.1.2: succeeded in 0.75 s", summary.ToString(), StringComparison.Ordinal);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public void Dispose() => work.Dispose();
}
