using System.Text.RegularExpressions;
using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// A <c>setup.py</c>, read and never executed: the keyword arguments of its <c>setup(...)</c> call whose values are
/// literals (strings, lists, tuples, dicts, booleans) or module-level names bound to literals. Anything computed
/// (<c>open(...).read()</c>, f-strings, function calls) is reported as dynamic.
/// </summary>
public sealed partial class SetupPyParser : IManifestParser
{
    public string Format => "setup.py";
    public string Ecosystem => "pypi";
    public bool Accepts(string fileName, string folderName) => fileName == "setup.py";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var source = await File.ReadAllTextAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var names = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (Match assignment in ModuleAssignment().Matches(source))
        {
            var reader = new PythonLiteralReader(source, assignment.Index + assignment.Length, names);
            if (reader.TryReadValue(out var value))
                names[assignment.Groups["name"].Value] = value;
        }
        var call = SetupCall().Match(source);
        if (!call.Success)
            throw new ManifestFormatException("it has no setup(...) call to read.");
        var (arguments, dynamic) = new PythonLiteralReader(source, call.Index + call.Length, names).ReadKeywordArguments();

        string? Text(string key) => arguments.GetValueOrDefault(key) as string;
        IReadOnlyList<string> List(string key) => arguments.GetValueOrDefault(key) switch
        {
            string one => one.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            List<object> many => [.. many.OfType<string>()],
            _ => [],
        };
        var extras = arguments.GetValueOrDefault("extras_require") is Dictionary<string, object> extraTable
            ? extraTable.ToDictionary(p => p.Key, p => (IReadOnlyList<Dependency>)[.. Requirements(p.Value)], StringComparer.Ordinal)
            : [];
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (arguments.GetValueOrDefault("entry_points") is Dictionary<string, object> entryPoints)
            foreach (var (group, entries) in entryPoints)
                foreach (var entry in Lines(entries))
                    if (entry.IndexOf('=') is > 0 and var equals)
                        scripts.TryAdd(group is "console_scripts" or "gui_scripts" ? entry[..equals].Trim() : $"{group}:{entry[..equals].Trim()}", entry[(equals + 1)..].Trim());
        foreach (var script in List("scripts"))
            scripts.TryAdd("bin:" + Path.GetFileName(script), script);

        var urls = arguments.GetValueOrDefault("project_urls") is Dictionary<string, object> urlTable
            ? ProjectUrls.FromPairs(urlTable.Select(p => (p.Key, p.Value as string ?? "")))
            : new ProjectUrls(null, null, null);
        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Text("python_requires") is { } python)
            engines["python"] = python;
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Text("name"),
            Version = Text("version"),
            Description = Text("description"),
            DeclaredLicense = PythonMetadataParser.License(Text("license_expression"), Text("license"), List("classifiers")),
            Homepage = Text("url") ?? urls.Homepage,
            CodeRepository = RepositoryUrls.Normalize(urls.Repository ?? Text("download_url")),
            BugTracker = urls.BugTracker,
            Author = PythonMetadataParser.Person(Text("author"), Text("author_email")),
            Maintainers = PythonMetadataParser.Person(Text("maintainer"), Text("maintainer_email")) is { } maintainer ? [maintainer] : [],
            Keywords = arguments.GetValueOrDefault("keywords") is List<object> words ? [.. words.OfType<string>()] : PythonMetadataParser.SplitKeywords(Text("keywords")),
            Engines = engines,
            Dependencies = Requirements(arguments.GetValueOrDefault("install_requires")),
            DevDependencies = [.. Requirements(arguments.GetValueOrDefault("tests_require")), .. Requirements(arguments.GetValueOrDefault("setup_requires"))],
            OptionalDependencies = extras,
            Scripts = scripts,
            Dynamic = [.. dynamic.Where(IsMetadataKeyword)],
        };
    }

    /// <summary>Requirements or entry points given as a list of strings or as one multi-line string.</summary>
    private static IEnumerable<string> Lines(object? value) => value switch
    {
        string text => text.Split('\n'),
        List<object> list => list.OfType<string>(),
        _ => [],
    };

    private static bool IsMetadataKeyword(string key) => key is "name" or "version" or "description" or "long_description" or "license"
        or "url" or "author" or "author_email" or "install_requires" or "extras_require" or "python_requires" or "keywords" or "classifiers" or "entry_points";

    private static List<Dependency> Requirements(object? value) => [.. Lines(value).Select(Pep508.Parse).OfType<Dependency>()];

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*", RegexOptions.Multiline)]
    private static partial Regex ModuleAssignment();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:setuptools\.|distutils\.core\.)?setup\s*\(")]
    private static partial Regex SetupCall();
}

/// <summary>Reads Python literals from source text without evaluating anything.</summary>
internal sealed class PythonLiteralReader(string source, int position, IReadOnlyDictionary<string, object> names)
{
    private int at = position;

