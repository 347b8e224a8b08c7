using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Digests;

[TaskResultPart("digests", ResultPart.Summary)]
public sealed record DigestsSummary(
    [property: Description("Regular files in the package, read or not.")] int Files,
    [property: Description("Bytes of the files that were read.")] long Bytes,
    [property: RegularExpression("^[0-9a-f]{64}$")] string? ArtifactSha256,
    [property: Description("Files that could not be read (see details.errors).")] int Errors);

[TaskResultPart("digests", ResultPart.Details)]
[Description("md5, sha1, sha256 and ssdeep of every file of the package and of the original artifact. Version 1.1.0 added ssdeep.")]
public sealed record DigestsDetails(FileDigest? Artifact, IReadOnlyList<FileDigest> Files, IReadOnlyList<FileError> Errors);
