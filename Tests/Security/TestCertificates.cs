using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cucos.Client.Security;
using Cucos.Tests.Support;

namespace Cucos.Tests.Security;

/// <summary>
/// Certificates the tests make, written as files the way an operator would have them: a test CA (PEM), a silo
/// certificate (PFX with a password) and a client certificate (PEM certificate and key) it issued, a client
/// certificate from another CA, an expired client certificate, and one with no private key.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string SiloPassword = "silo-pfx-secret";
    private readonly TempDirectory folder = new("cucos-tls");

    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = Authority(caKey, "CN=Cucos test CA", now);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = Authority(otherKey, "CN=Some other CA", now);
        CaFile = folder.WriteFile("ca.crt", System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()));

        using (var silo = Issue(ca, "CN=cucos-silo", now.AddDays(-1), now.AddDays(30), server: true))
            SiloPfx = folder.WriteFile("silo.pfx", silo.Export(X509ContentType.Pkcs12, SiloPassword));
        (ClientCertificate, ClientKey) = WritePem("client", Issue(ca, "CN=cucos-client", now.AddDays(-1), now.AddDays(30), server: false));
        (UntrustedCertificate, UntrustedKey) = WritePem("untrusted", Issue(other, "CN=cucos-client", now.AddDays(-1), now.AddDays(30), server: false));
        (ExpiredCertificate, ExpiredKey) = WritePem("expired", Issue(ca, "CN=cucos-client-expired", now.AddDays(-30), now.AddDays(-1), server: false));
        CertificateOnly = ClientCertificate.Replace("client.crt", "client-no-key.crt", StringComparison.Ordinal);
        File.Copy(ClientCertificate, CertificateOnly);
    }

    public string CaFile { get; }
    public string SiloPfx { get; }
    public string ClientCertificate { get; }
    public string ClientKey { get; }
    public string UntrustedCertificate { get; }
    public string UntrustedKey { get; }
    public string ExpiredCertificate { get; }
    public string ExpiredKey { get; }
    /// <summary>A PEM certificate with no key in it or beside it.</summary>
    public string CertificateOnly { get; }

    public string Combine(string name) => folder.Combine(name);

    /// <summary>The silo process settings for mutual TLS with the silo certificate, trusting the test CA.</summary>
    public Dictionary<string, string> SiloEnvironment() => new()
    {
        ["Cucos__Tls__Certificate"] = SiloPfx,
        ["Cucos__Tls__CertificatePassword"] = SiloPassword,
        ["Cucos__Tls__TrustedCa"] = CaFile,
    };

    public CucosTlsOptions Client() => new() { Certificate = ClientCertificate, CertificateKey = ClientKey, TrustedCa = CaFile };

    public CucosTlsOptions Untrusted() => new() { Certificate = UntrustedCertificate, CertificateKey = UntrustedKey, TrustedCa = CaFile };

    public void Dispose() => folder.Dispose();

    private static X509Certificate2 Authority(ECDsa key, string name, DateTimeOffset now)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-60), now.AddYears(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string name, DateTimeOffset notBefore, DateTimeOffset notAfter, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new("1.3.6.1.5.5.7.3.2") }; // clientAuth
        if (server)
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var issued = request.Create(authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }

    private (string Certificate, string Key) WritePem(string name, X509Certificate2 certificate)
    {
        using (certificate)
        {
            var key = certificate.GetECDsaPrivateKey()!;
            return (folder.WriteFile(name + ".crt", System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem())),
                folder.WriteFile(name + ".key", System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem())));
        }
    }
}
