using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Telemetry;

/// <summary>
/// Writes each line of <paramref name="inner"/> inside <paramref name="scope"/>, pushed only for a line that is
/// actually written. An ambient <c>BeginScope</c> around a grain's whole step would change the ExecutionContext
/// every later await and grain call carries, which measurably costs on the hot path even when nothing is logged.
/// </summary>
public sealed class ScopedLogger(ILogger inner, object scope) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
            return;
        using (inner.BeginScope(scope))
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
