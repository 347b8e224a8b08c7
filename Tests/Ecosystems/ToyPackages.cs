using System.Security.Cryptography;
using System.Text.Json;
using Cucos.Tests.Support;

namespace Cucos.Tests.Ecosystems;

/// <summary>The toy registry on loopback, serving <c>toy:blocks@1.0</c>, and the checks every path of the end-to-end test makes.</summary>
public sealed class ToyPackages : IDisposable
{
    public const string Name = "blocks";
    public const string Version = "1.0";

    public ToyPackages()
    {
        Tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            foreach (var (path, content) in Files)
                w.AddFile("blocks/" + path, content);
        });
        Server.Map($"/toy/{Name}/{Version}.tar.gz", Reply.File(Tarball));
        Server.Map($"/toy/{Name}/versions", Reply.Text(Version + "\n"));
    }

    public RegistryServer Server { get; } = new();
    public Dictionary<string, byte[]> Files { get; } = Fixtures.SmallPackage(seed: 41);
    public byte[] Tarball { get; }
    public string BaseUrl => Server.Url("/toy/");
    public string PluginPath => typeof(ToyEcosystemModule).Assembly.Location;

    /// <summary>init fetched the tarball from the toy registry, and digests saw every file of it.</summary>
    public void AssertAnalysed(JsonElement init, JsonElement digests)
    {
        Assert.Equal(Server.Url($"/toy/{Name}/{Version}.tar.gz"), init.GetProperty("details").GetProperty("download_url").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Tarball)), digests.GetProperty("details").GetProperty("artifact").GetProperty("sha256").GetString());
        var byPath = digests.GetProperty("details").GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        Assert.Equal(Files.Count, byPath.Count);
        foreach (var (path, content) in Files)
            Assert.Equal(Fixtures.Expected(content).Sha256, byPath["blocks/" + path]);
        Assert.Equal($"toy:{Name}:{Version}", digests.GetProperty("_release").GetString());
    }

    public void Dispose() => Server.Dispose();
}
