using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Cucos.ManifestBench;
using Cucos.Workers.Metadata;
using Tomlyn;
using Tomlyn.Model;

// Manifests parsed per second, per format, single-threaded, next to plain parses of the same files (System.Text.Json,
// XDocument, Tomlyn) measured interleaved in the same run, so a shared machine's noise hits both alike.
var rounds = Option("--rounds", 5);
var seconds = Option("--seconds", 1);
var root = Path.Combine(Path.GetTempPath(), "cucos-manifest-bench-" + Guid.NewGuid().ToString("N"));
Samples.Write(root);
try
{
    var paths = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p).Replace('\\', '/')).ToList();
    var tree = new ManifestTree(root, paths);
    var cases = new List<(string Name, Func<Task> Parse)>();
    foreach (var (format, folder, file) in Samples.All)
    {
        var relative = $"{folder}/{file}";
        var manifest = new ManifestFile(Path.Combine(root, folder, file), relative, tree);
        var parser = MetadataTask.Parsers.First(p => p.Accepts(file, folder));
        cases.Add(($"metadata: {format}", () => parser.ParseAsync(manifest, CancellationToken.None)));
    }
    cases.Add(("baseline: JsonDocument.Parse of the same package.json", () =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "npm", "package.json")));
        return Task.CompletedTask;
    }));
    cases.Add(("baseline: XDocument.Load of the same pom.xml", () =>
    {
        XDocument.Load(Path.Combine(root, "maven", "pom.xml"));
        return Task.CompletedTask;
    }));
    cases.Add(("baseline: Tomlyn TomlTable of the same Cargo.toml", () =>
    {
        TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(Path.Combine(root, "cargo", "Cargo.toml")));
        return Task.CompletedTask;
    }));

    foreach (var (_, parse) in cases)
        for (var i = 0; i < 200; i++)
            await parse(); // warm-up: JIT and file cache

    // Each round runs every case for the same time slice, so baseline and formats interleave.
    var rates = cases.ToDictionary(c => c.Name, _ => new List<double>());
    for (var round = 0; round < rounds; round++)
        foreach (var (name, parse) in cases)
        {
            var count = 0;
            var started = Stopwatch.GetTimestamp();
            var budget = TimeSpan.FromSeconds(seconds);
            while (Stopwatch.GetElapsedTime(started) < budget)
            {
                await parse();
                count++;
            }
            rates[name].Add(count / Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

    Console.WriteLine($"| format | manifests/s (median of {rounds}) | min | max |");
    Console.WriteLine("|---|---:|---:|---:|");
    foreach (var (name, values) in rates)
    {
        values.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {values[values.Count / 2]:N0} | {values[0]:N0} | {values[^1]:N0} |"));
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
