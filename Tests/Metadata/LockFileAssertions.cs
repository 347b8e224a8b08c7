using System.Text.Json;

namespace Cucos.Tests.Metadata;

/// <summary>Reads a <c>lock_graph</c> of a metadata result the way a consumer does: nodes by id, edges as pairs.</summary>
public sealed class LockGraphView
{
    public LockGraphView(JsonElement graph)
    {
        Graph = graph;
        Nodes = graph.GetProperty("packages").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
        Edges = [.. graph.GetProperty("edges").EnumerateArray().Select(e => (e.GetProperty("from").GetString()!, e.GetProperty("to").GetString()!))];
    }

    public JsonElement Graph { get; }
    public Dictionary<string, JsonElement> Nodes { get; }
    public HashSet<(string From, string To)> Edges { get; }

    public string? Version(string id) => Nodes[id].GetProperty("version").GetString();
    public string Name(string id) => Nodes[id].GetProperty("name").GetString()!;
    public string Source(string id) => Nodes[id].GetProperty("source").GetString()!;
    public string Scope(string id) => Nodes[id].GetProperty("scope").GetString()!;
    public bool Direct(string id) => Nodes[id].GetProperty("direct").GetBoolean();
    public string? Purl(string id) => Nodes[id].GetProperty("purl").GetString();
    public string? Alias(string id) => Nodes[id].TryGetProperty("alias", out var alias) ? alias.GetString() : null;

    /// <summary>The ids the package <paramref name="from"/> has edges to, sorted.</summary>
    public string[] Targets(string from) => [.. Edges.Where(e => e.From == from).Select(e => e.To).Order(StringComparer.Ordinal)];

    public string[] DirectIds() => [.. Nodes.Values.Where(n => n.GetProperty("direct").GetBoolean()).Select(n => n.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
}
