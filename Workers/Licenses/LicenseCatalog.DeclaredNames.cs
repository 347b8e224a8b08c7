using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Licenses;

/// <summary>
/// The declared-licence half of the one SPDX knowledge base: a manifest's licence (an SPDX id or expression, a
/// common free-text name, a PyPI classifier, Cargo's legacy "MIT/Apache-2.0") as an SPDX expression over the ids
/// of the vendored list. Ids keep the list's own spelling, deprecated ones included ("GPL-2.0+" stays, SPDX keeps
/// it valid); <see cref="Canonical"/> gives their successors when findings are compared. Ambiguous names ("BSD",
/// "GPL") stay unmapped.
/// </summary>
public sealed partial class LicenseCatalog
{
    // The SPDX licence exceptions manifests write after WITH; the vendored list carries licences only.
    private static readonly FrozenSet<string> ExceptionIds = new[]
    {
        "Autoconf-exception-2.0", "Autoconf-exception-3.0", "Bison-exception-2.2", "Classpath-exception-2.0", "eCos-exception-2.0",
        "FLTK-exception", "Font-exception-2.0", "GCC-exception-2.0", "GCC-exception-3.1", "Libtool-exception", "Linux-syscall-note",
        "LLVM-exception", "LZMA-exception", "OpenJDK-assembly-exception-1.0", "openvpn-openssl-exception", "Qt-LGPL-exception-1.1",
        "Swift-exception", "u-boot-exception-2.0", "WxWindows-exception-3.1",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Free-text names seen in manifests, keyed by a squeezed form (lower case, letters and digits only).
    private static readonly Dictionary<string, string> DeclaredNames = new(StringComparer.Ordinal)
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

    /// <summary>The list's spelling of a licence id (any case), or null when the list does not have it.</summary>
    public string? Listed(string id) => ById.TryGetValue(id, out var license) ? license.Id : null;

    /// <summary>The canonical spelling of a licence exception id (any case), or null for one we do not know.</summary>
    public static string? ListedException(string id) => ExceptionIds.TryGetValue(id, out var listed) ? listed : null;

    /// <summary>One declared licence as an SPDX expression, or null when it cannot be mapped with confidence.</summary>
    public string? MapDeclared(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        var text = raw.Trim();
        // PyPI classifiers: "License :: OSI Approved :: MIT License".
        if (text.StartsWith("License ::", StringComparison.Ordinal))
            text = text[(text.LastIndexOf("::", StringComparison.Ordinal) + 2)..].Trim();
        if (DeclaredExpression(text) is { } expression)
            return expression;
        if (DeclaredNames.TryGetValue(Squeeze(text), out var alias))
            return alias.Length == 0 ? null : alias;
        // Legacy "MIT/Apache-2.0" (Cargo before SPDX) means either.
        if (text.Contains('/') && !text.Contains("://", StringComparison.Ordinal))
            return MapAnyDeclared(text.Split('/'));
        return null;
    }

    /// <summary>Several licences of which the user may pick any (npm's licenses array, composer, Maven, gems): joined with OR.</summary>
    public string? MapAnyDeclared(IEnumerable<string?> raws)
    {
        var mapped = raws.Where(r => !string.IsNullOrWhiteSpace(r)).Select(MapDeclared).ToList();
        if (mapped.Count == 0 || mapped.Any(m => m is null))
            return null;
        var distinct = mapped.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : string.Join(" OR ", distinct.Select(m => m!.Contains(' ', StringComparison.Ordinal) ? $"({m})" : m));
    }

    /// <summary>A syntactically valid SPDX expression over listed ids, with the list's spelling; else null.</summary>
    private string? DeclaredExpression(string text)
    {
        var tokens = DeclaredToken().Matches(text).Select(m => m.Value).ToList();
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
            else if (expectOperand && previous == "WITH")
            {
                if (ListedException(token) is not { } exception)
                    return null;
                output.Add(exception);
                expectOperand = false;
            }
            else if (expectOperand && (Listed(token) ?? (DeclaredLicenseRef().IsMatch(token) ? token : null)) is { } id)
            {
                output.Add(id);
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
    private static partial Regex DeclaredToken();

    [GeneratedRegex(@"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")]
    private static partial Regex DeclaredLicenseRef();
}
