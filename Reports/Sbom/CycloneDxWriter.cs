using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cucos.Reports.Sbom;

/// <summary>
/// Writes a <see cref="SbomModel"/> as a CycloneDX 1.6 JSON BOM, streaming (no document tree is built). The mapping of
/// each field is in docs/sbom.md.
/// </summary>
public static class CycloneDxWriter
{
    public const string SpecVersion = "1.6";
    public const string MediaType = "application/vnd.cyclonedx+json; version=1.6";

    public static void Write(SbomModel model, Stream output, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        json.WriteString("bomFormat", "CycloneDX");
        json.WriteString("specVersion", SpecVersion);
        json.WriteString("serialNumber", "urn:uuid:" + SerialNumber(model.Analysis.AnalysisId).ToString("D"));
        json.WriteNumber("version", 1);

        json.WriteStartObject("metadata");
        json.WriteString("timestamp", model.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteStartObject("tools");
        json.WriteStartArray("components");
        json.WriteStartObject();
        json.WriteString("type", "application");
        json.WriteString("name", "cucos");
        json.WriteString("version", toolVersion);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WritePropertyName("component");
        WritePackage(json, model.Root, model, isRoot: true);
        json.WriteEndObject();

        json.WriteStartArray("components");
        foreach (var dependency in model.Dependencies)
            WritePackage(json, dependency, model, isRoot: false);
        foreach (var asset in model.CryptoAssets)
            WriteCryptoAsset(json, asset);
        foreach (var file in model.Files)
        {
            json.WriteStartObject();
            json.WriteString("type", "file");
            json.WriteString("bom-ref", FileRef(file.Path));
            json.WriteString("name", file.Path);
            WriteHashes(json, file.Hashes);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("dependencies");
        foreach (var (reference, dependsOn) in model.Edges)
        {
            json.WriteStartObject();
            json.WriteString("ref", reference);
            json.WriteStartArray("dependsOn");
            foreach (var target in dependsOn)
                json.WriteStringValue(target);
            json.WriteEndArray();
            if (reference == model.Root.Ref && model.CryptoAssets.Count > 0)
            {
                // The 1.6 CBOM relation: the package implements these assets.
                json.WriteStartArray("provides");
                foreach (var asset in model.CryptoAssets)
                    json.WriteStringValue(CryptoRef(asset.Name));
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();

        if (model.Vulnerabilities.Count > 0)
        {
            json.WriteStartArray("vulnerabilities");
            foreach (var vulnerability in model.Vulnerabilities)
                WriteVulnerability(json, vulnerability);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    public static string FileRef(string path) => "file:" + path;

    public static string CryptoRef(string name) => "crypto:" + name;

    /// <summary>The analysis id is 32 hex digits, a UUID already; any other id gets a stable one from its hash.</summary>
    internal static Guid SerialNumber(string analysisId) =>
        Guid.TryParseExact(analysisId, "N", out var id) ? id : new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(analysisId)).AsSpan(0, 16));

    private static void WritePackage(Utf8JsonWriter json, SbomPackage package, SbomModel model, bool isRoot)
    {
        json.WriteStartObject();
        json.WriteString("type", "library");
        json.WriteString("bom-ref", package.Ref);
        // The supplier is whoever publishes the package: its first maintainer, else its author.
        if ((isRoot ? package.Maintainers.FirstOrDefault() ?? package.Author : null) is { } supplier)
        {
            json.WriteStartObject("supplier");
            json.WriteString("name", supplier.Name ?? supplier.Email ?? "");
            if (supplier.Url is { } url)
            {
                json.WriteStartArray("url");
                json.WriteStringValue(url);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        if (package.Author is { } author)
        {
            json.WriteStartArray("authors");
            WriteContact(json, author);
            json.WriteEndArray();
        }
        if (package.Purl.Namespace is { } group)
            json.WriteString("group", group);
        json.WriteString("name", package.Purl.Name);
        if (package.Version is { } version)
            json.WriteString("version", version);
        if (package.Description is { } description)
            json.WriteString("description", description);
        if (!isRoot)
            json.WriteString("scope", "required");
        WriteHashes(json, package.Hashes);
        WriteLicenses(json, package, out var declaredAsProperty);
        json.WriteString("purl", package.Purl.ToString());
        if (package.References.Count > 0)
        {
            json.WriteStartArray("externalReferences");
            foreach (var reference in package.References)
            {
                json.WriteStartObject();
                json.WriteString("type", reference.Type);
                json.WriteString("url", reference.Url);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        var properties = new List<(string, string)>();
        if (package.AnalysisId is { } analysisId)
            properties.Add(("cucos:analysis_id", analysisId));
        if (package.Spec is { } spec)
            properties.Add(("cucos:declared_spec", spec));
        if (package.Unresolved is { } reason)
            properties.Add(("cucos:unresolved", reason));
        if (declaredAsProperty is not null)
            properties.Add(("cucos:declared_license", declaredAsProperty));
        if (isRoot)
            foreach (var library in model.CryptoLibraries)
                properties.Add(("cucos:crypto_library", library));
        WriteProperties(json, properties);
        json.WriteEndObject();
    }

    private static void WriteContact(Utf8JsonWriter json, SbomPerson person)
    {
        json.WriteStartObject();
        if (person.Name is { } name)
            json.WriteString("name", name);
        if (person.Email is { } email)
            json.WriteString("email", email);
        json.WriteEndObject();
    }

    /// <summary>
    /// CycloneDX takes either a list of single licences or exactly one expression. Two single ids become two licences
    /// (acknowledgement declared and concluded); when one is a compound expression, the concluded one (else the declared
    /// one) is the expression and the other goes to the property <c>cucos:declared_license</c>.
    /// </summary>
    private static void WriteLicenses(Utf8JsonWriter json, SbomPackage package, out string? declaredAsProperty)
    {
        declaredAsProperty = null;
        var declared = package.DeclaredLicense;
        var concluded = package.ConcludedLicense;
        if (declared is null && concluded is null)
            return;
        json.WriteStartArray("licenses");
        if ((declared is null || IsSingle(declared)) && (concluded is null || IsSingle(concluded)))
        {
            if (declared is not null)
                WriteLicense(json, declared, "declared");
            if (concluded is not null)
                WriteLicense(json, concluded, "concluded");
        }
        else
        {
            json.WriteStartObject();
            json.WriteString("expression", concluded ?? declared);
            json.WriteString("acknowledgement", concluded is not null ? "concluded" : "declared");
            json.WriteEndObject();
            if (concluded is not null && declared is not null)
                declaredAsProperty = declared;
        }
        json.WriteEndArray();
    }

    private static void WriteLicense(Utf8JsonWriter json, string license, string acknowledgement)
    {
        json.WriteStartObject();
        json.WriteStartObject("license");
        // LicenseRef-... is not in the SPDX list the schema enumerates: it is a name.
        json.WriteString(license.StartsWith("LicenseRef-", StringComparison.Ordinal) ? "name" : "id", license);
        json.WriteString("acknowledgement", acknowledgement);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    internal static bool IsSingle(string expression) => expression.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+');

    private static void WriteHashes(Utf8JsonWriter json, IReadOnlyList<SbomHash> hashes)
    {
        if (hashes.Count == 0)
            return;
        json.WriteStartArray("hashes");
        foreach (var hash in hashes)
        {
            json.WriteStartObject();
            json.WriteString("alg", hash.Algorithm);
            json.WriteString("content", hash.Value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteProperties(Utf8JsonWriter json, List<(string Name, string Value)> properties)
    {
        if (properties.Count == 0)
            return;
        json.WriteStartArray("properties");
        foreach (var (name, value) in properties)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("value", value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteCryptoAsset(Utf8JsonWriter json, SbomCryptoAsset asset)
    {
        json.WriteStartObject();
        json.WriteString("type", "cryptographic-asset");
        json.WriteString("bom-ref", CryptoRef(asset.Name));
        json.WriteString("name", asset.Name);
        json.WriteStartObject("cryptoProperties");
        switch (asset.Category)
        {
            case "protocol":
                json.WriteString("assetType", "protocol");
                json.WriteStartObject("protocolProperties");
                json.WriteString("type", asset.Name.Contains("TLS", StringComparison.Ordinal) || asset.Name.Contains("SSL", StringComparison.Ordinal) ? "tls"
                    : asset.Name.Contains("SSH", StringComparison.Ordinal) ? "ssh" : "other");
                json.WriteEndObject();
                break;
            case "key_material" when asset.Name.Contains("certificate", StringComparison.OrdinalIgnoreCase):
                json.WriteString("assetType", "certificate");
                break;
            case "key_material":
                json.WriteString("assetType", "related-crypto-material");
                json.WriteStartObject("relatedCryptoMaterialProperties");
                json.WriteString("type", asset.Name.Contains("private", StringComparison.OrdinalIgnoreCase) ? "private-key"
                    : asset.Name.Contains("public", StringComparison.OrdinalIgnoreCase) ? "public-key" : "key");
                json.WriteEndObject();
                break;
            default:
                json.WriteString("assetType", "algorithm");
                json.WriteStartObject("algorithmProperties");
                var (primitive, mode) = Primitive(asset);
                json.WriteString("primitive", primitive);
                if (mode is not null)
                    json.WriteString("mode", mode);
                json.WriteEndObject();
                break;
        }
        json.WriteEndObject();
        var properties = new List<(string, string)>
        {
            ("cucos:crypto_category", asset.Category),
            ("cucos:matches", asset.Matches.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cucos:files", asset.Files.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (asset.Weak)
            properties.Add(("cucos:weak", asset.WeakReason ?? "weak or deprecated"));
        WriteProperties(json, properties);
        json.WriteEndObject();
    }

    /// <summary>The CBOM primitive (and block-cipher mode) of a crypto_algorithms category and name.</summary>
    internal static (string Primitive, string? Mode) Primitive(SbomCryptoAsset asset)
    {
        var name = asset.Name.ToUpperInvariant();
        return asset.Category switch
        {
            "hash" => ("hash", null),
            "kdf" => ("kdf", null),
            "mac" => ("mac", null),
            "symmetric_cipher" when name is "RC4" or "CHACHA20" or "SALSA20" or "SALSA20/CHACHA FAMILY" or "RABBIT" => ("stream-cipher", null),
            "symmetric_cipher" => ("block-cipher", null),
            "mode" when name.StartsWith("GCM", StringComparison.Ordinal) || name.StartsWith("CCM", StringComparison.Ordinal) => ("ae", name[..3].ToLowerInvariant()),
            "mode" => ("block-cipher", name.Split(' ')[0] is var m && m is "CBC" or "ECB" or "CFB" or "OFB" or "CTR" ? m.ToLowerInvariant() : "other"),
            "asymmetric" when name.Contains("KEM", StringComparison.Ordinal) => ("kem", null),
            "asymmetric" when name.Contains("DSA", StringComparison.Ordinal) || name.StartsWith("ED", StringComparison.Ordinal) => ("signature", null),
            "asymmetric" when name.Contains("DH", StringComparison.Ordinal) || name.Contains("DIFFIE", StringComparison.Ordinal) => ("key-agree", null),
            "asymmetric" when name.StartsWith("RSA", StringComparison.Ordinal) || name.StartsWith("ELGAMAL", StringComparison.Ordinal) => ("pke", null),
            _ => ("other", null),
        };
    }

    private static void WriteVulnerability(Utf8JsonWriter json, SbomVulnerability vulnerability)
    {
        json.WriteStartObject();
        json.WriteString("bom-ref", "vulnerability:" + vulnerability.Id);
        json.WriteString("id", vulnerability.Id);
        json.WriteStartObject("source");
        json.WriteString("name", SourceName(vulnerability.Id));
        json.WriteEndObject();
        if (vulnerability.Aliases.Count > 0)
        {
            json.WriteStartArray("references");
            foreach (var alias in vulnerability.Aliases)
            {
                json.WriteStartObject();
                json.WriteString("id", alias);
                json.WriteStartObject("source");
                json.WriteString("name", SourceName(alias));
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteStartArray("ratings");
        foreach (var (type, vector, score, rating) in vulnerability.Severities)
        {
            json.WriteStartObject();
            if (score is { } value)
                json.WriteNumber("score", value);
            json.WriteString("severity", Severity(rating ?? vulnerability.Rating));
            json.WriteString("method", Method(type, vector));
            json.WriteString("vector", vector);
            json.WriteEndObject();
        }
        if (vulnerability.Severities.Count == 0)
        {
            json.WriteStartObject();
            json.WriteString("severity", Severity(vulnerability.Rating));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (vulnerability.Cwes.Count > 0)
        {
            json.WriteStartArray("cwes");
            foreach (var cwe in vulnerability.Cwes)
                json.WriteNumberValue(cwe);
            json.WriteEndArray();
        }
        if (vulnerability.Summary is { } summary)
            json.WriteString("description", summary);
        if (vulnerability.Advice is { } advice)
            json.WriteString("recommendation", advice);
        if (vulnerability.References.Count > 0)
        {
            json.WriteStartArray("advisories");
            foreach (var reference in vulnerability.References)
            {
                json.WriteStartObject();
                json.WriteString("url", reference.Url);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (vulnerability.Published is { } published)
            json.WriteString("published", published);
        if (vulnerability.Modified is { } modified)
            json.WriteString("updated", modified);
        json.WriteStartArray("affects");
        foreach (var (reference, version) in vulnerability.Affects)
        {
            json.WriteStartObject();
            json.WriteString("ref", reference);
            if (version is not null)
            {
                json.WriteStartArray("versions");
                json.WriteStartObject();
                json.WriteString("version", version);
                json.WriteString("status", "affected");
                json.WriteEndObject();
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (vulnerability.FixedVersions.Count > 0)
        {
            json.WriteStartArray("properties");
            foreach (var fixedVersion in vulnerability.FixedVersions)
            {
                json.WriteStartObject();
                json.WriteString("name", "cucos:fixed_version");
                json.WriteString("value", fixedVersion);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static string SourceName(string id) =>
        id.StartsWith("CVE-", StringComparison.Ordinal) ? "NVD"
        : id.StartsWith("GHSA-", StringComparison.Ordinal) ? "GitHub Advisories"
        : "OSV";

    private static string Severity(string rating) => rating.ToLowerInvariant() switch
    {
        "critical" or "high" or "medium" or "low" or "none" => rating.ToLowerInvariant(),
        "moderate" => "medium",
        _ => "unknown",
    };

    /// <summary>OSV's severity type (CVSS_V2, CVSS_V3, CVSS_V4) as a CycloneDX score method; a 3.1 vector says CVSSv31.</summary>
    private static string Method(string type, string vector) => type.ToUpperInvariant() switch
    {
        "CVSS_V2" => "CVSSv2",
        "CVSS_V3" when vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal) => "CVSSv31",
        "CVSS_V3" => "CVSSv3",
        "CVSS_V4" => "CVSSv4",
        _ => "other",
    };
}
