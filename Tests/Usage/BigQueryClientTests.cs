using Cucos.Grains.Usage;

namespace Cucos.Tests.Usage;

/// <summary>The BigQuery REST client against the loopback BigQuery and token server: paging, polling, tokens, quota errors, bad keys.</summary>
[Trait("Category", "Unit")]
public sealed class BigQueryClientTests : IDisposable
{
    private readonly ServiceAccount account = new();
    private readonly BigQueryServer server;

    public BigQueryClientTests()
    {
        server = new BigQueryServer(account.Key);
        server.Rows.AddRange([("express", 90), ("lodash", 120), ("left-pad", 3), ("chalk", 40), ("debug", 70)]);
    }

    private UsageSettings Settings(string? key = null) => new()
    {
        BaseUrl = server.BaseUrl,
        TokenUrl = server.TokenUrl,
        ProjectId = BigQueryServer.Project,
        Key = key ?? account.KeyJson(server.TokenUrl),
        PageSize = 2,
    };

    private static async Task<List<(string, long)>> ReadAllAsync(BigQueryClient client)
    {
        var rows = new List<(string, long)>();
        var page = await client.QueryAsync("SELECT 1", CancellationToken.None);
        var job = page.JobId!;
        while (!page.JobComplete)
            page = await client.GetQueryResultsAsync(job, page.Location, null, CancellationToken.None);
        rows.AddRange(page.Rows.Select(r => (r.Package, r.Repositories)));
        while (page.PageToken is { } token)
        {
            page = await client.GetQueryResultsAsync(job, page.Location, token, CancellationToken.None);
            rows.AddRange(page.Rows.Select(r => (r.Package, r.Repositories)));
        }
        return rows;
    }

    [Fact]
    public async Task A_paged_result_is_read_page_by_page_with_its_page_tokens()
    {
        using var client = new BigQueryClient(Settings());
        var rows = await ReadAllAsync(client);
        Assert.Equal(server.Rows, rows);
        Assert.Equal(1, server.Count("POST", "/queries"));
        // Pages 2 and 3 by their tokens, each once.
        Assert.Equal(1, server.Count("GET", "pageToken=p2"));
        Assert.Equal(1, server.Count("GET", "pageToken=p4"));
        Assert.Contains(server.Requests, r => r.Method == "GET" && r.PathAndQuery.Contains("location=US", StringComparison.Ordinal) && r.PathAndQuery.Contains("maxResults=2", StringComparison.Ordinal));
        Assert.Equal("SELECT 1", Assert.Single(server.Queries));
        Assert.Equal(1, server.TokensIssued);
    }

    [Fact]
    public async Task A_job_not_complete_is_polled_until_it_is()
    {
        server.IncompletePolls = 3;
        using var client = new BigQueryClient(Settings());
        var first = await client.QueryAsync("SELECT 1", CancellationToken.None);
        Assert.False(first.JobComplete);
        Assert.Empty(first.Rows);
        Assert.Null(first.PageToken);
        using var second = new BigQueryClient(Settings());
        var rows = await ReadAllAsync(second);
        Assert.Equal(server.Rows, rows);
        // The first job's three polls and the second's: each answered jobComplete false before any row came.
        Assert.Equal(server.Rows.Count, rows.Count);
    }

    [Fact]
    public async Task An_expired_token_is_exchanged_again_and_the_call_repeated()
    {
        using var client = new BigQueryClient(Settings());
        await client.QueryAsync("SELECT 1", CancellationToken.None);
        server.ExpireTokens();
        var page = await client.QueryAsync("SELECT 2", CancellationToken.None);
        Assert.True(page.JobComplete);
        Assert.Equal(2, server.TokensIssued);
        Assert.Equal(2, client.TokensFetched);
        // The refused call carried the old token; its repetition the new one.
        var posts = server.Requests.Where(r => r.Method == "POST" && r.PathAndQuery.EndsWith("/queries", StringComparison.Ordinal)).ToList();
        Assert.Equal(["ya29.test-1", "ya29.test-1", "ya29.test-2"], posts.Select(p => p.Token));
    }

