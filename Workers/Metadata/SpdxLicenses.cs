using System.Text.RegularExpressions;

namespace Cucos.Workers.Metadata;

/// <summary>
/// Maps declared licences to SPDX expressions: SPDX ids and expressions are kept (with the id's canonical case),
/// the common free-text names and PyPI classifiers are mapped, anything ambiguous ("BSD", "GPL") is left unmapped.
/// </summary>
public static partial class SpdxLicenses
{
    // The SPDX ids manifests use in practice; a licence outside this list keeps its raw text with no expression.
    private static readonly string[] KnownIds =
    [
        "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-1.0", "Artistic-2.0",
        "BlueOak-1.0.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "BSL-1.0",
        "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "CPL-1.0", "ECL-2.0", "EPL-1.0", "EPL-2.0",
        "EUPL-1.1", "EUPL-1.2", "GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only",
        "GPL-3.0-or-later", "HPND", "ISC", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later",
        "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "MS-PL", "MS-RL", "NCSA", "OFL-1.1",
        "OpenSSL", "PHP-3.0", "PHP-3.01", "PostgreSQL", "PSF-2.0", "Python-2.0", "Ruby", "Unicode-DFS-2016", "Unicode-3.0",
        "Unlicense", "UPL-1.0", "W3C", "WTFPL", "X11", "Zlib", "ZPL-2.1",
        // Deprecated ids still written by old manifests; SPDX keeps them valid.
        "GPL-2.0", "GPL-2.0+", "GPL-3.0", "GPL-3.0+", "LGPL-2.1", "LGPL-2.1+", "LGPL-3.0", "LGPL-3.0+", "AGPL-3.0",
    ];

    private static readonly string[] Exceptions = ["Classpath-exception-2.0", "LLVM-exception", "GCC-exception-3.1", "Autoconf-exception-3.0"];

