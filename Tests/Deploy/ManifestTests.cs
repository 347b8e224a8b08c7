using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Cucos.Silo;
using Cucos.Silo.Health;
using Cucos.Silo.Kubernetes;
using Cucos.Silo.Security;
using Cucos.Tests.Support;

namespace Cucos.Tests.Deploy;

/// <summary>
/// deploy/: the base and every overlay, rendered by <c>kubectl kustomize</c>, checked against what the silo reads
/// (its settings and Kubernetes mode), what the Orleans Kubernetes hosting does, and what deploy/Dockerfile builds.
/// </summary>
[Trait("Category", "ReferenceTool")]
public sealed partial class ManifestTests
{
    private const string SiloDeployment = "cucos-silo";
    private const string SiloContainer = "silo";
    private const string MigrateJob = "cucos-migrate";
    private const string MigrateContainer = "migrate";
    private const string ConnectionVariable = "ConnectionStrings__Cucos";

    public static TheoryData<string> Kustomizations => ["base", "overlays/example", "overlays/try-out"];
    private static readonly string[] OverlayNames = ["overlays/example", "overlays/try-out"];
    public static TheoryData<string> Overlays => new(OverlayNames);

    [Fact]
    public void Every_overlay_is_among_the_checked_ones()
    {
        var overlays = System.IO.Directory.GetDirectories(Path.Combine(Manifests.DeployRoot, "overlays"))
            .Select(d => "overlays/" + Path.GetFileName(d)).Order();
        Assert.Equal(OverlayNames.Order(), overlays);
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Silo_pods_set_every_variable_Kubernetes_mode_requires_from_the_pod_itself(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);
        var deployment = manifests.OnlyOne("Deployment", SiloDeployment);
        var environment = Manifests.Environment(Manifests.Container(deployment, SiloContainer));

        var missing = KubernetesSettings.RequiredEnvironment.Where(name => !environment.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, $"{kustomization}: the silo container does not set {string.Join(", ", missing)}");
        Assert.Equal("true", (string?)environment[KubernetesSettings.EnabledKey.Replace(":", "__")]["value"]);

        // The downward API fields the pod variables must come from.
        var podFields = new Dictionary<string, string>
        {
            ["POD_NAME"] = "metadata.name",
            ["POD_NAMESPACE"] = "metadata.namespace",
            ["POD_IP"] = "status.podIP",
        };
        Assert.Equal(KubernetesSettings.PodVariables.Order(), podFields.Keys.Order());
        foreach (var (name, field) in podFields)
            Assert.Equal(field, FieldRef(environment[name]));

        // The cluster and service ids come from the labels the Orleans Kubernetes hosting selects the pods by, so they agree.
        var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        foreach (var label in KubernetesSettings.PodLabels)
            Assert.False(string.IsNullOrWhiteSpace((string?)labels[label]), $"{kustomization}: the pod template has no label {label}");
        Assert.Equal("metadata.labels['orleans/clusterId']", FieldRef(environment["Cucos__ClusterId"]));
        Assert.Equal("metadata.labels['orleans/serviceId']", FieldRef(environment["Cucos__ServiceId"]));
        Assert.Contains("orleans/clusterId", KubernetesSettings.PodLabels);
        Assert.Contains("orleans/serviceId", KubernetesSettings.PodLabels);
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Silo_literal_settings_are_valid_for_the_silo(string kustomization)
    {
        var deployment = Manifests.Render(kustomization).OnlyOne("Deployment", SiloDeployment);
        var literal = Manifests.Environment(Manifests.Container(deployment, SiloContainer))
            .Where(e => e.Value["value"] is not null)
            .ToDictionary(e => e.Key.Replace("__", ":"), e => (string?)e.Value["value"]);
        // The downward API and the Secret fill these in a pod; here stand-ins, to read the literal settings as the silo does.
        literal["POD_NAME"] = "cucos-silo-0";
        literal["POD_NAMESPACE"] = "cucos";
        literal["POD_IP"] = "10.1.2.3";
        literal["ConnectionStrings:Cucos"] = "Host=db;Database=cucos";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(literal).Build();

        var settings = SiloSettings.From(configuration, isInCluster: () => true);

        Assert.NotNull(settings.Kubernetes);
        Assert.Equal("10.1.2.3", settings.AdvertisedAddress.ToString()); // other silos reach this one at its pod's IP
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Probes_call_the_silos_health_endpoints_on_its_declared_http_port(string kustomization)
    {
        var deployment = Manifests.Render(kustomization).OnlyOne("Deployment", SiloDeployment);
        var container = Manifests.Container(deployment, SiloContainer);
        var ports = ContainerPorts(container);

        var probes = new Dictionary<string, string[]>
        {
            ["startupProbe"] = [ProbeEndpoints.Liveness, ProbeEndpoints.Readiness],
            ["livenessProbe"] = [ProbeEndpoints.Liveness],
            ["readinessProbe"] = [ProbeEndpoints.Readiness],
        };
        foreach (var (probe, paths) in probes)
        {
            var get = container[probe]?["httpGet"];
            Assert.True(get is not null, $"{kustomization}: the silo container has no {probe} with httpGet");
            Assert.Contains((string?)get["path"], paths);
            Assert.Equal(ProbeEndpoints.PortName, (string?)get["port"]);
        }
        Assert.Equal("/health/live", ProbeEndpoints.Liveness); // the agreed paths the silo's health endpoints serve
        Assert.Equal("/health/ready", ProbeEndpoints.Readiness);
        Assert.True(ports.ContainsKey(ProbeEndpoints.PortName), $"{kustomization}: no container port named {ProbeEndpoints.PortName}");

        // The named port is the one the silo's web host listens on.
        var environment = Manifests.Environment(container);
        Assert.Equal(Setting(environment, "Cucos__HttpPort", SiloSettings.DefaultHttpPort), ports[ProbeEndpoints.PortName]);
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void The_silos_role_grants_exactly_what_the_Orleans_Kubernetes_hosting_uses(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);
        var pod = manifests.OnlyOne("Deployment", SiloDeployment)["spec"]!["template"]!["spec"]!;
        var account = (string?)pod["serviceAccountName"];
        Assert.False(string.IsNullOrEmpty(account), $"{kustomization}: the silos run as the default service account");
        Assert.NotEqual(false, (bool?)pod["automountServiceAccountToken"]);
        manifests.OnlyOne("ServiceAccount", account!);
        Assert.Empty(manifests.OfKind("ClusterRole"));
        Assert.Empty(manifests.OfKind("ClusterRoleBinding"));

        var binding = Assert.Single(manifests.OfKind("RoleBinding"), b => b["subjects"]!.AsArray()
            .Any(s => (string?)s!["kind"] == "ServiceAccount" && (string?)s["name"] == account));
        Assert.Equal("Role", (string?)binding["roleRef"]!["kind"]);
        var role = manifests.OnlyOne("Role", (string)binding["roleRef"]!["name"]!);

        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal([""], Strings(rule["apiGroups"]));
        Assert.Equal(["pods"], Strings(rule["resources"]));
        Assert.Equal(KubernetesSettings.PodVerbs.Order(), Strings(rule["verbs"]).Order());
        Assert.Null(rule["resourceNames"]);
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Kubernetes_waits_longer_than_the_silo_takes_to_shut_down(string kustomization)
    {
        var deployment = Manifests.Render(kustomization).OnlyOne("Deployment", SiloDeployment);
        var environment = Manifests.Environment(Manifests.Container(deployment, SiloContainer));
        var shutdown = environment.TryGetValue("Cucos__" + SiloSettings.ShutdownTimeoutKey["Cucos:".Length..], out var variable)
            ? TimeSpan.Parse((string)variable["value"]!, CultureInfo.InvariantCulture)
            : SiloSettings.DefaultShutdownTimeout;
        var grace = (long?)deployment["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"] ?? 30; // Kubernetes' default
        // A preStop hook runs first, within the same grace period.
        var preStop = Strings(Manifests.Container(deployment, SiloContainer)["lifecycle"]?["preStop"]?["exec"]?["command"]);
        var pause = preStop is ["sleep", var seconds] ? TimeSpan.FromSeconds(long.Parse(seconds, CultureInfo.InvariantCulture))
            : preStop.Count == 0 ? TimeSpan.Zero
            : throw new InvalidOperationException($"{kustomization}: a preStop hook other than 'sleep N' ({string.Join(' ', preStop)}) cannot be timed");

        Assert.True(TimeSpan.FromSeconds(grace) > pause + shutdown,
            $"{kustomization}: terminationGracePeriodSeconds {grace} does not exceed the preStop pause {pause} plus the silo's shutdown timeout {shutdown}");
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Container_ports_and_image_agree_with_the_Dockerfile(string kustomization)
    {
        var dockerfile = Dockerfile.Load();
        var manifests = Manifests.Render(kustomization);
        var container = Manifests.Container(manifests.OnlyOne("Deployment", SiloDeployment), SiloContainer);
        var ports = ContainerPorts(container);
        var environment = Manifests.Environment(container);

        Assert.Equal(dockerfile.ExposedPorts.Select(p => (long)p).Order(), ports.Values.Order());
        Assert.Equal(Setting(environment, "Cucos__SiloPort", ClusterDefaults.SiloPort), ports["silo"]);
        Assert.Equal(Setting(environment, "Cucos__GatewayPort", ClusterDefaults.GatewayPort), ports["gateway"]);

        // The image the Dockerfile labels itself with, in the base as is and in overlays under the registry's name.
        var title = dockerfile.All("LABEL").Select(l => ImageTitle().Match(l)).Single(m => m.Success).Groups[1].Value;
        var image = (string)container["image"]!;
        var name = image.Split('@')[0];
        name = name.LastIndexOf(':') > name.LastIndexOf('/') ? name[..name.LastIndexOf(':')] : name;
        Assert.True(name == title || name.EndsWith("/" + title, StringComparison.Ordinal),
            $"{kustomization}: the silo image {image} is not the Dockerfile's {title}");
    }

    [Fact]
    public void Dockerfile_builds_from_argument_base_images_runs_as_a_user_and_starts_the_silo()
    {
        var dockerfile = Dockerfile.Load();
        var arguments = dockerfile.All("ARG").Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => a.Length > 1 ? a[1] : null);
        var bases = dockerfile.All("FROM").ToList();
        Assert.True(bases.Count >= 2, "the Dockerfile is not multi-stage");
        foreach (var from in bases)
        {
            var reference = Regex.Match(from, @"^\$\{(\w+)\}");
            Assert.True(reference.Success, $"FROM {from} does not take its image from a build argument");
            Assert.False(string.IsNullOrEmpty(arguments.GetValueOrDefault(reference.Groups[1].Value)), $"ARG {reference.Groups[1].Value} has no default");
        }
        Assert.Contains("aspnet", arguments[Regex.Match(bases[^1], @"\$\{(\w+)\}").Groups[1].Value]);

        var user = dockerfile.FinalStage.Last(i => i.Instruction == "USER").Arguments;
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        Assert.Equal(["dotnet", SiloEntryPoint(dockerfile)], Strings(JsonNode.Parse(dockerfile.FinalStage.Single(i => i.Instruction == "ENTRYPOINT").Arguments)));
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Three_silos_and_a_disruption_budget_that_lets_one_go_at_a_time(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);
        var deployment = manifests.OnlyOne("Deployment", SiloDeployment);
        Assert.Equal(3, (long?)deployment["spec"]!["replicas"]);
        var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();

        var budget = Assert.Single(manifests.OfKind("PodDisruptionBudget"));
        Assert.True(Selects(budget["spec"]!["selector"]!["matchLabels"]!.AsObject(), labels), "the PodDisruptionBudget does not select the silos");
        Assert.Equal(1, (long?)budget["spec"]!["maxUnavailable"]);
        Assert.Equal(0, (long?)deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]);

        var resources = Manifests.Container(deployment, SiloContainer)["resources"];
        Assert.NotNull(resources?["requests"]?["cpu"]);
        Assert.NotNull(resources?["requests"]?["memory"]);
        Assert.NotNull(resources?["limits"]?["memory"]);
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Services_select_the_silos_and_target_their_named_ports(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);
        var deployment = manifests.OnlyOne("Deployment", SiloDeployment);
        var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var ports = ContainerPorts(Manifests.Container(deployment, SiloContainer));

        var services = manifests.OfKind("Service").Where(s => Selects(s["spec"]!["selector"]!.AsObject(), labels)).ToList();
        Assert.Contains(services, s => s["spec"]!["ports"]!.AsArray().Any(p => (string?)p!["targetPort"] == ProbeEndpoints.PortName));
        foreach (var port in services.SelectMany(s => s["spec"]!["ports"]!.AsArray()))
            Assert.True(ports.ContainsKey((string)port!["targetPort"]!), $"{kustomization}: a Service targets port {port["targetPort"]}, which the silo does not declare");
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void The_migration_job_runs_migrate_from_the_silo_image_on_the_silos_database(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);
        var silo = Manifests.Container(manifests.OnlyOne("Deployment", SiloDeployment), SiloContainer);
        var job = manifests.OnlyOne("Job", MigrateJob);
        var migrate = Manifests.Container(job, MigrateContainer);

        Assert.Equal((string?)silo["image"], (string?)migrate["image"]);
        Assert.Equal(SecretRef(Manifests.Environment(silo)[ConnectionVariable]), SecretRef(Manifests.Environment(migrate)[ConnectionVariable]));
        Assert.Contains((string?)job["spec"]!["template"]!["spec"]!["restartPolicy"], new[] { "OnFailure", "Never" });

        // dotnet <the CLI as the Dockerfile installs it> migrate
        var command = Strings(migrate["command"]).Concat(Strings(migrate["args"])).ToList();
        Assert.Equal(["dotnet", CliEntryPoint(Dockerfile.Load()), "migrate"], command);
    }

    [Fact]
    public void The_base_reads_the_connection_from_the_documented_secret()
    {
        var manifests = Manifests.Render("base");
        var silo = Manifests.Environment(Manifests.Container(manifests.OnlyOne("Deployment", SiloDeployment), SiloContainer));
        Assert.Equal(("cucos-postgres", "connection-string"), SecretRef(silo[ConnectionVariable]));
        Assert.Empty(manifests.OfKind("Secret")); // credentials belong to overlays (or the cluster), never to the base
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Overlays_ship_the_secret_the_silos_and_the_job_read(string overlay)
    {
        var manifests = Manifests.Render(overlay);
        var (name, key) = SecretRef(Manifests.Environment(Manifests.Container(manifests.OnlyOne("Deployment", SiloDeployment), SiloContainer))[ConnectionVariable]);
        var secret = manifests.OnlyOne("Secret", name);
        Assert.True(secret["data"]?[key] is not null || secret["stringData"]?[key] is not null, $"{overlay}: Secret {name} has no key {key}");
        var namespaces = manifests.Objects.Where(o => (string?)o["kind"] is not ("Namespace")).Select(o => (string?)o["metadata"]!["namespace"]).Distinct().ToList();
        Assert.True(namespaces is [{ Length: > 0 }], $"{overlay}: objects are not all in one namespace: {string.Join(", ", namespaces)}");
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Silos_read_an_operator_and_a_reader_key_hash_from_the_documented_secret(string kustomization)
    {
        var silo = Manifests.Environment(Manifests.Container(Manifests.Render(kustomization).OnlyOne("Deployment", SiloDeployment), SiloContainer));
        foreach (var role in new[] { ApiRoles.Operator, ApiRoles.Reader })
        {
            Assert.Equal(role, (string?)silo[$"Cucos__Api__Keys__{role}__Role"]["value"]);
            var (secret, key) = SecretRef(silo[$"Cucos__Api__Keys__{role}__Hash"]);
            Assert.Matches("^cucos-api-keys(-[a-z0-9]+)?$", secret); // an overlay's secretGenerator adds its content hash
            Assert.Equal($"{role}-sha256", key);
        }
        Assert.False(silo.ContainsKey("Cucos__Api__Authentication__Enabled"), $"{kustomization} turns the web port's authentication off");
    }

    [Theory, MemberData(nameof(Overlays))]
    public void Overlays_ship_api_key_hashes_the_silo_accepts_only_when_they_are_real(string overlay)
    {
        var manifests = Manifests.Render(overlay);
        var silo = Manifests.Environment(Manifests.Container(manifests.OnlyOne("Deployment", SiloDeployment), SiloContainer));
        var secret = manifests.OnlyOne("Secret", SecretRef(silo["Cucos__Api__Keys__operator__Hash"]).Name);
        // The silo's own reading of its settings, fed what the pod's environment would hold.
        var settings = new Dictionary<string, string?>();
        foreach (var (name, variable) in silo.Where(v => v.Key.StartsWith("Cucos__Api__", StringComparison.Ordinal)))
        {
            var value = variable["valueFrom"] is null ? (string?)variable["value"]
                : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]![SecretRef(variable).Key]!));
            settings[name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        if (overlay == "overlays/example")
        {
            // Placeholders: a copied overlay that was not edited stops at start, naming the setting.
            var refused = Assert.Throws<InvalidOperationException>(() => ApiAuthSettings.From(configuration));
            Assert.Contains("Cucos:Api:Keys:", refused.Message, StringComparison.Ordinal);
            return;
        }
        var keys = ApiAuthSettings.From(configuration).Keys.ToDictionary(k => k.Role, k => Convert.ToHexString(k.Sha256));
        // The keys docs/deploy.md gives for the try-out overlay.
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("try-out-operator"u8)), keys[ApiRoles.Operator]);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("try-out-reader"u8)), keys[ApiRoles.Reader]);
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void The_network_policy_admits_silos_to_the_silo_port_silos_and_labelled_clients_to_the_gateway_and_anyone_to_http(string kustomization)
    {
        var manifests = Manifests.Render(kustomization);
        var deployment = manifests.OnlyOne("Deployment", SiloDeployment);
        var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var ports = ContainerPorts(Manifests.Container(deployment, SiloContainer));

        var policy = Assert.Single(manifests.OfKind("NetworkPolicy"));
        Assert.True(Selects(policy["spec"]!["podSelector"]!["matchLabels"]!.AsObject(), labels), $"{kustomization}: the NetworkPolicy does not select the silo pods");
        Assert.Equal(["Ingress"], Strings(policy["spec"]!["policyTypes"]));
        // Which peers each container port admits: "any" for a rule with no 'from', else each peer's pod labels.
        var admitted = new Dictionary<string, List<JsonObject?>>();
        foreach (var rule in policy["spec"]!["ingress"]!.AsArray())
        {
            var peers = rule!["from"]?.AsArray().Select(peer =>
            {
                Assert.True(peer!["namespaceSelector"] is null && peer["ipBlock"] is null, $"{kustomization}: a peer beyond this namespace's pods: {peer.ToJsonString()}");
                return peer["podSelector"]?["matchLabels"]?.AsObject();
            }).ToList();
            foreach (var port in rule["ports"]!.AsArray())
            {
                Assert.Equal("TCP", (string?)port!["protocol"] ?? "TCP");
                var name = port["port"]!.GetValueKind() == System.Text.Json.JsonValueKind.Number
                    ? ports.Single(p => p.Value == (long)port["port"]!).Key
                    : (string)port["port"]!;
                Assert.True(ports.ContainsKey(name), $"{kustomization}: the NetworkPolicy names port {name}, which the silo container does not declare");
                admitted[name] = peers ?? [null];
            }
        }
        Assert.Equal(ports.Keys.Order(), admitted.Keys.Order()); // a port left out would be closed to everyone, probes included

        Assert.Equal([null], admitted[ProbeEndpoints.PortName]); // the HTTP API, probes and metrics, as before
        var silo = Assert.Single(admitted["silo"])!;
        Assert.True(Selects(silo, labels), $"{kustomization}: the silo port admits other pods than the silos");
        Assert.Equal(2, admitted["gateway"].Count);
        Assert.Single(admitted["gateway"], peer => Selects(peer!, labels));
        var client = Assert.Single(admitted["gateway"], peer => !Selects(peer!, labels))!;
        Assert.Equal("""{"cucos.io/client":"true"}""", client.ToJsonString());
    }

