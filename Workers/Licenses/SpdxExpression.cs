using System.Text.RegularExpressions;

namespace Cucos.Workers.Licenses;

/// <summary>
/// An SPDX licence expression ("MIT OR Apache-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"), parsed and
/// written back in canonical form: identifiers spelt as in the licence list, deprecated ones replaced.
/// </summary>
public abstract record SpdxExpression
{
    public sealed record License(string Id, bool Known) : SpdxExpression;
    public sealed record WithAddition(License Licence, string Exception) : SpdxExpression;
    public sealed record Compound(string Operator, SpdxExpression Left, SpdxExpression Right) : SpdxExpression;

    /// <summary>Every licence identifier in the expression (exceptions excluded), in order, without repeats.</summary>
    public IReadOnlyList<string> LicenseIds()
    {
        var ids = new List<string>();
        Collect(this);
        return ids.Distinct(StringComparer.Ordinal).ToArray();

        void Collect(SpdxExpression e)
        {
            switch (e)
            {
                case License l: ids.Add(l.Id); break;
                case WithAddition w: ids.Add(w.Licence.Id); break;
                case Compound c: Collect(c.Left); Collect(c.Right); break;
            }
        }
    }

    /// <summary>Whether every identifier is on the SPDX list (or a LicenseRef-).</summary>
    public bool AllKnown => this switch
    {
        License l => l.Known,
        WithAddition w => w.Licence.Known,
        Compound c => c.Left.AllKnown && c.Right.AllKnown,
        _ => false,
    };

    public sealed override string ToString() => this switch
    {
        License l => l.Id,
        WithAddition w => $"{w.Licence.Id} WITH {w.Exception}",
        Compound c => $"{Operand(c.Left, c.Operator)} {c.Operator} {Operand(c.Right, c.Operator)}",
        _ => "",
    };

    // OR binds looser than AND, so an OR inside an AND needs parentheses.
    private static string Operand(SpdxExpression e, string parent) =>
        e is Compound { Operator: "OR" } && parent == "AND" ? $"({e})" : e.ToString();

    /// <summary>Several expressions joined with AND, each kept whole.</summary>
    public static SpdxExpression? AllOf(IEnumerable<SpdxExpression> terms) =>
        terms.Aggregate((SpdxExpression?)null, (all, term) => all is null ? term : new Compound("AND", all, term));

    private static readonly Regex Tokens = new(@"\s*(\(|\)|[A-Za-z0-9.+:\-]+)", RegexOptions.Compiled);

    /// <summary>Parses an expression; null when it is not one (stray words, unbalanced parentheses).</summary>
    public static SpdxExpression? TryParse(string text, LicenseCatalog catalog)
    {
        var tokens = new List<string>();
        var position = 0;
        foreach (Match m in Tokens.Matches(text))
        {
            if (m.Index != position)
                return null;
            tokens.Add(m.Groups[1].Value);
            position = m.Index + m.Length;
        }
        if (text[position..].Trim().Length > 0 || tokens.Count == 0)
            return null;
        var index = 0;
        var result = ParseOr();
        return result is not null && index == tokens.Count ? result : null;

        string? Peek() => index < tokens.Count ? tokens[index] : null;
        bool IsOperator(string? token, string op) => string.Equals(token, op, StringComparison.OrdinalIgnoreCase);

        SpdxExpression? ParseOr()
        {
            var left = ParseAnd();
            while (left is not null && IsOperator(Peek(), "OR"))
            {
                index++;
                var right = ParseAnd();
                left = right is null ? null : new Compound("OR", left, right);
            }
            return left;
        }

        SpdxExpression? ParseAnd()
        {
            var left = ParseWith();
            while (left is not null && IsOperator(Peek(), "AND"))
            {
                index++;
                var right = ParseWith();
                left = right is null ? null : new Compound("AND", left, right);
            }
            return left;
        }

        SpdxExpression? ParseWith()
        {
            var token = Peek();
            if (token is null)
                return null;
            if (token == "(")
            {
                index++;
                var inner = ParseOr();
                if (inner is null || Peek() != ")")
                    return null;
                index++;
                return inner;
            }
            if (token == ")" || IsOperator(token, "AND") || IsOperator(token, "OR") || IsOperator(token, "WITH"))
                return null;
            index++;
            var license = Identifier(token, catalog);
            if (!IsOperator(Peek(), "WITH"))
                return license;
            index++;
            var exception = Peek();
            if (exception is null or "(" or ")")
                return null;
            index++;
            return new WithAddition(license, exception);
        }
    }

    private static License Identifier(string token, LicenseCatalog catalog)
    {
        if (token.StartsWith("LicenseRef-", StringComparison.OrdinalIgnoreCase) || token.StartsWith("DocumentRef-", StringComparison.OrdinalIgnoreCase))
            return new License(token, true);
        return catalog.Canonical(token) is { } canonical ? new License(canonical, true) : new License(token, false);
    }

}
