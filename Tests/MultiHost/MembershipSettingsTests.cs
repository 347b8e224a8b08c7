using Cucos.Silo;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace Cucos.Tests.MultiHost;

[Trait("Category", "Unit")]
public sealed class MembershipSettingsTests
{
    private static MembershipSettings From(params (string Key, string Value)[] values) => MembershipSettings.From(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

    [Fact]
    public void Without_settings_a_dead_silo_is_suspected_in_seconds_and_its_row_is_stale_after_ten()
    {
        var options = new ClusterMembershipOptions();
        From().Apply(options);

        Assert.Equal(TimeSpan.FromSeconds(2), options.ProbeTimeout);
        Assert.Equal(3, options.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), options.IAmAliveTablePublishTimeout);
        Assert.Equal(2, options.NumMissedTableIAmAliveLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), options.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), From().StaleAfter);
    }

    [Fact]
    public void Each_setting_reaches_its_Orleans_option()
    {
        var options = new ClusterMembershipOptions();
        From(("Cucos:Membership:ProbeTimeout", "00:00:05"), ("Cucos:Membership:MissedProbesLimit", "4"),
            ("Cucos:Membership:IAmAlivePeriod", "00:00:30"), ("Cucos:Membership:MissedIAmAliveLimit", "3"),
            ("Cucos:Membership:TableRefreshPeriod", "00:01:00")).Apply(options);

        Assert.Equal(TimeSpan.FromSeconds(5), options.ProbeTimeout);
        Assert.Equal(4, options.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IAmAliveTablePublishTimeout);
        Assert.Equal(3, options.NumMissedTableIAmAliveLimit);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TableRefreshTimeout);
    }

    [Theory]
    [InlineData("ProbeTimeout", "soon", "Cucos:Membership:ProbeTimeout is 'soon': give a positive duration such as 00:00:02.")]
    [InlineData("IAmAlivePeriod", "-00:00:05", "Cucos:Membership:IAmAlivePeriod is '-00:00:05': give a positive duration such as 00:00:05.")]
    [InlineData("MissedProbesLimit", "0", "Cucos:Membership:MissedProbesLimit is '0': give a whole number of 1 or more, such as 3.")]
    [InlineData("MissedIAmAliveLimit", "two", "Cucos:Membership:MissedIAmAliveLimit is 'two': give a whole number of 1 or more, such as 2.")]
    public void A_bad_value_is_named_with_what_to_give(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(($"Cucos:Membership:{key}", value)));
        Assert.Equal(message, error.Message);
    }
}
