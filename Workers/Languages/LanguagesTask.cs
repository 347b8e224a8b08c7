using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Languages;

/// <summary>One language of the breakdown: its bytes, its share of the counted bytes in percent, its files.</summary>
public sealed record LanguageShare(string Language, long Bytes, [property: Description("percent of the counted bytes, two decimals")] [property: Range(0.0, 100.0)] double Share, int Files);

/// <summary>
/// The language of every file by GitHub Linguist's rules and data, with lines, source lines, MIME type and the
/// vendored, generated, documentation and binary flags; the summary is Linguist's breakdown by bytes.
/// </summary>
public sealed class LanguagesTask : BaseTask
{
    public override string Name => "languages";
    public override string Description => "Language, lines and kind of every file by GitHub Linguist's rules; languages by bytes.";

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");

        var data = LinguistData.Instance;
        var files = await ScanTreeAsync(context.PackagePath, data, cancellationToken).ConfigureAwait(false);
        var breakdown = Breakdown(files);
        var errors = files.Where(f => f.Error is not null).Select(f => new FileError(f.Path, f.Error!)).ToArray();
        return TaskResult.Success(
            new LanguagesSummary(files.Length, files.Count(f => f.Language is not null), breakdown.Count, breakdown.FirstOrDefault()?.Language, errors.Length),
            new LanguagesDetails(data.LinguistVersion, breakdown, files, errors));
    }

    /// <summary>Every regular file below <paramref name="root"/>, in parallel, sorted by path.</summary>
    public static Task<FileLanguage[]> ScanTreeAsync(string root, LinguistData data, CancellationToken cancellationToken) =>
        PackageFiles.MapAsync(root, (file, ct) => FileScanner.ScanAsync(file.FullPath, file.Path, data, ct), cancellationToken);

    /// <summary>
    /// Linguist's breakdown: the bytes of the files it counts (programming and markup languages, not vendored,
    /// generated or documentation) per language group, largest first, with shares in percent to two decimals.
    /// </summary>
    public static IReadOnlyList<LanguageShare> Breakdown(IEnumerable<FileLanguage> files)
    {
        var counted = files.Where(f => f.InBreakdown).ToArray();
        var total = counted.Sum(f => f.Size);
        return counted
            .GroupBy(f => f.Group!, StringComparer.Ordinal)
            .Select(g => new LanguageShare(g.Key, g.Sum(f => f.Size), total == 0 ? 0 : Math.Round(g.Sum(f => f.Size) * 100.0 / total, 2), g.Count()))
            .OrderByDescending(s => s.Bytes)
            .ThenBy(s => s.Language, StringComparer.Ordinal)
            .ToArray();
    }
}
