using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cucos.Reports;
using Cucos.Reports.Sbom;

// The time to render the SBOM of one analysis with DEPENDENCIES dependency components and FILES files, next to the
// baseline of the same run: System.Text.Json serialising the same dependencies and files as plain records, without
// building any document. The result documents are made here, in the shapes the workers store.
// usage: dotnet run -c Release --project bench/Cucos.Orleans.SbomBench -- [DEPENDENCIES] [FILES] [ROUNDS]
var dependencies = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var files = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20000;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;

static string Hex(int seed, string salt, int bytes) => Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(salt + seed))[..bytes]);

var depList = Enumerable.Range(0, dependencies).Select(i => new { name = i % 3 == 0 ? $"@scope{i % 17}/package-{i}" : $"package-{i}", spec = "^1.0.0", package = (string?)null,
    resolved_version = $"1.{i % 10}.{i % 7}", resolved_at = "2026-12-01T00:00:00Z", reason = (string?)null, status = "resolved" }).ToArray();
var fileList = Enumerable.Range(0, files).Select(i => new { path = $"lib/dir{i % 100}/file-{i}.js", size = 1000 + i,
    md5 = Hex(i, "md5", 16), sha1 = Hex(i, "sha1", 20), sha256 = Hex(i, "sha256", 32), ssdeep = "3:abc:def" }).ToArray();
var results = new Dictionary<string, JsonElement>
{
    ["init"] = JsonSerializer.SerializeToElement(new { details = new { download_url = "https://registry.invalid/x.tgz",
        artifact = new { md5 = Hex(0, "a", 16), sha1 = Hex(0, "a", 20), sha256 = Hex(0, "a", 32), sha512 = Hex(0, "a", 64), url = "https://registry.invalid/x.tgz" } } }),
    ["metadata"] = JsonSerializer.SerializeToElement(new { details = new { name = "big", version = "1.0.0", description = "a large package",
        declared_license = new { raw = "MIT", expression = "MIT" }, homepage = "https://example.invalid", author = new { name = "A", email = "a@example.invalid", url = (string?)null } } }),
    ["dependency_snapshot"] = JsonSerializer.SerializeToElement(new { details = new { ecosystem = "npm", dependencies = depList,
        analyses = new { requested_depth = 0, status = "not requested", started = Array.Empty<object>() } } }),
    ["digests"] = JsonSerializer.SerializeToElement(new { details = new { files = fileList } }),
    ["source_licenses"] = JsonSerializer.SerializeToElement(new { summary = new { expression = "MIT AND ISC" } }),
};
var analysis = new AnalysisDocuments
{
    AnalysisId = "0123456789abcdef0123456789abcdef", Ecosystem = "npm", Name = "big", Version = "1.0.0",
    CreatedAt = DateTimeOffset.UnixEpoch, FinishedAt = DateTimeOffset.UnixEpoch, Results = results,
};

long Measure(Action action)
{
    var watch = Stopwatch.StartNew();
    action();
    return watch.ElapsedMilliseconds;
}

var sizes = new Dictionary<string, long>();
void Baseline()
{
    using var output = new MemoryStream();
    JsonSerializer.Serialize(output, new { dependencies = depList, files = fileList }, new JsonSerializerOptions { WriteIndented = true });
    sizes["baseline"] = output.Length;
}
void Render(SbomFormat format)
{
    using var output = new MemoryStream();
    SbomWriter.Write(format, analysis, output);
    sizes[format.ToString()] = output.Length;
}

// A warm-up round of each, not counted (JIT).
Baseline();
Render(SbomFormat.CycloneDx);
Render(SbomFormat.Spdx);
var times = new Dictionary<string, List<long>> { ["baseline"] = [], ["CycloneDx"] = [], ["Spdx"] = [] };
for (var round = 0; round < rounds; round++)
{
    times["baseline"].Add(Measure(Baseline));
    times["CycloneDx"].Add(Measure(() => Render(SbomFormat.CycloneDx)));
    times["Spdx"].Add(Measure(() => Render(SbomFormat.Spdx)));
}
Console.WriteLine($"{dependencies} dependencies, {files} files, {rounds} rounds, {Environment.ProcessorCount} cores");
Console.WriteLine("what                         median ms   min ms   output MB");
foreach (var (name, list) in times)
{
    var sorted = list.Order().ToArray();
    Console.WriteLine($"{name,-28} {sorted[sorted.Length / 2],9} {sorted[0],8} {sizes[name] / 1e6,11:F1}");
}
