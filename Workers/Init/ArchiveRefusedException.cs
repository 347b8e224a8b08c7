using Cucos.Sdk;

namespace Cucos.Workers.Init;

/// <summary>An archive that is unsafe or unreadable: never retried.</summary>
public sealed class ArchiveRefusedException(string archive, string reason, Exception? inner = null)
    : FatalTaskException($"archive '{Path.GetFileName(archive)}' refused: {reason}", inner)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// An archive's bytes are wrong (a bad checksum, a truncation, a malformed header), said in one sentence that becomes
/// the refusal's reason as it is. Unreadable, like any corrupt archive: refuses the outer archive, only skips a nested one.
/// </summary>
internal sealed class ArchiveCorruptException(string reason) : FormatException(reason);
