using System.Text.RegularExpressions;
using Cucos.Cli.Commands;
using Cucos.Grains.Flow;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Lifecycle;

/// <summary>The flow graph the registry derives once, and what the flow and 'cucos workers' make of it.</summary>
[Trait("Category", "Unit")]
public sealed partial class FlowGraphTests
{
    private abstract class Named(string name) : BaseTask
    {
        public override string Name => name;
        public override string Description => name;
        public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
            Task.FromResult(TaskResult.Success(null));
    }

    private sealed class Init() : Named(CucosFlow.RootTask)
    {
        public override bool InDefaultFlow => false;
        public override string? CallbackTask => CucosFlow.FinalizeTask;
    }

    private sealed class Finalize() : Named(CucosFlow.FinalizeTask) { public override bool InDefaultFlow => false; }
    private sealed class Facts() : Named("facts");
    private sealed class Follower() : Named("follower") { public override string? SpawnedBy => "facts"; }
    private sealed class Reader() : Named("reader") { public override IReadOnlyList<string> DependsOn => ["facts"]; }
    private sealed class Extra() : Named("extra") { public override bool InDefaultFlow => false; }
    private sealed class Claims() : Named("claims") { public override IReadOnlyList<string> ChildTasks => ["follower"]; }
    private sealed class SelfParent() : Named("loop") { public override string? SpawnedBy => "loop"; }
    private sealed class Stray() : Named("stray") { public override string? SpawnedBy => "nowhere"; }

    private static TaskRegistry Registry(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        register(services);
        return services.BuildServiceProvider().GetRequiredService<TaskRegistry>();
    }

    private static TaskRegistry Small() => Registry(s => s.AddCucosTask<Init>().AddCucosTask<Finalize>()
        .AddCucosTask<Facts>().AddCucosTask<Follower>().AddCucosTask<Reader>().AddCucosTask<Extra>());

    private static TaskRegistry BuiltIns() => Registry(s => s.AddCucosBuiltInTasks());

    [Fact]
    public void Built_in_graph_has_dependency_snapshot_under_metadata_and_finalize_as_inits_callback()
    {
        var graph = BuiltIns().Graph;

        Assert.Equal(["binary_data", "crypto_algorithms", "digests", "languages", "metadata", "registry_lifecycle", "source_licenses", "static_analysis", "supply_chain"], graph.DefaultFlow);
        var snapshot = graph["dependency_snapshot"];
        Assert.Equal((FlowPlacement.Child, "metadata"), (snapshot.Placement, snapshot.Parent));
        Assert.Equal(["metadata"], snapshot.Prerequisites);
        Assert.Equal(["dependency_snapshot", "github_details", "usage"], graph["metadata"].Children.Order(StringComparer.Ordinal));
        Assert.Equal((FlowPlacement.Callback, "init"), (graph["finalize"].Placement, graph["finalize"].Parent));
        Assert.Equal((FlowPlacement.DefaultFlow, "init"), (graph["source_licenses"].Placement, graph["source_licenses"].Parent));
        Assert.Equal(["metadata"], graph["source_licenses"].Prerequisites);
        Assert.Equal(FlowPlacement.Root, graph["init"].Placement);
        Assert.DoesNotContain(graph.Nodes, n => n.Placement == FlowPlacement.OnRequest);
    }

    [Fact]
    public void Workers_no_longer_calls_dependency_snapshot_on_request()
    {
        var registry = BuiltIns();

        Assert.Equal("child of metadata", WorkersCommand.Place(registry.Graph["dependency_snapshot"], registry.Get("dependency_snapshot")));
        Assert.Equal("child of init, needs metadata", WorkersCommand.Place(registry.Graph["source_licenses"], registry.Get("source_licenses")));
        Assert.Matches(@"(?m)^dependency_snapshot\s+\S+\s+child of metadata\s", WorkersCommand.Table(registry));
        Assert.DoesNotContain("on request", WorkersCommand.Table(registry));
    }

    [Fact]
    public void Tree_draws_children_under_their_parent_and_the_callback_last()
    {
        Assert.Equal("""
            The flow of an analysis that names no tasks:
            init 1.0.0
            ├── facts 1.0.0
            │   └── follower 1.0.0
            ├── reader 1.0.0 (needs facts)
            └── finalize 1.0.0 (callback: once everything below its target is final)

            Only when a request names them (cucos analyze --tasks), as children of init:
            extra 1.0.0

            """.ReplaceLineEndings(), WorkersCommand.Tree(Small()));
    }

    [Fact]
    public void Built_in_tree_nests_dependency_snapshot_under_metadata()
    {
        var tree = Unversioned(WorkersCommand.Tree(BuiltIns()));

        Assert.Contains("├── metadata\n│   ├── dependency_snapshot\n│   │   └── security_issues\n│   ├── github_details\n│   └── usage\n├── registry_lifecycle\n├── source_licenses (needs metadata)\n├── static_analysis (needs languages)\n├── supply_chain (needs metadata)\n└── finalize (callback", tree);
        Assert.StartsWith("The flow of an analysis that names no tasks:\ninit\n├── binary_data\n", tree);
    }

