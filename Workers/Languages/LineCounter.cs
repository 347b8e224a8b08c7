namespace Cucos.Workers.Languages;

/// <summary>
/// Counts lines the way Linguist does, over a stream of chunks: "\r\n", "\r" and "\n" each end a line, a final
/// line break does not start another line, and a line with anything but ASCII whitespace is a source line.
/// </summary>
public sealed class LineCounter
{
    private long breaks;
    private long sourceLines;
    private long bytes;
    private bool previousWasCarriageReturn;
    private bool lineHasContent;
    private bool endsWithBreak;
    private int lastBreakLength;

    /// <summary>'\n' bytes alone, for the generated-file rules, which split lines at '\n' only.</summary>
    public long NewlineBytes { get; private set; }

    public void Add(ReadOnlySpan<byte> chunk)
    {
        foreach (var b in chunk)
        {
            switch (b)
            {
                case (byte)'\n' when previousWasCarriageReturn:
                    previousWasCarriageReturn = false;
                    lastBreakLength = 2; // "\r\n" was counted at its '\r'
                    NewlineBytes++;
                    continue;
                case (byte)'\n' or (byte)'\r':
                    EndLine();
                    previousWasCarriageReturn = b == '\r';
                    lastBreakLength = 1;
                    if (b == '\n')
                        NewlineBytes++;
                    endsWithBreak = true;
                    continue;
                case (byte)' ' or (byte)'\t' or (byte)'\f' or (byte)'\v':
                    break;
                default:
                    lineHasContent = true;
                    break;
            }
            previousWasCarriageReturn = false;
            endsWithBreak = false;
        }
        bytes += chunk.Length;
    }

    /// <summary>Lines: the line breaks, less a final one, plus one; none for a file that is empty or one line break.</summary>
    public long Lines
    {
        get
        {
            var contentBytes = bytes - (endsWithBreak ? lastBreakLength : 0);
            if (contentBytes == 0)
                return 0;
            return breaks - (endsWithBreak ? 1 : 0) + 1;
        }
    }

    /// <summary>Lines with something other than whitespace.</summary>
    public long SourceLines => sourceLines + (lineHasContent ? 1 : 0);

    private void EndLine()
    {
        breaks++;
        if (lineHasContent)
            sourceLines++;
        lineHasContent = false;
    }
}
