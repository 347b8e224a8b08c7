using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Languages;

namespace Cucos.Tests.Languages;

/// <summary>
/// The detection tree checked against the real GitHub Linguist (Debian ruby-github-linguist): its library reads the
/// same files from a git commit, through scripts/linguist-files.rb, and must agree file by file.
/// </summary>
[Trait("Category", "ReferenceTool")]
public sealed class LinguistReferenceTests : IDisposable
{
    private readonly TempDirectory root = new("cucos-linguist");

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task Every_detection_case_and_flag_agrees_with_the_real_linguist()
    {
        foreach (var (path, content, _, _) in LanguageDetectionTests.Cases)
            root.WriteFile(path, Encoding.UTF8.GetBytes(content));
        root.WriteFile("vendor/lib/helper.rb", Encoding.UTF8.GetBytes("puts 1\n"));
        root.WriteFile("docs/intro.md", Encoding.UTF8.GetBytes("# Intro\n"));
        root.WriteFile("package-lock.json", Encoding.UTF8.GetBytes("{}\n"));
        root.WriteFile("web/app.js", Encoding.UTF8.GetBytes("var x=" + new string('1', 500) + ";\n"));
        root.WriteFile("lines/mixed.txt", Encoding.UTF8.GetBytes("a\r\n\r\n  \rb\n\n"));
        root.WriteFile("data/blob.txt", [(byte)'a', 0, (byte)'b', (byte)'\n']);
        var ours = (await LanguagesTask.ScanTreeAsync(root.Path, LinguistData.Instance, CancellationToken.None)).ToDictionary(f => f.Path);

        Run("git", "init", "-q", root.Path);
        Run("git", "-C", root.Path, "add", "-A", "-f");
        Run("git", "-C", root.Path, "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "tree", "--no-verify");
        using var linguist = JsonDocument.Parse(Run("ruby", Path.Combine(SiloProcess.RepositoryRoot(), "scripts", "linguist-files.rb"), root.Path));

        var disagreements = new List<string>();
        foreach (var reference in linguist.RootElement.EnumerateObject())
        {
            var file = ours[reference.Name];
            var theirs = reference.Value;
            void Compare<T>(string field, T mine, T linguists)
            {
                if (!EqualityComparer<T>.Default.Equals(mine, linguists))
                    disagreements.Add($"{reference.Name}: {field} is {mine} here, {linguists} in Linguist");
            }
            Compare("language", file.Language, theirs.GetProperty("language").GetString());
            Compare("lines", file.Lines, theirs.GetProperty("lines").GetInt64());
            Compare("sloc", file.Sloc, theirs.GetProperty("sloc").GetInt64());
            Compare("binary", file.Binary, theirs.GetProperty("binary").GetBoolean());
            Compare("vendored", file.Vendored, theirs.GetProperty("vendored").GetBoolean());
            Compare("generated", file.Generated, theirs.GetProperty("generated").GetBoolean());
            Compare("documentation", file.Documentation, theirs.GetProperty("documentation").GetBoolean());
            Compare("in_breakdown", file.InBreakdown, theirs.GetProperty("in_breakdown").GetBoolean());
        }
        Assert.Equal(ours.Count, linguist.RootElement.EnumerateObject().Count());
        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements));
    }

    private static string Run(string program, params string[] arguments)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"'{program}' is not installed: this test needs git and the Debian package ruby-github-linguist (see .ci/apt-packages).");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
            return output.Result;
        }
    }
}
