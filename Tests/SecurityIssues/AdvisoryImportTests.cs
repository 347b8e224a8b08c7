using System.Net;
using System.Text;
using Cucos.Persistence;
using Cucos.Persistence.Advisories;
using Cucos.Tests.Support;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Cucos.Tests.SecurityIssues.OsvFixtures;

namespace Cucos.Tests.SecurityIssues;

/// <summary>
/// <c>cucos advisories import</c> into the PostgreSQL tables (a directory with bad parts, a re-import, a newer and an
/// older copy of a record, a URL served over loopback HTTP with its errors), security_issues reading the tables with
/// <c>Cucos:Advisories:Store=postgres</c>, and the embedded profile's cache folder.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class AdvisoryImportTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TempDirectory advisories = new("cucos-advisories");
    private string database = "";

    // The serve-static record edited later: a newer modified and a narrower summary.
    private static readonly string ServeStaticEdited = ServeStatic
        .Replace("\"modified\":\"2023-07-20T22:31:51Z\"", "\"modified\":\"2024-01-01T00:00:00Z\"", StringComparison.Ordinal)
        .Replace("Open redirect in serve-static", "Open redirect in serve-static (edited)", StringComparison.Ordinal);

    private static readonly string ServeStaticOlder = ServeStatic
        .Replace("\"modified\":\"2023-07-20T22:31:51Z\"", "\"modified\":\"2020-01-01T00:00:00Z\"", StringComparison.Ordinal)
        .Replace("Open redirect in serve-static", "an old copy", StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    private static async Task<(int Exit, string Out, string Error)> CliAsync(params string[] arguments)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await Cucos.Cli.CucosCli.RunAsync(arguments, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    [Fact]
    public async Task A_directory_is_imported_with_its_bad_parts_counted_and_a_second_import_changes_nothing()
    {
        WriteZip(advisories, "npm", ServeStatic, Lodash, Withdrawn);
        advisories.WriteFile("Maven/all.zip", "PK\u0003\u0004 this is no zip"u8.ToArray());
        Assert.False(IsValid(SchemaBreaking.Replace("\"modified\":\"2025-01-05T00:00:00Z\",", "", StringComparison.Ordinal)));
        advisories.WriteFile("loose/broken.json", Encoding.UTF8.GetBytes(SchemaBreaking));
        AssertValid(OtherEcosystem);
        advisories.WriteFile("loose/other.json", Encoding.UTF8.GetBytes(OtherEcosystem));

        var first = await CliAsync("advisories", "import", advisories.Path, "--postgres", database);

        Assert.True(first.Exit == 0, first.Out + first.Error);
        Assert.Contains("part npm/all.zip  sha256 ", first.Out);
        Assert.Contains("part Maven/all.zip  sha256 ", first.Out);
        Assert.Contains("records 4: new 4, updated 0, unchanged 0, withdrawn 1; skipped 3", first.Out);
        Assert.Contains("skipped: Maven/all.zip is not a readable zip", first.Out);
        Assert.Contains("skipped: loose/broken.json: OSV-2099-0005 breaks the OSV schema", first.Out);
        Assert.Contains("skipped: 1 affected entry names the ecosystem 'Hex'", first.Out);
        Assert.Equal("4", await ScalarAsync("SELECT count(*) FROM cucos_advisories"));
        Assert.Equal("GHSA-c3x7-gjmx-r2ff,OSV-2099-0002,OSV-2099-0003",
            await ScalarAsync("SELECT string_agg(id, ',' ORDER BY id) FROM cucos_advisory_packages WHERE ecosystem = 'npm' AND normalised_name = 'serve-static'"));
        Assert.Equal("2025-01-02 00:00:00+00", await ScalarAsync("SELECT withdrawn::text FROM cucos_advisories WHERE id = 'OSV-2099-0002'"));
        Assert.Equal("Open redirect in serve-static", await ScalarAsync("SELECT record->>'summary' FROM cucos_advisories WHERE id = 'GHSA-c3x7-gjmx-r2ff'"));

        var second = await CliAsync("advisories", "import", advisories.Path, "--postgres", database);

        Assert.Equal(0, second.Exit);
        Assert.Contains("records 4: new 0, updated 0, unchanged 4, withdrawn 1; skipped 3", second.Out);
        Assert.Equal("4", await ScalarAsync("SELECT count(*) FROM cucos_advisories"));
        Assert.Equal("2", await ScalarAsync("SELECT count(*) FROM cucos_advisory_imports"));
        Assert.Equal("3", await ScalarAsync($"SELECT jsonb_array_length(parts) FROM cucos_advisory_imports ORDER BY finished_at DESC LIMIT 1"));
    }

    [Fact]
    public async Task A_newer_modified_replaces_the_record_and_an_older_one_is_ignored()
    {
        AssertValid(ServeStaticEdited);
        AssertValid(ServeStaticOlder);
        var zip = WriteZip(advisories, "npm", ServeStatic);
        Assert.Equal(0, (await CliAsync("advisories", "import", zip, "--postgres", database)).Exit);
        var edited = advisories.WriteFile("edited.json", Encoding.UTF8.GetBytes(ServeStaticEdited));
        var older = advisories.WriteFile("older.json", Encoding.UTF8.GetBytes(ServeStaticOlder));

        var newer = await CliAsync("advisories", "import", edited, "--postgres", database);
        var old = await CliAsync("advisories", "import", older, "--postgres", database);

        Assert.Contains("records 1: new 0, updated 1, unchanged 0", newer.Out);
        Assert.Contains("records 1: new 0, updated 0, unchanged 1", old.Out);
        Assert.Equal("Open redirect in serve-static (edited)", await ScalarAsync("SELECT record->>'summary' FROM cucos_advisories WHERE id = 'GHSA-c3x7-gjmx-r2ff'"));
        Assert.Equal("Open redirect in serve-static", await ScalarAsync("SELECT previous_record->>'summary' FROM cucos_advisories WHERE id = 'GHSA-c3x7-gjmx-r2ff'"));
    }

    [Fact]
    public async Task A_url_is_fetched_over_http_and_an_error_answer_imports_nothing_with_the_reason()
    {
        var body = AllZip(ServeStatic, Lodash);
        var limited = true;
        using var server = new LoopbackListener(async context =>
        {
            if (context.Request.Url!.AbsolutePath != "/osv/npm/all.zip")
                context.Response.StatusCode = 404;
            else if (limited)
            {
                context.Response.StatusCode = 429;
                context.Response.AddHeader("Retry-After", "30");
            }
            else
                await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        var url = new Uri(server.BaseUrl, "osv/npm/all.zip").ToString();

        var refused = await CliAsync("advisories", "import", url, "--postgres", database);
        limited = false;
        var missing = await CliAsync("advisories", "import", new Uri(server.BaseUrl, "osv/nothing.zip").ToString(), "--postgres", database);
        var fetched = await CliAsync("advisories", "import", url, "--postgres", database);

        Assert.Equal(1, refused.Exit);
        Assert.Contains("answered 429", refused.Error);
        Assert.Contains("wait 30 s", refused.Error);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("answered 404", missing.Error);
        Assert.True(fetched.Exit == 0, fetched.Out + fetched.Error);
        Assert.Contains("records 2: new 2", fetched.Out);
        Assert.Equal("2", await ScalarAsync("SELECT count(*) FROM cucos_advisories"));
        Assert.Equal("1", await ScalarAsync("SELECT count(*) FROM cucos_advisory_imports"));
    }

    [Fact]
    public async Task Security_issues_reads_the_imported_tables_with_the_postgres_store()
    {
        var zip = WriteZip(advisories, "npm", ServeStatic, Lodash, Withdrawn);
        Assert.Equal(0, (await CliAsync("advisories", "import", zip, "--postgres", database)).Exit);
        await using var source = NpgsqlDataSource.Create(database);
        using var run = new SecurityRun(new AdvisorySettings(null, null, AdvisorySettings.PostgresStore),
            [new Dependencies.FixedVersionSource("npm", new Dictionary<string, string[]> { ["serve-static"] = ["1.7.1", "1.7.2", "1.8.0"] })],
            services => services.AddSingleton<Cucos.Sdk.IAdvisoryStore>(new PostgresAdvisoryStore(source)));

        var document = await run.DocumentAsync("npm", "serve-static", "1.7.1", SecurityRun.Dependency("lodash", "4.17.11"));

        var finding = Assert.Single(document.Findings());
        Assert.Equal("GHSA-c3x7-gjmx-r2ff", finding.GetProperty("id").GetString());
        Assert.Equal("upgrade to 1.7.2", finding.GetProperty("advice").GetString());
        Assert.Single(document.Details().GetProperty("dependencies").EnumerateArray());
        Assert.Equal("store", Assert.Single(document.Details().GetProperty("sources").EnumerateArray()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Without_a_database_the_postgres_store_fails_the_task_naming_the_setting()
    {
        using var run = new SecurityRun(new AdvisorySettings(null, null, AdvisorySettings.PostgresStore));

        var attempt = await run.AttemptAsync("npm", "serve-static", "1.7.1");

        Assert.False(attempt.Succeeded);
        Assert.Contains("Cucos:Advisories:Store is 'postgres' but this silo has no PostgreSQL database", attempt.Report.Error?.Message);
    }

    [Fact]
    public async Task The_embedded_import_fills_a_cache_folder_the_directory_source_reads_and_merges_a_second_import()
    {
        var cache = advisories.Combine("cache");
        var first = await CliAsync("advisories", "import", WriteZip(advisories, "in/npm", ServeStatic), "--cache-dir", cache);
        var pypi = advisories.WriteFile("jinja.json", Encoding.UTF8.GetBytes(Jinja2));
        AssertValid(Jinja2);
        var second = await CliAsync("advisories", "import", pypi, "--cache-dir", cache);
        var again = await CliAsync("advisories", "import", advisories.Combine("in"), "--cache-dir", cache);

        Assert.True(first.Exit == 0, first.Out + first.Error);
        Assert.Contains("into the cache folder " + cache, first.Out);
        Assert.Contains("records 1: new 1", second.Out);
        Assert.Contains("records 1: new 0, updated 0, unchanged 1", again.Out);
        Assert.True(AdvisoryCacheStore.HasImports(cache));
        var directory = new AdvisoryDirectory(cache, TimeProvider.System);
        Assert.Equal("GHSA-c3x7-gjmx-r2ff", Assert.Single((await directory.IndexesAsync("npm", default)).SelectMany(i => i.Index.For("npm", "serve-static"))).Record.Id);
        Assert.NotEmpty((await directory.IndexesAsync("PyPI", default)).SelectMany(i => i.Index.For("PyPI", "Jinja2")));
    }

    [Fact]
    public async Task Bad_usage_and_a_missing_source_say_what_to_give()
    {
        var usage = await CliAsync("advisories", "export", "x");
        var both = await CliAsync("advisories", "import", "x", "--postgres", database, "--cache-dir", "y");
        var missing = await CliAsync("advisories", "import", advisories.Combine("nothing-here"), "--postgres", database);

        Assert.Equal(2, usage.Exit);
        Assert.Contains("advisories takes 'import' and one source", usage.Error);
        Assert.Equal(2, both.Exit);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("is neither a file nor a directory", missing.Error);
    }

    public Task DisposeAsync()
    {
        advisories.Dispose();
        return Task.CompletedTask;
    }
}
