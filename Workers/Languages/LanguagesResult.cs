using System.ComponentModel;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Languages;

[TaskResultPart("languages", ResultPart.Summary)]
public sealed record LanguagesSummary(
    [property: Description("regular files scanned")] int Files,
    [property: Description("files with a detected language")] int Detected,
    [property: Description("languages in the breakdown")] int Languages,
    [property: Description("the breakdown's largest language")] string? PrimaryLanguage,
    [property: Description("files that could not be read (see details.errors)")] int Errors);

[TaskResultPart("languages", ResultPart.Details)]
[Description("The language of every file by GitHub Linguist's strategies and data, with line counts and flags, and Linguist's language breakdown by bytes.")]
public sealed record LanguagesDetails(
    [property: Description("the Linguist release whose data the worker carries")] string LinguistVersion,
    [property: Description("bytes per language group of the files Linguist counts (programming and markup; not vendored, generated or documentation), largest first")]
    IReadOnlyList<LanguageShare> Breakdown,
    IReadOnlyList<FileLanguage> Files,
    IReadOnlyList<FileError> Errors);
