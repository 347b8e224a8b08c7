using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Cucos.Tests.Ui;

/// <summary>
/// Waiting on a page the UI renders as its data arrives: polls, asks again when the UI re-rendered an element
/// meanwhile, and on giving up saves a screenshot and fails with the page's text.
/// </summary>
public sealed class PageWaits(ChromeDriver browser, string screenshots, TimeSpan patience)
{
    public void Screenshot(string name) =>
        browser.GetScreenshot().SaveAsFile(Path.Combine(screenshots, name + ".png"));

    public IWebElement WaitFor(By by)
    {
        IWebElement? found = null;
        Until(() => (found = browser.FindElements(by).FirstOrDefault(e => e.Displayed)) is not null, by.ToString());
        return found!;
    }

    public void Until(Func<bool> condition, string? what = null)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                if (condition())
                    return;
            }
            catch (StaleElementReferenceException)
            {
            }
            catch (NoSuchElementException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                Screenshot("timeout-" + Guid.NewGuid().ToString("N")[..6]);
                Assert.Fail($"the page did not get there in {patience.TotalSeconds} s{(what is null ? "" : $" ({what})")}: {browser.Url}\n{browser.FindElement(By.TagName("body")).Text}");
            }
            Thread.Sleep(100);
        }
    }
}
