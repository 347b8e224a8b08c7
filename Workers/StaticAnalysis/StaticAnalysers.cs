using Cucos.Workers.StaticAnalysis.Analysers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>The built-in analysers, registered once; a task run without a service provider uses the same list.</summary>
public static class StaticAnalysers
{
    public static IServiceCollection AddCucosBuiltInStaticAnalysers(this IServiceCollection services) => services
        .AddCucosStaticAnalyser<CppcheckAnalyser>()
        .AddCucosStaticAnalyser<ShellcheckAnalyser>()
        .AddCucosStaticAnalyser<PyflakesAnalyser>()
        .AddCucosStaticAnalyser<BanditAnalyser>()
        .AddCucosStaticAnalyser<EslintAnalyser>();

    private static readonly Lazy<StaticAnalyser[]> BuiltIn = new(() =>
        [.. new ServiceCollection().AddCucosBuiltInStaticAnalysers().BuildServiceProvider().GetServices<StaticAnalyser>()]);

    /// <summary>The analysers registered in <paramref name="services"/>, or the built-in ones when it has none.</summary>
    public static IReadOnlyList<StaticAnalyser> Of(IServiceProvider services) =>
        services.GetService<IEnumerable<StaticAnalyser>>()?.ToArray() is { Length: > 0 } registered ? registered : BuiltIn.Value;
}
