using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Metadata;

namespace Cucos.Tests.Metadata;

/// <summary>A package folder the test writes manifests into, and the metadata worker run on it.</summary>
public abstract class MetadataTestBase : IDisposable
{
    protected TempDirectory Package { get; } = new("cucos-metadata");

    protected void Write(string path, string text) => Package.WriteFile(path, Encoding.UTF8.GetBytes(text));

    protected Task<JsonElement> Run() => WorkerRun.RunAsync(new MetadataTask(), Package.Path);

    protected static string[] Names(JsonElement list) => [.. list.EnumerateArray().Select(d => d.GetProperty("name").GetString()!)];

    protected static Dictionary<string, string?> Specs(JsonElement list) =>
        list.EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("spec").GetString());

    public void Dispose()
    {
        Package.Dispose();
        GC.SuppressFinalize(this);
    }
}
