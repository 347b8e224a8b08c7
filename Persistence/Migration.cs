using Npgsql;

namespace Cucos.Persistence;

/// <summary>
/// One versioned schema change: an embedded <c>Migrations/NNNN_name.sql</c> file, or a step in code for a change SQL
/// cannot make (one that needs the grain ids Orleans hashes), listed in <see cref="CodeMigrations"/>.
/// </summary>
public sealed record Migration(int Version, string Name, string Sql, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? Code = null)
{
    private static readonly Migration[] CodeMigrations = [Migrations.PackageKeysMigration.Migration];

    /// <summary>Every migration shipped in this assembly, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    private static List<Migration> Load()
    {
        var assembly = typeof(Migration).Assembly;
        const string prefix = "Cucos.Migrations.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[prefix.Length..];
            var separator = fileName.IndexOf('_');
            if (separator <= 0 || !int.TryParse(fileName[..separator], out var version))
                throw new InvalidOperationException($"migration file '{fileName}' is not named NNNN_name.sql.");
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(version, Path.GetFileNameWithoutExtension(fileName[(separator + 1)..]), reader.ReadToEnd()));
        }
        migrations.AddRange(CodeMigrations);
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
            if (migrations[i].Version == migrations[i - 1].Version)
                throw new InvalidOperationException($"two migrations have version {migrations[i].Version}.");
        return migrations;
    }
}
