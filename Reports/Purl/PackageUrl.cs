using System.Globalization;
using System.Text;

namespace Cucos.Reports.Purl;

/// <summary>
/// A package URL (purl) as the purl specification defines it: <c>pkg:type/namespace/name@version?qualifiers#subpath</c>.
/// Built with <see cref="Create"/> (the components decoded) or read with <see cref="Parse"/>; <see cref="ToString"/> is
/// the canonical form (type lower-cased, the type's own name rules applied, qualifiers sorted, every character outside
/// <c>A-Z a-z 0-9 . - _ ~ :</c> percent-encoded). docs/sbom.md lists the rules of each type.
/// </summary>
public sealed record PackageUrl
{
    private PackageUrl(string type, string? @namespace, string name, string? version, IReadOnlyDictionary<string, string>? qualifiers, string? subpath)
    {
        Type = type;
        Namespace = @namespace;
        Name = name;
        Version = version;
        Qualifiers = qualifiers;
        Subpath = subpath;
    }

    public string Type { get; }
    public string? Namespace { get; }
    public string Name { get; }
    public string? Version { get; }
    /// <summary>Sorted by key; null when there are none.</summary>
    public IReadOnlyDictionary<string, string>? Qualifiers { get; }
    public string? Subpath { get; }

    /// <summary>
    /// The purl of these decoded components, normalised by the type's rules (pypi names lower-cased with '_' as '-',
    /// composer and github namespaces and names lower-cased, ...).
    /// </summary>
    /// <exception cref="PackageUrlException">A component breaks the specification: the message says which and why.</exception>
    public static PackageUrl Create(string? type, string? @namespace, string? name, string? version = null,
        IReadOnlyDictionary<string, string>? qualifiers = null, string? subpath = null)
    {
        if (string.IsNullOrEmpty(type))
            throw new PackageUrlException("a package URL needs a type (such as npm or maven).");
        CheckType(type);
        type = type.ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
            throw new PackageUrlException($"a package URL of type '{type}' needs a name.");
        SortedDictionary<string, string>? sorted = null;
        if (qualifiers is { Count: > 0 })
        {
            sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in qualifiers)
            {
                var lower = key.ToLowerInvariant();
                CheckQualifierKey(lower);
                if (!string.IsNullOrEmpty(value))
                    sorted[lower] = value;
            }
            if (sorted.Count == 0)
                sorted = null;
        }
        var segments = @namespace?.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var cleanNamespace = segments is { Length: > 0 } ? string.Join('/', segments) : null;
        var cleanSubpath = subpath is null ? null : CleanSubpath(subpath.Split('/'));
        (cleanNamespace, name) = PurlTypes.Normalise(type, cleanNamespace, name);
        if (PurlTypes.RequiresNamespace(type) && cleanNamespace is null)
            throw new PackageUrlException($"a package URL of type '{type}' needs a namespace ({PurlTypes.NamespaceMeaning(type)}).");
        return new PackageUrl(type, cleanNamespace, name, string.IsNullOrEmpty(version) ? null : version, sorted, cleanSubpath);
    }

    /// <summary>
    /// Reads a purl. <paramref name="strict"/> (the specification's required behaviour) refuses qualifier keys that are
    /// not lower case; otherwise they are lower-cased, as its recommended lenient reading does.
    /// </summary>
    /// <exception cref="PackageUrlException">The text is not a package URL: the message says what is wrong.</exception>
    public static PackageUrl Parse(string text, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
            throw new PackageUrlException($"'{text}' is not a package URL: it must start with 'pkg:'.");
        var rest = text[4..].TrimStart('/');

        string? subpath = null;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            subpath = CleanSubpath(rest[(hash + 1)..].Split('/').Select(Decode));
            rest = rest[..hash];
        }

        Dictionary<string, string>? qualifiers = null;
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            qualifiers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                    throw new PackageUrlException($"'{text}' has a qualifier without a key=value form: '{pair}'.");
                var key = pair[..equals];
                if (strict && key.Any(char.IsAsciiLetterUpper))
                    throw new PackageUrlException($"'{text}' has the qualifier key '{key}', which is not lower case.");
                qualifiers[key.ToLowerInvariant()] = Decode(pair[(equals + 1)..]);
            }
            rest = rest[..question];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
            throw new PackageUrlException($"'{text}' has no type: write pkg:TYPE/NAME, such as pkg:npm/left-pad.");
        var type = rest[..slash];
        CheckType(type);
        var path = rest[(slash + 1)..].TrimEnd('/');

        string? version = null;
        // The version follows the last '@' of the last segment: an npm scope's unencoded '@' starts the namespace.
        var at = path.LastIndexOf('@');
        if (at > path.LastIndexOf('/'))
        {
            version = Decode(path[(at + 1)..]);
            path = path[..at];
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Decode).ToArray();
        if (segments.Length == 0 || segments[^1].Length == 0)
            throw new PackageUrlException($"'{text}' has no name after its type.");
        var name = segments[^1];
        var @namespace = segments.Length > 1 ? string.Join('/', segments[..^1]) : null;
        return Create(type, @namespace, name, version, qualifiers, subpath);
    }

    /// <summary>The canonical text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("pkg:").Append(Type).Append('/');
        if (Namespace is not null)
        {
            foreach (var segment in Namespace.Split('/'))
                Encode(text, segment).Append('/');
        }
        Encode(text, Name);
        if (Version is not null)
            Encode(text.Append('@'), Version);
        if (Qualifiers is not null)
        {
            var first = true;
            foreach (var (key, value) in Qualifiers)
            {
                text.Append(first ? '?' : '&').Append(key).Append('=');
                Encode(text, value);
                first = false;
            }
        }
        if (Subpath is not null)
        {
            text.Append('#');
            var first = true;
            foreach (var segment in Subpath.Split('/'))
            {
                if (!first)
                    text.Append('/');
                Encode(text, segment);
                first = false;
            }
        }
        return text.ToString();
    }

    private static void CheckType(string type)
    {
        if (!char.IsAsciiLetter(type[0]))
            throw new PackageUrlException($"the package URL type '{type}' must start with a letter.");
        foreach (var c in type)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '-'))
                throw new PackageUrlException($"the package URL type '{type}' may hold only letters, digits, '.', '+' and '-' (not '{c}').");
    }

    private static void CheckQualifierKey(string key)
    {
        if (key.Length == 0 || !char.IsAsciiLetter(key[0]) && key[0] is not ('.' or '-' or '_'))
            throw new PackageUrlException($"the qualifier key '{key}' must start with a letter.");
        foreach (var c in key)
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('.' or '-' or '_'))
                throw new PackageUrlException($"the qualifier key '{key}' may hold only letters, digits, '.', '-' and '_' (not '{c}').");
    }

    /// <summary>A subpath without empty, '.' and '..' segments; null when nothing is left.</summary>
    private static string? CleanSubpath(IEnumerable<string> segments)
    {
        var kept = segments.Where(s => s.Length > 0 && s is not "." and not "..").ToArray();
        return kept.Length == 0 ? null : string.Join('/', kept);
    }

    private static StringBuilder Encode(StringBuilder text, string value)
    {
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (Rune.IsLetterOrDigit(rune) || rune.Value is '.' or '-' or '_' or '~' or ':'))
            {
                text.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(bytes);
            for (var i = 0; i < length; i++)
                text.Append('%').Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
        }
        return text;
    }

    private static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
            return value;
        return Uri.UnescapeDataString(value);
    }
}

/// <summary>A package URL that breaks the purl specification; the message says what is wrong.</summary>
public sealed class PackageUrlException(string message) : FormatException(message);
