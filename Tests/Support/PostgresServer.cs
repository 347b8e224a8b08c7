using System.Diagnostics;
using Cucos.Grains.Hosting;
using Npgsql;

namespace Cucos.Tests.Support;

/// <summary>
/// A real PostgreSQL for the tests. With <c>CUCOS_TEST_POSTGRES</c> set to a connection string, that server is used;
/// otherwise a throwaway server is created with the machine's own binaries (initdb, pg_ctl) in a temporary folder,
/// on a free loopback port, and removed afterwards. Each caller of <see cref="CreateDatabaseAsync"/> gets a fresh database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionVariable = "CUCOS_TEST_POSTGRES";
    private const string SuperUser = "cucos";
    private string? dataDirectory;
    private string? binDirectory;
    private bool runAsPostgres;

    public string AdminConnectionString { get; private set; } = "";

    /// <summary>Set to start an own server even when <c>CUCOS_TEST_POSTGRES</c> names one (for tests that stop it).</summary>
    public bool AlwaysOwnServer { get; init; }

    /// <summary>
    /// A network namespace to run the server in (a host of a <see cref="NetworkLab"/>); the server then listens on
    /// <see cref="ListenAddress"/> there, and <see cref="AdminConnectionString"/> reaches it by its Unix socket,
    /// which no namespace hides. Implies an own server.
    /// </summary>
    public string? NetworkNamespace { get; init; }

    public string ListenAddress { get; init; } = "127.0.0.1";

    public async Task InitializeAsync()
    {
        if (!AlwaysOwnServer && NetworkNamespace is null && Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given)
        {
            AdminConnectionString = given;
            return;
        }
        binDirectory = FindBinDirectory();
        runAsPostgres = Environment.UserName == "root";
        dataDirectory = Path.Combine(Path.GetTempPath(), "cucos-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        if (runAsPostgres)
            await RunAsync("chown", ["-R", "postgres:postgres", dataDirectory], asPostgres: false);
        var port = CucosEmbeddedCluster.FreeLoopbackPort();
        var data = Path.Combine(dataDirectory, "data");
        await RunAsync(Path.Combine(binDirectory, "initdb"), ["-D", data, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], runAsPostgres);
        if (NetworkNamespace is not null)
            // initdb trusts loopback connections only; a server on a lab host is reached from the other hosts of its subnet.
            await File.AppendAllTextAsync(Path.Combine(data, "pg_hba.conf"), "host all all samenet trust\n");
        AdminConnectionString = $"Host={(NetworkNamespace is null ? ListenAddress : dataDirectory)};Port={port};Username={SuperUser};Database=postgres;Pooling=false";
        await StartServerAsync();
    }

    private string StartOptions => $"-p {new NpgsqlConnectionStringBuilder(AdminConnectionString).Port} -k {dataDirectory} -c listen_addresses={ListenAddress} -c fsync=off -c max_connections=200";

    /// <summary>Stops the server abruptly, as a crash or a network cut does.</summary>
    public async Task StopServerAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(binDirectory!, "pg_ctl"), ["-D", Path.Combine(dataDirectory!, "data"), "-m", "immediate", "-w", "stop"], runAsPostgres);
    }

    public Task StartServerAsync() =>
        RunAsync(Path.Combine(binDirectory!, "pg_ctl"), ["-D", Path.Combine(dataDirectory!, "data"), "-o", StartOptions, "-l", Path.Combine(dataDirectory!, "server.log"), "-w", "-t", "60", "start"], runAsPostgres);

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "cucos_test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (dataDirectory is null || binDirectory is null)
            return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(binDirectory, "pg_ctl"), ["-D", Path.Combine(dataDirectory, "data"), "-m", "immediate", "-w", "stop"], runAsPostgres);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(d => Path.Combine(d, "bin"))
            : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException(
                $"PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql. Install them " +
                $"(apt-get install postgresql) or set {ConnectionVariable} to the connection string of a server to use.");
    }

    private async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        string[] command = asPostgres ? ["runuser", "-u", "postgres", "--", program, .. arguments] : [program, .. arguments];
        if (NetworkNamespace is not null)
            command = ["ip", "netns", "exec", NetworkNamespace, .. command];
        var start = new ProcessStartInfo(command[0], command[1..]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await error}{await output}");
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
