namespace Cucos;

/// <summary>
/// Grain storage that can store a state unless the stored one carries a higher order (for results, the attempt
/// number), in one statement and without reading the row first. Storage without it is read, compared and written
/// with an ETag check instead.
/// </summary>
public interface IOrderedGrainStorage
{
    /// <summary>Stores <paramref name="state"/> with <paramref name="order"/>; false when the stored state has a higher order and was kept.</summary>
    Task<bool> WriteUnlessNewerAsync<T>(string stateName, GrainId grainId, T state, int order);
}
