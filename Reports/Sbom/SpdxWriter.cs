using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cucos.Reports.Sbom;

/// <summary>
/// Writes a <see cref="SbomModel"/> as an SPDX 2.3 JSON document, streaming. The root package DESCRIBES the document's
/// subject; dependencies are DEPENDS_ON relationships, files CONTAINS. The mapping is in docs/sbom.md.
/// </summary>
public static partial class SpdxWriter
{
    public const string MediaType = "application/spdx+json";
    public const string RootId = "SPDXRef-Package-root";

    public static void Write(SbomModel model, Stream output, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal) { [model.Root.Ref] = RootId };
        for (var i = 0; i < model.Dependencies.Count; i++)
            ids[model.Dependencies[i].Ref] = "SPDXRef-Package-" + (i + 1).ToString(CultureInfo.InvariantCulture);

        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("spdxVersion", "SPDX-2.3");
        json.WriteString("dataLicense", "CC0-1.0");
        json.WriteString("SPDXID", "SPDXRef-DOCUMENT");
        json.WriteString("name", model.Analysis.Release);
        // A URN of the analysis: unique per analysis without naming any host.
        json.WriteString("documentNamespace", "urn:uuid:" + CycloneDxWriter.SerialNumber(model.Analysis.AnalysisId).ToString("D"));
        json.WriteStartObject("creationInfo");
        json.WriteString("created", model.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        json.WriteStartArray("creators");
        json.WriteStringValue("Tool: cucos-" + toolVersion);
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("packages");
        WritePackage(json, model.Root, RootId, model, isRoot: true);
        foreach (var dependency in model.Dependencies)
            WritePackage(json, dependency, ids[dependency.Ref], model, isRoot: false);
        json.WriteEndArray();

        if (model.Files.Count > 0)
        {
            json.WriteStartArray("files");
            for (var i = 0; i < model.Files.Count; i++)
            {
                var file = model.Files[i];
                json.WriteStartObject();
                json.WriteString("SPDXID", FileId(i));
                json.WriteString("fileName", "./" + file.Path);
                json.WriteStartArray("checksums");
                foreach (var hash in file.Hashes)
                    WriteChecksum(json, hash);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        var licenceRefs = LicenseRefs(model);
        if (licenceRefs.Count > 0)
        {
            json.WriteStartArray("hasExtractedLicensingInfos");
            foreach (var reference in licenceRefs)
            {
                json.WriteStartObject();
                json.WriteString("licenseId", reference);
                json.WriteString("extractedText", "A licence that is not on the SPDX list; the source_licenses result of the analysis names the files it was found in.");
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        json.WriteStartArray("relationships");
        WriteRelationship(json, "SPDXRef-DOCUMENT", "DESCRIBES", RootId);
        foreach (var (reference, dependsOn) in model.Edges)
            foreach (var target in dependsOn)
                WriteRelationship(json, ids[reference], "DEPENDS_ON", ids[target]);
        for (var i = 0; i < model.Files.Count; i++)
            WriteRelationship(json, RootId, "CONTAINS", FileId(i));
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string FileId(int index) => "SPDXRef-File-" + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static void WritePackage(Utf8JsonWriter json, SbomPackage package, string id, SbomModel model, bool isRoot)
    {
        json.WriteStartObject();
        json.WriteString("SPDXID", id);
        json.WriteString("name", package.Name);
        if (package.Version is { } version)
            json.WriteString("versionInfo", version);
        var download = package.References.FirstOrDefault(r => r.Type == "distribution")?.Url;
        json.WriteString("downloadLocation", download ?? "NOASSERTION");
        var filesAnalyzed = isRoot && model.Files.Count > 0 && model.Files.All(f => f.Hashes.Any(h => h.Algorithm == "SHA-1"));
        json.WriteBoolean("filesAnalyzed", filesAnalyzed);
        if (filesAnalyzed)
        {
            json.WriteStartObject("packageVerificationCode");
            json.WriteString("packageVerificationCodeValue", VerificationCode(model.Files));
            json.WriteEndObject();
        }
        if (package.Hashes.Count > 0)
        {
            json.WriteStartArray("checksums");
            foreach (var hash in package.Hashes)
                WriteChecksum(json, hash);
            json.WriteEndArray();
        }
        if (package.References.FirstOrDefault(r => r.Type == "website")?.Url is { } homepage)
            json.WriteString("homepage", homepage);
        json.WriteString("licenseConcluded", package.ConcludedLicense ?? "NOASSERTION");
        json.WriteString("licenseDeclared", package.DeclaredLicense ?? "NOASSERTION");
        json.WriteString("copyrightText", "NOASSERTION");
        if (package.Description is { } description)
            json.WriteString("description", description);
        if ((package.Maintainers.FirstOrDefault() ?? package.Author) is { } supplier)
            json.WriteString("supplier", Agent(supplier));
        if (package.Author is { } author)
            json.WriteString("originator", Agent(author));
        json.WriteStartArray("externalRefs");
        json.WriteStartObject();
        json.WriteString("referenceCategory", "PACKAGE-MANAGER");
        json.WriteString("referenceType", "purl");
        json.WriteString("referenceLocator", package.Purl.ToString());
        json.WriteEndObject();
        foreach (var vulnerability in model.Vulnerabilities.Where(v => v.Affects.Any(a => a.Ref == package.Ref)))
        {
            json.WriteStartObject();
            json.WriteString("referenceCategory", "SECURITY");
            json.WriteString("referenceType", "advisory");
            json.WriteString("referenceLocator", vulnerability.References.FirstOrDefault(r => r.Type is "ADVISORY" or "WEB")?.Url
                ?? vulnerability.References.FirstOrDefault()?.Url ?? vulnerability.Id);
            json.WriteString("comment", $"{vulnerability.Id} ({vulnerability.Rating}): {vulnerability.Advice ?? vulnerability.Summary ?? "see the advisory"}");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (package.Spec is not null || package.Unresolved is not null)
            json.WriteString("comment", package.Unresolved is { } reason ? $"declared as {package.Spec}; not resolved: {reason}" : $"declared as {package.Spec}");
        json.WriteString("primaryPackagePurpose", "LIBRARY");
        json.WriteEndObject();
    }

    private static string Agent(SbomPerson person) =>
        person.Name is null ? $"Person: ({person.Email})" : person.Email is null ? $"Person: {person.Name}" : $"Person: {person.Name} ({person.Email})";

    private static void WriteChecksum(Utf8JsonWriter json, SbomHash hash)
    {
        json.WriteStartObject();
        json.WriteString("algorithm", hash.Algorithm.Replace("-", "", StringComparison.Ordinal));
        json.WriteString("checksumValue", hash.Value);
        json.WriteEndObject();
    }

    private static void WriteRelationship(Utf8JsonWriter json, string from, string type, string to)
    {
        json.WriteStartObject();
        json.WriteString("spdxElementId", from);
        json.WriteString("relationshipType", type);
        json.WriteString("relatedSpdxElement", to);
        json.WriteEndObject();
    }

    /// <summary>SPDX 2.3 section 7.9: the SHA-1 of the files' SHA-1 values, sorted, concatenated.</summary>
    internal static string VerificationCode(IReadOnlyList<SbomFile> files)
    {
        var sha1s = files.Select(f => f.Hashes.First(h => h.Algorithm == "SHA-1").Value.ToLowerInvariant()).Order(StringComparer.Ordinal);
        // SHA-1 is what the SPDX specification defines the code with; it identifies, it protects nothing.
#pragma warning disable CA5350
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes(string.Concat(sha1s))));
#pragma warning restore CA5350
    }

    private static SortedSet<string> LicenseRefs(SbomModel model)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var package in model.Dependencies.Prepend(model.Root))
            foreach (var expression in new[] { package.DeclaredLicense, package.ConcludedLicense })
                if (expression is not null)
                    foreach (Match match in LicenseRef().Matches(expression))
                        found.Add(match.Value);
        return found;
    }

    [GeneratedRegex(@"LicenseRef-[A-Za-z0-9.\-]+")]
    private static partial Regex LicenseRef();
}
