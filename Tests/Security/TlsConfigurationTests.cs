using System.Security.Cryptography.X509Certificates;
using Cucos.Client.Security;
using Cucos.Silo;
using Microsoft.Extensions.Configuration;

namespace Cucos.Tests.Security;

/// <summary>
/// Secure by default (a silo reachable beyond loopback needs TLS or an explicit opt-out), the errors of bad certificate
/// settings, and which peer certificates the mutual TLS check accepts.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TlsConfigurationTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private const string Section = "Cucos:Tls";

    private static SiloSettings Settings(Dictionary<string, string?> values, bool inCluster = false)
    {
        if (inCluster)
        {
            values["Cucos:Kubernetes:Enabled"] = "true";
            values["POD_NAME"] = "cucos-silo-0";
            values["POD_NAMESPACE"] = "cucos";
            values["POD_IP"] = "10.1.2.3";
        }
        return SiloSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), () => inCluster);
    }

    [Fact]
    public void A_clustered_silo_advertising_a_non_loopback_address_without_tls_refuses_to_start_naming_the_settings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(new()
        {
            ["ConnectionStrings:Cucos"] = "Host=db;Database=cucos",
            ["Cucos:AdvertisedAddress"] = "10.0.0.7",
        }));

        Assert.StartsWith("this silo's ports are reachable beyond this machine (Cucos:AdvertisedAddress is 10.0.0.7) and Cucos:Tls:Certificate is not set", error.Message);
        Assert.Contains("Cucos:AllowUnauthenticatedCluster=true", error.Message);
    }

    [Fact]
    public void A_pod_without_tls_refuses_to_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(new() { ["ConnectionStrings:Cucos"] = "Host=db;Database=cucos" }, inCluster: true));

        Assert.Contains("(Kubernetes mode) and Cucos:Tls:Certificate is not set", error.Message);
    }

    [Fact]
    public void The_explicit_opt_out_a_loopback_silo_and_the_in_memory_profile_start_without_tls()
    {
        Assert.Null(Settings(new()
        {
            ["ConnectionStrings:Cucos"] = "Host=db;Database=cucos",
            ["Cucos:AdvertisedAddress"] = "10.0.0.7",
            ["Cucos:AllowUnauthenticatedCluster"] = "true",
        }).Tls);
        Assert.False(Settings(new() { ["ConnectionStrings:Cucos"] = "Host=db;Database=cucos" }).ReachableBeyondLoopback);
        Assert.False(Settings(new() { ["Cucos:AdvertisedAddress"] = "10.0.0.7" }).ReachableBeyondLoopback); // listens on loopback
    }

    [Fact]
    public void A_pod_with_a_certificate_starts_with_tls()
    {
        var settings = Settings(new()
        {
            ["ConnectionStrings:Cucos"] = "Host=db;Database=cucos",
            ["Cucos:Tls:Certificate"] = "/etc/cucos/tls/tls.crt",
            ["Cucos:Tls:CertificateKey"] = "/etc/cucos/tls/tls.key",
            ["Cucos:Tls:TrustedCa"] = "/etc/cucos/tls/ca.crt",
        }, inCluster: true);

        Assert.Equal("/etc/cucos/tls/ca.crt", settings.Tls?.TrustedCa);
    }

    [Fact]
    public void The_silo_certificate_loads_from_a_pfx_and_the_client_certificate_from_pem()
    {
        using var silo = CucosTlsCredentials.Load(new() { Certificate = certificates.SiloPfx, CertificatePassword = TestCertificates.SiloPassword, TrustedCa = certificates.CaFile }, Section, asSilo: true);
        using var client = CucosTlsCredentials.Load(certificates.Client(), Section, asSilo: false);

        Assert.True(silo.Certificate.HasPrivateKey);
        Assert.Equal("CN=cucos-client", client.Certificate.Subject);
    }

    public static TheoryData<string, string> BadSettings => new()
    {
        { "missing", "Cucos:Tls:Certificate is '{dir}/missing.pfx', and there is no such file" },
        { "wrong password", "Cucos:Tls:Certificate '{dir}/silo.pfx' could not be opened as a PKCS#12 (.pfx) file: the password (Cucos:Tls:CertificatePassword) is wrong" },
        { "no key", "Cucos:Tls:Certificate '{dir}/client-no-key.crt' (CN=cucos-client) has no private key" },
        { "expired", "Cucos:Tls:Certificate '{dir}/expired.crt' (CN=cucos-client-expired) expired on " },
        { "no trust", "Cucos:Tls:Certificate is set but nothing is trusted: give Cucos:Tls:TrustedCa" },
        { "missing ca", "Cucos:Tls:TrustedCa is '{dir}/missing-ca.crt', and there is no such file" },
        { "ca not pem", "Cucos:Tls:TrustedCa '{dir}/silo.pfx' holds no PEM certificate" },
        { "bad thumbprint", "Cucos:Tls:TrustedThumbprints has 'abc': give a certificate's SHA-1 (40 hex digits) or SHA-256" },
        { "client cert as silo", "(CN=cucos-client) is not allowed for server authentication (extended key usage serverAuth), which a silo's ports need" },
        { "missing key", "Cucos:Tls:CertificateKey is '{dir}/missing.key', and there is no such file" },
        { "key of another certificate", "Cucos:Tls:Certificate '{dir}/client.crt' could not be read as PEM with its key" },
    };

    [Theory, MemberData(nameof(BadSettings))]
    public void A_bad_certificate_setting_is_one_sentence_naming_the_setting(string problem, string expected)
    {
        var options = problem switch
        {
            "missing" => new CucosTlsOptions { Certificate = certificates.Combine("missing.pfx"), TrustedCa = certificates.CaFile },
            "wrong password" => new() { Certificate = certificates.SiloPfx, CertificatePassword = "not-it", TrustedCa = certificates.CaFile },
            "no key" => new() { Certificate = certificates.CertificateOnly, TrustedCa = certificates.CaFile },
            "expired" => new() { Certificate = certificates.ExpiredCertificate, CertificateKey = certificates.ExpiredKey, TrustedCa = certificates.CaFile },
            "no trust" => new() { Certificate = certificates.ClientCertificate, CertificateKey = certificates.ClientKey },
            "missing ca" => new() { Certificate = certificates.ClientCertificate, CertificateKey = certificates.ClientKey, TrustedCa = certificates.Combine("missing-ca.crt") },
            "ca not pem" => new() { Certificate = certificates.ClientCertificate, CertificateKey = certificates.ClientKey, TrustedCa = certificates.SiloPfx },
            "bad thumbprint" => new() { Certificate = certificates.ClientCertificate, CertificateKey = certificates.ClientKey, TrustedThumbprints = ["abc"] },
            "client cert as silo" => certificates.Client(),
            "missing key" => new() { Certificate = certificates.ClientCertificate, CertificateKey = certificates.Combine("missing.key"), TrustedCa = certificates.CaFile },
            "key of another certificate" => new() { Certificate = certificates.ClientCertificate, CertificateKey = certificates.UntrustedKey, TrustedCa = certificates.CaFile },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var error = Assert.Throws<InvalidOperationException>(() => CucosTlsCredentials.Load(options, Section, asSilo: true).Dispose());

        Assert.Contains(expected.Replace("{dir}", Path.GetDirectoryName(certificates.CaFile), StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain(TestCertificates.SiloPassword, error.Message);
        Assert.DoesNotContain("not-it", error.Message);
    }

    [Fact]
    public void A_peer_is_accepted_when_the_trusted_ca_issued_its_current_certificate_or_its_thumbprint_is_listed()
    {
        using var silo = CucosTlsCredentials.Load(new() { Certificate = certificates.SiloPfx, CertificatePassword = TestCertificates.SiloPassword, TrustedCa = certificates.CaFile }, Section, asSilo: true);
        using var client = X509Certificate2.CreateFromPemFile(certificates.ClientCertificate, certificates.ClientKey);
        using var untrusted = X509Certificate2.CreateFromPemFile(certificates.UntrustedCertificate, certificates.UntrustedKey);
        using var expired = X509Certificate2.CreateFromPemFile(certificates.ExpiredCertificate, certificates.ExpiredKey);

        Assert.True(silo.Accepts(client));
        Assert.True(silo.Accepts(silo.Certificate)); // silo to silo
        Assert.False(silo.Accepts(untrusted));
        Assert.False(silo.Accepts(expired));

        using var pinned = CucosTlsCredentials.Load(new()
        {
            Certificate = certificates.SiloPfx,
            CertificatePassword = TestCertificates.SiloPassword,
            TrustedThumbprints = [string.Join(':', untrusted.Thumbprint.Chunk(2).Select(c => new string(c)))],
        }, Section, asSilo: true);
        Assert.True(pinned.Accepts(untrusted));
        Assert.False(pinned.Accepts(client)); // only the CA would have admitted it, and none is trusted
    }
}
