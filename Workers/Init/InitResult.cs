using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Cucos.Sdk;

namespace Cucos.Workers.Init;

[TaskResultPart("init", ResultPart.Summary)]
public sealed record InitSummary(
    [property: Description("directory, archive or registry")] string SourceKind,
    int Files,
    long Bytes,
    [property: Description("the artifact's sha256; absent for a directory")]
    [property: RegularExpression("^[0-9a-f]{64}$")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ArtifactSha256 = null);

/// <summary>A downloaded or given file with its digests: the artifact, or one of the registry's side documents.</summary>
public sealed record ArtifactRecord(
    [property: Description("archive, tarball, nupkg, nuspec, sdist, bdist_wheel, jar, pom, sources, gem, crate, zip, mod")] string Kind,
    string Name,
    string Path,
    string? Url,
    long Size,
    [property: RegularExpression(@"^[0-9a-f]{32}$")] string Md5,
    [property: RegularExpression(@"^[0-9a-f]{40}$")] string Sha1,
    [property: RegularExpression(@"^[0-9a-f]{64}$")] string Sha256,
    [property: RegularExpression(@"^[0-9a-f]{128}$")] string Sha512,
    [property: Description("the registry's checksum that matched; null when it publishes none")] string? Verified,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Format = null);

/// <summary>How the package was laid out. The archive fields are absent for a directory; registry and download URL are null for a local source.</summary>
[TaskResultPart("init", ResultPart.Details)]
[Description("How the package was laid out in the cache: the source (a directory, a local archive, or a registry download), the artifact with its digests and download URL, the registry's side documents, and what was unpacked or skipped.")]
public sealed record InitDetails
{
    [Description("the local path, or ecosystem:name@version")]
    public required string Source { get; init; }
    public required string SourceKind { get; init; }
    [Description("the registry the package came from, as the user configured it; null for a local source")]
    public string? Registry { get; init; }
    [Description("where the artifact was downloaded from; null for a local source")]
    public string? DownloadUrl { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ArtifactRecord? Artifact { get; init; }
    [Description("nuspec, pom, sources jar, go.mod")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ArtifactRecord>? MetadataFiles { get; init; }
    [Description("a gem's metadata.yaml and checksums.yaml, in the metadata folder")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? UnpackedMetadata { get; init; }
    public required string PackagePath { get; init; }
    public int Files { get; init; }
    public int Directories { get; init; }
    public long Bytes { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NestedArchives { get; init; }
    public IReadOnlyList<SkippedEntry> Skipped { get; init; } = [];
}
