using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace Cucos.Silo;

/// <summary>
/// How fast the cluster notices a dead silo (<c>Cucos:Membership:*</c>), mapped onto Orleans' ClusterMembershipOptions.
/// The defaults trade a little more probing and table traffic for detection in seconds instead of minutes;
/// docs/operations.md ("Failure detection") gives the bill.
/// </summary>
public sealed record MembershipSettings(
    TimeSpan ProbeTimeout,
    int MissedProbesLimit,
    TimeSpan IAmAlivePeriod,
    int MissedIAmAliveLimit,
    TimeSpan TableRefreshPeriod)
{
    public const string Section = "Cucos:Membership";

    /// <summary>
    /// A probe unanswered this long counts as missed (Orleans: 5 s). Probes of each watched silo start about this often,
    /// so a dead silo is suspected after about <see cref="MissedProbesLimit"/> times this.
    /// </summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes in a row before a silo votes another dead (Orleans: 3).</summary>
    public const int DefaultMissedProbesLimit = 3;

    /// <summary>
    /// How often each silo writes its heartbeat into the membership table (Orleans: 30 s). A row whose heartbeat is older
    /// than this times <see cref="MissedIAmAliveLimit"/> is stale: one vote is then enough to declare it dead, which is
    /// what lets a fresh cluster get past the Active rows its killed predecessors left behind.
    /// </summary>
    public static readonly TimeSpan DefaultIAmAlivePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Missed heartbeats before a row is stale (Orleans: 3).</summary>
    public const int DefaultMissedIAmAliveLimit = 2;

    /// <summary>
    /// How often each silo reads the whole membership table (Orleans: 60 s). Gossip brings most changes at once; the read
    /// is what a silo cut off from its peers (a partition) learns from, e.g. that it was declared dead and must stop.
    /// </summary>
    public static readonly TimeSpan DefaultTableRefreshPeriod = TimeSpan.FromSeconds(10);

    public static MembershipSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return new MembershipSettings(
            Duration(section, nameof(ProbeTimeout), DefaultProbeTimeout),
            Count(section, nameof(MissedProbesLimit), DefaultMissedProbesLimit),
            Duration(section, nameof(IAmAlivePeriod), DefaultIAmAlivePeriod),
            Count(section, nameof(MissedIAmAliveLimit), DefaultMissedIAmAliveLimit),
            Duration(section, nameof(TableRefreshPeriod), DefaultTableRefreshPeriod));
    }

    /// <summary>The time after its last heartbeat at which a silo's row counts as stale.</summary>
    public TimeSpan StaleAfter => IAmAlivePeriod * MissedIAmAliveLimit;

    public void Apply(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = MissedProbesLimit;
        options.IAmAliveTablePublishTimeout = IAmAlivePeriod;
        options.NumMissedTableIAmAliveLimit = MissedIAmAliveLimit;
        options.TableRefreshTimeout = TableRefreshPeriod;
    }

    private static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback) =>
        section[key] is not { Length: > 0 } value ? fallback
        : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero ? duration
        : throw new InvalidOperationException($"{Section}:{key} is '{value}': give a positive duration such as {fallback:c}.");

    private static int Count(IConfigurationSection section, string key, int fallback) =>
        section[key] is not { Length: > 0 } value ? fallback
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 ? count
        : throw new InvalidOperationException($"{Section}:{key} is '{value}': give a whole number of 1 or more, such as {fallback}.");
}
