using System.Net.Sockets;
using Cucos.Cli.Output;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Client.Security;
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

    /// <summary>The client certificate and trust for a gateway that requires TLS (Cucos:Tls on the silos).</summary>
    public static readonly string[] TlsOptions = ["--tls-certificate", "--tls-key", "--tls-ca"];

    /// <summary>A password is read from the environment: a command line is visible to every user of the machine.</summary>
    public const string TlsPasswordVariable = "Cucos__Client__Tls__CertificatePassword";

    /// <summary>The HTTP API's key, when --api-key does not give it.</summary>
    public const string ApiKeyVariable = "CUCOS_API_KEY";

    /// <summary>Options that describe the embedded cluster and mean nothing to a running one.</summary>
    private static readonly (string Option, string Why)[] EmbeddedOnly =
    [
        ("--cache", "the cluster unpacks packages in its own Cucos:CacheRoot"),
        ("--keep-cache", "the cluster's cache folders are its own"),
        ("--postgres", "the cluster has its own storage"),
        ("--registry", "the cluster fetches from the registries of its own configuration (Cucos:Registries, .npmrc, NuGet.Config)"),
        ("--task-assembly", "the cluster loads the plug-ins of its own Cucos:TaskAssemblies"),
        ("--task-assemblies", "the cluster loads the plug-ins of its own Cucos:TaskAssemblies"),
        ("--max-attempts", "the cluster retries each task by the task's own policy"),
        ("--no-retry", "the cluster retries each task by the task's own policy"),
    ];

    public static async Task<int> RunAsync(
        string cluster, CommandLine line, string[]? tasks, AnalysisOutput output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var (option, why) in EmbeddedOnly)
            if (line.Has(option) || line.Value(option) is not null)
                throw new UsageException($"{option} does not go with --cluster: {why}.");
        var request = PackageRequest(line.Positionals[0], tasks, line.Has("--force"));
        var parameters = line.Pairs("--param", "analyze");
        request = request with { Parameters = parameters.Count > 0 ? parameters : null };

        if (cluster.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || cluster.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var option in (string[])["--cluster-id", .. TlsOptions])
                if (line.Value(option) is not null)
                    throw new UsageException($"{option} goes with a gateway (--cluster HOST:PORT), not with an HTTP address.");
            if (!Uri.TryCreate(cluster, UriKind.Absolute, out var address) || string.IsNullOrEmpty(address.Host))
                throw new UsageException($"--cluster '{cluster}' is not a valid URL: give a silo's HTTP address such as http://cucos.example:8080.");
            if (address.Scheme == "http" && ApiKey(line) is not null && !address.IsLoopback)
                stderr.WriteLine($"warning: the API key travels in plain HTTP to {address.Host}; use https:// beyond this machine.");
            return await OverHttpAsync(address, request, line, output, stdout, stderr, cancellationToken);
        }
        if (line.Value("--api-key") is not null)
            throw new UsageException("--api-key goes with an HTTP address (--cluster http://...); a gateway checks certificates (--tls-certificate).");
        if (cluster.Contains("://", StringComparison.Ordinal))
            throw new UsageException($"--cluster '{cluster}': give an http:// or https:// URL (a silo's HTTP API) or HOST:PORT (a silo's gateway).");
        return await OverGatewayAsync(cluster, line.Value("--cluster-id") ?? ClusterDefaults.ClusterId, request, line, output, stdout, stderr, cancellationToken);
    }

    private static string? ApiKey(CommandLine line) =>
        line.Value("--api-key") is { Length: > 0 } key ? key
        : Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

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
        Uri address, AnalysisRequest request, CommandLine line, AnalysisOutput output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var http = CucosHttpClient.CreateHttpClient(address, new CucosClientOptions { ApiKey = ApiKey(line) });
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
        string gateway, string clusterId, AnalysisRequest request, CommandLine line, AnalysisOutput output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
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
        var tls = Tls(line);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        AnalyzeCommand.ConfigureLogging(builder.Logging, line.Has("--verbose"));
        try
        {
            builder.UseCucosClient(client =>
            {
                client.Gateways = [gateway];
                client.ClusterId = clusterId;
                client.Tls = tls;
            });
        }
        catch (InvalidOperationException exception)
        {
            throw new UsageException(TlsMessage(exception.Message));
        }
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
                    : Reason(exception)) + (tls.IsConfigured
                    ? " The gateway answers but may refuse this client's certificate: check that --tls-certificate is issued by a CA the silos trust (their Cucos:Tls:TrustedCa) and that --tls-ca issued theirs."
                    : " If the cluster requires TLS (Cucos:Tls on its silos), give --tls-certificate and --tls-ca."));
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

    private static CucosTlsOptions Tls(CommandLine line)
    {
        var tls = new CucosTlsOptions
        {
            Certificate = line.Value("--tls-certificate"),
            CertificateKey = line.Value("--tls-key"),
            TrustedCa = line.Value("--tls-ca"),
            CertificatePassword = Environment.GetEnvironmentVariable(TlsPasswordVariable),
        };
        if (!tls.IsConfigured && (tls.CertificateKey ?? tls.TrustedCa) is not null)
            throw new UsageException("--tls-key and --tls-ca go with --tls-certificate: give this client's certificate too.");
        if (tls.IsConfigured && tls.TrustedCa is null)
            throw new UsageException("--tls-certificate goes with --tls-ca: give the CA certificate that issued the silos' certificates.");
        return tls;
    }

    /// <summary>The client library names its settings (Cucos:Client:Tls:Certificate); here they were options.</summary>
    private static string TlsMessage(string message) => message
        .Replace("Cucos:Client:Tls:CertificatePassword", TlsPasswordVariable, StringComparison.Ordinal)
        .Replace("Cucos:Client:Tls:CertificateKey", "--tls-key", StringComparison.Ordinal)
        .Replace("Cucos:Client:Tls:TrustedCa", "--tls-ca", StringComparison.Ordinal)
        .Replace("Cucos:Client:Tls:Certificate", "--tls-certificate", StringComparison.Ordinal);

    /// <summary>The innermost useful reason: "Connection refused" rather than a chain of wrappers.</summary>
    private static string Reason(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket)
                return socket.Message.TrimEnd('.');
        return exception.Message.TrimEnd('.');
    }
}
