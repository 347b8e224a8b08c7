using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Workers.Content;
using Cucos.Workers.Content.Lexing;

namespace Cucos.Workers.SupplyChain;

/// <summary>Hosts of note (request catchers, paste sites, tunnels; IP geolocation), from <c>Data/network-services.json</c>.</summary>
public sealed record NetworkServices(IReadOnlyList<(string Host, string What)> Exfiltration, IReadOnlyList<(string Host, string What)> Geolocation)
{
    private static readonly Lazy<NetworkServices> Shared = new(() =>
    {
        using var stream = typeof(NetworkServices).Assembly.GetManifestResourceStream("Cucos.Orleans.Workers.SupplyChain.network-services.json")
            ?? throw new InvalidOperationException("the network-services.json resource is missing from the workers assembly.");
        using var document = JsonDocument.Parse(stream);
        static (string, string)[] Read(JsonElement list) =>
            [.. list.EnumerateArray().Select(e => (e.GetProperty("host").GetString()!, e.GetProperty("what").GetString()!))];
        return new NetworkServices(Read(document.RootElement.GetProperty("exfiltration")), Read(document.RootElement.GetProperty("geolocation")));
    });

    public static NetworkServices Instance => Shared.Value;
}

/// <summary>What one file gave: its signals and the families they belong to (for the combined signals).</summary>
public sealed record FileSignals(string Path, bool Binary, bool Lexed, IReadOnlyList<SupplyChainSignal> Signals, IReadOnlySet<string> Families, int BlobsSkipped);

/// <summary>
/// Scans one file on its lexical view: the rules of its language where their scope says (code or literals, never
/// comments, documentation or encoded blobs), destinations, encoded payloads and obfuscation, then the signals that
/// only a combination in one file makes (exfiltration, decode-and-run, download-and-run, sabotage).
/// </summary>
public static partial class SupplyChainScanner
{
    /// <summary>At most this many signals of one rule per file are kept.</summary>
    public const int MaxPerRule = 5;

    private const int MinifiedLineLength = 5_000;
    private const int LargeBlobLength = 20_000;
    private const int EntropyMinLength = 120;
    private const double EntropyThreshold = 5.2;

    public static FileSignals Scan(PackageFile file, bool installTime, CancellationToken cancellationToken)
    {
        var signals = new List<SupplyChainSignal>();
        var name = System.IO.Path.GetFileName(file.Path);
        var extension = System.IO.Path.GetExtension(name).ToLowerInvariant();
        var shippedBinary = extension is ".node" or ".exe" or ".dll" or ".so" or ".dylib";
        var view = LexicalView.Read(file);
        if (view is null)
        {
            if (shippedBinary || IsExecutableHeader(file))
                signals.Add(new SupplyChainSignal(Families.Native, "any.shipped_binary", Severity.Low, file.Path, null, name,
                    "ships a compiled binary (native addon or executable)", installTime));
            return new FileSignals(file.Path, true, false, signals, FamiliesOf(signals), 0);
        }
        return ScanView(view, installTime, cancellationToken);
    }

    /// <summary>Scans text already lexed (the worker's files, or an install script's command line).</summary>
    public static FileSignals ScanView(LexicalView view, bool installTime, CancellationToken cancellationToken)
    {
        var signals = new List<SupplyChainSignal>();
        if (view.IsDocumentation || view.Syntax == SourceSyntax.Json)
            return new FileSignals(view.Path, false, true, signals, FamiliesOf(signals), view.Blobs.Count);
        var masked = view.Masked;
        var lexed = view.Syntax is not (SourceSyntax.None or SourceSyntax.Shell);
        foreach (var rule in SignalRules.All)
        {
            if (Array.IndexOf(rule.Syntaxes, view.Syntax) < 0 || rule.Anchor.Length > 0 && !masked.Contains(rule.Anchor, StringComparison.Ordinal))
                continue;
            cancellationToken.ThrowIfCancellationRequested();
            var kept = 0;
            foreach (var match in rule.Pattern.EnumerateMatches(masked))
            {
                var at = match.Index;
                while (at < match.Index + match.Length && char.IsWhiteSpace(masked[at]))
                    at++;
                if (!InScope(view, at, rule.Scope, lexed))
                    continue;
                if (kept++ < MaxPerRule)
                    signals.Add(new SupplyChainSignal(rule.Family, rule.Id, rule.Severity, view.Path, view.LineOf(at),
                        view.SnippetAt(at, match.Length), rule.Explanation, installTime));
            }
        }
        Destinations(view, masked, lexed, installTime, signals);
        Obfuscation(view, installTime, signals);
        Combine(view, installTime, signals);
        return new FileSignals(view.Path, false, true, signals, FamiliesOf(signals), view.Blobs.Count);
    }

