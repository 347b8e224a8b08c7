using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Init;
using Cucos.Workers.Registries;

// Fetch-and-extract throughput: init's npm fetch (packument, tarball streamed to disk with four digests, sha512
// integrity check) plus the safe extraction, against a loopback registry serving a large generated .tgz, next to
// `tar -xzf` of the same file. Rounds interleave the two so machine noise hits both alike.
var megabytes = Option("--megabytes", 256);
var rounds = Option("--rounds", 5);
var work = Path.Combine(Path.GetTempPath(), "cucos-fetch-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);
try
{
    var archive = Path.Combine(work, "big-1.0.0.tgz");
    var extractedBytes = Generate(archive, megabytes * 1024L * 1024);
    var archiveBytes = new FileInfo(archive).Length;
    Console.WriteLine($"archive: {archiveBytes / 1e6:F1} MB gzip-compressed, {extractedBytes / 1e6:F1} MB in files; {rounds} rounds");

    using var server = new TarballServer(archive);
    File.WriteAllText(Path.Combine(work, ".npmrc"), $"registry={server.BaseUrl}\n");
    var npm = new NpmRegistry(new RegistryHttp(RegistryHttp.CreateClient()), new NpmConfigSource(work, work, new Dictionary<string, string>(), AskNpm: false));
    var extractor = new SafeArchiveExtractor(new ArchiveLimits());

    var ours = new List<double>();
    var extractOnly = new List<double>();
    var tar = new List<double>();
    for (var round = 0; round <= rounds; round++) // round 0 warms up and is not counted
    {
        var target = Path.Combine(work, "out-" + round);
        var seconds = Time(() =>
        {
            var fetched = npm.FetchAsync("big", "1.0.0", Path.Combine(target, "artifact"), Path.Combine(target, "metadata"), CancellationToken.None).GetAwaiter().GetResult();
            if (fetched.Archive.Verified is null)
                throw new InvalidOperationException("the integrity was not checked");
            extractor.Extract(fetched.Archive.Path, ArchiveFormat.TarGzip, Path.Combine(target, "package"), CancellationToken.None);
        });
        var local = Time(() => extractor.Extract(archive, ArchiveFormat.TarGzip, Path.Combine(target, "package-local"), CancellationToken.None));
        var tarTarget = Path.Combine(target, "tar");
        Directory.CreateDirectory(tarTarget);
        var baseline = Time(() => RunTar(archive, tarTarget));
        Directory.Delete(target, recursive: true);
        if (round == 0)
            continue;
        ours.Add(seconds);
        extractOnly.Add(local);
        tar.Add(baseline);
        Console.WriteLine($"round {round}: fetch+extract {seconds:F2} s, extract only {local:F2} s, tar -xzf {baseline:F2} s");
    }

    Console.WriteLine();
    Console.WriteLine("| run | median (s) | MB/s of files (median) | MB/s of files (best) |");
    Console.WriteLine("|---|---:|---:|---:|");
    Row("init's npm fetch + safe extraction (loopback registry)", ours);
    Row("safe extraction alone, from the local file", extractOnly);
    Row("`tar -xzf` of the same file (baseline)", tar);

    void Row(string name, List<double> seconds)
    {
        var sorted = seconds.Order().ToList();
        var median = sorted[sorted.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {median:F2} | {extractedBytes / 1e6 / median:F0} | {extractedBytes / 1e6 / sorted[0]:F0} |"));
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Time(Action action)
{
    var started = Stopwatch.GetTimestamp();
    action();
    return Stopwatch.GetElapsedTime(started).TotalSeconds;
}

static void RunTar(string archive, string target)
{
    using var process = Process.Start(new ProcessStartInfo("tar", ["-xzf", archive, "-C", target]))!;
    process.WaitForExit();
    if (process.ExitCode != 0)
        throw new InvalidOperationException($"tar exited with {process.ExitCode}");
}

// A package like a big real one: many source-like text files (compressible) and some binary blobs (not).
static long Generate(string path, long totalBytes)
{
    var random = new Random(42);
    var words = "function return const value index module export require buffer stream length object string number".Split(' ');
    long written = 0;
    using var file = File.Create(path);
    using var gzip = new GZipStream(file, CompressionLevel.Fastest);
    using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
    for (var i = 0; written < totalBytes; i++)
    {
        byte[] content;
        if (i % 10 == 9)
        {
            content = new byte[1024 * 1024];
            random.NextBytes(content);
        }
        else
        {
            var text = new StringBuilder();
            while (text.Length < 64 * 1024)
                text.Append(words[random.Next(words.Length)]).Append(random.Next(4) == 0 ? ";\n" : " ");
            content = Encoding.UTF8.GetBytes(text.ToString());
        }
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"package/dir{i % 50}/file{i}.js") { DataStream = new MemoryStream(content) });
        written += content.Length;
    }
    return written;
}

/// <summary>An npm registry on loopback with one package: its packument and its tarball, streamed from disk.</summary>
sealed class TarballServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly string archive;
    private readonly byte[] packument;

    public TarballServer(string archive)
    {
        this.archive = archive;
        using (var socket = new TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            BaseUrl = $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndpoint).Port}/";
        }
        string integrity;
        using (var stream = File.OpenRead(archive))
            integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(stream));
        packument = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["name"] = "big",
            ["versions"] = new Dictionary<string, object> { ["1.0.0"] = new { dist = new { tarball = BaseUrl + "big/-/big-1.0.0.tgz", integrity } } },
        });
        listener.Prefixes.Add(BaseUrl);
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using var response = context.Response;
                if (context.Request.RawUrl == "/big")
                {
                    response.ContentType = "application/json";
                    await response.OutputStream.WriteAsync(packument);
                }
                else
                {
                    await using var file = File.OpenRead(archive);
                    response.ContentLength64 = file.Length;
                    await file.CopyToAsync(response.OutputStream);
                }
            });
        }
    }

    public void Dispose() => listener.Close();
}
