using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Observability;
using Cucos.Tests.Support;
using Cucos.Workers.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Cucos.Tests.Webhooks;

/// <summary>
/// Webhooks on a real test cluster (memory storage): a receiver that fails twice, then accepts, gets one accepted
/// delivery whose signature verifies; a re-run delivers its own end; the allow-list refuses at request time and, after a
/// DNS answer that changed, at delivery time; the secret shows nowhere.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Secret = "whsec-DELIVERYtest-0123456789abcdef";
    /// <summary>A documentation address (TEST-NET-3) standing for a public one: the tests' DNS answers it for rebind.test at request time.</summary>
    private static readonly IPAddress PublicAddress = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress MetadataAddress = IPAddress.Parse("169.254.169.254");
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private readonly LogCapture logs = new();
    private int rebindLookups;
    private InProcessTestCluster cluster = null!;
    private ICucosClient client = null!;

    public static WebhookSettings Settings(params string[] allowed) => new()
    {
        Secret = Secret,
        AllowedHosts = allowed,
        MaxAttempts = 5,
        InitialDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public async Task InitializeAsync()
    {
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        var builder = ClusterFixture.CreateBuilder(cache.Path, silo => silo.UseCucosInMemoryStorage());
        builder.ConfigureSiloHost((_, host) =>
        {
            var settings = Settings("127.0.0.1");
            // The tests' DNS: rebind.test resolves to a public address the first time (the request) and to loopback after.
            var targets = new WebhookTargets(settings, (host, _) => Task.FromResult(host == "rebind.test"
                ? [Interlocked.Increment(ref rebindLookups) == 1 ? PublicAddress : MetadataAddress]
                : Dns.GetHostAddresses(host)));
            host.Services.AddSingleton(settings).AddSingleton(targets).AddSingleton<IWebhookTargets>(targets).AddSingleton(new WebhookSender(targets));
            host.Services.AddSingleton<ILoggerProvider>(logs);
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
        client = cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();
    }

    private AnalysisRequest Request(Uri? webhook, params string[] tasks) => new()
    {
        Ecosystem = "test",
        Name = "hook-" + Guid.NewGuid().ToString("N"),
        Version = "1.0.0",
        SourcePath = package.Path,
        Tasks = tasks.Length == 0 ? ["digests"] : tasks,
        WebhookUrl = webhook?.AbsoluteUri,
    };

    private async Task<AnalysisSnapshot> RunAsync(AnalysisRequest request)
    {
        var ticket = await client.StartAnalysisAsync(request);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3)); // a bound on a loaded machine, not a timing check
        return await client.WaitForCompletionAsync(ticket.AnalysisId, limit.Token);
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_one_accepted_signed_delivery_and_a_rerun_delivers_its_own_end()
    {
        using var receiver = new WebhookReceiver((500, null), (503, "1"));
        // The package folder is kept for the re-run of digests below.
        var analysis = await RunAsync(Request(receiver.Url) with { KeepCache = true });

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        var webhook = analysis.Tasks[CucosFlow.WebhookTask];
        Assert.Equal(AnalysisTaskStatus.Succeeded, webhook.Status);
        Assert.Equal(3, webhook.Attempts);
        var errors = webhook.PastErrors.Append(webhook.Error).OfType<TaskError>().Select(e => e.Message).ToArray();
        Assert.Contains(errors, e => e.Contains("was answered 500, not 2xx", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("was answered 503, not 2xx; it is tried again after the receiver's Retry-After (1 s)", StringComparison.Ordinal));
        Assert.True(webhook.StartedAt >= analysis.Tasks[CucosFlow.FinalizeTask].EndedAt, "the webhook runs after finalize");

        var deliveries = receiver.Deliveries.ToArray();
        Assert.Equal([500, 503, 200], deliveries.Select(d => d.AnsweredWith));
        Assert.Single(deliveries, d => d.AnsweredWith == 200);
        Assert.All(deliveries, d =>
        {
            Assert.Equal("POST", d.Method);
            Assert.Equal("/hooks/cucos", d.Path);
            Assert.Equal(analysis.AnalysisId + ".1", d.Headers["X-Cucos-Delivery"]);
            Assert.Equal("analysis.ended", d.Headers["X-Cucos-Event"]);
            WebhookReceiver.AssertSigned(Secret, d);
        });
        // Every attempt of one end sends the same body.
        Assert.Single(deliveries.Select(d => Encoding.UTF8.GetString(d.Body)).Distinct());

        var body = JsonDocument.Parse(deliveries[^1].Body).RootElement;
        Assert.Equal(analysis.AnalysisId, body.GetProperty("analysis_id").GetString());
        Assert.Equal(analysis.AnalysisId + ".1", body.GetProperty("delivery_id").GetString());
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(analysis.Request.Name, body.GetProperty("package").GetProperty("name").GetString());
        Assert.Equal(3, body.GetProperty("tasks").GetProperty("total").GetInt32()); // init, digests, finalize
        Assert.Equal(3, body.GetProperty("tasks").GetProperty("succeeded").GetInt32());
        Assert.Empty(body.GetProperty("failed_tasks").EnumerateArray());
        Assert.Equal($"/api/v1/analyses/{analysis.AnalysisId}/results/digests",
            body.GetProperty("links").GetProperty("results").GetProperty("digests").GetString());

        var result = (await client.GetResultAsync(analysis.AnalysisId, CucosFlow.WebhookTask))!.Value;
        ResultSchemas.AssertValid(CucosFlow.WebhookTask, result);
        Assert.Equal(200, result.GetProperty("summary").GetProperty("status_code").GetInt32());
        Assert.Equal(3, result.GetProperty("summary").GetProperty("attempt").GetInt32());
        Assert.Equal(receiver.Url.GetLeftPart(UriPartial.Authority), result.GetProperty("summary").GetProperty("receiver").GetString());

        // A re-run ends the analysis again: one more delivery, of the second end.
        // Through the silo's own client: re-runs are an operator's, which the gateway's outside clients are not.
        var silo = cluster.GetSiloServiceProvider().GetRequiredService<ICucosClient>();
        await silo.RerunTaskAsync(analysis.AnalysisId, "digests", "webhook test");
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var again = await client.WaitForCompletionAsync(analysis.AnalysisId, limit.Token);
        Assert.Equal(AnalysisStatus.Succeeded, again.Status);
        var second = Assert.Single(receiver.Deliveries.Skip(3));
        Assert.Equal(analysis.AnalysisId + ".2", second.Headers["X-Cucos-Delivery"]);
        Assert.Equal(2, JsonDocument.Parse(second.Body).RootElement.GetProperty("end").GetInt32());
        WebhookReceiver.AssertSigned(Secret, second);

        // The secret is in no stored document, no analysis, no log line.
        var stored = JsonSerializer.Serialize(again) + (await client.GetResultAsync(analysis.AnalysisId, CucosFlow.WebhookTask))!.Value.GetRawText();
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Message.Contains(Secret, StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Message.Contains($"Webhook delivery {analysis.AnalysisId}.1 accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_analysis_and_a_receiver_that_never_accepts_leave_the_status_as_the_work_ended()
    {
        using var receiver = new WebhookReceiver([.. Enumerable.Repeat<(int, string?)>((500, null), 10)]);
        var analysis = await RunAsync(Request(receiver.Url, "digests", "fatal"));

        Assert.Equal(AnalysisStatus.CompletedWithFailures, analysis.Status);
        Assert.Equal(AnalysisTaskStatus.Failed, analysis.Tasks[CucosFlow.WebhookTask].Status);
        Assert.Equal(5, receiver.Deliveries.Count); // MaxAttempts, then it gives up
        var body = JsonDocument.Parse(receiver.Deliveries.First().Body).RootElement;
        Assert.Equal("completed_with_failures", body.GetProperty("status").GetString());
        var failed = Assert.Single(body.GetProperty("failed_tasks").EnumerateArray());
        Assert.Equal("fatal", failed.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("https://10.1.2.3/hook", "a private address")]
    [InlineData("https://[::1]:8443/hook", "a loopback address")]
    [InlineData("https://127.0.0.2:8443/hook", "a loopback address")]
    [InlineData("https://[::ffff:127.0.0.2]:8443/hook", "a loopback address")]
    public async Task A_request_naming_a_host_the_allow_list_refuses_is_refused_when_it_comes_in(string url, string what)
    {
        var refused = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() => client.StartAnalysisAsync(Request(new Uri(url))));
        var problem = Assert.Single(refused.Problems);
        Assert.Equal(RequestFields.WebhookUrl, problem.Field);
        Assert.Contains(what, problem.Message, StringComparison.Ordinal);
        Assert.Contains(WebhookSettings.AllowedHostsKey, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_resolves_elsewhere_at_delivery_time_is_not_called()
    {
        using var receiver = new WebhookReceiver();
        // Passes at request time (a public address), then resolves to the cloud metadata address.
        var analysis = await RunAsync(Request(new Uri($"https://rebind.test:{receiver.Port}/hooks/cucos")));

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        var webhook = analysis.Tasks[CucosFlow.WebhookTask];
        Assert.Equal(AnalysisTaskStatus.Failed, webhook.Status);
        Assert.True(1 == webhook.Attempts, string.Join(" | ", webhook.PastErrors.Append(webhook.Error).OfType<TaskError>().Select(e => e.Type + ": " + e.Message)));
        Assert.Contains("resolves to 169.254.169.254, a link-local address", webhook.Error!.Message, StringComparison.Ordinal);
        Assert.Empty(receiver.Deliveries);
        Assert.True(rebindLookups >= 2);
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        cache.Dispose();
        package.Dispose();
    }
}
