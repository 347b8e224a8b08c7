namespace Cucos.Workers.GitHubDetails;

/// <summary>
/// The configured tokens with what GitHub last said of each (<c>X-RateLimit-Remaining</c> and <c>-Reset</c>, per
/// rate-limit resource: <c>core</c>, <c>search</c>, ...), shared by every attempt of a silo. A request takes the
/// token with the most calls left; one whose limit is spent is not taken again before its reset. Tokens are known
/// by their index only outside this class, so that none reaches a message.
/// </summary>
public sealed class GitHubTokenPool(IReadOnlyList<string> tokens, TimeProvider clock)
{
    private readonly Lock gate = new();
    private readonly Dictionary<(int Token, string Resource), (int Remaining, DateTimeOffset Reset)> limits = [];

    public int Count => tokens.Count;

    /// <summary>The token for a request to <paramref name="resource"/>: its index (-1 for none configured) and value; null when every token is spent, with the earliest reset.</summary>
    public (int Index, string? Token)? Take(string resource, out DateTimeOffset earliestReset)
    {
        earliestReset = DateTimeOffset.MaxValue;
        if (tokens.Count == 0)
            return Spent(-1, resource, ref earliestReset) ? null : (-1, null);
        lock (gate)
        {
            var best = -1;
            var bestRemaining = -1;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (Spent(i, resource, ref earliestReset))
                    continue;
                // A token never used yet counts as having its whole allowance.
                var remaining = limits.TryGetValue((i, resource), out var known) && known.Reset > clock.GetUtcNow() ? known.Remaining : int.MaxValue;
                if (remaining > bestRemaining)
                    (best, bestRemaining) = (i, remaining);
            }
            return best < 0 ? null : (best, tokens[best]);
        }
    }

    private bool Spent(int index, string resource, ref DateTimeOffset earliestReset)
    {
        lock (gate)
        {
            if (!limits.TryGetValue((index, resource), out var known) || known.Remaining > 0 || known.Reset <= clock.GetUtcNow())
                return false;
            if (known.Reset < earliestReset)
                earliestReset = known.Reset;
            return true;
        }
    }

    /// <summary>Records what a response said of the token's limit.</summary>
    public void Observe(int index, string resource, int remaining, DateTimeOffset reset)
    {
        lock (gate)
            limits[(index, resource)] = (remaining, reset);
    }
}
