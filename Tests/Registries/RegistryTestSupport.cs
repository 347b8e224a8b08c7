using System.Security.Cryptography;
using Cucos.Sdk.Ecosystems;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Registries;

namespace Cucos.Tests.Registries;

/// <summary>What every registry protocol test needs: a real HTTP client and digests computed by the test itself.</summary>
public static class RegistryTestSupport
{
    public static RegistryHttp Http(RegistryLimits? limits = null) => new(RegistryHttp.CreateClient(), limits);

    public static RegistrySettings Settings(string ecosystem, Uri baseUrl) => new(new Dictionary<string, string> { [ecosystem] = baseUrl.AbsoluteUri });

    public static string Sha1(byte[] content) => Convert.ToHexStringLower(SHA1.HashData(content));
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
    public static string Sha512(byte[] content) => Convert.ToHexStringLower(SHA512.HashData(content));

    /// <summary>Serves a PyPI release's JSON with the given files (packagetype, filename, content, sha256 it claims).</summary>
    public static void PyPiRelease(RegistryServer server, string name, string version, params (string Type, string FileName, byte[] Content, string? Sha256)[] files)
    {
        server.Map($"/pypi/{name}/{version}/json", Reply.Json(new
        {
            info = new { name, version },
            urls = files.Select(f => new Dictionary<string, object>
            {
                ["packagetype"] = f.Type,
                ["filename"] = f.FileName,
                ["url"] = server.Url($"/packages/{f.FileName}"),
                ["digests"] = new { sha256 = f.Sha256 ?? Sha256(f.Content) },
                ["size"] = f.Content.Length,
            }),
        }));
        foreach (var file in files)
            server.Map($"/packages/{file.FileName}", Reply.File(file.Content));
    }
}
