using Cucos.Client;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Cucos.Tests.Cluster;

/// <summary>An exception from a library outside the namespaces Orleans serialises by default.</summary>
public sealed class ForeignLibraryException(string message) : Exception(message);

/// <summary>
/// Orleans carries any exception across the wire with the serializer settings of Cucos' silos and clients (issue 22):
/// the soak run's 500s were a time-out with Polly's exception inside, which Orleans could not send.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ExceptionSerializationTests
{
    [Fact]
    public void An_exception_with_another_library_s_exception_inside_crosses_the_wire_with_its_messages()
    {
        using var services = new ServiceCollection().AddSerializer().AddCucosClient().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        Exception error = new TimeoutException("Grain placement operation timed out.", new ForeignLibraryException("The operation didn't complete within the allowed timeout."));

        var received = serializer.Deserialize<Exception>(serializer.SerializeToArray(error));

        var timeout = Assert.IsType<TimeoutException>(received);
        Assert.Equal("Grain placement operation timed out.", timeout.Message);
        Assert.Equal("The operation didn't complete within the allowed timeout.", timeout.InnerException?.Message);
    }

    [Fact]
    public void Without_the_setting_orleans_refuses_it_which_is_why_the_setting_is_there()
    {
        // The baseline: the same error with Orleans' defaults. If Orleans ever serialises it by default, this says so.
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        Exception error = new TimeoutException("t", new ForeignLibraryException("inner"));
        Assert.Throws<CodecNotFoundException>(() => serializer.SerializeToArray(error));
    }
}
