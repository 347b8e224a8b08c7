using System.Net.Sockets;
using Cucos.Cli.Output;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cucos.Cli.Commands;

/// <summary>
/// <c>cucos analyze --cluster</c>: the analysis runs on a cluster that is already running, reached through a silo's
/// HTTP API (<c>http://host:8080</c>) or a silo's Orleans gateway (<c>host:30000</c>), and prints like the embedded one.
/// </summary>
public static class ClusterAnalysis
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ClientStartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Options that describe the embedded cluster and mean nothing to a running one.</summary>
    private static readonly (string Option, string Why)[] EmbeddedOnly =
    [
        ("--cache", "the cluster unpacks packages in its own Cucos:CacheRoot"),
        ("--keep-cache", "the cluster's cache folders are its own"),
        ("--postgres", "the cluster has its own storage"),
        ("--registry", "the cluster fetches from the registries of its own configuration (Cucos:Registries, .npmrc, NuGet.Config)"),
    ];

    public static async Task<int> RunAsync(
        string cluster, CommandLine line, string[]? tasks, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        foreach (var (option, why) in EmbeddedOnly)
            if (line.Has(option) || line.Value(option) is not null)
                throw new UsageException($"{option} does not go with --cluster: {why}.");
        var request = PackageRequest(line.Positionals[0], tasks, line.Has("--force"));
        var parameters = line.Pairs("--param", "analyze");
        request = request with { Parameters = parameters.Count > 0 ? parameters : null };
        var output = line.Value("--output");
        CliJson.CheckWritable(output);

        if (cluster.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || cluster.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (line.Value("--cluster-id") is not null)
                throw new UsageException("--cluster-id goes with a gateway (--cluster HOST:PORT), not with an HTTP address.");
            if (!Uri.TryCreate(cluster, UriKind.Absolute, out var address) || string.IsNullOrEmpty(address.Host))
                throw new UsageException($"--cluster '{cluster}' is not a valid URL: give a silo's HTTP address such as http://cucos.example:8080.");
            return await OverHttpAsync(address, request, line, output, stdout, stderr, cancellationToken);
        }
        if (cluster.Contains("://", StringComparison.Ordinal))
            throw new UsageException($"--cluster '{cluster}': give an http:// or https:// URL (a silo's HTTP API) or HOST:PORT (a silo's gateway).");
        return await OverGatewayAsync(cluster, line.Value("--cluster-id") ?? ClusterDefaults.ClusterId, request, line, output, stdout, stderr, cancellationToken);
    }

    /// <summary>A registry package; a path on this machine is refused, because the cluster cannot read it.</summary>
    private static AnalysisRequest PackageRequest(string argument, string[]? tasks, bool force)
    {
        if (Directory.Exists(argument) || File.Exists(argument))
            throw new UsageException(
                $"'{argument}' is a path on this machine, and a cluster's silos cannot read this machine's files. With --cluster give a registry " +
                "package (ECOSYSTEM:NAME@VERSION, e.g. npm:serve-static@1.7.1), or leave --cluster out to analyse the path on an embedded cluster.");
        try
        {
            return AnalysisRequest.ParsePackage(argument, force, tasks);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message + " (With --cluster only registry packages can be analysed.)");
        }
    }

    private static async Task<int> OverHttpAsync(
        Uri address, AnalysisRequest request, CommandLine line, string? output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var http = CucosHttpClient.CreateHttpClient(address);
        var client = new CucosHttpClient(http);
        try
        {
            return await AnalyzeCommand.RunAnalysisAsync(client, request, line, output, stdout, stderr, cancellationToken);
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"error: could not reach the Cucos HTTP API at {http.BaseAddress}: {Reason(exception)}. " +
                $"Check the address, that a silo runs there, and that {address.Port} is its HTTP port (Cucos:HttpPort, default 8080).");
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"error: the Cucos HTTP API at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s. Check that the silo there is not overloaded or stuck.");
            return 1;
        }
        catch (CucosApiException exception)
        {
            stderr.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }

    private static async Task<int> OverGatewayAsync(
        string gateway, string clusterId, AnalysisRequest request, CommandLine line, string? output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        System.Net.IPEndPoint endpoint;
        try
        {
            endpoint = CucosClientExtensions.ParseGateway(gateway);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException($"--cluster: {exception.Message} Or give a silo's HTTP address (http://host:8080).");
        }
        string Unreachable(string reason) =>
            $"error: could not connect to the Cucos cluster's gateway at {gateway}: {reason}. Check that a silo runs there, that {endpoint.Port} is " +
            $"its gateway port (Cucos:GatewayPort, default {ClusterDefaults.GatewayPort}), and that --cluster-id ({clusterId}) is its Cucos:ClusterId.";
        // The Orleans client keeps retrying a gateway that refuses for minutes; one plain connection says at once whether anything listens.
        using (var probe = new TcpClient())
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(ConnectTimeout);
            try
            {
                await probe.ConnectAsync(endpoint, limit.Token);
            }
            catch (Exception exception) when (exception is SocketException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                stderr.WriteLine(Unreachable(exception is SocketException socket ? socket.Message.TrimEnd('.') : $"no answer within {ConnectTimeout.TotalSeconds:0} s"));
                return 1;
            }
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        AnalyzeCommand.ConfigureLogging(builder.Logging, line.Has("--verbose"));
        builder.UseCucosClient(client =>
        {
            client.Gateways = [gateway];
            client.ClusterId = clusterId;
        });
        using var host = builder.Build();
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(ClientStartTimeout);
            try
            {
                await host.StartAsync(limit.Token);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                stderr.WriteLine(Unreachable(exception is OperationCanceledException
                    ? $"the Orleans client could not join within {ClientStartTimeout.TotalSeconds:0} s"
                    : Reason(exception)));
                return 1;
            }
        }
        try
        {
            return await AnalyzeCommand.RunAnalysisAsync(host.Services.GetRequiredService<ICucosClient>(), request, line, output, stdout, stderr, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The innermost useful reason: "Connection refused" rather than a chain of wrappers.</summary>
    private static string Reason(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket)
                return socket.Message.TrimEnd('.');
        return exception.Message.TrimEnd('.');
    }
}
