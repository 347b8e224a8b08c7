using System.Diagnostics;
using System.Net;
using System.Text;
using Cucos.Messages;
using Cucos.Workers.Webhooks;
using Microsoft.Extensions.Configuration;

namespace Cucos.Tests.Webhooks;

/// <summary>The signature against openssl's HMAC, run live; the allow-list's decisions; the settings' refusals.</summary>
[Trait("Category", "Unit")]
public sealed class WebhookSignatureTests
{
    [Fact]
    public async Task The_signature_is_openssl_s_hmac_sha256_of_the_timestamp_a_dot_and_the_raw_body()
    {
        const string secret = "s3cret-for-the-signature-test";
        const string timestamp = "1767225600";
        var body = Encoding.UTF8.GetBytes("{\"event\":\"analysis.ended\",\"name\":\"caf\u00e9\"}");
        var start = new ProcessStartInfo("openssl", ["dgst", "-sha256", "-hmac", secret]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var openssl = Process.Start(start)!;
        await openssl.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(timestamp + "."));
        await openssl.StandardInput.BaseStream.WriteAsync(body);
        openssl.StandardInput.Close();
        var output = (await openssl.StandardOutput.ReadToEndAsync()).Trim();
        await openssl.WaitForExitAsync();
        // "HMAC-SHA2-256(stdin)= HEX" or "(stdin)= HEX", by version.
        var hex = output[(output.LastIndexOf('=') + 1)..].Trim();
        Assert.Equal(64, hex.Length);

        Assert.Equal("sha256=" + hex, WebhookSignature.Compute(secret, timestamp, body));
        Assert.True(WebhookSignature.Verify(secret, timestamp, body, "sha256=" + hex));
        Assert.False(WebhookSignature.Verify(secret, "1767225601", body, "sha256=" + hex));
        Assert.False(WebhookSignature.Verify("another-secret-entirely", timestamp, body, "sha256=" + hex));
    }

    private static WebhookTargets Targets(string[]? allowed = null, bool only = false, Dictionary<string, IPAddress[]>? dns = null) =>
        new(new WebhookSettings { Secret = "0123456789abcdef0123", AllowedHosts = allowed ?? [], OnlyAllowedHosts = only },
            (host, _) => dns is not null && dns.TryGetValue(host, out var found) ? Task.FromResult(found) : throw new System.Net.Sockets.SocketException(11001));

