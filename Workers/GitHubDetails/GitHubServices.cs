using System.Collections.Concurrent;
using Cucos.Sdk;

namespace Cucos.Workers.GitHubDetails;

/// <summary>
/// What every attempt of a silo shares: one HTTP client (redirects not followed by it: <see cref="GitHubApi"/> follows
/// them on the same server only), each configuration's token pool (so the remaining calls GitHub reported are known
/// to the next attempt), and the in-memory ETag cache used when no <see cref="IHttpResponseCache"/> is registered.
/// </summary>
public sealed class GitHubServices(TimeProvider clock)
{
    public static readonly GitHubServices Shared = new(TimeProvider.System);

    private readonly ConcurrentDictionary<string, GitHubTokenPool> pools = new(StringComparer.Ordinal);
    private readonly Lazy<HttpClient> http = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // A GitHub answer github_details reads is a few hundred kilobytes at most.
        MaxResponseContentBufferSize = 16 * 1024 * 1024,
        Timeout = Timeout.InfiniteTimeSpan,
    });

    public IHttpResponseCache MemoryCache { get; } = new InMemoryHttpResponseCache();

    public TimeProvider Clock => clock;

    public GitHubApi Api(GitHubSettings settings, IHttpResponseCache? cache)
    {
        // Keyed by the API and the tokens' positions and hashes, so a pool never outlives a change of tokens.
        var key = settings.ApiBaseUrl.AbsoluteUri + "|" + string.Join("|", settings.Tokens.Select(t => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(t)))));
        var pool = pools.GetOrAdd(key, _ => new GitHubTokenPool(settings.Tokens, clock));
        return new GitHubApi(http.Value, settings, pool, cache ?? MemoryCache, clock);
    }
}
