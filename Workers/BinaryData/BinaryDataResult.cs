using System.ComponentModel;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.BinaryData;

[TaskResultPart("binary_data", ResultPart.Summary)]
public sealed record BinaryDataSummary(
    int Files,
    [property: Description("Hits in all files.")] int Hits,
    int FilesWithHits,
    [property: Description("Files with at least one high-entropy region.")] int HighEntropyFiles,
    [property: Description("Hit counts by type, most frequent first, e.g. 'zip:3 elf:1'.")] string Found,
    [property: Description("Files that could not be read (see their error).")] int Unreadable,
    [property: Description("Files that could not be read (see details.errors): the same count as unreadable, under the name every content worker uses.")] int Errors);

[TaskResultPart("binary_data", ResultPart.Details)]
[Description("Embedded content found by signature in every file of the package (archives and zlib streams, executables, images, Flash SWF files, PDF, certificates and private keys, SQLite databases, firmware headers), each hit confirmed by its header (a zlib stream, and a zlib-compressed SWF body, by inflating it); Shannon entropy per file and its high-entropy regions.")]
public sealed record BinaryDataDetails(
    [property: Description("How many signatures the scan used.")] int Signatures,
    [property: Description("Bits per byte at or above which a block counts as high-entropy.")] double HighEntropyThreshold,
    IReadOnlyList<BinaryFileReport> Files,
    IReadOnlyList<FileError> Errors);