    [Fact]
    public async Task A_token_near_its_expiry_is_renewed_before_it_is_used()
    {
        // Thirty seconds left is inside the client's margin: every call fetches a fresh token rather than risk a 401.
        server.TokenLifetime = TimeSpan.FromSeconds(30);
        using var client = new BigQueryClient(Settings());
        await client.QueryAsync("SELECT 1", CancellationToken.None);
        await client.QueryAsync("SELECT 1", CancellationToken.None);
        Assert.Equal(2, server.TokensIssued);
        Assert.DoesNotContain(server.Requests, r => r.Method == "POST" && r.PathAndQuery.EndsWith("/queries", StringComparison.Ordinal) && r.Token == "-");
    }

    [Fact]
    public async Task A_403_quota_error_asks_for_a_retry_later_and_says_why()
    {
        server.Fail(403, "quotaExceeded", "Quota exceeded: Your project exceeded quota for free query bytes scanned.");
        using var client = new BigQueryClient(Settings());
        var error = await Assert.ThrowsAsync<BigQueryException>(() => client.QueryAsync("SELECT 1", CancellationToken.None));
        Assert.True(error.RetryLater);
        Assert.Contains("403 quotaExceeded", error.Message, StringComparison.Ordinal);
        Assert.Contains("tried again later", error.Message, StringComparison.Ordinal);
        // The next call (the retry) goes through.
        Assert.True((await client.QueryAsync("SELECT 1", CancellationToken.None)).JobComplete);
    }

    [Fact]
    public async Task A_403_access_denied_is_not_retried_and_names_the_settings()
    {
        server.Fail(403, "accessDenied", "Access Denied: User does not have bigquery.jobs.create permission.");
        using var client = new BigQueryClient(Settings());
        var error = await Assert.ThrowsAsync<BigQueryException>(() => client.QueryAsync("SELECT 1", CancellationToken.None));
        Assert.False(error.RetryLater);
        Assert.Contains(UsageSettings.ProjectIdKey, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", "is not JSON")]
    [InlineData("""{"type":"authorized_user","client_email":"a@b","private_key":"x"}""", "of type 'authorized_user'")]
    [InlineData("""{"type":"service_account","private_key":"x"}""", "has no client_email")]
    [InlineData("""{"type":"service_account","client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}""", "not a PEM RSA private key")]
    public async Task A_bad_key_file_is_a_clear_error_naming_the_file(string content, string expected)
    {
        using var folder = new Support.TempDirectory();
        var path = Path.Combine(folder.Path, "key.json");
        await File.WriteAllTextAsync(path, content);
        using var client = new BigQueryClient(Settings() with { Key = null, KeyFile = path });
        var error = await Assert.ThrowsAsync<UsageConfigurationException>(() => client.QueryAsync("SELECT 1", CancellationToken.None));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(UsageSettings.KeyFileKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.TokensIssued);
    }

    [Fact]
    public async Task A_missing_key_file_names_the_setting()
    {
        using var client = new BigQueryClient(Settings() with { Key = null, KeyFile = "/nonexistent/key.json" });
        var error = await Assert.ThrowsAsync<UsageConfigurationException>(() => client.QueryAsync("SELECT 1", CancellationToken.None));
        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
        Assert.Contains(UsageSettings.KeyFileKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_of_another_account_is_refused_by_the_token_endpoint_without_leaking_the_key()
    {
        using var other = new ServiceAccount();
        using var client = new BigQueryClient(Settings(other.KeyJson(server.TokenUrl)));
        var error = await Assert.ThrowsAsync<BigQueryException>(() => client.QueryAsync("SELECT 1", CancellationToken.None));
        Assert.False(error.RetryLater);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other.KeyFragment, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other.KeyFragment, Settings(other.KeyJson(server.TokenUrl)).ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        server.Dispose();
        account.Dispose();
    }
}
