using System.Diagnostics;
using System.Text.Json.Nodes;
using Cucos.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Cucos.Tests.Deploy;

/// <summary>The Kubernetes objects a kustomization under deploy/ renders to, as <c>kubectl kustomize</c> prints them.</summary>
public sealed class Manifests
{
    private Manifests(string directory, IReadOnlyList<JsonObject> objects)
    {
        Directory = directory;
        Objects = objects;
    }

    public string Directory { get; }
    public IReadOnlyList<JsonObject> Objects { get; }

    public static string DeployRoot => Path.Combine(SiloProcess.RepositoryRoot(), "deploy");

    /// <summary>Runs <c>kubectl kustomize deploy/RELATIVE</c>; fails with kubectl's own message when it cannot render.</summary>
    public static Manifests Render(string relative)
    {
        var directory = Path.Combine(DeployRoot, relative);
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process kubectl;
        try
        {
            kubectl = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("kubectl is not installed: install the Debian package kubectl (listed in .ci/apt-packages; .ci/run installs it).");
        }
        using var process = kubectl;
        var output = kubectl.StandardOutput.ReadToEndAsync();
        var errors = kubectl.StandardError.ReadToEndAsync();
        if (!kubectl.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            kubectl.Kill();
            throw new TimeoutException($"kubectl kustomize {directory} did not finish in 2 minutes");
        }
        if (kubectl.ExitCode != 0)
            throw new InvalidOperationException($"kubectl kustomize {directory} failed ({kubectl.ExitCode}): {errors.Result}");
        return new Manifests(directory, Parse(output.Result));
    }

    /// <summary>Every YAML document as JSON: plain scalars that look like numbers or booleans become them, as Kubernetes reads them.</summary>
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(document => ToJson(document.RootNode)).OfType<JsonObject>().ToList();
    }

    public IReadOnlyList<JsonObject> OfKind(string kind) =>
        Objects.Where(o => (string?)o["kind"] == kind).ToList();

    public JsonObject OnlyOne(string kind, string name)
    {
        var matches = OfKind(kind).Where(o => (string?)o["metadata"]!["name"] == name).ToList();
        Assert.True(matches.Count == 1, $"{Directory} renders {matches.Count} {kind} named {name}, expected one");
        return matches[0];
    }

    /// <summary>The one Deployment/Job container of that name.</summary>
    public static JsonObject Container(JsonObject workload, string name)
    {
        var containers = workload["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!.AsObject());
        return Assert.Single(containers, c => (string?)c["name"] == name);
    }

    /// <summary>The container's environment variables by name (a name set twice is a mistake and fails).</summary>
    public static Dictionary<string, JsonObject> Environment(JsonObject container)
    {
        var variables = (container["env"]?.AsArray() ?? []).Select(e => e!.AsObject()).ToList();
        var duplicates = variables.GroupBy(e => (string)e["name"]!).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "environment variables set twice: " + string.Join(", ", duplicates));
        return variables.ToDictionary(e => (string)e["name"]!);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value!, ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Plain(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Plain(string? value) =>
        value is null or "null" or "~" ? null
        : long.TryParse(value, out var number) ? JsonValue.Create(number)
        : value is "true" or "false" ? JsonValue.Create(value == "true")
        : JsonValue.Create(value);
}