    private static readonly Dictionary<string, string> IdsByKey =
        KnownIds.Concat(Exceptions).ToDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase);

    // Free-text names seen in manifests, keyed by a squeezed form (lower case, letters and digits only).
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["mit"] = "MIT", ["mitlicense"] = "MIT", ["themitlicense"] = "MIT", ["expat"] = "MIT", ["mitx11"] = "MIT",
        ["apache2"] = "Apache-2.0", ["apache20"] = "Apache-2.0", ["apachelicense2"] = "Apache-2.0", ["apachelicense20"] = "Apache-2.0",
        ["apachelicenseversion20"] = "Apache-2.0", ["theapachelicenseversion20"] = "Apache-2.0", ["thesoftwarelicenseversion20"] = "Apache-2.0",
        ["theapachesoftwarelicenseversion20"] = "Apache-2.0", ["apachesoftwarelicense"] = "Apache-2.0", ["asl20"] = "Apache-2.0", ["al20"] = "Apache-2.0",
        ["apachesoftwarelicense20"] = "Apache-2.0", ["apachesoftwarelicenseversion20"] = "Apache-2.0",
        ["bsd2clause"] = "BSD-2-Clause", ["simplifiedbsd"] = "BSD-2-Clause", ["freebsd"] = "BSD-2-Clause", ["bsd2clausesimplified"] = "BSD-2-Clause",
        ["bsd3clause"] = "BSD-3-Clause", ["newbsd"] = "BSD-3-Clause", ["modifiedbsd"] = "BSD-3-Clause", ["revisedbsd"] = "BSD-3-Clause",
        ["bsd3clausenewbsd"] = "BSD-3-Clause", ["newbsdlicense"] = "BSD-3-Clause", ["bsdnew"] = "BSD-3-Clause",
        ["isc"] = "ISC", ["isclicense"] = "ISC", ["iscl"] = "ISC",
        ["gplv2"] = "GPL-2.0-only", ["gpl2"] = "GPL-2.0-only", ["gnugplv2"] = "GPL-2.0-only", ["gplv2orlater"] = "GPL-2.0-or-later",
        ["gplv3"] = "GPL-3.0-only", ["gpl3"] = "GPL-3.0-only", ["gnugplv3"] = "GPL-3.0-only", ["gplv3orlater"] = "GPL-3.0-or-later",
        ["gnugeneralpubliclicensev2gplv2"] = "GPL-2.0-only", ["gnugeneralpubliclicensev2orlatergplv2"] = "GPL-2.0-or-later",
        ["gnugeneralpubliclicensev3gplv3"] = "GPL-3.0-only", ["gnugeneralpubliclicensev3orlatergplv3"] = "GPL-3.0-or-later",
        ["lgplv21"] = "LGPL-2.1-only", ["lgpl21"] = "LGPL-2.1-only", ["lgplv3"] = "LGPL-3.0-only", ["lgpl3"] = "LGPL-3.0-only",
        ["gnulessergeneralpubliclicensev3lgplv3"] = "LGPL-3.0-only", ["gnulessergeneralpubliclicensev2lgplv2"] = "LGPL-2.0-only",
        ["gnulibraryorlessergeneralpubliclicenselgpl"] = "", // the classifier does not say which version
        ["mpl20"] = "MPL-2.0", ["mozillapubliclicense20"] = "MPL-2.0", ["mozillapubliclicense20mpl20"] = "MPL-2.0",
        ["epl10"] = "EPL-1.0", ["eclipsepubliclicense10"] = "EPL-1.0", ["epl20"] = "EPL-2.0", ["eclipsepubliclicense20"] = "EPL-2.0",
        ["eclipsepubliclicensev20"] = "EPL-2.0", ["eclipsepubliclicensev10"] = "EPL-1.0",
        ["cddl10"] = "CDDL-1.0", ["cddl11"] = "CDDL-1.1", ["commondevelopmentanddistributionlicense10"] = "CDDL-1.0",
        ["unlicense"] = "Unlicense", ["theunlicense"] = "Unlicense", ["theunlicenseunlicense"] = "Unlicense",
        ["cc0"] = "CC0-1.0", ["cc010"] = "CC0-1.0", ["cc010universal"] = "CC0-1.0", ["cc010universalcc010publicdomaindedication"] = "CC0-1.0",
        ["zlib"] = "Zlib", ["zliblibpnglicense"] = "Zlib", ["boostsoftwarelicense10"] = "BSL-1.0", ["boost"] = "BSL-1.0",
        ["pythonsoftwarefoundationlicense"] = "PSF-2.0", ["psf"] = "PSF-2.0", ["psfl"] = "PSF-2.0",
        ["artisticlicense20"] = "Artistic-2.0", ["wtfpl"] = "WTFPL", ["mspl"] = "MS-PL", ["microsoftpubliclicense"] = "MS-PL",
        ["ruby"] = "Ruby", ["php301"] = "PHP-3.01", ["universalpermissivelicense10upl"] = "UPL-1.0",
    };

    /// <summary>One declared licence as an SPDX expression, or null when it cannot be mapped with confidence.</summary>
    public static string? Map(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        var text = raw.Trim();
        // PyPI classifiers: "License :: OSI Approved :: MIT License".
        if (text.StartsWith("License ::", StringComparison.Ordinal))
            text = text[(text.LastIndexOf("::", StringComparison.Ordinal) + 2)..].Trim();
        if (Expression(text) is { } expression)
            return expression;
        if (Aliases.TryGetValue(Squeeze(text), out var alias))
            return alias.Length == 0 ? null : alias;
        // Legacy "MIT/Apache-2.0" (Cargo before SPDX) means either.
        if (text.Contains('/') && !text.Contains("://", StringComparison.Ordinal))
            return Any(text.Split('/'));
        return null;
    }

    /// <summary>Several licences of which the user may pick any (npm's licenses array, composer, Maven, gems): joined with OR.</summary>
    public static string? Any(IEnumerable<string?> raws)
    {
        var mapped = raws.Where(r => !string.IsNullOrWhiteSpace(r)).Select(Map).ToList();
        if (mapped.Count == 0 || mapped.Any(m => m is null))
            return null;
        var distinct = mapped.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : string.Join(" OR ", distinct.Select(m => m!.Contains(' ') ? $"({m})" : m));
    }

    public static DeclaredLicense Declared(string? raw) => raw is null ? DeclaredLicense.None : new(raw, Map(raw));

    public static DeclaredLicense DeclaredAny(IReadOnlyList<string> raws) => raws.Count switch
    {
        0 => DeclaredLicense.None,
        1 => Declared(raws[0]),
        _ => new DeclaredLicense(string.Join(", ", raws), Any(raws)),
    };

    /// <summary>A syntactically valid SPDX expression over known ids, with the ids' canonical case; else null.</summary>
    private static string? Expression(string text)
    {
        var tokens = ExpressionToken().Matches(text).Select(m => m.Value).ToList();
        if (tokens.Count == 0 || string.Concat(tokens).Length != text.Count(c => !char.IsWhiteSpace(c)))
            return null;
        var output = new List<string>();
        var expectOperand = true;
        var depth = 0;
        string? previous = null;
        foreach (var token in tokens)
        {
            var upper = token.ToUpperInvariant();
            if (token == "(" && expectOperand) { depth++; output.Add("("); }
            else if (token == ")" && !expectOperand && depth > 0) { depth--; output.Add(")"); }
            else if (upper is "AND" or "OR" or "WITH" && !expectOperand) { output.Add(upper); expectOperand = true; }
            else if (expectOperand && (IdsByKey.TryGetValue(token, out var id) || LicenseRef().IsMatch(token)))
            {
                var isException = Exceptions.Contains(id, StringComparer.Ordinal);
                if (isException != (previous == "WITH"))
                    return null;
                output.Add(id ?? token);
                expectOperand = false;
            }
            else
                return null;
            previous = upper;
        }
        if (expectOperand || depth != 0)
            return null;
        return string.Join(' ', output).Replace("( ", "(", StringComparison.Ordinal).Replace(" )", ")", StringComparison.Ordinal);
    }

    private static string Squeeze(string text) => new([.. text.ToLowerInvariant().Where(char.IsLetterOrDigit)]);

    [GeneratedRegex(@"\(|\)|[A-Za-z0-9.+:-]+")]
    private static partial Regex ExpressionToken();

    [GeneratedRegex(@"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")]
    private static partial Regex LicenseRef();
}
