using System.Text.Json;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Workers.Languages;
using Cucos.Workers.StaticAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>Runs languages, then static_analysis on its result, as an analysis does, with the given settings and analysers.</summary>
public static class StaticAnalysisPackage
{
    public static async Task<(JsonElement Document, StaticAnalysisDetails Details)> AnalyseAsync(string package,
        Dictionary<string, string?>? settings = null, Action<IServiceCollection>? addAnalysers = null)
    {
        var services = new ServiceCollection();
        settings = new Dictionary<string, string?>(settings ?? []);
        // ESLint of the repository's tools folder (scripts/install-eslint.sh), unless a test configures another.
        settings.TryAdd("Cucos:StaticAnalysis:eslint:Path", EslintTools.Executable);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddCucosBuiltInStaticAnalysers();
        addAnalysers?.Invoke(services);
        using var provider = services.BuildServiceProvider();

        var store = new InMemoryTaskResultStore();
        var languages = await WorkerRun.RunAsync(new LanguagesTask(), package);
        await store.SaveAsync("languages", 1, languages, CancellationToken.None);
        var document = await WorkerRun.RunAsync(new StaticAnalysisTask(), package, store, provider);
        return (document, Details(document));
    }

    public static StaticAnalysisDetails Details(JsonElement document) =>
        document.GetProperty("details").Deserialize<StaticAnalysisDetails>(TaskJson.Options)!;

    public static AnalyserRun Analyser(this StaticAnalysisDetails details, string name) =>
        Assert.Single(details.Analysers, a => a.Name == name);
}
