using Cucos.Sdk;

namespace Cucos.Workers.Init;

/// <summary>An archive that is unsafe or unreadable: never retried.</summary>
public sealed class ArchiveRefusedException(string archive, string reason, Exception? inner = null)
    : FatalTaskException($"archive '{Path.GetFileName(archive)}' refused: {reason}", inner)
{
    public string Reason { get; } = reason;
}
