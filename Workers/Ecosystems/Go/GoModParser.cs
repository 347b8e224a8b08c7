using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Go;

/// <summary>
/// Go's <c>go.mod</c>: the module path, the <c>go</c> and <c>toolchain</c> lines, and the <c>require</c> lines
/// (<c>// indirect</c> ones go to the optional group "indirect"), with <c>replace</c> directives applied.
/// </summary>
public sealed class GoModParser : IManifestParser
{
    public string Format => "go.mod";
    public string Ecosystem => "go";
    public bool Accepts(string fileName, string folderName) => fileName == "go.mod";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        string? module = null;
        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        var requires = new List<(Dependency Dependency, bool Indirect)>();
        var replacements = new Dictionary<string, string>(StringComparer.Ordinal);
        string? block = null;
        var number = 0;
        using var reader = new StreamReader(file.FullPath);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } rawLine)
        {
            number++;
            var comment = rawLine.IndexOf("//", StringComparison.Ordinal);
            var indirect = comment >= 0 && rawLine[(comment + 2)..].Trim().StartsWith("indirect", StringComparison.Ordinal);
            var line = (comment >= 0 ? rawLine[..comment] : rawLine).Trim();
            if (line.Length == 0)
                continue;
            if (block is not null)
            {
                if (line == ")")
                    block = null;
                else
                    Directive(block, Words(line), indirect);
                continue;
            }
            var words = Words(line);
            if (words.Length >= 2 && words[1] == "(" )
                block = words[0];
            else
                Directive(words[0], words[1..], indirect);
        }
        if (block is not null)
            throw new ManifestFormatException($"the '{block} (' block is never closed.");
        if (module is null)
            throw new ManifestFormatException("it has no 'module' line.");

        Dependency Replaced(Dependency dependency) =>
            replacements.TryGetValue(dependency.Name + "@" + dependency.Spec, out var exact) || replacements.TryGetValue(dependency.Name, out exact)
                ? dependency with { Marker = "replaced by " + exact } : dependency;
        var indirectOnes = requires.Where(r => r.Indirect).Select(r => Replaced(r.Dependency)).ToList();
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = module,
            CodeRepository = RepositoryFor(module),
            Engines = engines,
            Dependencies = [.. requires.Where(r => !r.Indirect).Select(r => Replaced(r.Dependency))],
            OptionalDependencies = indirectOnes.Count > 0 ? new Dictionary<string, IReadOnlyList<Dependency>> { ["indirect"] = indirectOnes } : [],
        };

        void Directive(string verb, string[] args, bool isIndirect)
        {
            switch (verb)
            {
                case "module" when args.Length >= 1:
                    module = args[0];
                    break;
                case "go" or "toolchain" when args.Length >= 1:
                    engines[verb] = args[0];
                    break;
                case "require" when args.Length >= 2:
                    requires.Add((new Dependency(args[0], args[1]), isIndirect));
                    break;
                case "replace":
                    var arrow = Array.IndexOf(args, "=>");
                    if (arrow is 1 or 2 && args.Length > arrow + 1)
                        replacements[arrow == 2 ? args[0] + "@" + args[1] : args[0]] = string.Join(' ', args[(arrow + 1)..]);
                    break;
                case "require" or "module" or "go" or "toolchain":
                    throw new ManifestFormatException($"line {number}: '{verb}' is missing its arguments.");
            }
        }
    }

    private static string[] Words(string line) => [.. line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '`'))];

    /// <summary>Modules on the well-known code hosts name their repository in their path.</summary>
    private static CodeRepository? RepositoryFor(string module)
    {
        var parts = module.Split('/');
        return parts.Length >= 3 && parts[0] is "github.com" or "gitlab.com" or "bitbucket.org"
            ? RepositoryUrls.Normalize($"https://{parts[0]}/{parts[1]}/{parts[2]}")
            : null;
    }
}
