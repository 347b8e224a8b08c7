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
        var algorithms = scanned
            .SelectMany(o => o.Result!.Counts.Select(c => (o.File.Path, Name: c.Key, Count: c.Value)))
            .GroupBy(c => c.Name, StringComparer.Ordinal)
            .Select(g => byName[g.Key] switch
            {
                var a => new AlgorithmUse(a.Name, a.Category, g.Sum(c => c.Count), g.Count(), a.Weak is not null, a.Weak),
            })
            .OrderByDescending(a => a.Matches).ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToArray();
        var matches = scanned.SelectMany(o => o.Result!.Matches).ToArray();
        var total = algorithms.Sum(a => a.Matches);

        var errors = PackageFiles.Errors(outcomes);

        return TaskResult.Success(
            new CryptoAlgorithmsSummary(
                files.Length,
                scanned.Count(o => o.Result!.Counts.Count > 0),
                total,
                algorithms.ToDictionary(a => a.Name, a => a.Matches),
                [.. algorithms.Where(a => a.Weak).Select(a => a.Name)],
                errors.Length),
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

/// <summary>One algorithm across the package: how often and in how many files, and why it is weak if it is.</summary>
public sealed record AlgorithmUse(string Name, string Category, int Matches, int Files, bool Weak, string? WeakReason);
