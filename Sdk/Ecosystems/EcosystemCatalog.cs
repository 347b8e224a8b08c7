using Cucos.Messages;

namespace Cucos.Sdk.Ecosystems;

/// <summary>Every registered ecosystem, checked once: ids and aliases are unique.</summary>
public sealed class EcosystemCatalog
{
    private readonly Dictionary<string, IEcosystem> byName = new(StringComparer.Ordinal);

    public EcosystemCatalog(IEnumerable<IEcosystem> ecosystems)
    {
        ArgumentNullException.ThrowIfNull(ecosystems);
        var problems = new List<string>();
        var all = new List<IEcosystem>();
        foreach (var ecosystem in ecosystems)
        {
            if (all.Any(e => e.Id == ecosystem.Id && e.GetType() == ecosystem.GetType()))
                continue; // the same ecosystem registered twice (TryAddEnumerable is not always used)
            if (ecosystem.Id == AnalysisRequest.LocalEcosystem)
                problems.Add($"{ecosystem.GetType().Name} takes the id '{AnalysisRequest.LocalEcosystem}', which requests for a local path use: choose another id.");
            all.Add(ecosystem);
            foreach (var name in ecosystem.Aliases.Prepend(ecosystem.Id))
                if (!byName.TryAdd(name, ecosystem) && byName[name] != ecosystem)
                    problems.Add($"ecosystem name '{name}' is claimed by both {byName[name].GetType().Name} and {ecosystem.GetType().Name}: give one of them another id or alias.");
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("The Cucos ecosystem registrations are not valid:\n  " + string.Join("\n  ", problems));
        InRegistrationOrder = all;
        All = [.. all.OrderBy(e => e.Id, StringComparer.Ordinal)];
    }

    /// <summary>Every ecosystem, ordered by id.</summary>
    public IReadOnlyList<IEcosystem> All { get; }

    /// <summary>Every ecosystem in the order it was registered (the built-ins most used first), for lists a user reads.</summary>
    public IReadOnlyList<IEcosystem> InRegistrationOrder { get; }

    /// <summary>The ecosystem with this id or alias, or null.</summary>
    public IEcosystem? Find(string idOrAlias) => byName.GetValueOrDefault(idOrAlias);

    /// <summary>The ids, for messages: "crates, go, maven, npm, nuget, pypi, rubygems".</summary>
    public string Ids => string.Join(", ", All.Select(e => e.Id));

    /// <summary>The ids in registration order, for the CLI's messages: "npm, nuget, pypi, maven, rubygems, crates, go".</summary>
    public string IdsInRegistrationOrder => string.Join(", ", InRegistrationOrder.Select(e => e.Id));

    /// <summary>The ecosystem with this id or alias; an <see cref="ArgumentException"/> naming the known ids when there is none.</summary>
    public IEcosystem Get(string idOrAlias) => Find(idOrAlias)
        ?? throw new ArgumentException($"'{idOrAlias}' is not an ecosystem this cluster knows: give one of {Ids}{(All.Count > 0 ? $" (for example {All[0].Example})" : "")}.");

    /// <summary>
    /// Reads <c>ECOSYSTEM:NAME@VERSION</c> (see <see cref="AnalysisRequest.ParsePackage"/>) with the ecosystem looked up
    /// here, plug-ins and aliases included, and written as its id: <c>pip:six@1.16.0</c> asks for <c>pypi</c>.
    /// Throws <see cref="ArgumentException"/> saying what to fix.
    /// </summary>
    public AnalysisRequest ParsePackage(string text, bool force = false, string[]? tasks = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            throw new ArgumentException($"'{text}' does not name a package as ECOSYSTEM:NAME@VERSION with an ecosystem among {IdsInRegistrationOrder} (for example {Example}).");
        var ecosystem = text[..colon];
        if (Find(ecosystem) is not { } known)
            throw new ArgumentException($"'{text}' does not name a package as ECOSYSTEM:NAME@VERSION with an ecosystem among {IdsInRegistrationOrder}: '{ecosystem}' is not one this cluster knows (for example {Example}).");
        return AnalysisRequest.ParsePackage(known.Id + text[colon..], force, tasks);
    }

    /// <summary>The request with its ecosystem written as the id when it names one by an alias; a local or unknown ecosystem is left as it is.</summary>
    public AnalysisRequest Normalise(AnalysisRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Find(request.Ecosystem) is { } known && known.Id != request.Ecosystem ? request with { Ecosystem = known.Id } : request;
    }

    private string Example => All.FirstOrDefault(e => e.Id == "npm")?.Example ?? All.FirstOrDefault()?.Example ?? "npm:serve-static@1.7.1";
}
