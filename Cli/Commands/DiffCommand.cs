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
        usage: cucos diff FROM TO [--cluster http://HOST:PORT] [--format table|json|markdown] [-o FILE|-]

        Compares two finished analyses of one package: files added, removed and changed (with the
        ssdeep similarity of a changed file), declared and concluded licence, dependencies, install
        scripts and capabilities, advisories introduced and fixed, size. Older first.

        Without --cluster both versions are analysed first on an embedded cluster, as 'cucos analyze'
        does (nothing is kept afterwards); FROM and TO are then ECOSYSTEM:NAME@VERSION:

          cucos diff npm:serve-static@1.7.1 npm:serve-static@1.7.2

          -t, --tasks a,b      run only these tasks under init (default: the whole default flow)
          --registry ECO=URL   a registry's base URL (repeatable; as for cucos analyze)
          --task-assembly DLL  a plug-in assembly (repeatable; --task-assemblies A;B)
          --cache DIR          where the analyses unpack the packages
          --postgres CONN      store state and results in this PostgreSQL database (default: in memory)
          --max-attempts N, --no-retry   attempts per task (as for cucos analyze)
          -q, --quiet          no progress lines
          -v, --verbose        the embedded cluster's own log on stderr

        With --cluster it compares analyses a running cluster has stored; FROM and TO are analysis
        ids or ECOSYSTEM:NAME@VERSION (that version's current analysis):

          cucos diff npm:serve-static@1.7.1 npm:serve-static@1.7.2 --cluster http://cucos:8080

          -c, --cluster URL   the silo's HTTP API (Cucos:HttpPort, default 8080)
          --api-key KEY       the API key (or set CUCOS_API_KEY)

          --format FORMAT     table (default), json, or markdown (a pull-request comment)
          -o, --output FILE   write it there ('-' is stdout, the default)

        A version whose analysis failed (its init could not fetch or unpack the package) is not
        compared: the message says which side, and why when it is known.

        exit codes: 0 compared, 1 not comparable or unreachable (the message says why: no analysis of
        a version yet, two different packages, an analysis failed or not finished), 2 a usage mistake
        """;

    public static CucosCommand Create() =>
        new CucosCommand("diff", "FROM TO  what one version of a package brings in over another", Help, "FROM TO")
            .Value("--cluster", "the silo's HTTP API address", "-c")
            .Value("--format", "table, json or markdown")
            .Completing("--format", "table", "json", "markdown")
            .Value("--output", "where the diff goes ('-' is stdout)", "-o")
            .Value("--api-key", "the HTTP API's key")
            .Value("--tasks", "run only these tasks under init (embedded)", "-t")
            .Repeatable("--registry", "ECOSYSTEM=URL of a registry (embedded)", "-r")
            .Repeatable("--task-assembly", "a plug-in assembly (embedded)")
            .Value("--task-assemblies", "';'-separated plug-in assemblies (embedded)")
            .Value("--cache", "where the packages are unpacked (embedded)")
            .Value("--postgres", "a PostgreSQL connection string (embedded)")
            .Value("--max-attempts", "attempts per task (embedded)")
            .Flag("--no-retry", "one attempt per task (embedded)")
            .Flag("--quiet", "no progress lines", "-q")
            .Flag("--verbose", "the embedded cluster's own log", "-v")
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
        if (line.Value("--cluster") is not { } cluster)
            return await EmbeddedAsync(line, format, console, cancellationToken);
        foreach (var option in EmbeddedOptions)
            if (line.Value(option) is not null || line.Values(option).Count > 0 || line.Has(option))
                throw new UsageException($"{option} is for the embedded cluster (cucos diff without --cluster); a running cluster analyses with its own settings.");
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
            await WriteAsync(line, format, diff, console, cancellationToken);
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

    private static readonly string[] EmbeddedOptions =
        ["--tasks", "--registry", "--task-assembly", "--task-assemblies", "--cache", "--postgres", "--max-attempts", "--no-retry"];

    private static async Task WriteAsync(CommandLine line, DiffFormat format, VersionDiff diff, CliConsole console, CancellationToken cancellationToken)
    {
        var text = DiffWriter.Render(format, diff);
        var output = line.Value("--output");
        if (output is null or "-")
            console.Out.Write(text);
        else
            await File.WriteAllTextAsync(output, text, cancellationToken);
    }

    /// <summary>Both versions analysed on an embedded cluster (<see cref="EmbeddedCluster"/>, as cucos analyze), then compared.</summary>
    private static async Task<int> EmbeddedAsync(CommandLine line, DiffFormat format, CliConsole console, CancellationToken cancellationToken)
    {
        if (line.Value("--api-key") is not null)
            throw new UsageException("--api-key goes with --cluster http://... (a silo's HTTP API). See 'cucos diff --help'.");
        var cluster = EmbeddedCluster.FromCommandLine(line, "diff");
        var tasks = line.Value("--tasks")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sides = line.Positionals.Select(argument => cluster.Known(Package(argument, tasks))).ToArray();
        var (from, to) = (sides[0], sides[1]);
        if (from.Ecosystem != to.Ecosystem || from.Name != to.Name)
        {
            console.Error.WriteLine($"error: {Describe(from)} and {Describe(to)} are different packages: a diff compares two versions of one package. Give two versions of the same ECOSYSTEM:NAME.");
            return 1;
        }
        if (await cluster.ProblemBeforeStartAsync(sides, cancellationToken) is { } problem)
        {
            console.Error.WriteLine($"error: {problem}");
            return 1;
        }
        return await cluster.RunAsync(tasks, async client =>
        {
            if (!line.Has("--quiet"))
                console.Error.WriteLine($"analysing {Describe(from)} and {Describe(to)} on an embedded cluster ...");
            var fromTicket = await client.StartAnalysisAsync(from, cancellationToken);
            var toTicket = await client.StartAnalysisAsync(to, cancellationToken);
            var analyses = await Task.WhenAll(
                client.WaitForCompletionAsync(fromTicket.AnalysisId, cancellationToken: cancellationToken),
                client.WaitForCompletionAsync(toTicket.AnalysisId, cancellationToken: cancellationToken));
            foreach (var (side, request, analysis) in new[] { ("from", from, analyses[0]), ("to", to, analyses[1]) })
            {
                if (!line.Has("--quiet"))
                    console.Error.WriteLine($"  {Describe(request)}: {analysis.Status.ToString().ToLowerInvariant()}");
                if (analysis.Status == AnalysisStatus.Failed)
                {
                    var reason = analysis.Tasks.GetValueOrDefault(Sdk.CucosFlow.RootTask)?.Error?.Message ?? "no reason recorded";
                    console.Error.WriteLine($"error: the '{side}' version {Describe(request)} could not be analysed, so there is nothing to compare: {Sdk.CucosFlow.RootTask}: {reason}");
                    return 1;
                }
            }
            try
            {
                var diff = await client.DiffAsync(fromTicket.AnalysisId, toTicket.AnalysisId, cancellationToken)
                    ?? throw new DiffException("the embedded cluster lost an analysis it had just finished: run the diff again.");
                await WriteAsync(line, format, diff, console, cancellationToken);
                return 0;
            }
            catch (DiffException refused)
            {
                console.Error.WriteLine($"error: {refused.Message}");
                return 1;
            }
        }, cancellationToken);
    }

    private static string Describe(AnalysisRequest package) => $"{package.Ecosystem}:{package.Name}@{package.Version}";

    /// <summary>ECOSYSTEM:NAME@VERSION for the embedded cluster, which starts empty: an analysis id names nothing there.</summary>
    private static AnalysisRequest Package(string argument, string[]? tasks)
    {
        if (AnalysisId().IsMatch(argument))
            throw new UsageException($"'{argument}' is an analysis id, which only a running cluster knows: give --cluster http://HOST:PORT, " +
                "or name the version as ECOSYSTEM:NAME@VERSION to analyse it here.");
        try
        {
            return AnalysisRequest.ParsePackage(argument, force: true, tasks);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException($"'{argument}' is not a package as ECOSYSTEM:NAME@VERSION: {exception.Message}");
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