    private static bool InScope(LexicalView view, int index, RuleScope scope, bool lexed)
    {
        if (view.InBlob(index))
            return false;
        var kind = view.KindAt(index);
        if (kind is TokenKind.Comment or TokenKind.Text)
            return false;
        if (!lexed)
            return true;
        return scope == RuleScope.Code ? kind == TokenKind.Code : kind == TokenKind.Literal;
    }

    private static void Destinations(LexicalView view, string masked, bool lexed, bool installTime, List<SupplyChainSignal> signals)
    {
        var urls = 0;
        foreach (var match in Url().EnumerateMatches(masked))
        {
            if (!InScope(view, match.Index, RuleScope.Literal, lexed))
                continue;
            var url = masked.AsSpan(match.Index, match.Length);
            var host = HostOf(url);
            if (BareIp().IsMatch(host) && !IsPrivate(host))
                signals.Add(new SupplyChainSignal(Families.Destination, "any.bare_ip_url", Severity.Medium, view.Path, view.LineOf(match.Index),
                    view.SnippetAt(match.Index, match.Length), $"talks to a bare IP address ({host}) rather than a host name", installTime));
            else if (urls++ < MaxPerRule)
                signals.Add(new SupplyChainSignal(Families.Destination, "any.url", Severity.Info, view.Path, view.LineOf(match.Index),
                    view.SnippetAt(match.Index, match.Length), $"names the host {host}", installTime));
        }
        foreach (var match in HostIp().EnumerateMatches(masked))
        {
            var ipAt = match.Index + match.Length - 1;
            while (ipAt > match.Index && (char.IsAsciiDigit(masked[ipAt - 1]) || masked[ipAt - 1] == '.'))
                ipAt--;
            var ip = masked.AsSpan(ipAt, match.Index + match.Length - ipAt).ToString();
            if (!InScope(view, ipAt, RuleScope.Literal, lexed) || IsPrivate(ip))
                continue;
            signals.Add(new SupplyChainSignal(Families.Destination, "any.bare_ip_host", Severity.Medium, view.Path, view.LineOf(ipAt),
                view.SnippetAt(ipAt, ip.Length), $"connects to a bare IP address ({ip})", installTime));
        }
        foreach (var (list, family, rule, severity, why) in new[]
                 {
                     (NetworkServices.Instance.Exfiltration, Families.Exfiltration, "any.exfiltration_service", Severity.High, "sends data to a service anyone can read"),
                     (NetworkServices.Instance.Geolocation, Families.Fingerprinting, "any.geolocation_service", Severity.Low, "looks up where the machine is"),
                 })
        {
            foreach (var (host, what) in list)
            {
                var at = masked.IndexOf(host, StringComparison.OrdinalIgnoreCase);
                while (at >= 0 && !InScope(view, at, RuleScope.Literal, lexed))
                    at = masked.IndexOf(host, at + host.Length, StringComparison.OrdinalIgnoreCase);
                if (at >= 0)
                    signals.Add(new SupplyChainSignal(family, rule, severity, view.Path, view.LineOf(at), view.SnippetAt(at, host.Length),
                        $"{why}: {host} ({what})", installTime));
            }
        }
    }

