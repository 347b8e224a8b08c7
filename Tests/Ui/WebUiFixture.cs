using System.Diagnostics;
using Cucos.Tests.HttpApi;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Cucos.Tests.Ui;

/// <summary>
/// A silo process with API keys and the test tasks (<see cref="AuthenticatedSiloFixture"/>), and Debian's chromium driven
/// through chromedriver (both listed in .ci/apt-packages), headless. Screenshots go to the test output's ui-screenshots.
/// </summary>
public sealed class WebUiFixture : IAsyncLifetime
{
    public AuthenticatedSiloFixture Cluster { get; } = new();
    public ChromeDriver Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "ui-screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        await Cluster.InitializeAsync();
        Browser = StartBrowser();
    }

    /// <summary>Headless chromium, its console kept for <see cref="ConsoleErrors"/>; never a driver downloaded at run time.</summary>
    public static ChromeDriver StartBrowser()
    {
        var chromium = Installed("chromium", "chromium");
        var chromedriver = Installed("chromedriver", "chromium-driver");
        var options = new ChromeOptions { BinaryLocation = chromium };
        // --no-sandbox: the tests run as root in CI, where chromium's sandbox refuses to start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000", "--lang=en-US");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static string Installed(string command, string package)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, command);
            if (File.Exists(path))
                return path;
        }
        Assert.Fail($"'{command}' is not installed: apt-get install -y {package} (it is listed in .ci/apt-packages; ./test.sh installs it).");
        throw new UnreachableException();
    }

    public async Task DisposeAsync()
    {
        Browser?.Quit();
        Browser?.Dispose();
        await Cluster.DisposeAsync();
    }
}
