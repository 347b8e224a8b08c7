using Cucos.Cli.Output;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Tests.Cli;

/// <summary>How the CLI prints a scheduled retry: the time alone today, with its date on any other day.</summary>
[Trait("Category", "Unit")]
public sealed class AnalysisPrinterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static string ProgressOf(DateTimeOffset retryAt)
    {
        var snapshot = new AnalysisSnapshot
        {
            AnalysisId = "a", CachePath = "/cache/a", CreatedAt = Now,
            Request = new AnalysisRequest { Ecosystem = "npm", Name = "fixture", Version = "1.0.0" },
            Tasks =
            {
                ["init"] = new AnalysisTask
                {
                    Name = "init", Status = AnalysisTaskStatus.RetryScheduled, Attempts = 1, NextAttemptAt = retryAt,
                    Error = new TaskError { Type = "RetryTaskException", Message = "rate limited.", Attempt = 1, At = Now },
                },
            },
        };
        var progress = new StringWriter();
        new AnalysisPrinter(progress, TextWriter.Null, new Clock()).Progress(snapshot);
        return progress.ToString();
    }

    [Fact]
    public void A_retry_today_prints_its_time_and_one_on_another_day_its_date_too()
    {
        Assert.Contains("retry at 10:30:00 UTC: rate limited.", ProgressOf(Now.AddMinutes(30)));
        Assert.Contains("retry at 2094-12-20 13:14:07 UTC: rate limited.", ProgressOf(Now.AddSeconds(int.MaxValue)));
        Assert.Contains("retry at 2026-12-03 00:30:00 UTC", ProgressOf(Now.AddHours(14.5)));
    }
}