    private static void Obfuscation(LexicalView view, bool installTime, List<SupplyChainSignal> signals)
    {
        var path = view.Path;
        foreach (var blob in view.Blobs)
        {
            if (blob.Kind is BlobKind.SourceMap or BlobKind.WasmBase64 or BlobKind.DataUri || blob.Length < LargeBlobLength && blob.Kind != BlobKind.Hex)
                continue;
            if (blob.Kind == BlobKind.Hex && blob.Length < 1_000)
                continue;
            signals.Add(new SupplyChainSignal(Families.Obfuscation, "any.encoded_blob", Severity.Medium, path, view.LineOf(blob.Start),
                view.SnippetAt(blob.Start, 40, 60), $"{blob.Length:N0} characters of {(blob.Kind == BlobKind.Hex ? "hex" : "base64")}-encoded data in code", installTime));
            break;
        }
        if (view.LongestLine >= MinifiedLineLength && !MinifiedByConvention(path) && view.Syntax == SourceSyntax.JavaScript)
            signals.Add(new SupplyChainSignal(Families.Obfuscation, "js.minified_outside_dist", Severity.Low, path, null, null,
                $"a {view.LongestLine:N0}-character line outside the dist/, build/ or *.min.js conventions", installTime));
        var hexEscapes = 0;
        foreach (var span in view.Spans)
        {
            if (span.Kind != TokenKind.Literal || span.Length < EntropyMinLength)
                continue;
            var content = view.Text.AsSpan(span.Start + 1, span.Length - 2);
            if (content.Contains(@"\x", StringComparison.Ordinal) && HexEscapes().IsMatch(content))
            {
                if (hexEscapes++ == 0)
                    signals.Add(new SupplyChainSignal(Families.Obfuscation, "any.escaped_string", Severity.Medium, path, view.LineOf(span.Start),
                        view.SnippetAt(span.Start, 40, 60), "a string written as \\x escapes, which hides what it says", installTime));
                continue;
            }
            if (view.InBlob(span.Start + 1) || Entropy(content) < EntropyThreshold)
                continue;
            signals.Add(new SupplyChainSignal(Families.Obfuscation, "any.high_entropy_string", Severity.Low, path, view.LineOf(span.Start),
                view.SnippetAt(span.Start, 40, 60), "a long high-entropy string literal (encrypted or packed data)", installTime));
            break;
        }
    }

    // The signals that only a combination in one file makes.
    private static void Combine(LexicalView view, bool installTime, List<SupplyChainSignal> signals)
    {
        var families = FamiliesOf(signals);
        var rules = signals.Select(s => s.Rule).ToHashSet(StringComparer.Ordinal);
        bool Has(string family) => families.Contains(family);
        var secrets = Has(Families.Credentials) || rules.Contains("js.env_sensitive") || rules.Contains("py.env_sensitive")
            || rules.Contains("js.env_dump") || rules.Contains("py.env_dump") || rules.Contains("sh.env_sensitive");
        var talks = Has(Families.Network) || Has(Families.Exfiltration) || rules.Contains("any.bare_ip_url") || rules.Contains("any.bare_ip_host");
        SupplyChainSignal? First(Func<SupplyChainSignal, bool> which) => signals.FirstOrDefault(which);
        if (secrets && talks)
        {
            var evidence = First(s => s.Family is Families.Credentials or Families.Environment)!;
            signals.Add(evidence with
            {
                Family = Families.Exfiltration, Rule = "combined.secrets_sent", Severity = Severity.Critical,
                Explanation = "reads credentials or secrets and talks to the network in the same file: likely exfiltration",
            });
        }
        var decodes = Has(Families.Decoder) || rules.Contains("any.encoded_blob") || rules.Contains("any.escaped_string") || rules.Contains("any.high_entropy_string");
        if (decodes && Has(Families.DynamicCode))
        {
            var evidence = First(s => s.Family == Families.DynamicCode)!;
            signals.Add(evidence with
            {
                Family = Families.Payload, Rule = "combined.decode_and_run", Severity = Severity.High,
                Explanation = "decodes or decrypts data and runs code built from strings in the same file: a hidden payload",
            });
        }
        if (rules.Contains("sh.download") && rules.Contains("sh.make_executable") && !rules.Contains("sh.pipe_to_shell"))
        {
            var evidence = First(s => s.Rule == "sh.download")!;
            signals.Add(evidence with
            {
                Family = Families.DownloadExecute, Rule = "combined.download_and_run", Severity = Severity.High,
                Explanation = "downloads a file and makes it executable in the same script",
            });
        }
        if (Has(Families.Destructive) && Has(Families.Fingerprinting))
        {
            var evidence = First(s => s.Family == Families.Destructive)!;
            signals.Add(evidence with
            {
                Family = Families.Sabotage, Rule = "combined.conditional_destruction", Severity = Severity.High,
                Explanation = "deletes or overwrites files and checks where the machine is (locale, time zone, IP location): conditional sabotage",
            });
        }
    }

