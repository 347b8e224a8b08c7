using Cucos.Grains.Hosting;
using Cucos.Tests.Support;

namespace Cucos.Tests.Security;

/// <summary>The real silo executable refuses to start open to the network, or with a bad certificate, in one line.</summary>
[Trait("Category", "Processes")]
public sealed class SiloStartRefusalTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private static Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment)
    {
        using var cache = new TempDirectory("cucos-cache");
        return SiloProcess.RunToExitAsync(cache.Path, "refusal-" + Guid.NewGuid().ToString("N")[..8],
            CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort(), environment);
    }

    [Fact]
    public async Task A_silo_advertising_a_network_address_without_tls_refuses_to_start_before_it_opens_a_port()
    {
        // No database is reached: the refusal comes before the silo waits for one.
        var (exitCode, output) = await RunAsync(new()
        {
            ["ConnectionStrings__Cucos"] = "Host=127.0.0.1;Port=1;Database=cucos",
            ["Cucos__AdvertisedAddress"] = "10.255.0.7",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("error: this silo's ports are reachable beyond this machine (Cucos:AdvertisedAddress is 10.255.0.7) and Cucos:Tls:Certificate is not set", output);
        Assert.Contains("Cucos:AllowUnauthenticatedCluster=true", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_silo_whose_certificate_password_is_wrong_says_so_without_the_password()
    {
        var environment = certificates.SiloEnvironment();
        environment["Cucos__Tls__CertificatePassword"] = "wrong-password";

        var (exitCode, output) = await RunAsync(environment);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: Cucos:Tls:Certificate '{certificates.SiloPfx}' could not be opened as a PKCS#12 (.pfx) file: the password (Cucos:Tls:CertificatePassword) is wrong", output);
        Assert.DoesNotContain("wrong-password", output);
        Assert.DoesNotContain("   at ", output);
    }
}
