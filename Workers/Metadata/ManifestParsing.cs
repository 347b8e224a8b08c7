using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Metadata;

/// <summary>A manifest file found in the package, with the tree it was found in (for parents and lock files).</summary>
public sealed record ManifestFile(string FullPath, string RelativePath, ManifestTree Tree)
{
    public string Directory => System.IO.Path.GetDirectoryName(FullPath)!;
}

/// <summary>The package root and every candidate manifest below it, outermost or not.</summary>
public sealed record ManifestTree(string Root, IReadOnlyList<string> RelativePaths);

/// <summary>Reads one manifest format into the common schema.</summary>
public interface IManifestParser
{
    /// <summary>The format's name as reported in results.</summary>
    string Format { get; }
    string Ecosystem { get; }
    /// <summary>Whether a file of this name (in a folder of this name) is this format's manifest.</summary>
    bool Accepts(string fileName, string folderName);
    /// <summary>The largest file of this format that is read; lock files are allowed more than manifests.</summary>
    long MaxBytes => MetadataTask.MaxManifestBytes;
    /// <summary>Parses the manifest; throws <see cref="ManifestFormatException"/> (or the format library's own) when it is malformed.</summary>
    Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken);
}

/// <summary>The manifest is not valid for its format; the message says what is wrong.</summary>
public sealed class ManifestFormatException(string message) : Exception(message);

/// <summary>Lenient readers over parsed documents: manifests in the wild put strings where objects go and back.</summary>
public static class Json
{
    public static string? Str(JsonNode? node)
    {
        if (node is not JsonValue value)
            return null;
        if (value.TryGetValue<string>(out var text))
            return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (value.TryGetValue<bool>(out var flag))
            return flag ? "true" : "false";
        var raw = value.ToJsonString();
        return raw.Length > 0 && raw[0] != '"' ? raw : null;
    }

    public static string? Str(JsonNode? node, string key) => Str(Child(node, key));

    public static JsonNode? Child(JsonNode? node, string key) => node is JsonObject obj && obj.TryGetPropertyValue(key, out var child) ? child : null;

    public static JsonNode? Path(JsonNode? node, params string[] keys) => keys.Aggregate(node, Child);

    /// <summary>A string or an array of strings, as a list; other shapes give an empty list.</summary>
    public static IReadOnlyList<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(Str).OfType<string>()],
        JsonValue => Str(node) is { } one ? [one] : [],
        _ => [],
    };

    /// <summary>An object of string values (engines, scripts), other values skipped.</summary>
    public static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj)
            foreach (var (key, value) in obj)
                if (Str(value) is { } text)
                    map[key] = text;
        return map;
    }

    /// <summary>A name-to-spec object (npm, composer) as dependencies; a non-string spec is kept as its JSON.</summary>
    public static IReadOnlyList<Dependency> DependencyMap(JsonNode? node)
    {
        if (node is not JsonObject obj)
            return [];
        return [.. obj.Select(p => new Dependency(p.Key, Str(p.Value) ?? (p.Value is null ? null : p.Value.ToJsonString())))];
    }
}

/// <summary>People written as <c>Name &lt;email&gt; (url)</c>, or as objects.</summary>
public static partial class People
{
    public static Person? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var match = PersonPattern().Match(text.Trim());
        string? Group(string name) => match.Groups[name].Success && match.Groups[name].Value.Trim() is { Length: > 0 } v ? v : null;
        return match.Success ? new Person(Group("name"), Group("email"), Group("url")) : new Person(text.Trim());
    }

    public static Person? FromNode(JsonNode? node) => node switch
    {
        JsonObject obj => Json.Str(obj, "name") is null && Json.Str(obj, "email") is null && Json.Str(obj, "url") is null
            ? null
            : new Person(Json.Str(obj, "name"), Json.Str(obj, "email"), Json.Str(obj, "url") ?? Json.Str(obj, "homepage")),
        JsonValue => Parse(Json.Str(node)),
        _ => null,
    };

    public static IReadOnlyList<Person> List(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(FromNode).OfType<Person>()],
        JsonValue or JsonObject => FromNode(node) is { } one ? [one] : [],
        _ => [],
    };

    /// <summary>Comma-separated names with optional addresses, as in PKG-INFO's Author-email or a nuspec's authors.</summary>
    public static IReadOnlyList<Person> SplitList(string? text) => string.IsNullOrWhiteSpace(text)
        ? []
        : [.. SplitOutsideBrackets(text).Select(Parse).OfType<Person>()];

    private static IEnumerable<string> SplitOutsideBrackets(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '<' or '(' => 1, '>' or ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    /// <summary>Merges a list of names and a parallel list of addresses (PKG-INFO, pyproject without both).</summary>
    public static Person? Merge(Person? person, Person? other) =>
        person is null ? other : other is null ? person
            : new Person(person.Name ?? other.Name, person.Email ?? other.Email, person.Url ?? other.Url);

    [GeneratedRegex(@"^(?<name>[^<(]*?)\s*(?:<(?<email>[^>]*)>)?\s*(?:\((?<url>[^)]*)\))?$")]
    private static partial Regex PersonPattern();
}
