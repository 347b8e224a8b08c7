using System.Security.Cryptography;
using System.Text;
using Cucos.Sdk;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Support;

/// <summary>Generated package trees with known content.</summary>
public static class Fixtures
{
    /// <summary>A small package: text files, a nested folder, an empty file and random binary content.</summary>
    public static Dictionary<string, byte[]> SmallPackage(int seed = 7)
    {
        var random = new Random(seed);
        var blob = new byte[70_000];
        random.NextBytes(blob);
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["package.json"] = Encoding.UTF8.GetBytes("""{ "name": "fixture", "version": "1.0.0" }"""),
            ["index.js"] = Encoding.UTF8.GetBytes("module.exports = function () { return 42; };\n"),
            ["lib/util/empty.txt"] = [],
            ["lib/data.bin"] = blob,
        };
    }

    public static void WriteTree(string root, Dictionary<string, byte[]> files)
    {
        foreach (var (relative, content) in files)
        {
            var full = Path.Combine([root, .. relative.Split('/')]);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }
    }

    /// <summary>Digests computed here with one-shot hashing, independent of the streaming code under test.</summary>
    public static (string Md5, string Sha1, string Sha256) Expected(byte[] content) => (
        Convert.ToHexStringLower(MD5.HashData(content)),
        Convert.ToHexStringLower(SHA1.HashData(content)),
        Convert.ToHexStringLower(SHA256.HashData(content)));
}

/// <summary>The built-in tasks as this build registers them, so a test that lists them keeps up with a new worker.</summary>
public static class BuiltInTaskNames
{
    private static readonly Lazy<string[]> Names = new(() =>
    {
        using var services = new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider();
        return [.. services.GetRequiredService<TaskRegistry>().All.Select(d => d.Name)];
    });

    /// <summary>Every built-in task's name, in ordinal order.</summary>
    public static IReadOnlyList<string> All => Names.Value;
}
