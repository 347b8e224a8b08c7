using System.Text;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Workers.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Webhooks;

/// <summary>
/// The webhook in the PostgreSQL profile: the silo delivering it is killed while the delivery waits for its retry, and a
/// new silo of the cluster delivers it from the stored analysis and reminder, once.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class WebhookPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Secret = "whsec-POSTGREStest-0123456789abcdef";
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private string database = "";

    public async Task InitializeAsync()
    {
        package.WriteFile("hello.txt", Encoding.UTF8.GetBytes("hello"));
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    private Task<PostgresCluster> StartAsync(string clusterId) => PostgresCluster.StartAsync(database, clusterId, cache.Path,
        siloServices: services =>
        {
            // A retry 8 s away, past the kill below.
            var settings = new WebhookSettings
            {
                Secret = Secret, AllowedHosts = ["127.0.0.1"], MaxAttempts = 5, InitialDelay = TimeSpan.FromSeconds(8), MaxDelay = TimeSpan.FromSeconds(8),
            };
            var targets = new WebhookTargets(settings);
            services.AddSingleton(settings).AddSingleton(targets).AddSingleton<IWebhookTargets>(targets).AddSingleton(new WebhookSender(targets));
        });

    [Fact]
    public async Task A_delivery_waiting_for_its_retry_when_its_silo_is_killed_is_delivered_once_by_the_next_silo()
    {
        using var receiver = new WebhookReceiver((500, null), (503, "8"));
        var clusterId = "hook-" + Guid.NewGuid().ToString("N")[..8];
        var request = new AnalysisRequest
        {
            Ecosystem = "test", Name = "hook-" + Guid.NewGuid().ToString("N"), Version = "1.0.0", SourcePath = package.Path,
            Tasks = ["digests"], WebhookUrl = receiver.Url.AbsoluteUri,
        };
        string analysisId;
        var first = await StartAsync(clusterId);
        try
        {
            analysisId = (await first.Client.StartAnalysisAsync(request)).AnalysisId;
            // Until the second attempt was answered 503 and the third waits on the reminder.
            AnalysisSnapshot? snapshot = null;
            for (var i = 0; i < 2400 && !(receiver.Deliveries.Count == 2 && snapshot?.Tasks.GetValueOrDefault(CucosFlow.WebhookTask)?.Status == AnalysisTaskStatus.RetryScheduled); i++)
            {
                await Task.Delay(25);
                snapshot = await first.Client.GetAnalysisAsync(analysisId);
            }
            Assert.Equal(AnalysisTaskStatus.RetryScheduled, snapshot!.Tasks[CucosFlow.WebhookTask].Status);
            Assert.Equal(AnalysisStatus.Running, snapshot.Status);
            await first.Cluster.KillSiloAsync(first.Cluster.Silos[0]);
        }
        finally
        {
            await first.Cluster.DisposeAsync();
        }
        Assert.Equal(2, receiver.Deliveries.Count);

        await using var second = await StartAsync(clusterId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // a bound on a loaded machine, not a timing check
        var analysis = await second.Client.WaitForCompletionAsync(analysisId, timeout.Token);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks[CucosFlow.WebhookTask].Status);
        var deliveries = receiver.Deliveries.ToArray();
        Assert.Equal([500, 503, 200], deliveries.Select(d => d.AnsweredWith));
        Assert.All(deliveries, d =>
        {
            Assert.Equal(analysisId + ".1", d.Headers["X-Cucos-Delivery"]);
            WebhookReceiver.AssertSigned(Secret, d);
        });
        var stored = (await second.Client.GetResultAsync(analysisId, CucosFlow.WebhookTask))!.Value.GetRawText();
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        cache.Dispose();
        package.Dispose();
        return Task.CompletedTask;
    }
}
