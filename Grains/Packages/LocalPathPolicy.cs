namespace Cucos.Grains.Packages;

/// <summary>
/// Whether a cluster analyses paths on its own silos' disks, and under which folders. A local path names the silo's
/// files, not the caller's, and its results are readable by whoever may read analyses, so a cluster refuses them
/// unless its operator allows them (<see cref="Hosting.CucosSiloOptions.AllowLocalPaths"/>); the embedded cluster of
/// the command line does, since there the caller and the silo are one user.
/// </summary>
public sealed record LocalPathPolicy(bool Allowed, IReadOnlyList<string> Roots)
{
    public static readonly LocalPathPolicy Refused = new(false, []);

    /// <summary>Any path the silo can read: the embedded cluster's, and tests'.</summary>
    public static readonly LocalPathPolicy Anywhere = new(true, []);

    public static LocalPathPolicy From(Hosting.CucosSiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.AllowLocalPaths, [.. options.LocalPathRoots.Where(root => !string.IsNullOrWhiteSpace(root)).Select(RealPath)]);
    }

    /// <summary>Why <paramref name="sourcePath"/> may not be analysed here, or null when it may.</summary>
    public string? Problem(string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        if (!Allowed)
            return "this cluster does not analyse local paths (a path names the silo's files, not yours): ask for a registry package, " +
                "or run `cucos analyze PATH` on your own machine; an operator allows them with Cucos:AllowLocalPaths=true.";
        if (Roots.Count == 0)
            return null;
        var real = RealPath(sourcePath);
        return Roots.Any(root => real == root || real.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            ? null
            : $"'{sourcePath}' is outside the folders this cluster analyses local paths in ({string.Join(", ", Roots)}): give a path under one of them.";
    }

    /// <summary>
    /// The absolute path with every symbolic link on the way resolved, so a link inside an allowed folder cannot point
    /// out of it. .NET has no realpath; a missing part ends the resolution (init then says it does not exist).
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var resolved = Path.GetPathRoot(full) ?? "/";
        foreach (var part in full[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(resolved, part);
            FileSystemInfo entry = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            resolved = entry.Exists && entry.LinkTarget is not null && entry.ResolveLinkTarget(returnFinalTarget: true) is { } target
                ? Path.GetFullPath(target.FullName)
                : next;
        }
        return resolved;
    }
}
