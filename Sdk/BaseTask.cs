namespace Cucos.Sdk;

/// <summary>
/// A unit of analysis, as its author writes it: a name, a description, a version, its place in the flow and
/// <see cref="ExecuteAsync"/>. The lifecycle around it (audit, the result document, persistence, error capture,
/// retries) is not here: the silo's executor and <c>cucos worker</c> run every task through the same runner.
/// </summary>
public abstract class BaseTask
{
    /// <summary>The task's name: lower-case letters, digits, '_' and '-'.</summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>cucos workers</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The version of the task and of its result schema, recorded in every result.</summary>
    public virtual string Version => "1.0.0";

    /// <summary>
    /// The task whose success spawns this one, when it is not init. Says it all: this task runs after that one,
    /// whenever that one runs (in a default analysis or when a request names it), and reads its result.
    /// </summary>
    public virtual string? SpawnedBy => null;

    /// <summary>Tasks this one spawns once it succeeded, for a parent that fans out to tasks it names (registered under several names, say).</summary>
    public virtual IReadOnlyList<string> ChildTasks => [];

    /// <summary>Tasks whose results this one reads; it runs only after they succeeded and is skipped if one did not.</summary>
    public virtual IReadOnlyList<string> DependsOn => [];

    /// <summary>A task run once after this one and every task it spawned reached a final state.</summary>
    public virtual string? CallbackTask => null;

    public virtual RetryPolicy RetryPolicy => RetryPolicy.Default;

    /// <summary>How long one attempt may take before it is cancelled and counted as failed.</summary>
    public virtual TimeSpan Timeout => TimeSpan.FromMinutes(10);

    /// <summary>Whether init spawns this task in an analysis whose request names no tasks. Ignored when <see cref="SpawnedBy"/> names a parent.</summary>
    public virtual bool InDefaultFlow => true;

    /// <summary>
    /// Whether the task reads the package's files (the folder init lays out) rather than only other tasks' results and
    /// the request. Re-running such a task in an analysis whose folder was removed when it finished runs init again
    /// first, to lay the package out again. True unless the task says otherwise: a redundant init costs a fetch, a
    /// missing folder fails the re-run.
    /// </summary>
    public virtual bool ReadsPackageFiles => true;

    /// <summary>The only method a worker author must write: analyse and return the result document.</summary>
    public abstract Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken);
}
