using Cucos.Client;
using Cucos.Client.Http;
using Cucos.State;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos rerun</c>: a new attempt of one task of a finished analysis on a running cluster, through its HTTP API.</summary>
public static class RerunCommand
{
    public const string Help = """
        usage: cucos rerun ANALYSIS-ID TASK --cluster http://HOST:PORT [--reason TEXT] [--api-key KEY]

        Re-runs one task of a finished analysis: a new attempt of TASK and of the tasks that depend on
        it, then the callbacks again, in the same analysis. The re-run is recorded in the analysis
        (its 'reruns'), with the API key's name as who asked and the reason. Needs an operator key
        when the cluster's API checks keys. Prints the re-run; follow the analysis with GET
        /api/v1/analyses/ID?after_revision=REVISION.

          -c, --cluster URL  the silo's HTTP API (Cucos:HttpPort, default 8080)
          --reason TEXT    why, for the audit trail
          --api-key KEY    the API key (or set CUCOS_API_KEY)

        exit codes: 0 re-run started (or the same one already pending), 1 refused or unreachable
        (the message says why: unknown analysis or task, still running, ...), 2 a usage mistake
        """;

    public static CucosCommand Create() =>
        new CucosCommand("rerun", "re-run one task of a finished analysis on a running cluster", Help, "ANALYSIS-ID TASK")
            .Value("--cluster", "the silo's HTTP API address", "-c")
            .Value("--reason", "why, for the audit trail")
            .Value("--api-key", "the HTTP API's key")
            .Runs((line, console, cancellationToken) => RunAsync(line, console, cancellationToken));

    public static async Task<int> RunAsync(CommandLine line, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(console);
        if (line.Positionals.Count != 2)
            throw new UsageException($"rerun takes an analysis id and a task name ({line.Positionals.Count} given): cucos rerun ANALYSIS-ID TASK --cluster http://HOST:8080. See 'cucos rerun --help'.");
        var (analysisId, taskName) = (line.Positionals[0], line.Positionals[1]);
        var cluster = line.Value("--cluster")
            ?? throw new UsageException("rerun needs --cluster http://HOST:PORT: a re-run changes an analysis stored by a running cluster.");
        if (!Uri.TryCreate(cluster, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            throw new UsageException($"--cluster '{cluster}' is not an http:// or https:// URL: give a silo's HTTP address such as http://cucos.example:8080.");
        var apiKey = line.Value("--api-key") is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable(ClusterAnalysis.ApiKeyVariable);
        using var http = CucosHttpClient.CreateHttpClient(address, new CucosClientOptions { ApiKey = apiKey });
        try
        {
            var result = await new CucosHttpClient(http).RerunTaskAsync(analysisId, taskName, line.Value("--reason"), cancellationToken);
            var rerun = result.Rerun;
            console.Out.WriteLine(result.Outcome == TaskRerunOutcome.Started
                ? $"re-running '{rerun.TaskName}' of analysis {result.AnalysisId} (revision {result.Revision}), asked by {rerun.RequestedBy}: {rerun.Reason}"
                : $"the re-run of '{rerun.TaskName}' of analysis {result.AnalysisId} asked at {rerun.RequestedAt:O} is still pending; nothing was changed.");
            console.Out.WriteLine($"tasks reset: {string.Join(", ", rerun.Tasks)}");
            return 0;
        }
        catch (Exception exception) when (exception is AnalysisNotFoundException or TaskRerunRefusedException or CucosApiException)
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
}
