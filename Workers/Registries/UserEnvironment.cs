using System.Diagnostics;

namespace Cucos.Workers.Registries;

/// <summary>
/// Where the package tools' own configuration is read from: the working folder, the home folder, the environment, and
/// whether the tools themselves (<c>go env</c>, <c>gem sources</c>, pip) may be asked when their files say nothing.
/// Tests give their own, so the machine's configuration never leaks into them.
/// </summary>
public sealed record UserEnvironment(string WorkingDirectory, string HomeDirectory, IReadOnlyDictionary<string, string> Environment, bool AskTools)
{
    public static UserEnvironment CurrentUser() => new(
        System.Environment.CurrentDirectory,
        System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal),
        AskTools: true);

    /// <summary>A non-empty environment variable, or null.</summary>
    public string? Variable(string name) => Environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary><c>~/x</c> and <c>$HOME</c>-relative paths as the tools write them.</summary>
    public string ExpandHome(string path) =>
        path == "~" ? HomeDirectory : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(HomeDirectory, path[2..]) : path;

    /// <summary>
    /// A tool's standard output when it is installed, exits 0 within the time and <see cref="AskTools"/> allows it; null
    /// otherwise. A tool start costs about a second, so callers ask once and keep the answer.
    /// </summary>
    public string? Ask(string program, params string[] arguments)
    {
        if (!AskTools)
            return null;
        try
        {
            var start = new ProcessStartInfo(program, arguments)
            {
                WorkingDirectory = WorkingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var tool = Process.Start(start);
            if (tool is null)
                return null;
            var output = tool.StandardOutput.ReadToEndAsync();
            _ = tool.StandardError.ReadToEndAsync(); // drained so a chatty tool cannot block on a full pipe
            if (!tool.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                tool.Kill(entireProcessTree: true);
                return null;
            }
            return tool.ExitCode == 0 ? output.Result : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }
    }
}
