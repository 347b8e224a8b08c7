namespace Cucos.Workers.GitHubDetails;

/// <summary>Which GitHub repository a normalised repository URL names, on the hosts the settings serve.</summary>
public static class GitHubRepositories
{
    /// <summary>(owner, name), or the reason the URL names no repository on a configured host.</summary>
    public static (string Owner, string Name)? Parse(string? url, GitHubSettings settings, out string? reason)
    {
        reason = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            reason = "metadata found no repository URL in the package's manifests.";
            return null;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            reason = $"the repository URL '{url}' is not an http(s) URL.";
            return null;
        }
        if (!settings.Hosts.Contains(uri.Host.ToLowerInvariant(), StringComparer.Ordinal))
        {
            reason = $"the repository {uri.Host}{uri.AbsolutePath} is not on a GitHub host this cluster asks ({string.Join(", ", settings.Hosts)}; {GitHubSettings.HostsKey}).";
            return null;
        }
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || !Valid(segments[0]) || !Valid(segments[1]))
        {
            reason = $"the repository URL '{url}' does not name an owner and a repository.";
            return null;
        }
        var name = segments[1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segments[1][..^4] : segments[1];
        return (segments[0], name);
    }

    // GitHub's owner and repository names: letters, digits, '-', '_' and '.', nothing that could change the API path.
    private static bool Valid(string segment) =>
        segment.Length is > 0 and <= 100 && segment is not ("." or "..") && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