    [Theory, MemberData(nameof(Kustomizations))]
    public void Silos_read_their_tls_files_from_the_documented_secret_or_opt_out_explicitly(string kustomization)
    {
        var deployment = Manifests.Render(kustomization).OnlyOne("Deployment", SiloDeployment);
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = Manifests.Container(deployment, SiloContainer);
        var environment = Manifests.Environment(container);
        var files = new[] { "Certificate", "CertificateKey", "TrustedCa" }
            .Where(key => environment.ContainsKey("Cucos__Tls__" + key))
            .ToDictionary(key => key, key => (string)environment["Cucos__Tls__" + key]["value"]!);
        if (kustomization == "overlays/try-out")
        {
            Assert.Empty(files);
            Assert.Equal("true", (string?)environment["Cucos__AllowUnauthenticatedCluster"]["value"]);
            return;
        }
        Assert.False(environment.ContainsKey("Cucos__AllowUnauthenticatedCluster"), $"{kustomization} opts out of TLS");
        Assert.Equal(3, files.Count);
        var mount = Assert.Single(container["volumeMounts"]!.AsArray(), m => (string)m!["mountPath"]! == "/etc/cucos/tls")!;
        Assert.True((bool?)mount["readOnly"]);
        var volume = Assert.Single(pod["volumes"]!.AsArray(), v => (string?)v!["name"] == (string?)mount["name"])!;
        Assert.Equal("cucos-silo-tls", (string?)volume["secret"]?["secretName"]);
        // The keys a cert-manager Certificate (or kubectl create secret tls plus ca.crt) writes into its Secret.
        Assert.Equal(new Dictionary<string, string>
        {
            ["Certificate"] = "/etc/cucos/tls/tls.crt",
            ["CertificateKey"] = "/etc/cucos/tls/tls.key",
            ["TrustedCa"] = "/etc/cucos/tls/ca.crt",
        }, files);
    }