    [Theory]
    [InlineData("https://127.0.0.1/x", "a loopback address")]
    [InlineData("https://[::1]/x", "a loopback address")]
    [InlineData("https://169.254.169.254/x", "a link-local address")]
    [InlineData("https://[fe80::1]/x", "a link-local address")]
    [InlineData("https://10.0.0.5/x", "a private address")]
    [InlineData("https://172.20.1.1/x", "a private address")]
    [InlineData("https://192.168.1.1/x", "a private address")]
    [InlineData("https://[fd00:ec2::254]/x", "a unique local")]
    [InlineData("https://[::ffff:10.0.0.1]/x", "a private address")]
    [InlineData("https://0.0.0.0/x", "an unspecified")]
    public async Task An_address_of_the_cluster_s_own_networks_is_refused(string url, string what)
    {
        var problem = await Targets().ProblemAsync(new Uri(url));
        Assert.NotNull(problem);
        Assert.Contains(what, problem, StringComparison.Ordinal);
        Assert.Contains(WebhookSettings.AllowedHostsKey, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_is_judged_by_every_address_it_resolves_to_and_the_allow_list_lets_one_through()
    {
        var dns = new Dictionary<string, IPAddress[]>
        {
            ["hooks.example"] = [IPAddress.Parse("203.0.113.10")],
            ["mixed.example"] = [IPAddress.Parse("203.0.113.10"), IPAddress.Parse("10.9.9.9")],
            ["hooks.internal"] = [IPAddress.Parse("10.1.2.3")],
        };
        Assert.Null(await Targets(dns: dns).ProblemAsync(new Uri("https://hooks.example/cucos")));
        Assert.Contains("resolves to 10.9.9.9, a private address", await Targets(dns: dns).ProblemAsync(new Uri("https://mixed.example/")), StringComparison.Ordinal);
        Assert.Contains("could not be resolved", await Targets(dns: dns).ProblemAsync(new Uri("https://nowhere.example/")), StringComparison.Ordinal);

        // Allowed by name, by address or by range.
        Assert.Null(await Targets(["hooks.internal"], dns: dns).ProblemAsync(new Uri("https://hooks.internal/")));
        Assert.Null(await Targets(["10.1.2.3"], dns: dns).ProblemAsync(new Uri("https://hooks.internal/")));
        Assert.Null(await Targets(["10.1.0.0/16"], dns: dns).ProblemAsync(new Uri("https://hooks.internal/")));
        Assert.NotNull(await Targets(["10.2.0.0/16"], dns: dns).ProblemAsync(new Uri("https://hooks.internal/")));

        // Only the allow-list: a public host not on it is refused too.
        Assert.Contains(WebhookSettings.OnlyAllowedHostsKey, await Targets(["hooks.internal"], only: true, dns: dns).ProblemAsync(new Uri("https://hooks.example/")), StringComparison.Ordinal);
        Assert.Null(await Targets(["hooks.internal"], only: true, dns: dns).ProblemAsync(new Uri("https://hooks.internal/")));
    }

    [Fact]
    public async Task Plain_http_goes_only_to_an_allowed_host_and_no_secret_means_no_webhooks()
    {
        var dns = new Dictionary<string, IPAddress[]> { ["hooks.example"] = [IPAddress.Parse("203.0.113.10")] };
        Assert.Contains("plain http", await Targets(dns: dns).ProblemAsync(new Uri("http://hooks.example/")), StringComparison.Ordinal);
        Assert.Null(await Targets(["hooks.example"], dns: dns).ProblemAsync(new Uri("http://hooks.example/")));
        var none = new WebhookTargets(new WebhookSettings());
        Assert.Contains(WebhookSettings.SecretKey, await none.ProblemAsync(new Uri("https://hooks.example/")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://hooks.example/x", "not an absolute http or https URL")]
    [InlineData("/relative/path", "not an absolute http or https URL")]
    [InlineData("https://user:pass@hooks.example/x", "user name or password")]
    [InlineData("https://hooks.example/x#frag", "fragment")]
    [InlineData("https://hooks.example/a b", "spaces or control characters")]
    public void A_malformed_url_is_refused_by_its_form(string url, string words)
    {
        var problem = RequestChecks.OfWebhookUrl(url);
        Assert.NotNull(problem);
        Assert.Equal(RequestFields.WebhookUrl, problem.Field);
        Assert.Contains(words, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pass@", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_settings_fail_with_their_name_and_the_secret_is_never_shown()
    {
        static WebhookSettings From(params (string Key, string Value)[] pairs) => WebhookSettings.From(
            new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).Build());

        Assert.Contains(WebhookSettings.SecretKey, Assert.Throws<InvalidOperationException>(() => From((WebhookSettings.UrlKey, "https://hooks.example/"))).Message, StringComparison.Ordinal);
        Assert.Contains("16 characters", Assert.Throws<InvalidOperationException>(() => From((WebhookSettings.SecretKey, "short"))).Message, StringComparison.Ordinal);
        Assert.Contains("not a host name", Assert.Throws<InvalidOperationException>(() => From((WebhookSettings.AllowedHostsKey, "http://x/"))).Message, StringComparison.Ordinal);
        Assert.Contains(WebhookSettings.MaxAttemptsKey, Assert.Throws<InvalidOperationException>(() => From((WebhookSettings.MaxAttemptsKey, "0"))).Message, StringComparison.Ordinal);
        var settings = From((WebhookSettings.SecretKey, "a-secret-of-enough-length-000"), (WebhookSettings.AllowedHostsKey, "hooks.internal;10.0.0.0/8"), (WebhookSettings.MaxAttemptsKey, "4"));
        Assert.Equal(["hooks.internal", "10.0.0.0/8"], settings.AllowedHosts);
        Assert.Equal(4, settings.RetryPolicy.MaxAttempts);
        Assert.DoesNotContain("a-secret-of-enough-length-000", settings.ToString(), StringComparison.Ordinal);
    }
}
