namespace Cucos.Workers.RegistryLifecycle;

/// <summary>One release as a registry document describes it; a field the registry does not give is null.</summary>
public sealed record ReleaseEntry(
    string Version,
    DateTimeOffset? Published,
    bool Yanked = false,
    string? YankedReason = null,
    bool? Listed = null,
    string? DeprecationMessage = null,
    IReadOnlyList<string>? Maintainers = null)
{
    public bool Deprecated => DeprecationMessage is not null;
}

/// <summary>
/// What one ecosystem's registry documents say about a package's releases, read into one shape: every release, the
/// version the registry itself calls the latest (npm's <c>dist-tags.latest</c>, PyPI's <c>info.version</c>, ...; null
/// when it names none), and the facts this registry does not publish at all (<see cref="NotAvailable"/>).
/// </summary>
public sealed record ReleaseHistory(
    string Registry,
    IReadOnlyList<ReleaseEntry> Releases,
    string? DeclaredLatest,
    IReadOnlyList<string> NotAvailable);
