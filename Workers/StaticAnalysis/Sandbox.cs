using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>How one sandboxed program ended: its exit code (null when it was killed), and its capped output.</summary>
public sealed record SandboxedRun(int? ExitCode, bool TimedOut, string Stdout, string Stderr, long BytesDropped);

/// <summary>
/// Runs an untrusted-input program (an analyser reading a package) as a child process: a session and process group
/// of its own (<c>setsid</c>), no network (<c>unshare --net</c>, when this host allows it), CPU and memory limits
/// (<c>prlimit</c>), a scratch HOME and an environment of PATH and LANG only, standard output and error read through
/// a bounded buffer, and on a timeout the whole group killed. Arguments go to the program as a list, never
/// through a shell.
/// </summary>
public sealed class Sandbox(StaticAnalysisOptions options)
{
    /// <summary>After the group is killed, how long the output readers may take to see the end of the pipes.</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(5);

    private static readonly Lazy<SandboxCapabilities> Probed = new(SandboxCapabilities.Probe);

    public static SandboxCapabilities Capabilities => Probed.Value;

    public StaticAnalysisOptions Options => options;

    public SandboxReport Report() => new(
        Capabilities.Unshare is not null, Capabilities.Prlimit is not null, Capabilities.Setsid is not null,
        (int)options.AnalyserTimeout.TotalSeconds, (int)options.PackageTimeout.TotalSeconds,
        options.CpuSeconds, options.MemoryBytes, options.OutputBytes, options.MaxFileBytes);

    /// <summary>Runs <paramref name="executable"/> in <paramref name="workingDirectory"/>, killed with its children once <paramref name="timeout"/> passed.</summary>
    public async Task<SandboxedRun> RunAsync(string executable, IReadOnlyList<string> arguments, string workingDirectory,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var scratchHome = Path.Combine(Path.GetTempPath(), "cucos-sandbox-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratchHome);
        try
        {
            return await RunInAsync(scratchHome, executable, arguments, workingDirectory, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(scratchHome, recursive: true);
            }
            catch (IOException)
            {
                // A child that escaped the kill may still write there; the system's temp cleaning takes it.
            }
            catch (UnauthorizedAccessException)
            {
                // An analyser may leave a folder without write permission; same as above.
            }
        }
    }

    private async Task<SandboxedRun> RunInAsync(string scratchHome, string executable, IReadOnlyList<string> arguments,
        string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var command = new List<string>();
        if (Capabilities.Setsid is { } setsid)
            command.Add(setsid);
        if (Capabilities.Unshare is { } unshare)
            command.AddRange([unshare, .. Capabilities.UnshareArguments, "--"]);
        if (Capabilities.Prlimit is { } prlimit)
            command.AddRange([prlimit,
                "--cpu=" + options.CpuSeconds.ToString(CultureInfo.InvariantCulture),
                "--as=" + options.MemoryBytes.ToString(CultureInfo.InvariantCulture),
                "--core=0", "--"]);
        command.Add(executable);
        command.AddRange(arguments);
        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);

        // Nothing of the silo's environment (credentials, connection strings) reaches the analyser.
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["HOME"] = scratchHome;
        start.Environment["TMPDIR"] = scratchHome;

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start '{executable}'.");
        process.StandardInput.Close();
        using var readers = new CancellationTokenSource();
        var stdout = ReadCappedAsync(process.StandardOutput.BaseStream, options.OutputBytes, readers.Token);
        var stderr = ReadCappedAsync(process.StandardError.BaseStream, options.OutputBytes, readers.Token);

        var timedOut = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                await KillGroupAsync(process).ConfigureAwait(false);
            }
        }
        // Children left behind by an analyser that exited would hold its pipes open: the group goes in any case.
        if (!timedOut)
            await KillGroupAsync(process).ConfigureAwait(false);

        readers.CancelAfter(DrainGrace);
        var (outBytes, outDropped) = await AwaitReaderAsync(stdout).ConfigureAwait(false);
        var (errBytes, errDropped) = await AwaitReaderAsync(stderr).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new SandboxedRun(timedOut ? null : process.ExitCode, timedOut,
            Encoding.UTF8.GetString(outBytes), Encoding.UTF8.GetString(errBytes), outDropped + errDropped);
    }

    private static async Task KillGroupAsync(Process process)
    {
        if (Capabilities.Setsid is not null && Capabilities.Kill is { } kill)
        {
            // setsid made the analyser the leader of its own process group: its id is the group's.
            var killer = new ProcessStartInfo(kill, ["-KILL", "--", "-" + process.Id.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var killing = Process.Start(killer);
            if (killing is not null)
                await killing.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<(byte[] Kept, long Dropped)> AwaitReaderAsync(Task<(byte[] Kept, long Dropped)> reader)
    {
        try
        {
            return await reader.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A child that left the group still holds the pipe: what was read so far is what there is.
            return ([], 0);
        }
    }

    /// <summary>Keeps the first <paramref name="cap"/> bytes of <paramref name="stream"/>, and counts the rest, which it drops.</summary>
    public static async Task<(byte[] Kept, long Dropped)> ReadCappedAsync(Stream stream, long cap, CancellationToken cancellationToken)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[64 * 1024];
        long dropped = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var room = (int)Math.Min(read, Math.Max(0, cap - kept.Length));
            kept.Write(buffer, 0, room);
            dropped += read - room;
        }
        return (kept.ToArray(), dropped);
    }
}

/// <summary>The sandboxing programs this host has (util-linux), and whether it may make network namespaces.</summary>
public sealed record SandboxCapabilities(string? Setsid, string? Kill, string? Prlimit, string? Unshare, IReadOnlyList<string> UnshareArguments)
{
    public static SandboxCapabilities Probe()
    {
        var unshare = ExecutableLookup.OnPath("unshare");
        // root may make a network namespace directly; another user only inside a user namespace of its own.
        string[][] attempts = [["--net"], ["--net", "--map-root-user"]];
        var working = unshare is null ? null : attempts.FirstOrDefault(a => Succeeds(unshare, [.. a, "--", "true"]));
        return new SandboxCapabilities(
            ExecutableLookup.OnPath("setsid"), ExecutableLookup.OnPath("kill"), ExecutableLookup.OnPath("prlimit"),
            working is null ? null : unshare, working ?? []);
    }

    private static bool Succeeds(string program, string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
                return false;
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>Finds a program the way a shell does: an absolute path as given, a bare name in the folders of PATH.</summary>
public static class ExecutableLookup
{
    public static string? OnPath(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
