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
            if (all.Any(e => e.Id == ecosystem.Id))
                continue; // the same ecosystem registered twice (TryAddEnumerable is not always used)
            all.Add(ecosystem);
            foreach (var name in ecosystem.Aliases.Prepend(ecosystem.Id))
                if (!byName.TryAdd(name, ecosystem) && byName[name] != ecosystem)
                    problems.Add($"ecosystem name '{name}' is claimed by both {byName[name].GetType().Name} and {ecosystem.GetType().Name}.");
        }
        if (problems.Count > 0)
            throw new InvalidOperationException("The Cucos ecosystem registrations are not valid:\n  " + string.Join("\n  ", problems));
        All = [.. all.OrderBy(e => e.Id, StringComparer.Ordinal)];
    }

    /// <summary>Every ecosystem, ordered by id.</summary>
    public IReadOnlyList<IEcosystem> All { get; }

    /// <summary>The ecosystem with this id or alias, or null.</summary>
    public IEcosystem? Find(string idOrAlias) => byName.GetValueOrDefault(idOrAlias);

    /// <summary>The ids, for messages: "crates, go, maven, npm, nuget, pypi, rubygems".</summary>
    public string Ids => string.Join(", ", All.Select(e => e.Id));
}
