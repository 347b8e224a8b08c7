namespace Cucos.Reports.Sbom;

/// <summary>The SBOM formats: CycloneDX 1.6 JSON and SPDX 2.3 JSON.</summary>
public enum SbomFormat
{
    CycloneDx,
    Spdx,
}

/// <summary>What an SBOM holds besides the packages.</summary>
public sealed record SbomOptions
{
    /// <summary>Every file of the package with its hashes (from digests); false leaves them out.</summary>
    public bool IncludeFiles { get; init; } = true;
    /// <summary>The version the document names as the tool that made it.</summary>
    public string ToolVersion { get; init; } = typeof(SbomWriter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

/// <summary>
/// The one entry the CLI (<c>--format cyclonedx|spdx</c>), the silo's API and the clients call:
/// <c>SbomWriter.Write(format, analysis, stream)</c>.
/// </summary>
public static class SbomWriter
{
    /// <summary>The format names, as <c>?format=</c> and <c>--format</c> take them.</summary>
    public static IReadOnlyList<string> FormatNames { get; } = ["cyclonedx", "spdx"];

    /// <exception cref="SbomException">The analysis has nothing to describe (its init failed).</exception>
    public static void Write(SbomFormat format, AnalysisDocuments analysis, Stream output, SbomOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new SbomOptions();
        var model = SbomModel.From(analysis, options.IncludeFiles);
        switch (format)
        {
            case SbomFormat.CycloneDx:
                CycloneDxWriter.Write(model, output, options.ToolVersion);
                break;
            case SbomFormat.Spdx:
                SpdxWriter.Write(model, output, options.ToolVersion);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "not an SBOM format");
        }
    }

    /// <summary>The SBOM as bytes.</summary>
    public static byte[] Render(SbomFormat format, AnalysisDocuments analysis, SbomOptions? options = null)
    {
        using var buffer = new MemoryStream();
        Write(format, analysis, buffer, options);
        return buffer.ToArray();
    }

    /// <summary>The registered media type of the format.</summary>
    public static string MediaType(SbomFormat format) => format switch
    {
        SbomFormat.CycloneDx => CycloneDxWriter.MediaType,
        SbomFormat.Spdx => SpdxWriter.MediaType,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not an SBOM format"),
    };

    /// <summary>The format a name gives (case-insensitive; cdx and spdx-json too).</summary>
    /// <exception cref="SbomException">Not a format: the message lists them.</exception>
    public static SbomFormat ParseFormat(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "cyclonedx" or "cdx" or "cyclonedx-json" => SbomFormat.CycloneDx,
        "spdx" or "spdx-json" => SbomFormat.Spdx,
        null or "" => throw new SbomException($"no SBOM format given: give one of {string.Join(", ", FormatNames)}."),
        _ => throw new SbomException($"'{name}' is not an SBOM format: give one of {string.Join(", ", FormatNames)}."),
    };

    /// <summary>The name of a format, as <see cref="ParseFormat"/> reads it.</summary>
    public static string Name(SbomFormat format) => format == SbomFormat.Spdx ? "spdx" : "cyclonedx";
}