    [Fact]
    public void Dot_output_parses_back_to_the_graph()
    {
        var dot = WorkersCommand.Dot(Small());

        Assert.StartsWith("digraph cucos_flow {", dot);
        Assert.EndsWith("}" + Environment.NewLine, dot);
        Assert.Equal(dot.Count(c => c == '{'), dot.Count(c => c == '}'));
        var nodes = NodeLine().Matches(dot).Select(m => m.Groups["name"].Value).Order(StringComparer.Ordinal);
        Assert.Equal(["extra", "facts", "finalize", "follower", "init", "reader"], nodes);
        var edges = EdgeLine().Matches(dot).Select(m => $"{m.Groups["from"].Value}->{m.Groups["to"].Value}:{m.Groups["kind"].Value}").Order(StringComparer.Ordinal);
        Assert.Equal(["facts->follower:spawns", "facts->reader:needed by", "init->facts:spawns", "init->finalize:callback", "init->reader:spawns"], edges);
        // Every statement line of the body is a node, an edge or a graph attribute: nothing else slipped in.
        var body = dot.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1..^1];
        Assert.All(body, line => Assert.Matches(@"^(rankdir=LR|node \[shape=box\]|""[^""]+"" (-> ""[^""]+"" )?\[.*\]);$", line));
    }

    [Fact]
    public void Built_in_dot_spawns_dependency_snapshot_from_metadata_only()
    {
        var dot = WorkersCommand.Dot(BuiltIns());

        Assert.Contains("\"metadata\" -> \"dependency_snapshot\" [label=\"spawns\"];", dot);
        Assert.DoesNotContain("\"init\" -> \"dependency_snapshot\"", dot);
        Assert.Contains("\"metadata\" -> \"source_licenses\" [style=dashed, label=\"needed by\"];", dot);
    }

    [Fact]
    public void Spawned_by_is_checked_like_every_other_reference()
    {
        Assert.Contains("task 'stray' names task 'nowhere', which is not registered", Problem(s => s.AddCucosTask<Stray>()));
        Assert.Contains("tasks form a cycle: loop -> loop", Problem(s => s.AddCucosTask<SelfParent>()));
        Assert.Contains("task 'follower' says it is spawned by 'facts', but 'claims' names it as its child",
            Problem(s => s.AddCucosTask<Facts>().AddCucosTask<Follower>().AddCucosTask<Claims>()));
    }

    [Fact]
    public void A_spawned_task_runs_whenever_its_parent_does_and_a_request_naming_it_brings_the_parent()
    {
        var flow = new AnalysisFlow(Small(), TimeSpan.FromMinutes(2));
        var now = DateTimeOffset.UnixEpoch;

        var byDefault = flow.Create("a", new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1" }, "/cache/a", now);
        flow.Advance(byDefault, now);
        flow.ApplyReport(byDefault, Ok("init"), now);
        Assert.Equal(["facts"], Names(flow.Advance(byDefault, now))); // reader waits for facts; follower is not there yet
        Assert.False(byDefault.Tasks.ContainsKey("follower"));
        flow.ApplyReport(byDefault, Ok("facts"), now);
        Assert.Equal(["follower", "reader"], Names(flow.Advance(byDefault, now)));
        Assert.Equal("facts", byDefault.Tasks["follower"].SpawnedBy);

        var named = flow.Create("b", new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1", Tasks = ["follower"] }, "/cache/b", now);
        flow.Advance(named, now);
        flow.ApplyReport(named, Ok("init"), now);
        Assert.Equal(["facts"], Names(flow.Advance(named, now)));
        Assert.Equal(AnalysisTaskStatus.Pending, named.Tasks["follower"].Status);
        flow.ApplyReport(named, Ok("facts"), now);
        Assert.Equal(["follower"], Names(flow.Advance(named, now)));
    }

    private static AttemptReport Ok(string task) => new() { TaskName = task, Attempt = 1, Outcome = AttemptOutcome.Succeeded };

    private static string[] Names(IEnumerable<AnalysisTask> runs) => [.. runs.Select(r => r.Name).Order(StringComparer.Ordinal)];

    private static string Problem(Action<IServiceCollection> register) =>
        Assert.Throws<InvalidOperationException>(() => Registry(register)).Message;

    private static string Unversioned(string tree) => VersionToken().Replace(tree.ReplaceLineEndings("\n"), "");

    [GeneratedRegex(@"^  ""(?<name>[^""]+)"" \[label=", RegexOptions.Multiline)]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"^  ""(?<from>[^""]+)"" -> ""(?<to>[^""]+)"" \[(?:style=\w+, )?label=""(?<kind>[^""]+)""\];$", RegexOptions.Multiline)]
    private static partial Regex EdgeLine();

    [GeneratedRegex(@" \d+\.\d+\.\d+")]
    private static partial Regex VersionToken();
}
