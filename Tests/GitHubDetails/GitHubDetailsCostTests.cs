using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Cucos.Tests.GitHubDetails;

/// <summary>
/// Requests per analysis, cold and with a warm ETag cache, for repositories of different shapes. The counts are
/// asserted; with <c>CUCOS_BENCH_OUTPUT</c> set (bench/github-details.sh) the figures and timings are written there.
/// </summary>
[Trait("Category", "Unit")]
public sealed class GitHubDetailsCostTests
{
    public sealed record Shape(string Name, string? SecurityPolicy, bool Renamed, int ColdRequests, int WarmFull);

    private static readonly Shape[] Shapes =
    [
        new("policy at the root", "SECURITY.md", false, 15, 0),
        new("policy in .github/", ".github/SECURITY.md", false, 16, 1),
        new("no security policy", null, false, 17, 3),
        new("renamed, policy in docs/", "docs/SECURITY.md", true, 18, 3),
    ];

    [Fact]
    public async Task A_warm_ETag_cache_answers_all_but_the_absent_files_with_304()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CUCOS_BENCH_ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 1;
        var report = new StringBuilder("shape\tround\tcold_requests\tcold_counted_calls\tcold_ms\twarm_requests\twarm_304\twarm_counted_calls\twarm_ms\n");
        foreach (var shape in Shapes)
            for (var round = 1; round <= rounds; round++)
            {
                using var server = new GitHubApiServer();
                var repository = server.Add("octo/shape");
                repository.SecurityPolicy = shape.SecurityPolicy;
                if (shape.Renamed)
                    server.Rename("octo/shape", "octo/renamed-shape");
                using var run = new GitHubRun(GitHubRun.For(server));

                var clock = Stopwatch.StartNew();
                var cold = (await run.DocumentAsync("https://github.com/octo/shape")).GetProperty("summary");
                var coldMs = clock.Elapsed.TotalMilliseconds;
                var coldCounted = server.Count(x => x.Status != 304);
                clock.Restart();
                var warm = (await run.DocumentAsync("https://github.com/octo/shape")).GetProperty("summary");
                var warmMs = clock.Elapsed.TotalMilliseconds;
                var warmCounted = server.Count(x => x.Status != 304) - coldCounted;

                var warmRequests = warm.GetProperty("requests").GetInt32();
                var warm304 = warm.GetProperty("not_modified").GetInt32();
                Assert.Equal(shape.ColdRequests, cold.GetProperty("requests").GetInt32());
                Assert.Equal(shape.ColdRequests, warmRequests);
                // Absent files (404) and redirects (301) carry no ETag: they are the only answers asked in full again.
                Assert.Equal(shape.WarmFull, warmRequests - warm304);
                Assert.Equal(shape.WarmFull, warmCounted);
                report.Append(CultureInfo.InvariantCulture, $"{shape.Name}\t{round}\t{cold.GetProperty("requests").GetInt32()}\t{coldCounted}\t{coldMs:0.0}\t{warmRequests}\t{warm304}\t{warmCounted}\t{warmMs:0.0}\n");
            }
        if (Environment.GetEnvironmentVariable("CUCOS_BENCH_OUTPUT") is { Length: > 0 } output)
            await File.WriteAllTextAsync(output, report.ToString());
    }
}
