using System.Collections.Concurrent;
using Cucos.Workers.Registries;

namespace Cucos.Workers.SecurityIssues;

/// <summary>
/// The advisory sources of one silo, each opened once and shared by every attempt: a directory's indexes are built
/// on first use and kept while its files stay the same; an API keeps its records by id and <c>modified</c>.
/// Registered as a singleton; <see cref="Shared"/> serves a task run without services (<c>cucos worker</c>).
/// </summary>
public sealed class AdvisorySources(TimeProvider clock)
{
    public static readonly AdvisorySources Shared = new(TimeProvider.System);

    private readonly ConcurrentDictionary<string, AdvisoryDirectory> directories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Uri, OsvApi> apis = new();
    private readonly Lazy<HttpClient> http = new(RegistryHttp.CreateClient);

    public AdvisoryDirectory Directory(string path) =>
        directories.GetOrAdd(Path.GetFullPath(path), p => new AdvisoryDirectory(p, clock));

    public OsvApi Api(Uri baseUrl) => apis.GetOrAdd(baseUrl, url => new OsvApi(http.Value, url));
}
