using System.Security.Cryptography;
using Cucos.Orleans.Workers.Registries;

namespace Cucos.Orleans.Tests.Registries;

/// <summary>What every registry protocol test needs: a real HTTP client and digests computed by the test itself.</summary>
public static class RegistryTestSupport
{
    public static RegistryHttp Http() => new(RegistryHttp.CreateClient());

    public static RegistrySettings Settings(string ecosystem, Uri baseUrl) => new(new Dictionary<string, string> { [ecosystem] = baseUrl.AbsoluteUri });

    public static string Sha1(byte[] content) => Convert.ToHexStringLower(SHA1.HashData(content));
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
    public static string Sha512(byte[] content) => Convert.ToHexStringLower(SHA512.HashData(content));
}
