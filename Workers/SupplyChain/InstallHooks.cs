using System.Text.RegularExpressions;
using Cucos.Workers.Content;

namespace Cucos.Workers.SupplyChain;

/// <summary>
/// What runs when a package is installed, per ecosystem: npm lifecycle scripts and <c>binding.gyp</c>, a Python
/// <c>setup.py</c> (custom commands), Cargo's <c>build.rs</c>, a gem's native extension (<c>extconf.rb</c>), NuGet's
/// <c>tools/install.ps1</c>/<c>init.ps1</c> and MSBuild <c>.targets</c>/<c>.props</c> in <c>build/</c>.
/// </summary>
public static partial class InstallHooks
{
    /// <summary>The npm lifecycle scripts that run on <c>npm install</c> (prepare: for git and local installs).</summary>
    public static readonly string[] NpmHookNames = ["preinstall", "install", "postinstall", "prepare"];

    /// <summary>Found hooks, their signals, and the package files that run at install time.</summary>
    public sealed record Found(List<InstallHook> Hooks, List<SupplyChainSignal> Signals, HashSet<string> InstallTimeFiles, List<(string Name, string Script)> NpmScripts);

    public static Found Find(IReadOnlyList<PackageFile> files, string? manifestPath, IReadOnlyDictionary<string, string>? npmScripts)
    {
        var found = new Found([], [], new HashSet<string>(StringComparer.Ordinal), []);
        var manifestFolder = manifestPath is null ? "" : (System.IO.Path.GetDirectoryName(manifestPath) ?? "").Replace('\\', '/');
        string InFolder(string relative) => manifestFolder.Length == 0 ? relative : manifestFolder + "/" + relative;
        var paths = files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);

        foreach (var hook in NpmHookNames)
        {
            if (npmScripts is null || !npmScripts.TryGetValue(hook, out var command) || string.IsNullOrWhiteSpace(command))
                continue;
            var native = NativeBuilder().IsMatch(command);
            var kind = native ? "native_build" : "script";
            found.Hooks.Add(new InstallHook("npm", hook, command, kind));
            found.NpmScripts.Add((hook, command));
            found.Signals.Add(new SupplyChainSignal(Families.InstallTime, "npm." + hook, native ? Severity.Low : Severity.Medium,
                manifestPath, null, Cut($"\"{hook}\": \"{command}\""),
                native ? $"npm runs '{hook}' on install: a known native-addon builder" : $"npm runs the '{hook}' script on install", true));
            foreach (Match file in ScriptFile().Matches(command))
            {
                var relative = file.Groups["file"].Value.TrimStart('.', '/');
                var path = InFolder(relative);
                if (paths.Contains(path))
                    found.InstallTimeFiles.Add(path);
                else if (paths.Contains(path + ".js"))
                    found.InstallTimeFiles.Add(path + ".js");
            }
        }
        var gyp = InFolder("binding.gyp");
        if (paths.Contains(gyp) && npmScripts is not null && !found.Hooks.Any(h => h.Hook is "install" or "preinstall"))
        {
            found.Hooks.Add(new InstallHook("npm", "binding.gyp", "node-gyp rebuild", "native_build"));
            found.Signals.Add(new SupplyChainSignal(Families.InstallTime, "npm.binding_gyp", Severity.Low, gyp, null, null,
                "binding.gyp without an install script: npm runs node-gyp rebuild, compiling native code on install", true));
        }

        foreach (var file in files)
        {
            var name = System.IO.Path.GetFileName(file.Path);
            var depth = file.Path.Count(c => c == '/');
            if (name == "setup.py" && depth <= 1)
            {
                found.InstallTimeFiles.Add(file.Path);
                var custom = FileContains(file, "cmdclass");
                found.Hooks.Add(new InstallHook("pypi", "setup.py", file.Path, custom ? "script" : "build"));
                found.Signals.Add(new SupplyChainSignal(Families.InstallTime, custom ? "pypi.setup_cmdclass" : "pypi.setup_py",
                    custom ? Severity.Medium : Severity.Info, file.Path, null, null,
                    custom ? "setup.py replaces install or build commands (cmdclass): its code runs on install from source"
                           : "setup.py runs on install from source", true));
            }
            else if (name == "build.rs" && depth <= 1)
            {
                found.InstallTimeFiles.Add(file.Path);
                found.Hooks.Add(new InstallHook("crates", "build.rs", file.Path, "build"));
                found.Signals.Add(new SupplyChainSignal(Families.InstallTime, "crates.build_rs", Severity.Low, file.Path, null, null,
                    "a Cargo build script: it runs on every build of a dependent crate", true));
            }
            else if (name == "extconf.rb")
            {
                found.InstallTimeFiles.Add(file.Path);
                found.Hooks.Add(new InstallHook("rubygems", "extconf.rb", file.Path, "native_build"));
                found.Signals.Add(new SupplyChainSignal(Families.InstallTime, "gem.native_extension", Severity.Low, file.Path, null, null,
                    "a gem native extension: extconf.rb runs and compiles code on install", true));
            }
            else if (Regex.IsMatch(file.Path, @"(^|/)tools/(install|init|uninstall)\.ps1$", RegexOptions.IgnoreCase))
            {
                found.InstallTimeFiles.Add(file.Path);
                found.Hooks.Add(new InstallHook("nuget", file.Path, file.Path, "script"));
                found.Signals.Add(new SupplyChainSignal(Families.InstallTime, "nuget.install_ps1", Severity.Medium, file.Path, null, null,
                    "a NuGet PowerShell script that Visual Studio runs when the package is installed", true));
            }
            else if (Regex.IsMatch(file.Path, @"(^|/)build(Transitive|Multitargeting)?/.*\.(targets|props)$", RegexOptions.IgnoreCase))
            {
                found.InstallTimeFiles.Add(file.Path);
                var exec = FileContains(file, "<Exec");
                found.Hooks.Add(new InstallHook("nuget", file.Path, file.Path, exec ? "script" : "build"));
                found.Signals.Add(new SupplyChainSignal(Families.InstallTime, exec ? "nuget.msbuild_exec" : "nuget.msbuild_import",
                    exec ? Severity.Medium : Severity.Info, file.Path, null, null,
                    exec ? "MSBuild targets imported into every consuming build run commands (<Exec>)"
                         : "MSBuild targets or props imported into every consuming build", true));
            }
        }
        return found;
    }

    private static bool FileContains(PackageFile file, string text)
    {
        if (file.Size > 4 * 1024 * 1024)
            return false;
        return File.ReadAllText(file.FullPath).Contains(text, StringComparison.Ordinal);
    }

    private static string Cut(string text) => text.Length <= 120 ? text : text[..120];

    [GeneratedRegex(@"\b(?:node-pre-gyp\s+install|prebuild-install|node-gyp(?:-build)?(?:\s+rebuild)?|cmake-js|electron-rebuild|napi-build|node-gyp-build-optional)\b")]
    private static partial Regex NativeBuilder();

    [GeneratedRegex(@"\b(?:node|sh|bash|python3?)\s+(?<file>[\w./-]+\.(?:js|cjs|mjs|sh|py)|[\w./-]+(?=\s|$|;|&))")]
    private static partial Regex ScriptFile();
}