    /// <summary>The keyword arguments up to the closing parenthesis: literal values, and the names of computed ones.</summary>
    public (Dictionary<string, object> Values, List<string> Dynamic) ReadKeywordArguments()
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var dynamic = new List<string>();
        while (true)
        {
            SkipTrivia();
            if (at >= source.Length)
                throw new ManifestFormatException("the setup(...) call is never closed.");
            if (source[at] == ')')
                return (values, dynamic);
            var start = at;
            var name = Identifier();
            SkipTrivia();
            if (name is not null && Peek('=') && !Peek("=="))
            {
                at++;
                var valueStart = at;
                if (TryReadValue(out var value) && AtArgumentEnd())
                    values[name] = value;
                else
                {
                    at = valueStart;
                    SkipExpression();
                    dynamic.Add(name);
                }
            }
            else
            {
                at = start;
                SkipExpression(); // a positional argument or **kwargs: nothing we can read
            }
            SkipTrivia();
            if (Peek(','))
                at++;
        }
    }

    /// <summary>A literal value (string, list, tuple, dict, bool, number) or a name bound to one.</summary>
    public bool TryReadValue(out object value)
    {
        value = "";
        SkipTrivia();
        if (at >= source.Length)
            return false;
        var c = source[at];
        if (c is '[' or '(')
            return TryReadSequence(c == '[' ? ']' : ')', out value);
        if (c == '{')
            return TryReadDict(out value);
        if (TryReadStrings(out var text))
        {
            value = text;
            return true;
        }
        var name = Identifier();
        if (name is null)
        {
            var number = at;
            while (at < source.Length && (char.IsAsciiDigit(source[at]) || source[at] == '.'))
                at++;
            value = source[number..at];
            return at > number;
        }
        SkipTrivia();
        if (Peek('(') || Peek('.') || Peek('['))
            return false; // a call, an attribute or a subscript: computed
        if (name is "True" or "False")
        {
            value = name == "True";
            return true;
        }
        return names.TryGetValue(name, out value!);
    }

    private bool TryReadSequence(char close, out object value)
    {
        var items = new List<object>();
        value = items;
        at++;
        while (true)
        {
            SkipTrivia();
            if (Peek(close))
            {
                at++;
                return true;
            }
            if (!TryReadValue(out var item))
                return false;
            items.Add(item);
            SkipTrivia();
            if (Peek(','))
                at++;
            else if (!Peek(close))
                return false;
        }
    }

    private bool TryReadDict(out object value)
    {
        var table = new Dictionary<string, object>(StringComparer.Ordinal);
        value = table;
        at++;
        while (true)
        {
            SkipTrivia();
            if (Peek('}'))
            {
                at++;
                return true;
            }
            if (!TryReadStrings(out var key))
                return false;
            SkipTrivia();
            if (!Peek(':'))
                return false;
            at++;
            if (!TryReadValue(out var item))
                return false;
            table[key] = item;
            SkipTrivia();
            if (Peek(','))
                at++;
            else if (!Peek('}'))
                return false;
        }
    }

    /// <summary>One string literal or several adjacent ones (implicit concatenation); f-strings are not literals.</summary>
    private bool TryReadStrings(out string text)
    {
        var builder = new StringBuilder();
        var any = false;
        while (true)
        {
            var save = at;
            SkipTrivia();
            var prefixStart = at;
            while (at < source.Length && char.IsAsciiLetter(source[at]) && at - prefixStart < 2)
                at++;
            var prefix = source[prefixStart..at].ToLowerInvariant();
            if (at >= source.Length || source[at] is not ('"' or '\'') || prefix.Contains('f') || prefix.Any(p => p is not ('r' or 'u' or 'b')))
            {
                at = save;
                text = builder.ToString();
                return any;
            }
            var quote = source[at];
            var triple = at + 2 < source.Length && source[at + 1] == quote && source[at + 2] == quote;
            at += triple ? 3 : 1;
            var raw = prefix.Contains('r');
            while (true)
            {
                if (at >= source.Length)
                    throw new ManifestFormatException("a string literal is never closed.");
                var c = source[at];
                if (c == '\\' && at + 1 < source.Length)
                {
                    builder.Append(raw ? source.AsSpan(at, 2) : Escape(source[at + 1]));
                    at += 2;
                    continue;
                }
                if (c == quote && (!triple || (at + 2 < source.Length && source[at + 1] == quote && source[at + 2] == quote)))
                {
                    at += triple ? 3 : 1;
                    break;
                }
                if (c == '\n' && !triple)
                    throw new ManifestFormatException("a string literal runs past the end of its line.");
                builder.Append(c);
                at++;
            }
            any = true;
        }
    }

    private static string Escape(char c) => c switch { 'n' => "\n", 't' => "\t", '\n' => "", _ => c.ToString() };

    private string? Identifier()
    {
        var start = at;
        if (at < source.Length && (char.IsAsciiLetter(source[at]) || source[at] == '_'))
            while (at < source.Length && (char.IsAsciiLetterOrDigit(source[at]) || source[at] == '_'))
                at++;
        return at > start ? source[start..at] : null;
    }

    private bool AtArgumentEnd()
    {
        SkipTrivia();
        return Peek(',') || Peek(')');
    }

    /// <summary>Skips to the next ',' or ')' at this nesting level, over brackets and strings.</summary>
    private void SkipExpression()
    {
        var depth = 0;
        while (at < source.Length)
        {
            var c = source[at];
            if (depth == 0 && c is ',' or ')')
                return;
            if (c is '"' or '\'')
            {
                if (!TryReadStrings(out _))
                    at++;
                continue;
            }
            if (c == '#')
            {
                SkipTrivia();
                continue;
            }
            depth += c switch { '(' or '[' or '{' => 1, ')' or ']' or '}' => -1, _ => 0 };
            at++;
        }
    }

    private void SkipTrivia()
    {
        while (at < source.Length)
        {
            if (char.IsWhiteSpace(source[at]) || (source[at] == '\\' && at + 1 < source.Length && source[at + 1] == '\n'))
                at++;
            else if (source[at] == '#')
                while (at < source.Length && source[at] != '\n')
                    at++;
            else
                return;
        }
    }

    private bool Peek(char c) => at < source.Length && source[at] == c;
    private bool Peek(string s) => string.CompareOrdinal(source, at, s, 0, s.Length) == 0;
}
