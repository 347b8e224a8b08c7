using System.Diagnostics;

namespace Cucos.Tests.Support;

/// <summary>A reference program from a Debian package (listed in .ci/apt-packages), run live by a test.</summary>
public static class ReferenceTool
{
    /// <summary>Runs <paramref name="program"/> and returns its standard output; fails the test if it is missing or fails.</summary>
    public static string Run(string program, string package, string workingDirectory, params string[] arguments) =>
        Capture(program, package, workingDirectory, [0], arguments).Stdout;

    /// <summary>
    /// Runs <paramref name="program"/> and returns its standard output and error; fails the test if it is missing or
    /// exits with a code not in <paramref name="exitCodes"/> (linters exit 1 when they found something).
    /// </summary>
    public static (string Stdout, string Stderr) Capture(string program, string package, string workingDirectory, int[] exitCodes, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"the reference tool '{program}' is not installed: apt-get install -y --no-install-recommends {package} (it is listed in .ci/apt-packages).");
            throw;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(exitCodes.Contains(process.ExitCode), $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
            return (stdout, stderr.Result);
        }
    }
}
