using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.HttpApi;
using Cucos.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Cucos.Tests.Ui;

/// <summary>
/// The web UI in a real browser (headless chromium through chromedriver) against a silo process with API keys: the list,
/// an analysis page with its task errors and retries, start, cancel and re-run, the headers of the UI's answers, and no
/// console error (a CSP violation is one). Screenshots of each page go to the test output's ui-screenshots folder.
/// </summary>
[Trait("Category", "Browser")]
[Trait("Category", "Processes")]
public sealed partial class WebUiTests(WebUiFixture fixture) : IClassFixture<WebUiFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Widget = "npm:@acme/widget@1.0.0";

    private ChromeDriver Browser => fixture.Browser;
    private Uri Silo => fixture.Cluster.Silo.HttpAddress;

    private CucosHttpClient Api(string key = AuthenticatedSiloFixture.OperatorKey) => new(CucosHttpClient.CreateHttpClient(Silo, key));

    private async Task<AnalysisSnapshot> RunAsync(params string[] tasks)
    {
        var cucos = Api();
        var ticket = await cucos.StartAnalysisAsync(AnalysisRequest.ParsePackage(Widget, force: true, tasks: tasks));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await cucos.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
    }

    [Fact]
    public async Task The_ui_is_served_to_anyone_at_ui_with_a_strict_policy_and_every_other_path_of_it_is_the_page()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Silo };

        using var root = await http.GetAsync("/");
        using var bare = await http.GetAsync("/ui");
        using var page = await http.GetAsync("/ui/");
        using var deep = await http.GetAsync("/ui/analyses/0123456789abcdef0123456789abcdef");
        using var missingAsset = await http.GetAsync("/ui/assets/missing.js");
        using var api = await http.GetAsync("/api/v1/analyses");
        var html = await page.Content.ReadAsStringAsync();
        var script = ScriptSource().Match(html).Groups[1].Value;
        using var asset = await http.GetAsync(script);

        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/ui/", root.Headers.Location?.OriginalString);
        Assert.Equal("/ui/", bare.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));
        // No inline script for the policy to forbid: every <script> names its file.
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.Equal(html, await deep.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, missingAsset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        // The page answers anyone; the data behind it does not.
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task The_counts_route_counts_each_status_within_the_filters_and_names_a_filter_it_does_not_take()
    {
        // One before the window and one of another package in it: the filters must leave both out.
        await RunAsync("producer");
        await Task.Delay(50);
        var since = DateTimeOffset.UtcNow;
        await RunAsync("producer");
        await RunAsync("boom");
        var cucos = Api();
        var maven = await cucos.StartAnalysisAsync(AnalysisRequest.ParsePackage("maven:org.example:lib@1.0", force: true, tasks: ["producer"]));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            await cucos.WaitForCompletionAsync(maven.AnalysisId, timeout.Token);
        using var reader = CucosHttpClient.CreateHttpClient(Silo, AuthenticatedSiloFixture.ReaderKey);

        var counts = JsonDocument.Parse(await reader.GetStringAsync($"api/v1/analyses/counts?ecosystem=npm&name=%40acme%2Fwidget&since={Uri.EscapeDataString(since.ToString("O"))}")).RootElement;
        using var wrong = await reader.GetAsync("api/v1/analyses/counts?status=running");
        using var anonymous = await new HttpClient { BaseAddress = Silo }.GetAsync("api/v1/analyses/counts");

        Assert.Equal(1, counts.GetProperty("counts").GetProperty("succeeded").GetInt64());
        Assert.Equal(1, counts.GetProperty("counts").GetProperty("completed_with_failures").GetInt64());
        Assert.Equal(0, counts.GetProperty("counts").GetProperty("running").GetInt64());
        Assert.Equal(2, counts.GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("'status' is not a filter", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task In_the_browser_the_list_shows_each_analysis_with_its_status_and_the_analysis_page_a_task_error_with_its_stack_and_the_retries()
    {
        var failing = await RunAsync("boom");
        var retried = await RunAsync("flaky");

        Browser.Navigate().GoToUrl(new Uri(Silo, "/ui/"));
        if (Browser.FindElements(By.Id("sign-out")).Count > 0)
            Browser.FindElement(By.Id("sign-out")).Click();
        // Signed out, the list's 401 says what to do.
        var refused = WaitFor(By.CssSelector(".problem"));
        Assert.Contains("Authentication required", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Sign in above", refused.Text, StringComparison.Ordinal);
        Screenshot("sign-in");
        SignIn(AuthenticatedSiloFixture.OperatorKey);

        var failingRow = WaitFor(By.CssSelector($"tr[data-analysis='{failing.AnalysisId}']"));
        var retriedRow = WaitFor(By.CssSelector($"tr[data-analysis='{retried.AnalysisId}']"));
        Assert.Contains("completed with failures", failingRow.Text, StringComparison.Ordinal);
        Assert.Contains("succeeded", retriedRow.Text, StringComparison.Ordinal);
        Assert.Contains("npm:@acme/widget@1.0.0", failingRow.Text, StringComparison.Ordinal);
        var counts = WaitFor(By.Id("status-counts"));
        Assert.Matches(@"succeeded [1-9]", counts.Text);
        Screenshot("list");

        // Filtered by status: the failing analysis stays, the retried one goes.
        Browser.FindElement(By.CssSelector("#status-counts button[data-status='completed_with_failures']")).Click();
        Until(() => Browser.Url.Contains("status=completed_with_failures", StringComparison.Ordinal) && Browser.FindElements(By.CssSelector($"tr[data-analysis='{retried.AnalysisId}']")).Count == 0);
        WaitFor(By.CssSelector($"tr[data-analysis='{failing.AnalysisId}']"));

        WaitFor(By.CssSelector($"tr[data-analysis='{failing.AnalysisId}'] a")).Click();
        var boom = WaitFor(By.CssSelector("tr[data-task='boom']"));
        Assert.Contains("failed", boom.Text, StringComparison.Ordinal);
        Assert.Contains("2 / 2", boom.Text, StringComparison.Ordinal);
        Assert.Contains("succeeded", WaitFor(By.CssSelector("tr[data-task='init']")).Text, StringComparison.Ordinal);
        Assert.Contains("callback of init", WaitFor(By.CssSelector("tr[data-task='finalize']")).Text, StringComparison.Ordinal);
        boom.FindElement(By.CssSelector("button.link")).Click();
        var errors = WaitFor(By.CssSelector("tr.details")).FindElements(By.CssSelector(".task-error"));
        Assert.Equal(2, errors.Count);
        Assert.All(errors, error => Assert.Contains("boom from the test task", error.Text, StringComparison.Ordinal));
        Assert.Contains("System.InvalidOperationException", errors[1].Text, StringComparison.Ordinal);
        errors[1].FindElement(By.TagName("summary")).Click();
        Assert.Contains("ThrowBoom", errors[1].FindElement(By.TagName("pre")).Text, StringComparison.Ordinal);
        Screenshot("analysis-failed-task");

        Browser.Navigate().GoToUrl(new Uri(Silo, $"/ui/analyses/{retried.AnalysisId}"));
        var flaky = WaitFor(By.CssSelector("tr[data-task='flaky']"));
        Assert.Contains("succeeded", flaky.Text, StringComparison.Ordinal);
        Assert.Contains("2 / 3", flaky.Text, StringComparison.Ordinal);
        flaky.FindElement(By.CssSelector("button.link")).Click();
        var details = WaitFor(By.CssSelector("tr.details"));
        Assert.Contains("transient failure on attempt 1", details.Text, StringComparison.Ordinal);
        // The stored result, summary first, with its download.
        var summary = WaitFor(By.CssSelector(".result-summary"));
        Assert.Contains("\"attempt\": 2", summary.Text, StringComparison.Ordinal);
        Assert.StartsWith("blob:", details.FindElement(By.CssSelector("a.download")).GetAttribute("href"), StringComparison.Ordinal);
        Screenshot("analysis-retried-task");
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task In_the_browser_an_operator_starts_an_analysis_cancels_it_and_reruns_a_task_of_another_and_a_reader_may_not()
    {
        SignIn(AuthenticatedSiloFixture.OperatorKey);
        Browser.Navigate().GoToUrl(new Uri(Silo, "/ui/start"));
        WaitFor(By.Id("package")).SendKeys(Widget);
        Browser.FindElement(By.Id("tasks")).SendKeys("blocks");
        Browser.FindElement(By.Id("force")).Click();
        Screenshot("start");
        Browser.FindElement(By.Id("start-submit")).Click();
        Until(() => AnalysisIdInUrl() is not null);
        var blockedId = AnalysisIdInUrl()!;
        // 'blocks' runs until it is cancelled; the page follows it live (the long poll).
        Until(() => Browser.FindElements(By.CssSelector("tr[data-task='blocks']")).FirstOrDefault()?.Text.Contains("running", StringComparison.Ordinal) == true);
        Screenshot("analysis-running");
        WaitFor(By.Id("cancel")).Click();
        Until(() => Browser.FindElement(By.Id("analysis-status")).Text == "cancelled");
        Assert.Contains("failed", Browser.FindElement(By.CssSelector("tr[data-task='blocks']")).Text, StringComparison.Ordinal);
        Screenshot("analysis-cancelled");
        var cancelled = await Api().GetAnalysisAsync(blockedId);
        Assert.Equal(AnalysisStatus.Cancelled, cancelled!.Status);
        Assert.NotNull(cancelled.CancelledAt);

        var finished = await RunAsync("producer", "consumer");
        Browser.Navigate().GoToUrl(new Uri(Silo, $"/ui/analyses/{finished.AnalysisId}"));
        WaitFor(By.Id("rerun-reason")).SendKeys("advisories changed");
        WaitFor(By.CssSelector("button[data-rerun='consumer']")).Click();
        var rerun = WaitFor(By.CssSelector("#reruns tbody tr"));
        Until(() => Browser.FindElement(By.Id("analysis-status")).Text == "succeeded" && Browser.FindElement(By.CssSelector("#reruns tbody tr")).Text.Contains("succeeded", StringComparison.Ordinal));
        rerun = Browser.FindElement(By.CssSelector("#reruns tbody tr"));
        Assert.Contains("advisories changed", rerun.Text, StringComparison.Ordinal);
        Assert.Contains("api:ci", rerun.Text, StringComparison.Ordinal);
        Assert.Contains("2 / ", Browser.FindElement(By.CssSelector("tr[data-task='consumer']")).Text, StringComparison.Ordinal);
        Screenshot("analysis-rerun");
        var again = await Api().GetAnalysisAsync(finished.AnalysisId);
        Assert.Equal(2, again!.Tasks["consumer"].Attempts);
        Assert.Equal(1, again.Tasks["producer"].Attempts);
        AssertNoConsoleErrors();

        // A read-only key sees the page, and the re-run it asks for is refused with the API's words.
        Browser.FindElement(By.Id("sign-out")).Click();
        SignIn(AuthenticatedSiloFixture.ReaderKey);
        WaitFor(By.CssSelector("button[data-rerun='consumer']")).Click();
        Until(() => Browser.FindElements(By.CssSelector(".problem")).Any(p => p.Text.Contains("Not allowed", StringComparison.Ordinal)));
        Assert.Contains("operator", Browser.FindElement(By.CssSelector(".problem")).Text, StringComparison.Ordinal);
        Assert.Equal(2, (await Api().GetAnalysisAsync(finished.AnalysisId))!.Tasks["consumer"].Attempts);
        // The 403 itself is logged by the browser as a failed request; nothing else may be.
        Assert.All(ConsoleErrors(), line => Assert.Contains("403", line, StringComparison.Ordinal));
        Browser.FindElement(By.Id("sign-out")).Click();
    }

    [Fact]
    public async Task With_authentication_explicitly_off_the_ui_works_without_signing_in()
    {
        using var cache = new TempDirectory("cucos-ui-open");
        var environment = fixture.Cluster.Packages.SiloEnvironment();
        environment["Cucos__TaskAssemblies"] = typeof(Cucos.Tests.TestTasks.TestTaskModule).Assembly.Location;
        // SiloProcess turns authentication off explicitly (Cucos__Api__Authentication__Enabled=false) unless told otherwise.
        await using var silo = await SiloProcess.StartAsync(cache.Path, "ui-open-" + Guid.NewGuid().ToString("N")[..8], environment);
        await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60));
        using var http = CucosHttpClient.CreateHttpClient(silo.HttpAddress);
        var ticket = await new CucosHttpClient(http).StartAnalysisAsync(AnalysisRequest.ParsePackage(Widget, force: true, tasks: ["producer"]));

        // What the other silo's pages logged (their last request, signed out) is not this test's to judge.
        ConsoleErrors();
        Browser.Navigate().GoToUrl(new Uri(silo.HttpAddress, "/ui/"));
        WaitFor(By.CssSelector($"tr[data-analysis='{ticket.AnalysisId}']"));

        Assert.Empty(Browser.FindElements(By.CssSelector(".problem")));
        Assert.NotEmpty(Browser.FindElements(By.Id("credential")));
        AssertNoConsoleErrors();
    }

    private void SignIn(string key)
    {
        if (!Browser.Url.StartsWith(Silo.AbsoluteUri, StringComparison.Ordinal))
            Browser.Navigate().GoToUrl(new Uri(Silo, "/ui/"));
        if (Browser.FindElements(By.Id("sign-out")).Count > 0)
            Browser.FindElement(By.Id("sign-out")).Click();
        WaitFor(By.Id("credential")).SendKeys(key);
        Browser.FindElement(By.Id("sign-in")).Click();
        WaitFor(By.Id("sign-out"));
        // What the browser logged before signing in (the 401 of the signed-out page) is not this test's to judge.
        ConsoleErrors();
    }

    private string? AnalysisIdInUrl() => AnalysisUrl().Match(Browser.Url) is { Success: true } match ? match.Groups[1].Value : null;

    private PageWaits Page => new(Browser, fixture.Screenshots, Patience);

    private IWebElement WaitFor(By by) => Page.WaitFor(by);

    private void Until(Func<bool> condition, string? what = null) => Page.Until(condition, what);

    private void Screenshot(string name) => Page.Screenshot(name);

    /// <summary>The console's errors since last asked (reading the log empties it); a CSP violation is one.</summary>
    private List<string> ConsoleErrors() =>
        Browser.Manage().Logs.GetLog(LogType.Browser).Where(entry => entry.Level == LogLevel.Severe).Select(entry => entry.Message).ToList();

    private void AssertNoConsoleErrors()
    {
        var errors = ConsoleErrors();
        Assert.True(errors.Count == 0, "the browser's console has errors:\n" + string.Join("\n", errors));
    }

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>")]
    private static partial Regex InlineScript();

    [GeneratedRegex("/ui/analyses/([0-9a-f]{32})$")]
    private static partial Regex AnalysisUrl();
}
