using System.ComponentModel;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.Crypto;

/// <summary>
/// Which cryptographic algorithms, protocols and libraries a package uses, found by content, file name and known
/// constants, with the weak or deprecated ones flagged (the successor of oscryptocatcher).
/// </summary>
public sealed class CryptoAlgorithmsTask : BaseTask
{
    public override string Name => "crypto_algorithms";

    // 1.1.0: matches have a kind; summary.algorithms and details.algorithms count uses, mentions are apart.
    public override string Version => "1.1.1";
    public override string Description => "Cryptographic algorithms, protocols and libraries by content, file name and constants; weak ones flagged.";

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");
        var patterns = CryptoPatterns.Instance;
        var scanner = new CryptoScanner(patterns);
        var files = PackageFiles.Enumerate(context.PackagePath);
        var outcomes = await PackageFiles.AnalyseAllAsync(files, scanner.Scan, cancellationToken).ConfigureAwait(false);

        var scanned = outcomes.Where(o => o.Result is not null).ToArray();
        var byName = patterns.Algorithms.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var counts = scanned
            .SelectMany(o => o.Result!.KindCounts.Select(c => (o.File.Path, c.Key.Algorithm, c.Key.Kind, Count: c.Value)))
            .ToArray();
        // An algorithm only mentioned (a changelog line, a comment) is not one the package uses.
        var algorithms = counts
            .GroupBy(c => c.Algorithm, StringComparer.Ordinal)
            .Where(g => g.Any(c => CryptoMatchKind.IsUse(c.Kind)))
            .Select(g =>
            {
                var a = byName[g.Key];
                var uses = g.Where(c => CryptoMatchKind.IsUse(c.Kind)).ToArray();
                return new AlgorithmUse(a.Name, a.Category, uses.Sum(c => c.Count), uses.Select(c => c.Path).Distinct(StringComparer.Ordinal).Count(),
                    a.Weak is not null, a.Weak,
                    g.GroupBy(c => c.Kind, StringComparer.Ordinal).OrderBy(k => k.Key, StringComparer.Ordinal).ToDictionary(k => k.Key, k => k.Sum(c => c.Count)));
            })
            .OrderByDescending(a => a.Matches).ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToArray();
        var mentions = counts.Where(c => c.Kind == CryptoMatchKind.Mention)
            .GroupBy(c => c.Algorithm, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(c => c.Count)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        var matches = scanned.SelectMany(o => o.Result!.Matches).ToArray();
        var total = counts.Sum(c => c.Count);

        var errors = PackageFiles.Errors(outcomes);

        return TaskResult.Success(
            new CryptoAlgorithmsSummary(
                files.Length,
                scanned.Count(o => o.Result!.KindCounts.Keys.Any(k => CryptoMatchKind.IsUse(k.Kind))),
                total,
                algorithms.ToDictionary(a => a.Name, a => a.Matches),
                [.. algorithms.Where(a => a.Weak).Select(a => a.Name)],
                errors.Length,
                algorithms.Sum(a => a.Matches),
                mentions),
            new CryptoAlgorithmsDetails(
                algorithms,
                algorithms.GroupBy(a => a.Category).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(a => a.Name).ToArray()),
                matches,
                total - matches.Length,
                scanned.Count(o => o.Result!.Binary),
                errors));
    }
}

/// <summary>One algorithm across the package: how often it is used and in how many files, by kind, and why it is weak if it is.</summary>
public sealed record AlgorithmUse(
    string Name,
    string Category,
    [property: Description("uses: implementation, api_use and constant matches")] int Matches,
    [property: Description("files with a use")] int Files,
    bool Weak,
    string? WeakReason,
    [property: Description("kind (implementation, api_use, constant, mention) -> matches")] IReadOnlyDictionary<string, int> Kinds);
