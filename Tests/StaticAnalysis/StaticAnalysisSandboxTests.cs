using System.Globalization;
using Cucos.Tests.Support;
using Cucos.Workers.StaticAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>
/// Hostile analysers, as fake scripts on the configured paths: one that never returns, one that prints gigabytes,
/// one that crashes, one that is missing, one that looks at its environment; and an analyser added by registration.
/// </summary>
[Trait("Category", "Processes")]
public sealed class StaticAnalysisSandboxTests
{
    private static string Package(TempDirectory temp)
    {
        var package = temp.Combine("package");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "main.c"), "int main(void) { return 0; } /* TODO: more */\n");
        File.WriteAllText(Path.Combine(package, "run.sh"), "#!/bin/sh\necho hi # TODO quote\n");
        File.WriteAllText(Path.Combine(package, "app.py"), "print('hi')  # TODO: argv\n");
        return package;
    }

    private static string Script(TempDirectory temp, string name, string body)
    {
        var path = temp.Combine("bin", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        // The sandbox is built on util-linux programs: these tests, like the worker, are for Linux silos.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task A_hanging_a_flooding_a_crashing_and_a_missing_analyser_are_recorded_and_the_others_go_on()
    {
        using var temp = new TempDirectory("cucos-static");
        var package = Package(temp);
        var childPid = temp.Combine("child.pid");
        var settings = new Dictionary<string, string?>
        {
            // Long enough for the flood to be drained on a loaded machine; the hanging analyser waits it out.
            ["Cucos:StaticAnalysis:AnalyserTimeoutSeconds"] = "15",
            ["Cucos:StaticAnalysis:OutputBytes"] = "1048576",
            // Answers --version at once, then on the files starts a child and waits for ever.
            ["Cucos:StaticAnalysis:cppcheck:Path"] = Script(temp, "cppcheck",
                $"[ \"$1\" = --version ] && {{ echo 'Cppcheck 9.9'; exit 0; }}\nsleep 600 &\necho $! > '{childPid}'\nwait"),
            ["Cucos:StaticAnalysis:bandit:Path"] = Script(temp, "bandit",
                "[ \"$1\" = --version ] && { echo 'bandit 9.9'; exit 0; }\nhead -c 1073741824 /dev/zero"),
            ["Cucos:StaticAnalysis:shellcheck:Path"] = Script(temp, "shellcheck",
                "[ \"$1\" = --version ] && { echo 'version: 9.9'; exit 0; }\necho 'shellcheck: out of cheese' >&2\nexit 3"),
            ["Cucos:StaticAnalysis:pyflakes:Path"] = temp.Combine("bin", "no-such-pyflakes"),
        };

        var (document, details) = await StaticAnalysisPackage.AnalyseAsync(package, settings, s => s.AddCucosStaticAnalyser<TodoAnalyser>());

        var hanging = details.Analyser("cppcheck");
        Assert.True(hanging is { Status: AnalyserStatus.Timeout, Version: "9.9" }, $"the hanging analyser: {hanging}");
        Assert.Contains("Cucos:StaticAnalysis:AnalyserTimeoutSeconds", hanging.Reason, StringComparison.Ordinal);
        var child = int.Parse(File.ReadAllText(childPid).Trim(), CultureInfo.InvariantCulture);
        Assert.False(IsRunning(child), $"the hanging analyser's child {child} outlived it");

        var flooding = details.Analyser("bandit");
        Assert.True(flooding.Status == AnalyserStatus.UnreadableOutput, $"the flooding analyser: {flooding}");
        Assert.Equal(1073741824L - 1048576, flooding.OutputBytesDropped);
        Assert.Contains("cut at 1048576 bytes", flooding.Reason, StringComparison.Ordinal);

        var crashing = details.Analyser("shellcheck");
        Assert.Equal((AnalyserStatus.Crashed, (int?)3), (crashing.Status, crashing.ExitCode));
        Assert.Equal("shellcheck: out of cheese\n", crashing.StderrTail);

        var missing = details.Analyser("pyflakes");
        Assert.Equal(AnalyserStatus.NotInstalled, missing.Status);
        Assert.Contains("Cucos:StaticAnalysis:pyflakes:Path", missing.Reason, StringComparison.Ordinal);
        Assert.Contains("pyflakes3", missing.Reason, StringComparison.Ordinal);

        var todo = details.Analyser("todo");
        Assert.Equal((AnalyserStatus.Ran, 3), (todo.Status, todo.Findings));
        Assert.Equal(["app.py:1", "main.c:1", "run.sh:2"],
            details.Findings.Where(f => f.Analyser == "todo").Select(f => $"{f.File}:{f.Line}").Order(StringComparer.Ordinal));
        Assert.Equal(["cppcheck", "shellcheck", "pyflakes", "bandit"],
            document.GetProperty("summary").GetProperty("analysers_not_run").EnumerateArray().Select(e => e.GetString()));
        SarifSchema.AssertValid(StaticAnalysisSarif.FromResult(document));
    }

    [Fact]
    public async Task An_analyser_sees_no_inherited_secret_a_scratch_home_its_limits_its_own_group_and_no_network()
    {
        using var temp = new TempDirectory("cucos-static");
        var package = Package(temp);
        Environment.SetEnvironmentVariable("CUCOS_TEST_SECRET", "hunter2");
        var settings = new Dictionary<string, string?>
        {
            ["Cucos:StaticAnalysis:CpuSeconds"] = "77",
            ["Cucos:StaticAnalysis:cppcheck:Path"] = Script(temp, "cppcheck",
                "[ \"$1\" = --version ] && exit 0\n"
                + "{ grep -E 'Max cpu time|Max address space' /proc/self/limits; grep -c ':' /proc/net/dev; env; "
                + "echo \"group=$(ps -o pgid= -p $$ | tr -d ' ') pid=$$\"; } >&2\nexit 7"),
        };

        var (_, details) = await StaticAnalysisPackage.AnalyseAsync(package, settings);

        var probe = details.Analyser("cppcheck");
        Assert.Equal(AnalyserStatus.Crashed, probe.Status);
        var lines = probe.StderrTail!.Split('\n');
        Assert.DoesNotContain(lines, l => l.Contains("hunter2", StringComparison.Ordinal));
        var home = Assert.Single(lines, l => l.StartsWith("HOME=", StringComparison.Ordinal));
        Assert.NotEqual("HOME=" + Environment.GetEnvironmentVariable("HOME"), home);
        Assert.Matches(@"^Max cpu time\s+77\s+77\s+seconds", Assert.Single(lines, l => l.StartsWith("Max cpu time", StringComparison.Ordinal)));
        Assert.Matches(@"^Max address space\s+4294967296\s+4294967296", Assert.Single(lines, l => l.StartsWith("Max address space", StringComparison.Ordinal)));
        var group = Assert.Single(lines, l => l.StartsWith("group=", StringComparison.Ordinal)).Split(' ');
        Assert.Equal(group[0]["group=".Length..], group[1]["pid=".Length..]);
        Assert.True(details.Sandbox.NetworkIsolated, "this host allows network namespaces (the tests run as root), so the sandbox must use one");
        // /proc/net/dev: its header, then one "name:" line per device; the loopback device only.
        Assert.Contains("1", lines);
    }

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
            return false;
        try
        {
            // A killed child may linger as a zombie until its new parent reaps it: that is not running.
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>
/// The "Adding an analyser" example of the README: TODO comments found by grep, in C, shell and Python files.
/// </summary>
public sealed class TodoAnalyser : StaticAnalyser
{
    public override string Name => "todo";
    public override string DebianPackage => "grep";
    public override IReadOnlyList<string> Executables => ["grep"];
    public override IReadOnlySet<string> Languages { get; } = new HashSet<string>(StringComparer.Ordinal) { "C", "Shell", "Python" };

    public override IReadOnlyList<string> Arguments(IReadOnlyList<string> files) => ["--with-filename", "--line-number", "--null", "TODO", "--", .. files];

    public override IReadOnlyList<AnalyserFinding> Parse(AnalyserOutput output) =>
        [.. output.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            // --null ends the file name with a NUL, so a name may hold ':'.
            var file = line[..line.IndexOf('\0', StringComparison.Ordinal)];
            var rest = line[(file.Length + 1)..].Split(':', 2);
            return new AnalyserFinding("todo", "TODO comment", FindingSeverity.Note, [], file,
                int.Parse(rest[0], CultureInfo.InvariantCulture), null, rest[1].Trim());
        })];
}
