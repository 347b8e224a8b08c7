using System.ComponentModel;
using Cucos.Sdk;
using Cucos.Workers.Content;

namespace Cucos.Workers.SupplyChain;

/// <summary>One risk signal: what, where, how bad, and why it matters, in one line.</summary>
public sealed record SupplyChainSignal(
    [property: Description("install_time, network, child_process, filesystem, destructive, environment, credentials, dynamic_code, decoder, native, fingerprinting, obfuscation, destination, dependency_source, typosquat, manifest_confusion, release_context, payload, exfiltration, download_execute, sabotage")] string Family,
    [property: Description("the rule that matched, e.g. js.child_process or combined.secrets_sent")] string Rule,
    [property: Description("info, low, medium, high or critical")] string Severity,
    [property: Description("the file, relative to the package root; null for a signal about the package as a whole")] string? Path,
    [property: Description("1-based line of the evidence")] int? Line,
    [property: Description("a short evidence snippet (at most 120 characters)")] string? Snippet,
    string Explanation,
    [property: Description("the evidence is in code or a script that runs when the package is installed")] bool InstallTime);

[TaskResultPart("supply_chain", ResultPart.Summary)]
public sealed record SupplyChainSummary(
    [property: Description("none, low, medium, high or critical: the highest severity of the signals above info")] string Risk,
    [property: Description("every signal, those left out of details.signals included")] int Signals,
    [property: Description("family -> signals")] IReadOnlyDictionary<string, int> Families,
    [property: Description("the signals that set the risk, as 'rule (path:line)'")] IReadOnlyList<string> Drivers,
    [property: Description("lifecycle scripts and build hooks that run when the package is installed")] int InstallHooks,
    int FilesScanned,
    [property: Description("files that could not be read (see details.errors)")] int Errors);

/// <summary>A lifecycle hook: what the package manager runs on install, and how it was judged.</summary>
public sealed record InstallHook(
    [property: Description("npm, pypi, crates, rubygems or nuget")] string Ecosystem,
    [property: Description("e.g. postinstall, binding.gyp, setup.py, build.rs, extconf.rb, tools/install.ps1")] string Hook,
    [property: Description("the command or the file that runs")] string Command,
    [property: Description("native_build for the known native-addon builders, else script")] string Kind);

[TaskResultPart("supply_chain", ResultPart.Details)]
[Description("Behavioural risk signals of a package: install-time execution, capabilities in code, obfuscation and payloads, destinations, dependencies from outside the registry, typosquats, manifest confusion and release context. docs/supply-chain.md describes every rule.")]
public sealed record SupplyChainDetails(
    string Risk,
    [property: Description("the signals that set the risk")] IReadOnlyList<SupplyChainSignal> Drivers,
    [property: Description("severity first, then path and line; at most 500")] IReadOnlyList<SupplyChainSignal> Signals,
    int SignalsOmitted,
    IReadOnlyList<InstallHook> InstallHooks,
    [property: Description("the popular package this name imitates, when it looks like a typosquat")] string? TyposquatOf,
    [property: Description("whether the registry's version document was compared with the package's manifest (npm): compared, no_registry_document or not_npm")] string ManifestCheck,
    [property: Description("files lexed as source")] int FilesLexed,
    [property: Description("binary files, not lexed")] int BinaryFiles,
    [property: Description("encoded blobs (base64, hex, source maps, WebAssembly) skipped by the code rules")] int BlobsSkipped,
    IReadOnlyList<FileError> Errors);
