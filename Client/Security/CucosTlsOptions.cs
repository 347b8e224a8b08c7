namespace Cucos.Client.Security;

/// <summary>
/// A silo's or a client's TLS certificate and whom it trusts, bound from <c>Cucos:Tls</c> (a silo) or
/// <c>Cucos:Client:Tls</c> (a client). Both sides present a certificate: a peer without an acceptable one is refused.
/// </summary>
public sealed class CucosTlsOptions
{
    /// <summary>The own certificate: a PKCS#12 file (.pfx, .p12), or a PEM file with its key in it or in <see cref="CertificateKey"/>.</summary>
    public string? Certificate { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM key; best given through the environment, never on a command line.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key file of a PEM <see cref="Certificate"/> (e.g. a Kubernetes TLS Secret's tls.key).</summary>
    public string? CertificateKey { get; set; }

    /// <summary>A PEM file of the certificate authorities whose certificates are accepted from peers (e.g. a Secret's ca.crt).</summary>
    public string? TrustedCa { get; set; }

    /// <summary>Peer certificates accepted by their SHA-1 or SHA-256 thumbprint (hex), besides those <see cref="TrustedCa"/> signed.</summary>
    public List<string> TrustedThumbprints { get; set; } = [];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Certificate);
}
