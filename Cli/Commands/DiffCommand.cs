using System.Text.RegularExpressions;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.Reports.Diff;
using Cucos.State;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos diff</c>: what one version of a package brings in over another, from a running cluster's stored analyses.</summary>
public static partial class DiffCommand
{
    public const string Help = """
        usage: cucos diff FROM TO --cluster http://HOST:PORT [--format table|json|markdown] [-o FILE|-] [--api-key KEY]

        Compares two finished analyses of one package: files added, removed and changed (with the
        ssdeep similarity of a changed file), declared and concluded licence, dependencies, install
        scripts and capabilities, advisories introduced and fixed, size. FROM and TO are analysis ids
        or ECOSYSTEM:NAME@VERSION (that version's current analysis), older first:

          cucos diff npm:serve-static@1.7.1 npm:serve-static@1.7.2 --cluster http://cucos:8080

          -c, --cluster URL   the silo's HTTP API (Cucos:HttpPort, default 8080)
          --format FORMAT     table (default), json, or markdown (a pull-request comment)
          -o, --output FILE   write it there ('-' is stdout, the default)
          --api-key KEY       the API key (or set CUCOS_API_KEY)

        exit codes: 0 compared, 1 not comparable or unreachable (the message says why: no analysis of
        a version yet, two different packages, an analysis not finished), 2 a usage mistake
        """;

    public static CucosCommand Create() =>
        new CucosCommand("diff", "FROM TO  what one version of a package brings in over another", Help, "FROM TO")
            .Value("--cluster", "the silo's HTTP API address", "-c")
            .Value("--format", "table, json or markdown")
            .Completing("--format", "table", "json", "markdown")
            .Value("--output", "where the diff goes ('-' is stdout)", "-o")
            .Value("--api-key", "the HTTP API's key")
            .Runs((line, console, cancellationToken) => RunAsync(line, console, cancellationToken));

    public static async Task<int> RunAsync(CommandLine line, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(console);
        if (line.Positionals.Count != 2)
            throw new UsageException($"diff takes two analyses, older first ({line.Positionals.Count} given): cucos diff npm:x@1.2.3 npm:x@1.3.0 --cluster http://HOST:8080. See 'cucos diff --help'.");
        DiffFormat format;
        try
        {
            format = DiffWriter.ParseFormat(line.Value("--format") ?? "table");
        }
        catch (DiffException invalid)
        {
            throw new UsageException("--format: " + invalid.Message);
        }
        var cluster = line.Value("--cluster")
            ?? throw new UsageException("diff needs --cluster http://HOST:PORT: it compares analyses a running cluster has stored (analyse each version there first with cucos analyze ... --cluster).");
        if (!Uri.TryCreate(cluster, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            throw new UsageException($"--cluster '{cluster}' is not an http:// or https:// URL: give a silo's HTTP address such as http://cucos.example:8080.");
        var apiKey = line.Value("--api-key") is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable(ClusterAnalysis.ApiKeyVariable);
        using var http = CucosHttpClient.CreateHttpClient(address, new CucosClientOptions { ApiKey = apiKey });
        var client = new CucosHttpClient(http);
        try
        {
            var from = await AnalysisIdAsync(client, line.Positionals[0], cancellationToken);
            var to = await AnalysisIdAsync(client, line.Positionals[1], cancellationToken);
            var diff = await client.DiffAsync(from, to, cancellationToken)
                ?? throw new DiffException($"analysis {from} or {to} is not known to the cluster at {address}: check the ids (cucos analyze prints them).");
            var text = DiffWriter.Render(format, diff);
            var output = line.Value("--output");
            if (output is null or "-")
                console.Out.Write(text);
            else
                await File.WriteAllTextAsync(output, text, cancellationToken);
            return 0;
        }
        catch (Exception exception) when (exception is DiffException or CucosApiException)
        {
            console.Error.WriteLine($"error: {exception.Message}");
            return 1;
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine($"error: could not reach the Cucos HTTP API at {http.BaseAddress}: {exception.Message} Check the address and that a silo runs there.");
            return 1;
        }
    }

    /// <summary>An analysis id as given, or the current analysis of ECOSYSTEM:NAME@VERSION.</summary>
    private static async Task<string> AnalysisIdAsync(CucosHttpClient client, string argument, CancellationToken cancellationToken)
    {
        if (AnalysisId().IsMatch(argument))
            return argument;
        AnalysisRequest package;
        try
        {
            package = AnalysisRequest.ParsePackage(argument);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException($"'{argument}' is neither an analysis id nor a package: {exception.Message}");
        }
        var analyses = await client.ListAnalysesAsync(package.Ecosystem, package.Name, package.Version!, cancellationToken);
        var current = analyses.Analyses.LastOrDefault(a => a.Current) ?? analyses.Analyses.LastOrDefault();
        return current?.AnalysisId
            ?? throw new DiffException($"the cluster has no analysis of {argument} yet: analyse it first (cucos analyze {argument} --cluster ...), then compare.");
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex AnalysisId();
}
