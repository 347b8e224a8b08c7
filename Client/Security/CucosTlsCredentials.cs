using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Cucos.Client.Security;

/// <summary>
/// A loaded <see cref="CucosTlsOptions"/>: the own certificate with its private key, and the check a peer's certificate
/// must pass. Silos and clients use the same: every connection, silo to silo and client to gateway, is mutual TLS.
/// </summary>
public sealed class CucosTlsCredentials : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection authorities;
    private readonly HashSet<string> thumbprints;
    private readonly TimeProvider time;

    private CucosTlsCredentials(X509Certificate2 certificate, X509Certificate2Collection authorities, HashSet<string> thumbprints, TimeProvider time)
    {
        Certificate = certificate;
        this.authorities = authorities;
        this.thumbprints = thumbprints;
        this.time = time;
    }

    /// <summary>The own certificate: the server certificate of the silo and gateway ports, and the client certificate of outgoing connections.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// Loads and checks the certificate files; a problem (a missing file, a wrong password, no private key, an expired
    /// certificate, no trust given) is one <see cref="InvalidOperationException"/> naming the setting under <paramref name="section"/>.
    /// </summary>
    /// <param name="asSilo">A silo's certificate also serves its ports, so it must be allowed for server authentication too.</param>
    public static CucosTlsCredentials Load(CucosTlsOptions options, string section, bool asSilo, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        var path = options.Certificate is { Length: > 0 } given ? given
            : throw new InvalidOperationException($"{section}:Certificate is not set: give the path of this side's certificate (a .pfx file, or a PEM file with {section}:CertificateKey).");
        var thumbprints = Thumbprints(options.TrustedThumbprints, section);
        if (string.IsNullOrWhiteSpace(options.TrustedCa) && thumbprints.Count == 0)
            throw new InvalidOperationException(
                $"{section}:Certificate is set but nothing is trusted: give {section}:TrustedCa (the CA certificate file that signed the cluster's and its clients' certificates) or {section}:TrustedThumbprints.");
        var authorities = string.IsNullOrWhiteSpace(options.TrustedCa) ? [] : Authorities(options.TrustedCa, section);
        var certificate = ReadCertificate(path, options, section);
        try
        {
            Check(certificate, path, section, asSilo, time.GetUtcNow().UtcDateTime);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
        return new CucosTlsCredentials(certificate, authorities, thumbprints, time);
    }

    /// <summary>Sets Orleans' TLS options: this certificate on every connection, a certificate required from every peer, and this check of it.</summary>
    public void Configure(TlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        tls.LocalCertificate = Certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (certificate, chain, _) => Accepts(certificate, chain);
    }

    /// <summary>
    /// Whether a peer's certificate is current and either listed by thumbprint or issued by a trusted authority. Host
    /// names are not checked: silos are reached at pod addresses no certificate names, so the issuer is the identity.
    /// </summary>
    public bool Accepts(X509Certificate2 certificate, X509Chain? presented = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            return false;
        if (thumbprints.Contains(certificate.Thumbprint) || thumbprints.Contains(Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256))))
            return true;
        if (authorities.Count == 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate); // the intermediates the peer sent
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var authority in authorities)
            authority.Dispose();
    }

    private static X509Certificate2 ReadCertificate(string path, CucosTlsOptions options, string section)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{section}:Certificate is '{path}', and there is no such file: give the path of the certificate file.");
        var pem = options.CertificateKey is { Length: > 0 } || File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal);
        if (options.CertificateKey is { Length: > 0 } key && !File.Exists(key))
            throw new InvalidOperationException($"{section}:CertificateKey is '{key}', and there is no such file: give the path of the certificate's PEM private key.");
        try
        {
            return pem ? ReadPem(path, options.CertificateKey, options.CertificatePassword)
                : X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException) when (!pem)
        {
            throw new InvalidOperationException(
                $"{section}:Certificate '{path}' could not be opened as a PKCS#12 (.pfx) file: the password ({section}:CertificatePassword) is wrong or the file is damaged.");
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException) // ArgumentException: a key of another certificate
        {
            throw new InvalidOperationException(
                $"{section}:Certificate '{path}' could not be read as PEM with its key ({exception.Message.TrimEnd('.')}): check that the key file belongs to the certificate, and {section}:CertificatePassword for an encrypted key.");
        }
    }

    private static X509Certificate2 ReadPem(string path, string? keyPath, string? password)
    {
        if (keyPath is null && !File.ReadAllText(path).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            return X509CertificateLoader.LoadCertificateFromFile(path); // reported as having no private key by Check
        return string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
    }

    private static void Check(X509Certificate2 certificate, string path, string section, bool asSilo, DateTime now)
    {
        var name = $"{section}:Certificate '{path}' ({certificate.Subject})";
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException(
                $"{name} has no private key: give a .pfx file that holds it, or its PEM key file with {section}:CertificateKey.");
        if (now > certificate.NotAfter.ToUniversalTime())
            throw new InvalidOperationException($"{name} expired on {Stamp(certificate.NotAfter)}: renew it.");
        if (now < certificate.NotBefore.ToUniversalTime())
            throw new InvalidOperationException($"{name} is not valid before {Stamp(certificate.NotBefore)}: check this machine's clock or the certificate.");
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault()?.EnhancedKeyUsages;
        if (usages is null)
            return; // no restriction: good for both ends of a connection
        var oids = usages.Cast<Oid>().Select(o => o.Value).ToHashSet();
        if (!oids.Contains(ClientAuthentication))
            throw new InvalidOperationException($"{name} is not allowed for client authentication (extended key usage clientAuth), which every side of the cluster needs: issue it with clientAuth.");
        if (asSilo && !oids.Contains(ServerAuthentication))
            throw new InvalidOperationException($"{name} is not allowed for server authentication (extended key usage serverAuth), which a silo's ports need: issue it with serverAuth and clientAuth.");
    }

    private static X509Certificate2Collection Authorities(string path, string section)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{section}:TrustedCa is '{path}', and there is no such file: give the PEM file of the CA certificate.");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (CryptographicException)
        {
            authorities.Clear();
        }
        if (authorities.Count == 0)
            throw new InvalidOperationException($"{section}:TrustedCa '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate in PEM.");
        return authorities;
    }

    private static HashSet<string> Thumbprints(IEnumerable<string> given, string section)
    {
        var thumbprints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in given.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            var hex = text.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            if (hex.Length is not (40 or 64) || !hex.All(char.IsAsciiHexDigit))
                throw new InvalidOperationException($"{section}:TrustedThumbprints has '{text}': give a certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint.");
            thumbprints.Add(hex);
        }
        return thumbprints;
    }

    private static string Stamp(DateTime moment) => moment.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
