namespace Cucos.Sdk;

/// <summary>
/// The cluster's word on webhook URLs, asked where a request enters the cluster: whether this cluster delivers webhooks
/// at all (a secret is configured), its default URL, and whether a URL's host may be called (the allow-list, after DNS).
/// The built-in tasks register one (<c>Workers/Webhooks</c>); without one a request naming a webhook is refused.
/// </summary>
public interface IWebhookTargets
{
    /// <summary>The URL an analysis whose request names none reports to (<c>Cucos:Webhooks:Url</c>), or null.</summary>
    string? DefaultUrl { get; }

    /// <summary>
    /// Why <paramref name="url"/> (an absolute http(s) URL) may not be called, in a sentence that says which setting
    /// to change; null when it may. Resolves the host's addresses: a name is judged by every address it has.
    /// </summary>
    Task<string?> ProblemAsync(Uri url, CancellationToken cancellationToken = default);
}
