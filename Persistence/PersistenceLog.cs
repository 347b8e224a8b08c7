using Microsoft.Extensions.Logging;

namespace Cucos.Persistence;

/// <summary>The PostgreSQL profile's log lines, source-generated.</summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(2001, LogLevel.Information, "Applied migration {Version} {Name}.")]
    public static partial void MigrationApplied(this ILogger logger, int version, string name);

    [LoggerMessage(2002, LogLevel.Debug, "A batch of {Count} statements failed; running them one by one.")]
    public static partial void BatchFailed(this ILogger logger, Exception exception, int count);
}
