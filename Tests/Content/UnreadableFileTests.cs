using System.Net.Sockets;
using System.Text.Json;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Workers.BinaryData;
using Cucos.Workers.Crypto;
using Cucos.Workers.Digests;
using Cucos.Workers.Languages;
using Cucos.Workers.Licenses;
using Cucos.Workers.Metadata;

namespace Cucos.Tests.Content;

/// <summary>
/// The content workers' one per-file error policy: an unreadable file is a <c>{path, error}</c> entry of
/// <c>details.errors</c>, counted in <c>summary.errors</c>, and the worker still succeeds. The tests run as root,
/// which reads a mode-000 file; a Unix domain socket is unreadable for root too: opening one fails with ENXIO.
/// </summary>
[Trait("Category", "Unit")]
public sealed class UnreadableFileTests : IDisposable
{
    private readonly TempDirectory package = new("cucos-unreadable");
    private readonly List<Socket> sockets = [];

    public void Dispose()
    {
        foreach (var socket in sockets)
            socket.Dispose();
        package.Dispose();
    }

    public static TheoryData<string> ContentWorkers() => ["digests", "binary_data", "languages", "source_licenses", "crypto_algorithms"];

    private static BaseTask Create(string name) => name switch
    {
        "digests" => new DigestsTask(),
        "binary_data" => new BinaryDataTask(),
        "languages" => new LanguagesTask(),
        "source_licenses" => new SourceLicensesTask(),
        "crypto_algorithms" => new CryptoAlgorithmsTask(),
        _ => new MetadataTask(),
    };

    private void Socket(string relative)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(package.Combine(relative.Split('/'))));
        sockets.Add(socket);
    }

    [Theory]
    [MemberData(nameof(ContentWorkers))]
    public async Task An_unreadable_file_is_an_error_entry_and_the_worker_succeeds(string worker)
    {
        package.WriteFile("src/main.c", "#include <openssl/md5.h>\n// SPDX-License-Identifier: MIT\nint main(void) { return MD5_DIGEST_LENGTH; }\n"u8.ToArray());
        Socket("src/agent.sock");

        var document = await WorkerRun.RunAsync(Create(worker), package.Path);

        var errors = document.GetProperty("details").GetProperty("errors").EnumerateArray().ToArray();
        var error = Assert.Single(errors);
        Assert.Equal("src/agent.sock", error.GetProperty("path").GetString());
        Assert.StartsWith("could not read the file: ", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, document.GetProperty("summary").GetProperty("errors").GetInt32());
    }

    [Fact]
    public async Task Digests_still_digests_the_readable_files()
    {
        package.WriteFile("a.txt", "hello\n"u8.ToArray());
        Socket("b.sock");

        var document = await WorkerRun.RunAsync(new DigestsTask(), package.Path);

        var file = Assert.Single(document.GetProperty("details").GetProperty("files").EnumerateArray());
        Assert.Equal("a.txt", file.GetProperty("path").GetString());
        Assert.Equal("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", file.GetProperty("sha256").GetString());
        Assert.Equal(2, document.GetProperty("summary").GetProperty("files").GetInt32());
        Assert.Equal(6, document.GetProperty("summary").GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task An_unreadable_manifest_is_a_metadata_error_entry()
    {
        package.WriteFile("README.md", "# a package\n"u8.ToArray());
        Socket("package.json");

        var document = await WorkerRun.RunAsync(new MetadataTask(), package.Path);

        var error = Assert.Single(document.GetProperty("details").GetProperty("errors").EnumerateArray());
        Assert.Equal("package.json", error.GetProperty("path").GetString());
        Assert.StartsWith("could not read the file: ", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, document.GetProperty("summary").GetProperty("errors").GetInt32());
        Assert.Equal(JsonValueKind.Null, document.GetProperty("details").GetProperty("path").ValueKind);
    }
}
