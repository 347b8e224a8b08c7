namespace Cucos.Workers.Content.Lexing;

/// <summary>
/// Finds encoded data in text in one pass: long runs of base64 or hex characters (base64 WebAssembly recognised by
/// its header), source maps' <c>"mappings"</c> and inline <c>data:</c> URIs. What counts as a run: at least
/// <see cref="LexicalView.MinBlobLength"/> characters of one alphabet, and for base64 a mix of upper case, lower
/// case and digits, which identifiers and prose do not have over that length.
/// </summary>
internal static class BlobFinder
{
    public static List<EncodedBlob> Find(string text, int max)
    {
        var blobs = new List<EncodedBlob>();
        var n = text.Length;
        var i = 0;
        while (i < n && blobs.Count < max)
        {
            var c = text[i];
            if (!IsBase64(c))
            {
                i++;
                continue;
            }
            if (IsMappings(text, i))
            {
                var close = text.IndexOf('"', i);
                var end = close < 0 ? n : close;
                blobs.Add(new EncodedBlob(BlobKind.SourceMap, i, end - i));
                i = end;
                continue;
            }
            var start = i;
            bool upper = false, lower = false, digit = false, hexOnly = true;
            while (i < n && IsBase64(text[i]))
            {
                var d = text[i];
                upper |= char.IsAsciiLetterUpper(d);
                lower |= char.IsAsciiLetterLower(d);
                digit |= char.IsAsciiDigit(d);
                hexOnly &= char.IsAsciiHexDigit(d);
                i++;
            }
            var length = i - start;
            if (length < LexicalView.MinBlobLength)
                continue;
            if (hexOnly && digit)
                blobs.Add(new EncodedBlob(BlobKind.Hex, start, length));
            else if (upper && lower && digit || PrefixedByDataUri(text, start))
                blobs.Add(new EncodedBlob(KindOf(text, start), start, length));
        }
        return blobs;
    }

    private static BlobKind KindOf(string text, int start)
    {
        if (PrefixedByDataUri(text, start))
            return text.AsSpan(start).StartsWith("AGFzbQ", StringComparison.Ordinal) ? BlobKind.WasmBase64 : BlobKind.DataUri;
        if (text.AsSpan(start).StartsWith("AGFzbQ", StringComparison.Ordinal))
            return BlobKind.WasmBase64;
        if (PrecededBy(text, start, "sourceMappingURL=data:"))
            return BlobKind.SourceMap;
        return BlobKind.Base64;
    }

    // "mappings":"AAAA,CAAC;..." — VLQ segments separated by ',' and ';', so the run found starts after the quote.
    private static bool IsMappings(string text, int start)
    {
        var before = text.AsSpan(Math.Max(0, start - 16), start - Math.Max(0, start - 16));
        return before.EndsWith("\"mappings\":\"", StringComparison.Ordinal) || before.EndsWith("\"mappings\": \"", StringComparison.Ordinal);
    }

    private static bool PrefixedByDataUri(string text, int start)
    {
        var from = Math.Max(0, start - 100);
        var before = text.AsSpan(from, start - from);
        return before.EndsWith(";base64,", StringComparison.Ordinal) && before.LastIndexOf("data:", StringComparison.Ordinal) >= 0;
    }

    private static bool PrecededBy(string text, int start, string marker)
    {
        var from = Math.Max(0, start - 120);
        return text.AsSpan(from, start - from).Contains(marker, StringComparison.Ordinal);
    }

    private static bool IsBase64(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-';
}
