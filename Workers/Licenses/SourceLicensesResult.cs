using System.ComponentModel;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Licenses;

[TaskResultPart("source_licenses", ResultPart.Summary)]
public sealed record SourceLicensesSummary(
    int Files,
    int FilesWithLicenses,
    [property: Description("the package's overall licence as an SPDX expression, from the findings we are sure of")] string? Expression,
    [property: Description("SPDX id -> files it was found in")] IReadOnlyDictionary<string, int> Licenses,
    [property: Description("ids found with confidence >= 0.9")] IReadOnlyList<string> Sure,
    [property: Description("the declared licence as an SPDX expression")] string? Declared,
    [property: Description("match, partial, mismatch or unknown")] string DeclaredMatch,
    [property: Description("files that could not be read (see details.errors)")] int Errors);

/// <summary>One licence across the package: in how many files, and whether any finding of it is sure.</summary>
public sealed record LicenseFileCount(string Id, int Files, bool Sure);

/// <summary>A copyright holder and how many files name it.</summary>
public sealed record CopyrightHolder(string Holder, int Files);

[TaskResultPart("source_licenses", ResultPart.Details)]
[Description("Licences of the package's files as SPDX identifiers, copyright statements and holders, the overall licence and its comparison with the declared one.")]
public sealed record SourceLicensesDetails(
    string? SpdxListVersion,
    string? Expression,
    IReadOnlyList<LicenseFileCount> Licenses,
    LicenseComparison DeclaredComparison,
    IReadOnlyList<CopyrightHolder> Holders,
    [property: Description("files with a licence, a mention of one or a copyright statement")] IReadOnlyList<FileLicenses> Files,
    int BinaryFiles,
    IReadOnlyList<FileError> Errors);
