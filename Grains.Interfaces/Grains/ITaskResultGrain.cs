using System.Text.Json;

namespace Cucos.Orleans.Grains;

/// <summary>The stored result document of one task in one analysis, keyed by <c>analysisId/taskName</c>.</summary>
[Alias("cucos.ITaskResultGrain")]
public interface ITaskResultGrain : IGrainWithStringKey
{
    /// <summary>Stores the document of <paramref name="attempt"/>; false, storing nothing, when a later attempt's is stored.</summary>
    [Alias("Save")]
    Task<bool> SaveAsync(int attempt, JsonElement document);

    /// <summary>The document, or null when the task stored none.</summary>
    [Alias("Get")]
    Task<JsonElement?> GetAsync();
}
