using System.Diagnostics;

namespace Cucos.Tests.Support;

/// <summary>Runs a program to its end with its standard output and error kept apart, as a shell user sees them.</summary>
public static class ChildProcess
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(
        string file, IEnumerable<string> arguments, string? workingDirectory = null, IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? [])
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A bound, not a timing: a hung CLI must fail its test rather than the whole run.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