    private static string SiloEntryPoint(Dockerfile dockerfile) => InstalledAssembly(dockerfile, "Silo/Cucos.Orleans.Silo.csproj");

    private static string CliEntryPoint(Dockerfile dockerfile) => InstalledAssembly(dockerfile, "Cli/Cucos.Orleans.Cli.csproj");

    /// <summary>Where the final image holds a project's main assembly: its publish folder, copied from the build stage.</summary>
    private static string InstalledAssembly(Dockerfile dockerfile, string project)
    {
        var published = dockerfile.All("RUN").SelectMany(run => PublishCommand().Matches(run))
            .Single(m => m.Groups["project"].Value == project).Groups["output"].Value;
        var copy = dockerfile.FinalStage.Where(i => i.Instruction == "COPY" && i.Arguments.StartsWith("--from=", StringComparison.Ordinal))
            .Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(parts => parts[1].TrimEnd('/') == published.TrimEnd('/'));
        var csproj = File.ReadAllText(Path.Combine(SiloProcess.RepositoryRoot(), project));
        var assembly = Regex.Match(csproj, "<AssemblyName>([^<]+)</AssemblyName>").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(assembly), $"{project} names no AssemblyName");
        return copy[2].TrimEnd('/') + "/" + assembly + ".dll";
    }

    private static Dictionary<string, long> ContainerPorts(JsonObject container) =>
        container["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (long)p!["containerPort"]!);

    private static long Setting(Dictionary<string, JsonObject> environment, string name, int fallback) =>
        environment.TryGetValue(name, out var variable) ? long.Parse((string)variable["value"]!, CultureInfo.InvariantCulture) : fallback;

    private static string? FieldRef(JsonObject variable) => (string?)variable["valueFrom"]?["fieldRef"]?["fieldPath"];

    private static (string Name, string Key) SecretRef(JsonObject variable)
    {
        var reference = variable["valueFrom"]?["secretKeyRef"];
        Assert.True(reference is not null, $"{variable["name"]} does not come from a Secret");
        return ((string)reference["name"]!, (string)reference["key"]!);
    }

    private static bool Selects(JsonObject selector, JsonObject labels) =>
        selector.Count > 0 && selector.All(pair => (string?)labels[pair.Key] == (string?)pair.Value);

    private static List<string> Strings(JsonNode? node) => (node?.AsArray() ?? []).Select(n => (string)n!).ToList();

    [GeneratedRegex("org\\.opencontainers\\.image\\.title=\"([^\"]+)\"")]
    private static partial Regex ImageTitle();

    [GeneratedRegex(@"dotnet publish (?<project>\S+\.csproj)\b.*?--output (?<output>\S+)")]
    private static partial Regex PublishCommand();
}
