using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Cucos.Workers.SecurityIssues;

// Import time and memory of a synthetic npm all.zip of RECORDS records shaped like GitHub's (id, CVE alias, summary,
// CVSS v3.1 vector, one SEMVER range, references, CWE), and matching throughput for VERSIONS package versions, next
// to the baselines of the same run: reading the zip's entries without parsing (import), and a linear scan over the
// parsed records (matching). The import measured is the directory source's index (what a silo builds in memory).
// usage: dotnet run -c Release --project bench/Cucos.Orleans.AdvisoryBench -- [RECORDS] [VERSIONS] [SCANNED]
var records = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
var versions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
var scanned = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200; // the linear scan is slow: a sample
var packages = Math.Max(1, records / 4); // about four advisories per package, as for popular npm packages

var root = Path.Combine(Path.GetTempPath(), $"cucos-advisory-bench-{Environment.ProcessId}");
Directory.CreateDirectory(Path.Combine(root, "npm"));
var zipPath = Path.Combine(root, "npm", "all.zip");
try
{
    using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
        for (var i = 0; i < records; i++)
        {
            var id = $"GHSA-{i:x4}-{i % 9973:x4}-{i % 7919:x4}";
            var fixedVersion = $"{1 + i % 5}.{i % 10}.{i % 7}";
            var json = $$"""
                {"schema_version":"1.4.0","id":"{{id}}","modified":"2024-0{{1 + i % 9}}-1{{i % 10}}T12:00:00Z","published":"2020-01-01T00:00:00Z",
                 "aliases":["CVE-2020-{{10000 + i}}"],"summary":"synthetic advisory {{i}} of package-{{i % packages}}","details":"{{new string('x', 400)}}",
                 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                 "affected":[{"package":{"ecosystem":"npm","name":"package-{{i % packages}}","purl":"pkg:npm/package-{{i % packages}}"},
                   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"{{fixedVersion}}"}]}]}],
                 "references":[{"type":"ADVISORY","url":"https://nvd.nist.gov/vuln/detail/CVE-2020-{{10000 + i}}"},{"type":"WEB","url":"https://example.invalid/{{i}}"}],
                 "database_specific":{"cwe_ids":["CWE-{{79 + i % 50}}"],"severity":"HIGH","github_reviewed":true} }
                """;
            var entry = zip.CreateEntry(id + ".json", CompressionLevel.Fastest);
            using var stream = entry.Open();
            stream.Write(Encoding.UTF8.GetBytes(json));
        }
    Console.WriteLine($"all.zip: {records:N0} records, {new FileInfo(zipPath).Length / 1e6:F1} MB, {packages:N0} packages; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

    // Baseline: the zip's entries read, not parsed.
    var watch = Stopwatch.StartNew();
    long bytes = 0;
    using (var zip = ZipFile.OpenRead(zipPath))
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            bytes += stream.CopyToCountingAsync().GetAwaiter().GetResult();
        }
    var readMs = watch.ElapsedMilliseconds;

    GC.Collect();
    var before = GC.GetTotalMemory(forceFullCollection: true);
    watch.Restart();
    var directory = new AdvisoryDirectory(root, TimeProvider.System);
    var index = (await directory.IndexesAsync("npm", default)).Single(i => i.Source == "npm/all.zip").Index;
    var importMs = watch.ElapsedMilliseconds;
    var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
    Console.WriteLine($"baseline read entries   {readMs,8} ms  ({bytes / 1e6:F0} MB of JSON)");
    Console.WriteLine($"import (index build)    {importMs,8} ms  {index.Records:N0} records, {retained / 1e6:F0} MB retained, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");

    // Matching: the index's lookup then the OSV evaluation, against a linear scan over the same parsed records.
    var ordering = new AffectedVersions(null);
    var queries = Enumerable.Range(0, versions).Select(k => ($"package-{k * 7919 % packages}", $"{1 + k % 5}.{k % 10}.{k % 3}")).ToArray();
    watch.Restart();
    var hits = 0;
    foreach (var (name, version) in queries)
        foreach (var entry in index.For("npm", name))
            if (ordering.Judge(entry.Affected, version).Affected)
                hits++;
    var indexMs = Math.Max(1, watch.ElapsedMilliseconds);

    var all = new List<OsvRecord>(records);
    using (var zip = ZipFile.OpenRead(zipPath))
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            if (OsvRecords.Parse(memory.ToArray(), out _) is { } record)
                all.Add(record);
        }
    watch.Restart();
    var scanHits = 0;
    var sampleHits = 0;
    for (var q = 0; q < Math.Min(scanned, queries.Length); q++)
    {
        var (name, version) = queries[q];
        foreach (var record in all)
            foreach (var affected in record.Affected ?? [])
                if (affected.Package is { Ecosystem: "npm" } package && package.Name == name && ordering.Judge(affected, version).Affected)
                    scanHits++;
    }
    var scanMs = Math.Max(1, watch.ElapsedMilliseconds);
    for (var q = 0; q < Math.Min(scanned, queries.Length); q++)
        foreach (var entry in index.For("npm", queries[q].Item1))
            if (ordering.Judge(entry.Affected, queries[q].Item2).Affected)
                sampleHits++;
    if (scanHits != sampleHits)
        throw new InvalidOperationException($"the index found {sampleHits} affected entries in the sample, the scan {scanHits}");
    Console.WriteLine($"match via index         {indexMs,8} ms  {versions:N0} versions, {versions * 1000.0 / indexMs:N0} versions/s, {hits:N0} affected entries");
    Console.WriteLine($"baseline linear scan    {scanMs,8} ms  {Math.Min(scanned, versions):N0} versions, {Math.Min(scanned, versions) * 1000.0 / scanMs:N1} versions/s (same hits as the index on them: {scanHits:N0})");
}
finally
{
    Directory.Delete(root, recursive: true);
}

internal static class StreamCounting
{
    public static async Task<long> CopyToCountingAsync(this Stream stream)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
            total += read;
        return total;
    }
}