    private static HashSet<string> FamiliesOf(List<SupplyChainSignal> signals) => signals.Select(s => s.Family).ToHashSet(StringComparer.Ordinal);

    private static bool MinifiedByConvention(string path) =>
        path.EndsWith(".min.js", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".bundle.js", StringComparison.OrdinalIgnoreCase)
        || ("/" + path).Contains("/dist/", StringComparison.Ordinal) || ("/" + path).Contains("/build/", StringComparison.Ordinal)
        || ("/" + path).Contains("/umd/", StringComparison.Ordinal) || ("/" + path).Contains("/vendor/", StringComparison.Ordinal)
        || ("/" + path).Contains("/bundles/", StringComparison.Ordinal);

    private static bool IsExecutableHeader(PackageFile file)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = PackageFiles.OpenSequential(file.FullPath);
        if (stream.Read(head) < 4)
            return false;
        return head.SequenceEqual("\u007fELF"u8) || head[..2].SequenceEqual("MZ"u8)
            || head.SequenceEqual(new byte[] { 0xCF, 0xFA, 0xED, 0xFE }) || head.SequenceEqual(new byte[] { 0xCA, 0xFE, 0xBA, 0xBE });
    }

    private static double Entropy(ReadOnlySpan<char> text)
    {
        Span<int> counts = stackalloc int[128];
        var other = 0;
        foreach (var c in text)
            if (c < 128)
                counts[c]++;
            else
                other++;
        double entropy = 0;
        foreach (var count in counts)
            if (count > 0)
                entropy -= (double)count / text.Length * Math.Log2((double)count / text.Length);
        return other > text.Length / 10 ? 0 : entropy; // non-ASCII prose is not a packed payload
    }

    private static string HostOf(ReadOnlySpan<char> url)
    {
        var rest = url[(url.IndexOf("//", StringComparison.Ordinal) + 2)..];
        var end = rest.IndexOfAny('/', '?', '#');
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
            authority = authority[(at + 1)..];
        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && !authority.StartsWith("["))
            authority = authority[..colon];
        return authority.ToString().ToLowerInvariant();
    }

    public static bool IsPrivate(string ip)
    {
        var parts = ip.Split('.');
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p, out var v) && v is >= 0 and <= 255))
            return true; // not an address at all (a version number, say): nothing to report
        var a = int.Parse(parts[0]);
        var b = int.Parse(parts[1]);
        return a is 0 or 10 or 127 or >= 224 || a == 169 && b == 254 || a == 172 && b is >= 16 and <= 31 || a == 192 && b == 168;
    }

    [GeneratedRegex(@"\b(?:https?|wss?|ftp)://[^\s'""`<>()\\]{3,300}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"^\d{1,3}(?:\.\d{1,3}){3}$")]
    private static partial Regex BareIp();

    [GeneratedRegex(@"\b(?:host(?:name)?|address|addr|ip)['""]?\s*[:=,]\s*['""]\d{1,3}(?:\.\d{1,3}){3}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostIp();

    [GeneratedRegex(@"(?:\\x[0-9a-fA-F]{2}){16}")]
    private static partial Regex HexEscapes();
}
