using Cucos.Sdk;

namespace Cucos.Workers.Finalize;

[TaskResultPart("finalize", ResultPart.Summary)]
public sealed record FinalizeSummary(int Tasks, int Succeeded, int Failed, int Skipped, DateTimeOffset FinishedAt);

public sealed record FailedTask(string Name, int Attempts, string? ErrorType, string? Error);

public sealed record SkippedTask(string Name, string? Reason);

public sealed record FinishedTask(string Name, string Status, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

[TaskResultPart("finalize", ResultPart.Details)]
[System.ComponentModel.Description("The analysis summary the callback of init writes once every task is final: every task's status, the failed and the skipped ones.")]
public sealed record FinalizeDetails(IReadOnlyList<FailedTask> FailedTasks, IReadOnlyList<SkippedTask> SkippedTasks, IReadOnlyList<FinishedTask> Tasks);
