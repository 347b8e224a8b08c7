using System.Net.Http.Headers;
using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Workers.Registries;
using Microsoft.Extensions.Configuration;

using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Registries;

/// <summary>
/// What a registry may make the silo do, against loopback registries that misbehave on purpose: too much data (plain,
/// gzipped, or announced), no answer, a trickle, endless bodies, redirects anywhere, and rate limits years long.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RegistryLimitsTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TempDirectory work = new("cucos-registry-limits");
    private readonly RegistryServer server = new();
    // A second loopback host, for where a registry may send the silo.
    private readonly RegistryServer elsewhere = new("127.0.0.2");
    // Ends a test that a missing limit would leave hanging: it then fails on an OperationCanceledException.
    private readonly CancellationTokenSource safety = new(TimeSpan.FromSeconds(60));

    private static readonly RegistryLimits Small = new() { MaxDownloadBytes = MiB, MaxDocumentBytes = MiB };

    private Task<DownloadedFile> Download(RegistryHttp http, string path, AuthenticationHeaderValue? auth = null) =>
        http.DownloadAsync("archive", new Uri(server.Url(path)), auth, work.Combine("artifact"), "package.tgz",
            () => new PackageNotFoundException("test", "package", "1.0.0", "the test registry"), safety.Token);

    private Task<System.Text.Json.JsonDocument> Document(RegistryHttp http, string path) =>
        http.GetJsonAsync(new Uri(server.Url(path)), null, () => new PackageNotFoundException("test", "package", null, "the test registry"), safety.Token);

    private static async Task Forever(CancellationToken stopping) =>
        await Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default);

    [Fact]
    public async Task A_download_of_exactly_the_cap_is_taken_and_one_byte_more_is_refused_naming_the_setting_and_leaving_no_file()
    {
        server.Map("/exact", Reply.File(new byte[MiB]));
        server.Map("/over", Reply.File(new byte[MiB + 1]));

        Assert.Equal(MiB, (await Download(Http(Small), "/exact")).Digests.Size);
        var refused = await Assert.ThrowsAsync<RegistryException>(() => Download(Http(Small), "/over"));

        Assert.Contains("Cucos:Registries:MaxDownloadBytes", refused.Message);
        Assert.False(File.Exists(work.Combine("artifact/package.tgz")));
    }

    [Fact]
    public async Task A_gzip_encoded_download_counts_its_decompressed_bytes()
    {
        // 64 MiB of zeros is about 64 KiB on the wire: under the cap until it is decoded.
        var reply = Reply.Gzipped(new byte[64 * MiB]);
        Assert.True(reply.Body.Length < MiB);
        server.Map("/bomb", reply);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => Download(Http(Small), "/bomb"));

        Assert.Contains("MaxDownloadBytes", refused.Message);
    }

    [Fact]
    public async Task A_content_length_over_the_cap_is_refused_before_the_body_is_read()
    {
        // Announces 5 GiB, sends one byte and then nothing: only a check of the header refuses it as too large.
        server.Map("/huge", new Reply(200, []) { ClaimedLength = 5L * 1024 * MiB, Writer = async (body, stopping) =>
        {
            await body.WriteAsync(new byte[1], stopping);
            await body.FlushAsync(stopping);
            await Forever(stopping);
        } });

        var refused = await Assert.ThrowsAsync<RegistryException>(() => Download(Http(Small with { IdleTimeout = TimeSpan.FromSeconds(5) }), "/huge"));

        Assert.Contains("MaxDownloadBytes", refused.Message);
    }

    [Fact]
    public async Task A_document_that_expands_past_its_cap_is_refused_naming_the_setting()
    {
        var padding = new string('a', 8 * MiB);
        server.Map("/package", Reply.Gzipped(Encoding.UTF8.GetBytes($"{{\"name\":\"package\",\"padding\":\"{padding}\"}}"), "application/json"));

        var refused = await Assert.ThrowsAsync<RegistryException>(() => Document(Http(Small), "/package"));

        Assert.Contains("Cucos:Registries:MaxDocumentBytes", refused.Message);
    }

    [Fact]
    public async Task A_registry_that_never_answers_is_a_transient_failure_after_the_headers_timeout()
    {
        server.Map("/package", new Reply(200, []) { NeverAnswers = true });

        var failed = await Assert.ThrowsAsync<RegistryUnavailableException>(() =>
            Document(Http(new RegistryLimits { HeadersTimeout = TimeSpan.FromSeconds(1) }), "/package"));

        Assert.Contains("did not answer within", failed.Message);
        Assert.Contains("Cucos:Registries:HeadersTimeout", failed.Message);
    }

    [Fact]
    public async Task A_body_that_stops_coming_is_a_transient_failure_after_the_idle_timeout()
    {
        server.Map("/stalls", new Reply(200, []) { Writer = async (body, stopping) =>
        {
            await body.WriteAsync(new byte[1000], stopping);
            await body.FlushAsync(stopping);
            await Forever(stopping);
        } });

        var failed = await Assert.ThrowsAsync<RegistryUnavailableException>(() =>
            Download(Http(new RegistryLimits { IdleTimeout = TimeSpan.FromSeconds(1) }), "/stalls"));

        Assert.Contains("Cucos:Registries:IdleTimeout", failed.Message);
        Assert.False(File.Exists(work.Combine("artifact/package.tgz")));
    }

    [Fact]
    public async Task A_trickle_that_never_ends_is_a_transient_failure_at_the_request_deadline()
    {
        // A byte every 50 ms never trips the idle timeout; only the overall deadline ends it.
        server.Map("/trickle", new Reply(200, []) { Writer = async (body, stopping) =>
        {
            while (!stopping.IsCancellationRequested)
            {
                await body.WriteAsync(new byte[1], stopping);
                await body.FlushAsync(stopping);
                await Task.Delay(50, stopping);
            }
        } });

        var failed = await Assert.ThrowsAsync<RegistryUnavailableException>(() =>
            Download(Http(new RegistryLimits { IdleTimeout = TimeSpan.FromSeconds(30), RequestTimeout = TimeSpan.FromSeconds(2) }), "/trickle"));

        Assert.Contains("Cucos:Registries:RequestTimeout", failed.Message);
    }

    [Fact]
    public async Task A_relative_redirect_is_followed_against_the_url_that_gave_it()
    {
        server.Map("/moved", Reply.Redirect("/real/package.tgz"));
        server.Map("/real/package.tgz", Reply.File([1, 2, 3]));

        var file = await Download(Http(), "/moved");

        Assert.Equal(3, file.Digests.Size);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/package.tgz")]
    public async Task A_redirect_to_anything_but_http_is_refused(string location)
    {
        server.Map("/moved", Reply.Redirect(location));

        var refused = await Assert.ThrowsAsync<RegistryException>(() => Download(Http(), "/moved"));

        Assert.Contains("only http(s)", refused.Message);
    }

    [Fact]
    public async Task A_redirect_to_a_host_not_allowed_is_refused_before_it_is_asked_anything()
    {
        elsewhere.Map("/package.tgz", Reply.File([1, 2, 3]));
        server.Map("/moved", Reply.Redirect(elsewhere.Url("/package.tgz")));

        var refused = await Assert.ThrowsAsync<RegistryException>(() =>
            Download(Http(new RegistryLimits { AllowedHosts = ["mirror.example.invalid"] }), "/moved"));

        Assert.Contains("127.0.0.2", refused.Message);
        Assert.Contains("Cucos:Registries:AllowedHosts", refused.Message);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task A_redirect_to_an_allowed_host_is_followed_without_the_credentials_of_the_first()
    {
        elsewhere.Map("/package.tgz", Reply.File([1, 2, 3]));
        server.Map("/moved", Reply.Redirect(elsewhere.Url("/package.tgz"), status: 307));

        var file = await Download(Http(new RegistryLimits { AllowedHosts = ["127.0.0.2"] }), "/moved", new AuthenticationHeaderValue("Bearer", "s3cret"));

        Assert.Equal(3, file.Digests.Size);
        Assert.Equal("Bearer s3cret", Assert.Single(server.Requests).Authorization);
        Assert.Null(Assert.Single(elsewhere.Requests).Authorization);
    }

    [Fact]
    public async Task A_redirect_loop_is_given_up_after_the_redirect_limit()
    {
        server.Map("/loop", Reply.Redirect("/loop"));

        var refused = await Assert.ThrowsAsync<RegistryException>(() => Download(Http(new RegistryLimits { MaxRedirects = 3 }), "/loop"));

        Assert.Contains("Cucos:Registries:MaxRedirects", refused.Message);
        Assert.Equal(4, server.CountRequests("/loop"));
    }

    [Fact]
    public async Task A_rate_limit_asks_for_the_wait_the_registry_names()
    {
        server.Map("/package", new Reply(429, []) { Headers = new Dictionary<string, string> { ["Retry-After"] = "2147483647" } });

        var retry = await Assert.ThrowsAsync<RetryTaskException>(() => Document(Http(), "/package"));

        // Passed on as asked: the flow cuts it to the task's RetryPolicy.MaxRequestedDelay (AnalysisFlowTests).
        Assert.Equal(TimeSpan.FromSeconds(int.MaxValue), retry.RetryAfter);
    }

    [Fact]
    public void Limits_are_read_from_the_registries_section_and_are_not_taken_for_an_ecosystem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cucos:Registries:pypi"] = "http://pypi.example.invalid/",
            ["Cucos:Registries:MaxDownloadBytes"] = "1000",
            ["Cucos:Registries:IdleTimeout"] = "00:00:05",
            ["Cucos:Registries:AllowedHosts"] = "files.example.invalid, *.cdn.example.invalid",
            ["Cucos:Registries:RequireChecksum"] = "true",
        }).Build();

        var limits = RegistryLimits.From(configuration);

        Assert.Equal(1000, limits.MaxDownloadBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.IdleTimeout);
        Assert.Equal(new RegistryLimits().MaxDocumentBytes, limits.MaxDocumentBytes);
        Assert.True(limits.RequireChecksum);
        Assert.True(limits.Allows("files.example.invalid"));
        Assert.True(limits.Allows("eu.cdn.example.invalid"));
        Assert.False(limits.Allows("cdn.example.invalid.attacker.test"));
        Assert.False(limits.Allows("internal.example.invalid"));
        var settings = RegistrySettings.From(configuration);
        Assert.Equal("http://pypi.example.invalid/", settings.BaseUrl("pypi", "PyPI").AbsoluteUri);
        Assert.Contains("no MaxDownloadBytes URL is configured", Assert.Throws<RegistryException>(() => settings.BaseUrl("MaxDownloadBytes", "MaxDownloadBytes")).Message);
    }

    [Fact]
    public void A_limit_that_does_not_parse_is_a_clear_error()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Cucos:Registries:HeadersTimeout"] = "soon" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => RegistryLimits.From(configuration));

        Assert.Equal("Cucos:Registries:HeadersTimeout is 'soon', which does not parse: set it like 00:01:00.", error.Message);
    }

    public void Dispose()
    {
        safety.Dispose();
        elsewhere.Dispose();
        server.Dispose();
        work.Dispose();
    }
}
