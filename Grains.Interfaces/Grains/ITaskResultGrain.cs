using System.Text.Json;

namespace Cucos.Grains;

/// <summary>The stored result document of one task in one analysis, keyed by <c>analysisId/taskName</c>.</summary>
[Alias("cucos.ITaskResultGrain")]
public interface ITaskResultGrain : IGrainWithStringKey
{
    /// <summary>The document, or null when the task stored none.</summary>
    [Alias("Get"), ClientCallable]
    Task<JsonElement?> GetAsync();
}
