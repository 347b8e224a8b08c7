using Cucos.Grains.Hosting;
using Cucos.Silo;
using Cucos.Silo.Kubernetes;
using Cucos.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Cucos.Tests.Deploy;

/// <summary>Cucos:Kubernetes:Enabled: what the silo needs from its pod, and what it says when it is not there.</summary>
[Trait("Category", "Processes")]
public sealed class KubernetesModeTests
{
    private static readonly Dictionary<string, string?> Pod = new()
    {
        ["Cucos:Kubernetes:Enabled"] = "true",
        ["POD_NAME"] = "cucos-silo-7d9f-x2k4p",
        ["POD_NAMESPACE"] = "cucos",
        ["POD_IP"] = "10.42.0.17",
        ["ConnectionStrings:Cucos"] = "Host=db;Database=cucos",
        ["Cucos:AllowUnauthenticatedCluster"] = "true", // these are about the pod, not TLS (Tests/Security)
    };

    [Fact]
    public async Task A_silo_in_Kubernetes_mode_without_its_pod_variables_names_them_and_exits()
    {
        using var cache = new TempDirectory("cucos-cache");
        var environment = new Dictionary<string, string>
        {
            ["Cucos__Kubernetes__Enabled"] = "true",
            ["ConnectionStrings__Cucos"] = "Host=127.0.0.1;Database=cucos",
        };
        foreach (var variable in KubernetesSettings.PodVariables)
            environment[variable] = ""; // whatever the test runner's environment holds

        var (exitCode, output) = await SiloProcess.RunToExitAsync(
            cache.Path, "k8s", CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort(), environment);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: Cucos:Kubernetes:Enabled is true but POD_NAME, POD_NAMESPACE, POD_IP are not set", output);
        Assert.Contains("downward API", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_silo_in_Kubernetes_mode_outside_a_pod_says_so_and_exits()
    {
        using var cache = new TempDirectory("cucos-cache");
        var environment = Pod.ToDictionary(p => p.Key.Replace(":", "__"), p => p.Value!);
        environment["KUBERNETES_SERVICE_HOST"] = ""; // even when the tests themselves run in a pod

        var (exitCode, output) = await SiloProcess.RunToExitAsync(
            cache.Path, "k8s", CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort(), environment);

        Assert.Equal(1, exitCode);
        Assert.Contains("this is not a Kubernetes pod with a service account", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void The_pod_verbs_are_those_the_Orleans_Kubernetes_hosting_asks_a_Role_for()
    {
        // The hosting logs an example Role when the API server refuses it; that Role, from the assembly itself, is
        // what our Role must grant (so an Orleans upgrade that needs more shows up here).
        var assembly = File.ReadAllBytes(typeof(Orleans.Hosting.Kubernetes.KubernetesHostingOptions).Assembly.Location);
        var text = System.Text.Encoding.Unicode.GetString(assembly) + System.Text.Encoding.Unicode.GetString(assembly, 1, assembly.Length - 1);
        var rule = System.Text.RegularExpressions.Regex.Match(text, @"resources: \[""pods""\]\s+verbs: \[([^\]]*)\]");
        Assert.True(rule.Success, "the Orleans Kubernetes hosting assembly no longer holds its example Role");
        var verbs = rule.Groups[1].Value.Split(',').Select(v => v.Trim().Trim('"')).Order();

        Assert.Equal(verbs, KubernetesSettings.PodVerbs.Order());
    }

    [Fact]
    public void In_a_pod_the_silo_advertises_the_pods_IP_and_is_named_after_the_pod()
    {
        var settings = SiloSettings.From(Configuration(Pod), isInCluster: () => true);

        Assert.Equal("10.42.0.17", settings.AdvertisedAddress.ToString());
        Assert.Equal(new KubernetesSettings("cucos-silo-7d9f-x2k4p", "cucos", System.Net.IPAddress.Parse("10.42.0.17")), settings.Kubernetes);
    }

    [Theory]
    [InlineData("Cucos:Kubernetes:Enabled", "yes", "Cucos:Kubernetes:Enabled is 'yes': give true")]
    [InlineData("POD_IP", "pod-ip", "POD_IP is 'pod-ip': give the pod's IP address")]
    [InlineData("POD_NAMESPACE", " ", "POD_NAMESPACE is not set")]
    [InlineData("ConnectionStrings:Cucos", "", "ConnectionStrings:Cucos is not set: the silos of a Kubernetes deployment form their cluster through PostgreSQL")]
    public void A_wrong_Kubernetes_setting_is_named_with_what_to_give(string key, string value, string message)
    {
        var configuration = Configuration(new(Pod) { [key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => SiloSettings.From(configuration, isInCluster: () => true));

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("ORLEANS_CLUSTER_ID", "other", "ORLEANS_CLUSTER_ID is 'other' but Cucos:ClusterId is 'cucos'")]
    [InlineData("ORLEANS_SERVICE_ID", "other", "ORLEANS_SERVICE_ID is 'other' but Cucos:ServiceId is 'cucos'")]
    public void Orleans_id_variables_that_disagree_with_ours_are_refused(string variable, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SiloSettings.From(Configuration(new(Pod) { [variable] = value }), isInCluster: () => true));
        Assert.Contains(message, error.Message);
        // The same value, or none, is fine; outside Kubernetes mode the hosting is not used and the variables do not matter.
        Assert.NotNull(SiloSettings.From(Configuration(new(Pod) { [variable] = "cucos" }), isInCluster: () => true).Kubernetes);
        Assert.Null(SiloSettings.From(Configuration(new(Pod) { [variable] = value, ["Cucos:Kubernetes:Enabled"] = "false" }), isInCluster: () => true).Kubernetes);
    }

    [Fact]
    public void Kubernetes_mode_is_off_unless_switched_on()
    {
        Assert.Null(SiloSettings.From(Configuration(new(Pod) { ["Cucos:Kubernetes:Enabled"] = null }), isInCluster: () => true).Kubernetes);
        Assert.Null(SiloSettings.From(Configuration(new(Pod) { ["Cucos:Kubernetes:Enabled"] = "false" }), isInCluster: () => true).Kubernetes);
        Assert.Equal("127.0.0.1", SiloSettings.From(Configuration([]), isInCluster: () => true).AdvertisedAddress.ToString());
    }

    [Fact]
    public void The_shutdown_timeout_is_read_and_checked()
    {
        Assert.Equal(SiloSettings.DefaultShutdownTimeout, SiloSettings.From(Configuration([])).ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), SiloSettings.From(Configuration(new() { ["Cucos:ShutdownTimeout"] = "00:00:45" })).ShutdownTimeout);
        var error = Assert.Throws<InvalidOperationException>(() => SiloSettings.From(Configuration(new() { ["Cucos:ShutdownTimeout"] = "soon" })));
        Assert.Contains("Cucos:ShutdownTimeout is 'soon': give a positive duration", error.Message);
    }

    [Fact]
    public async Task A_silo_stops_cleanly_on_SIGTERM_as_Kubernetes_stops_a_pod()
    {
        using var cache = new TempDirectory("cucos-cache");
        await using var silo = await SiloProcess.StartAsync(cache.Path, "sigterm", new Dictionary<string, string>
        {
            ["Cucos__ShutdownTimeout"] = "00:00:20",
        });

        await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60)); // the silo has started and joined

        // Within the shutdown timeout plus the slack of a loaded machine, well below a pod's grace period.
        var exitCode = await silo.TerminateAsync(TimeSpan.FromSeconds(50));

        Assert.True(exitCode is not null, "the silo was still running 50 s after SIGTERM:\n" + silo.Output);
        Assert.True(exitCode == 0, $"the silo exited with {exitCode} on SIGTERM:\n{silo.Output}");
        // Orleans may log a stack while its services wind down; what must not happen is a crash.
        Assert.False(silo.Output.Contains("Unhandled exception", StringComparison.Ordinal), silo.Output);
    }

    [Fact]
    public async Task A_silo_stopped_while_it_starts_stops_instead_of_crashing()
    {
        using var cache = new TempDirectory("cucos-cache");
        await using var silo = await SiloProcess.StartAsync(cache.Path, "sigterm-start"); // gateway open, silo still starting

        var exitCode = await silo.TerminateAsync(TimeSpan.FromSeconds(50));

        Assert.True(exitCode == 0, $"the silo exited with {exitCode} on SIGTERM while starting:\n{silo.Output}");
        Assert.DoesNotContain("Unhandled exception", silo.Output);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
