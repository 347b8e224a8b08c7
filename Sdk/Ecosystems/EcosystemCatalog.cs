namespace Cucos.Sdk.Ecosystems;

/// <summary>Every registered ecosystem, checked once: ids and aliases are unique.</summary>
public sealed class EcosystemCatalog
{
    /// <summary>The ecosystem of requests for a local directory or archive (AnalysisRequest.LocalEcosystem): no registered ecosystem may take it.</summary>
    public const string LocalEcosystem = "local";

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
            if (ecosystem.Id == LocalEcosystem)
                problems.Add($"{ecosystem.GetType().Name} takes the id '{LocalEcosystem}', which requests for a local path use: choose another id.");
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

    /// <summary>An example package as <c>ID:NAME@VERSION</c> for messages: npm's when npm is registered, else the first ecosystem's.</summary>
    public string ExamplePackage => All.FirstOrDefault(e => e.Id == "npm")?.Example ?? All.FirstOrDefault()?.Example ?? "npm:serve-static@1.7.1";
}
