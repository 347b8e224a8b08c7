using Cucos.Tests.Support;
using Cucos.Workers.StaticAnalysis.Analysers;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>ESLint as scripts/install-eslint.sh installs it for the tests (./test.sh runs it): the repository's tools/eslint.</summary>
public static class EslintTools
{
    public static string Folder => Path.Combine(SiloProcess.RepositoryRoot(), "tools", "eslint");

    /// <summary>The tools folder's eslint; the path even when it is missing, so a test names what to run.</summary>
    public static string Executable => Path.Combine(Folder, "node_modules", ".bin", "eslint");

    public static string ConfigFile => Path.Combine(Folder, EslintAnalyser.ConfigFileName);
}
