namespace Cucos.Sdk;

/// <summary>What a task sees of the analysis request: the package, where it came from, and the parameters.</summary>
public sealed record RequestView
{
    public required string Ecosystem { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }

    /// <summary>The local directory or archive analysed instead of a registry package, or null.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The tasks the request named under init; null for the default flow.</summary>
    public string[]? Tasks { get; init; }

    /// <summary>Free-form parameters handed to every task.</summary>
    public Dictionary<string, string>? Parameters { get; init; }

    /// <summary>The release string of the original design: <c>ecosystem:name:version</c>.</summary>
    public string Release => $"{Ecosystem}:{Name}:{Version}";
}
