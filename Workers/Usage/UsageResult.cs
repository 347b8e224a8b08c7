using System.ComponentModel;
using Cucos.Sdk;

namespace Cucos.Workers.Usage;

[TaskResultPart(UsageTask.TaskName, ResultPart.Summary)]
public sealed record UsageSummary(
    [property: Description("counted: the last usage refresh of the ecosystem is stored (a package it did not list has 0 repositories); skipped: no figures yet or no store (reason says which)")] string Status,
    [property: Description("why the usage figures are missing, naming what to set or wait for; null when counted")] string? Reason,
    [property: Description("GitHub repositories whose manifests depend on the package, by the configured usage query; null when skipped")] long? Repositories,
    [property: Description("the package's percentile rank among the packages of the last refresh: the share of the others with fewer repositories, 0 to 100; null when skipped")] double? Percentile,
    [property: Description("when the figures were refreshed from BigQuery; null when skipped")] DateTimeOffset? RefreshedAt,
    [property: Description("packages this cluster has analysed whose resolved direct dependencies include this package; null when no analysed results can be searched")] int? Dependents);

[TaskResultPart(UsageTask.TaskName, ResultPart.Details)]
[Description("How widely the package is used: the stored figures of the periodic BigQuery usage refresh (never queried per analysis) and its dependents among the packages this cluster analysed.")]
public sealed record UsageDetails(
    [property: Description("the ecosystem the figures are for")] string? Ecosystem,
    [property: Description("the package looked up")] string? Name,
    [property: Description("the stored figure; null when skipped")] UsageFigures? Usage,
    [property: Description("dependents among the analysed packages, from their stored dependency_snapshot results; null when no analysed results can be searched")] DependentsFigures? Dependents);

public sealed record UsageFigures(
    [property: Description("false when the last refresh did not list the package: no repository of the dataset depends on it")] bool Listed,
    long Repositories,
    double Percentile,
    DateTimeOffset RefreshedAt,
    [property: Description("packages the last refresh counted")] long PackagesInRefresh,
    [property: Description("where the figures come from: bigquery")] string Source);

public sealed record DependentsFigures(
    [property: Description("distinct analysed package versions depending directly on this package")] int Count,
    [property: Description("a few of them, name@version, in name order")] IReadOnlyList<string> Examples);
