namespace Cucos.Workers.Metadata;

/// <summary>A manifest to parse and the parser that reads it.</summary>
public sealed record FoundManifest(string RelativePath, int Depth, IManifestParser Parser);

/// <summary>
/// Finds the package's own manifests: those in the outermost folders that have any, never below a folder that
/// holds vendored or installed dependencies (node_modules, vendor, site-packages...).
/// </summary>
public static class ManifestFinder
{
    private static readonly HashSet<string> VendoredFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "node_modules", "bower_components", "jspm_packages", "vendor", "third_party", "third-party", "site-packages",
        "dist-packages", ".git", ".hg", ".svn", "__pycache__", ".venv", "venv",
    };

    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true,
    };

    /// <summary>The outermost manifests, and every manifest below the root (for parents such as a Maven parent pom).</summary>
    public static (IReadOnlyList<FoundManifest> Outermost, ManifestTree Tree) Find(string root, IReadOnlyList<IManifestParser> parsers, CancellationToken cancellationToken)
    {
        var outermost = new List<FoundManifest>();
        var all = new List<string>();
        Walk(new DirectoryInfo(root), "", 0, underManifest: false);
        return (outermost, new ManifestTree(root, all));

        void Walk(DirectoryInfo folder, string relative, int depth, bool underManifest)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var found = new List<FoundManifest>();
            foreach (var file in folder.EnumerateFiles("*", OneLevel))
                if (parsers.FirstOrDefault(p => p.Accepts(file.Name, folder.Name)) is { } parser)
                    found.Add(new FoundManifest(relative + file.Name, depth, parser));
            all.AddRange(found.Select(f => f.RelativePath));
            if (!underManifest)
                outermost.AddRange(found);
            foreach (var child in folder.EnumerateDirectories("*", OneLevel))
                if (!VendoredFolders.Contains(child.Name))
                    Walk(child, relative + child.Name + "/", depth + 1, underManifest || found.Count > 0);
        }
    }
}
