using System.Text.Json.Serialization;
using Cucos.State;

namespace Cucos.Messages;

/// <summary>
/// A page of the cluster-wide list of analyses, newest first. Every filter is optional; <see cref="After"/> is the
/// position the previous page ended at (its last entry), so pages never repeat or skip an analysis while new ones start.
/// </summary>
[GenerateSerializer, Alias("cucos.AnalysisListQuery")]
public sealed record AnalysisListQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    [Id(0)] public AnalysisStatus? Status { get; init; }
    [Id(1)] public string? Ecosystem { get; init; }
    [Id(2)] public string? Name { get; init; }
    /// <summary>Created at or after.</summary>
    [Id(3)] public DateTimeOffset? Since { get; init; }
    /// <summary>Created before.</summary>
    [Id(4)] public DateTimeOffset? Until { get; init; }
    [Id(5)] public int Limit { get; init; } = DefaultLimit;
    [Id(6)] public AnalysisListPosition? After { get; init; }
}

/// <summary>Where an entry stands in the newest-first order: its creation time, then its id.</summary>
[GenerateSerializer, Alias("cucos.AnalysisListPosition")]
public sealed record AnalysisListPosition([property: Id(0)] DateTimeOffset CreatedAt, [property: Id(1)] string AnalysisId) : IComparable<AnalysisListPosition>
{
    /// <summary>Newest first; among equal times, the greater id first.</summary>
    public int CompareTo(AnalysisListPosition? other)
    {
        if (other is null)
            return -1;
        var byTime = other.CreatedAt.UtcTicks.CompareTo(CreatedAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(other.AnalysisId, AnalysisId);
    }
}

/// <summary>One analysis in the list: enough to find it and see how it stands.</summary>
[GenerateSerializer, Alias("cucos.AnalysisListEntry")]
public sealed record AnalysisListEntry
{
    [Id(0)] public required string AnalysisId { get; init; }
    [Id(1)] public required string Ecosystem { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required string Version { get; init; }
    [Id(4)] public AnalysisStatus Status { get; init; }
    [Id(5)] public DateTimeOffset CreatedAt { get; init; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }

    [JsonIgnore]
    public AnalysisListPosition Position => new(CreatedAt, AnalysisId);

    public static AnalysisListEntry From(AnalysisSnapshot analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return new()
        {
            AnalysisId = analysis.AnalysisId,
            Ecosystem = analysis.Request.Ecosystem,
            Name = analysis.Request.Name,
            Version = analysis.Request.Version,
            Status = analysis.Status,
            CreatedAt = analysis.CreatedAt,
            FinishedAt = analysis.FinishedAt,
        };
    }

    public bool Matches(AnalysisListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return (query.Status is null || query.Status == Status)
            && (query.Ecosystem is null || query.Ecosystem == Ecosystem)
            && (query.Name is null || query.Name == Name)
            && (query.Since is null || CreatedAt >= query.Since)
            && (query.Until is null || CreatedAt < query.Until)
            && (query.After is null || Position.CompareTo(query.After) > 0);
    }
}

/// <summary>
/// How many analyses of the list's filters are in each status (the UI's status counts). <see cref="AnalysisListQuery.Status"/>,
/// <see cref="AnalysisListQuery.Limit"/> and <see cref="AnalysisListQuery.After"/> of the query are not used: every status is counted.
/// </summary>
[GenerateSerializer, Alias("cucos.AnalysisStatusCounts")]
public sealed record AnalysisStatusCounts
{
    [Id(0)] public required IReadOnlyDictionary<AnalysisStatus, long> Counts { get; init; }

    public long Total => Counts.Values.Sum();
}

/// <summary>A page of the list; <see cref="Next"/> is where the next page starts, null on the last page.</summary>
[GenerateSerializer, Alias("cucos.AnalysisListPage")]
public sealed record AnalysisListPage
{
    [Id(0)] public required IReadOnlyList<AnalysisListEntry> Analyses { get; init; }
    [Id(1)] public AnalysisListPosition? Next { get; init; }
}
