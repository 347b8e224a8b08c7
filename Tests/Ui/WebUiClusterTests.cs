using Cucos.Client.Http;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.HttpApi;
using Cucos.Tests.Postgres;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Cucos.Tests.Ui;

/// <summary>
/// The web UI against a cluster of two silo processes on one PostgreSQL database, as operators run it: an analysis
/// started in one silo's UI is followed, shown with its retry schedule, cancelled and listed through the other's.
/// Authentication is off here (the other UI tests cover it).
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Browser")]
[Trait("Category", "Postgres")]
[Trait("Category", "Processes")]
public sealed class WebUiClusterTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Widget = "npm:@acme/widget@1.0.0";
    private readonly LoopbackPackages packages = new();
    private readonly TempDirectory cache = new("cucos-ui-cluster");
    private readonly List<SiloProcess> silos = [];
    private readonly string screenshots = Path.Combine(AppContext.BaseDirectory, "ui-screenshots");
    private ChromeDriver browser = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(screenshots);
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
        var environment = packages.SiloEnvironment();
        environment["ConnectionStrings__Cucos"] = database;
        environment["Cucos__TaskAssemblies"] = typeof(TestTaskModule).Assembly.Location;
        var clusterId = "ui-cluster-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 2; i++)
        {
            var silo = await SiloProcess.StartAsync(cache.Path, clusterId, environment);
            silos.Add(silo);
            await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60));
        }
        browser = WebUiFixture.StartBrowser();
    }

    [Fact]
    public async Task An_analysis_started_in_one_silo_s_ui_shows_its_retry_schedule_is_cancelled_and_listed_in_the_other_s()
    {
        var (first, second) = (silos[0].HttpAddress, silos[1].HttpAddress);
        var page = new PageWaits(browser, screenshots, TimeSpan.FromSeconds(60));

        // Started through the first silo's page: 'waits-an-hour' fails and asks for its retry an hour later.
        browser.Navigate().GoToUrl(new Uri(first, "/ui/start"));
        page.WaitFor(By.Id("package")).SendKeys(Widget);
        browser.FindElement(By.Id("tasks")).SendKeys("waits-an-hour");
        browser.FindElement(By.Id("force")).Click();
        browser.FindElement(By.Id("start-submit")).Click();
        string? analysisId = null;
        page.Until(() => (analysisId = AnalysisIdIn(browser.Url)) is not null, "the analysis page");

        // Followed through the second silo, which reads the analysis from the cluster, not from its own memory.
        browser.Navigate().GoToUrl(new Uri(second, $"/ui/analyses/{analysisId}"));
        page.Until(() => browser.FindElement(By.CssSelector("tr[data-task='waits-an-hour']")).Text.Contains("retry scheduled", StringComparison.Ordinal), "a scheduled retry");
        browser.FindElement(By.CssSelector("tr[data-task='waits-an-hour'] button.link")).Click();
        var schedule = page.WaitFor(By.Id("next-attempt"));
        var api = new CucosHttpClient(CucosHttpClient.CreateHttpClient(second, apiKey: null));
        var stored = (await api.GetAnalysisAsync(analysisId!))!.Tasks["waits-an-hour"];
        Assert.NotNull(stored.NextAttemptAt);
        Assert.Equal($"attempt {stored.Attempts + 1} of {stored.MaxAttempts} at {stored.NextAttemptAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z", schedule.Text);
        Assert.InRange(stored.NextAttemptAt.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(61));
        page.Screenshot("cluster-retry-scheduled");

        // Cancelled from the second silo; the task that waited is skipped, and the first silo's list shows the end.
        page.WaitFor(By.Id("cancel")).Click();
        page.Until(() => browser.FindElement(By.Id("analysis-status")).Text == "cancelled", "the cancel");
        Assert.Contains("skipped", browser.FindElement(By.CssSelector("tr[data-task='waits-an-hour']")).Text, StringComparison.Ordinal);
        browser.Navigate().GoToUrl(new Uri(first, "/ui/?status=cancelled"));
        var row = page.WaitFor(By.CssSelector($"tr[data-analysis='{analysisId}']"));
        Assert.Contains("cancelled", row.Text, StringComparison.Ordinal);
        Assert.Contains(Widget, row.Text, StringComparison.Ordinal);
        page.Screenshot("cluster-list-cancelled");
        var ended = await new CucosHttpClient(CucosHttpClient.CreateHttpClient(first, apiKey: null)).GetAnalysisAsync(analysisId!);
        Assert.Equal(AnalysisStatus.Cancelled, ended!.Status);
        var severe = browser.Manage().Logs.GetLog(LogType.Browser).Where(entry => entry.Level == LogLevel.Severe).Select(entry => entry.Message).ToList();
        Assert.True(severe.Count == 0, "the browser's console has errors:\n" + string.Join("\n", severe));
    }

    private static string? AnalysisIdIn(string url) =>
        System.Text.RegularExpressions.Regex.Match(url, "/ui/analyses/([0-9a-f]{32})$") is { Success: true } match ? match.Groups[1].Value : null;

    public async Task DisposeAsync()
    {
        browser?.Quit();
        browser?.Dispose();
        foreach (var silo in silos)
            await silo.DisposeAsync();
        packages.Dispose();
        cache.Dispose();
    }
}
