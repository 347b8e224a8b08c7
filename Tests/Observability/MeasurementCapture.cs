using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Cucos.Tests.Observability;

/// <summary>Records every measurement of one meter's instruments, with its tags, for the test to add up.</summary>
public sealed class MeasurementCapture : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<Measurement> measurements = new();

    public MeasurementCapture(Meter meter)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags);

    /// <summary>The measurements of <paramref name="instrument"/> that carry every tag given as <c>name=value</c>.</summary>
    public IReadOnlyList<Measurement> Of(string instrument, params string[] tags) =>
    [
        .. measurements.Where(m => m.Instrument == instrument && tags.All(tag =>
        {
            var (name, value) = (tag[..tag.IndexOf('=')], tag[(tag.IndexOf('=') + 1)..]);
            return m.Tags.TryGetValue(name, out var actual) && actual == value;
        })),
    ];

    public double Sum(string instrument, params string[] tags) => Of(instrument, tags).Sum(m => m.Value);

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
            copy[tag.Key] = tag.Value?.ToString();
        measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }

    public void Dispose() => listener.Dispose();
}
