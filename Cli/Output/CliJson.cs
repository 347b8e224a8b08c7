using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cucos.Cli.Output;

/// <summary>How the CLI writes JSON: indented, snake_case, enums as words.</summary>
public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// Writes a file through a temporary file, so an existing file is never left half-written. A device
    /// (/dev/null, /dev/stdout, /dev/fd/N) is written in place: renaming over it would replace the device with a file.
    /// </summary>
    public static async Task WriteFileAsync(string path, object value, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (full.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists(full))
        {
            await using var device = new FileStream(full, FileMode.Open, FileAccess.Write);
            await JsonSerializer.SerializeAsync(device, value, value.GetType(), Options, cancellationToken);
            return;
        }
        var temporary = full + ".tmp-" + Environment.ProcessId;
        await using (var stream = File.Create(temporary))
            await JsonSerializer.SerializeAsync(stream, value, value.GetType(), Options, cancellationToken);
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Fails early when the output file could not be written, before any work is done.</summary>
    public static void CheckWritable(string? path)
    {
        if (path is null)
            return;
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new UsageException($"--output '{path}' is a directory: give a file name.");
        var directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
            throw new UsageException($"--output '{path}': folder '{directory}' does not exist. Create it or choose another path.");
    }
}
