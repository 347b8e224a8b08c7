using System.Text.RegularExpressions;

namespace Cucos.Workers.Metadata;

/// <summary>
/// Normalises the many ways manifests name a repository (npm shorthands, scp-like and <c>git+ssh://</c> forms,
/// Maven's <c>scm:git:</c> connections) into a type and an https URL that a browser and the GitHub worker can use.
/// </summary>
public static partial class RepositoryUrls
{
    // Hosting services that npm's shorthands name (these are code hosts, not package registries).
    private static readonly Dictionary<string, string> Shorthands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["github"] = "github.com",
        ["gitlab"] = "gitlab.com",
        ["bitbucket"] = "bitbucket.org",
    };

    public static CodeRepository? Normalize(string? raw, string? declaredType = null)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        var text = raw.Trim();
        var type = string.IsNullOrWhiteSpace(declaredType) ? null : declaredType.Trim().ToLowerInvariant();

        // Maven SCM connections: scm:git:..., scm:svn:..., scm:hg:...
        if (ScmPrefix().Match(text) is { Success: true } scm)
        {
            type ??= scm.Groups["type"].Value.ToLowerInvariant();
            text = text[scm.Length..];
        }
        if (text.StartsWith("gist:", StringComparison.OrdinalIgnoreCase))
            return new CodeRepository(type ?? "git", "https://gist.github.com/" + text[5..].Trim('/'));
        if (ShorthandPattern().Match(text) is { Success: true } shorthand)
        {
            var service = shorthand.Groups["host"].Success ? Shorthands[shorthand.Groups["host"].Value] : "github.com";
            return new CodeRepository(type ?? "git", $"https://{service}/{shorthand.Groups["path"].Value}");
        }
        if (text.StartsWith("svn", StringComparison.OrdinalIgnoreCase) || text.StartsWith("hg+", StringComparison.OrdinalIgnoreCase))
            type ??= text.StartsWith("svn", StringComparison.OrdinalIgnoreCase) ? "svn" : "hg";
        type ??= "git";

        // scp-like: git@host:user/repo.git
        if (ScpPattern().Match(text) is { Success: true } scp)
            return new CodeRepository(type, Tidy($"https://{scp.Groups["host"].Value}/{scp.Groups["path"].Value}"));

        var plus = text.IndexOf('+');
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (plus > 0 && schemeEnd > plus)
            text = text[(plus + 1)..];
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            return new CodeRepository(type, text);
        var host = uri.Host.ToLowerInvariant();
        var scheme = uri.Scheme is "ssh" or "git" || Shorthands.ContainsValue(host) ? "https" : uri.Scheme;
        // Web hosts serve their repositories over https at the same path; other hosts keep their port and scheme.
        var port = uri.IsDefaultPort || uri.Scheme is "ssh" or "git" ? "" : ":" + uri.Port;
        return new CodeRepository(type, Tidy($"{scheme}://{host}{port}{RepositoryPath(host, uri.AbsolutePath)}"));
    }

    /// <summary>On the known code hosts, a link into a repository (a branch, a file) is cut back to the repository.</summary>
    private static string RepositoryPath(string host, string path)
    {
        if (host == "gitlab.com" && path.IndexOf("/-/", StringComparison.Ordinal) is var dash and > 0)
            return path[..dash];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return host is "github.com" or "bitbucket.org" && segments.Length > 2 ? "/" + string.Join('/', segments[..2]) : path;
    }

    /// <summary>Drops what points inside a repository rather than at it: <c>.git</c>, trailing slashes, fragments.</summary>
    private static string Tidy(string url)
    {
        url = url.TrimEnd('/');
        if (url.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
            url = url[..^4];
        return url;
    }

    [GeneratedRegex(@"^scm:(?<type>[a-z]+):", RegexOptions.IgnoreCase)]
    private static partial Regex ScmPrefix();

    // npm: "user/repo", "github:user/repo", "gitlab:group/repo", "bitbucket:user/repo" (optionally with #ref).
    [GeneratedRegex(@"^(?:(?<host>github|gitlab|bitbucket):)?(?<path>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?(?:#.*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ShorthandPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9_.-]+@)?(?<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,}):(?!//)(?<path>[^#]+?)(?:#.*)?$")]
    private static partial Regex ScpPattern();
}
