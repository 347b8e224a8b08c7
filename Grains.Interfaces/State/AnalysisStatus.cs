namespace Cucos.State;

[GenerateSerializer, Alias("cucos.AnalysisStatus")]
public enum AnalysisStatus
{
    Running = 0,
    /// <summary>Every task succeeded.</summary>
    Succeeded = 1,
    /// <summary>The analysis finished, but some tasks failed or were skipped.</summary>
    CompletedWithFailures = 2,
    /// <summary>The root task (init) failed, so nothing could be analysed.</summary>
    Failed = 3,
    /// <summary>Cancelled on request: running attempts were stopped, nothing new ran, the callback ran once.</summary>
    Cancelled = 4,
}
