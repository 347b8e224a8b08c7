using System.Text.RegularExpressions;
using Cucos.Workers.Content.Lexing;

namespace Cucos.Workers.SupplyChain;

/// <summary>Severities, from a fact worth knowing to a package to keep out.</summary>
public static class Severity
{
    public const string Info = "info";
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";

    public static readonly string[] Ordered = [Info, Low, Medium, High, Critical];

    public static int Rank(string severity) => Array.IndexOf(Ordered, severity);
}

/// <summary>Where in a file a rule's match must start to count.</summary>
public enum RuleScope
{
    /// <summary>In code (for shell and unlexed files: anywhere but comments).</summary>
    Code,
    /// <summary>In a string literal (for shell and unlexed files: anywhere but comments).</summary>
    Literal,
}

/// <summary>
/// One pattern of a signal. <see cref="Anchor"/> is a literal every match contains (searched first, vectorised);
/// the patterns run with the non-backtracking engine, so a megabyte line costs linear time.
/// </summary>
public sealed record SignalRule(string Id, string Family, string Severity, RuleScope Scope, SourceSyntax[] Syntaxes, string Anchor, Regex Pattern, string Explanation);

/// <summary>The code patterns of supply_chain, per language family. Families feed the combined signals.</summary>
public static class SignalRules
{
    private static readonly SourceSyntax[] Js = [SourceSyntax.JavaScript];
    private static readonly SourceSyntax[] Py = [SourceSyntax.Python];
    private static readonly SourceSyntax[] Sh = [SourceSyntax.Shell];
    private static readonly SourceSyntax[] Scripts = [SourceSyntax.JavaScript, SourceSyntax.Python, SourceSyntax.Shell, SourceSyntax.Ruby, SourceSyntax.CLike, SourceSyntax.None];

    private const string SensitiveName = @"[A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?|_AUTH)[A-Z0-9_]*";

    private static Regex R(string pattern) => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    private static Regex Ri(string pattern) => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public static readonly IReadOnlyList<SignalRule> All =
    [
        // JavaScript / TypeScript
        new("js.child_process", Families.ChildProcess, Severity.Low, RuleScope.Code, Js, "child_process",
            R(@"\brequire\s*\(\s*['""](?:node:)?child_process['""]|\bfrom\s*['""](?:node:)?child_process['""]|\bimport\s*\(\s*['""](?:node:)?child_process['""]"),
            "loads child_process: it can run programs and shells"),
        new("js.network_module", Families.Network, Severity.Info, RuleScope.Code, Js, "require",
            R(@"\brequire\s*\(\s*['""](?:node:)?(?:http|https|net|dgram|tls|dns|http2)['""]"), "loads a network module"),
        new("js.network_import", Families.Network, Severity.Info, RuleScope.Code, Js, "from",
            R(@"\bfrom\s*['""](?:node:)?(?:http|https|net|dgram|tls|dns|http2)['""]"), "imports a network module"),
        new("js.network_call", Families.Network, Severity.Info, RuleScope.Code, Js, "",
            R(@"\bfetch\s*\(|\bnew\s+XMLHttpRequest\b|\bnew\s+WebSocket\s*\(|\bhttps?\.(?:request|get)\s*\("), "makes network requests"),
        new("js.post", Families.Network, Severity.Info, RuleScope.Code, Js, "POST",
            R(@"\bmethod\s*:\s*['""]POST['""]"), "sends data with an HTTP POST"),
        new("js.fs_write", Families.Filesystem, Severity.Info, RuleScope.Code, Js, "fs",
            R(@"\bfs(?:\.promises)?\.(?:writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|chmodSync|chmod|copyFileSync|renameSync)\b"),
            "writes files"),
        new("js.fs_delete", Families.Destructive, Severity.Low, RuleScope.Code, Js, "",
            R(@"\bfs(?:\.promises)?\.(?:unlinkSync|unlink|rmSync|rmdirSync|rm|rmdir)\b|\brimraf(?:\.sync)?\s*\("), "deletes files or folders"),
        new("js.fs_walk", Families.Filesystem, Severity.Info, RuleScope.Code, Js, "readdir",
            R(@"\bfs(?:\.promises)?\.readdir(?:Sync)?\b"), "lists folders"),
        new("js.env_sensitive", Families.Environment, Severity.Medium, RuleScope.Code, Js, "process",
            R(@"\bprocess\.env(?:\.|\[\s*['""])" + SensitiveName), "reads a token or secret from the environment"),
        new("js.env_dump", Families.Environment, Severity.Medium, RuleScope.Code, Js, "process",
            R(@"JSON\.stringify\s*\(\s*process\.env\s*[,)]|Object\.(?:keys|entries|values|assign)\s*\([^)]{0,40}process\.env\s*\)"),
            "collects the whole environment (every variable, tokens included)"),
        new("js.eval", Families.DynamicCode, Severity.Low, RuleScope.Code, Js, "eval", R(@"\beval\s*\("), "runs a string as code (eval)"),
        new("js.function", Families.DynamicCode, Severity.Low, RuleScope.Code, Js, "Function",
            R(@"\bnew\s+Function\s*\(|\bFunction\s*\(\s*['""]"), "builds a function from a string"),
        new("js.vm", Families.DynamicCode, Severity.Low, RuleScope.Code, Js, "vm",
            R(@"\brequire\s*\(\s*['""](?:node:)?vm['""]|\bvm\.(?:runInNewContext|runInThisContext|runInContext|Script)\b"), "runs code in a vm context"),
        new("js.module_compile", Families.DynamicCode, Severity.Medium, RuleScope.Code, Js, "",
            R(@"\._compile\s*\(|\bnew\s+module\.constructor\b|\bmodule\.constructor\s*\("), "compiles a module from a string (module._compile)"),
        new("js.dynamic_require", Families.Obfuscation, Severity.Medium, RuleScope.Code, Js, "require",
            R(@"\brequire\s*\(\s*[A-Za-z_$][\w$]*\s*\("), "requires a module whose name is computed by a function call"),
        new("js.require_alias", Families.Obfuscation, Severity.Medium, RuleScope.Code, Js, "require",
            R(@"[=:]\s*require\s*[,;)]"), "keeps require under another name, so the modules it loads cannot be read off the code"),
        new("js.decode", Families.Decoder, Severity.Info, RuleScope.Code, Js, "",
            R(@"\bBuffer\.from\s*\([^;]{0,300}?['""](?:base64|hex)['""]|\batob\s*\(|\bcreateDecipher(?:iv)?\s*\("), "decodes or decrypts data"),
        new("js.dlopen", Families.Native, Severity.Low, RuleScope.Code, Js, "dlopen", R(@"\bprocess\.dlopen\s*\("), "loads a native library"),
        new("js.fingerprint", Families.Fingerprinting, Severity.Info, RuleScope.Code, Js, "",
            R(@"Intl\.DateTimeFormat\s*\(\s*\)\s*\.resolvedOptions|\bprocess\.env\.(?:LANG|LC_ALL|TZ)\b|\bnavigator\.language|\bgetTimezoneOffset\s*\("),
            "reads the locale or time zone"),
        new("js.hex_identifiers", Families.Obfuscation, Severity.Info, RuleScope.Code, Js, "_0x", R(@"\b_0x[0-9a-f]{4,6}\b"),
            "obfuscator-style identifiers (_0x...)"),

        // Python
        new("py.subprocess", Families.ChildProcess, Severity.Low, RuleScope.Code, Py, "",
            R(@"\bimport\s+subprocess\b|\bfrom\s+subprocess\s+import\b|\bos\.(?:system|popen|execvp?e?|execlp?e?|spawnvp?e?|spawnlp?e?)\s*\(|\bpty\.spawn\s*\("),
            "runs programs or shells"),
        new("py.network", Families.Network, Severity.Info, RuleScope.Code, Py, "",
            R(@"\bimport\s+(?:socket|requests|urllib3?|httpx|ftplib|smtplib|http\.client|urllib\.request)\b|\bfrom\s+(?:urllib(?:\.request)?|requests|http\.client|socket|httpx)\s+import\b"),
            "uses the network"),
        new("py.post", Families.Network, Severity.Info, RuleScope.Code, Py, "post", R(@"\brequests\.post\s*\(|\burlopen\s*\([^)]{0,200}data\s*="), "sends data with an HTTP POST"),
        new("py.fs_delete", Families.Destructive, Severity.Low, RuleScope.Code, Py, "",
            R(@"\bshutil\.rmtree\s*\(|\bos\.(?:remove|unlink|rmdir|removedirs)\s*\("), "deletes files or folders"),
        new("py.fs_write", Families.Filesystem, Severity.Info, RuleScope.Code, Py, "open",
            R(@"\bopen\s*\([^)]{0,200}['""][wa]b?\+?['""]"), "writes files"),
        new("py.env_sensitive", Families.Environment, Severity.Medium, RuleScope.Code, Py, "",
            R(@"\bos\.(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*['""]" + SensitiveName), "reads a token or secret from the environment"),
        new("py.env_dump", Families.Environment, Severity.Medium, RuleScope.Code, Py, "environ",
            R(@"\bdict\s*\(\s*os\.environ\s*\)|\bjson\.dumps\s*\(\s*(?:dict\s*\(\s*)?os\.environ\b|\bos\.environ\.(?:items|copy)\s*\(\s*\)"),
            "collects the whole environment (every variable, tokens included)"),
        new("py.exec", Families.DynamicCode, Severity.Low, RuleScope.Code, Py, "",
            R(@"(?:^|[^.\w])(?:exec|eval)\s*\(|\b__import__\s*\(|(?:^|[^.\w])compile\s*\([^)]{0,200}['""]exec['""]"), "runs a string as code (exec, eval, compile, __import__)"),
        new("py.decode", Families.Decoder, Severity.Info, RuleScope.Code, Py, "",
            R(@"\bb64decode\s*\(|\bb32decode\s*\(|\bbytes\.fromhex\s*\(|\bcodecs\.decode\s*\(|\bzlib\.decompress\s*\(|\bmarshal\.loads\s*\(|\bFernet\s*\("), "decodes or decrypts data"),
        new("py.native", Families.Native, Severity.Low, RuleScope.Code, Py, "", R(@"\bctypes\.(?:CDLL|cdll|WinDLL|windll)\b"), "loads a native library"),
        new("py.fingerprint", Families.Fingerprinting, Severity.Info, RuleScope.Code, Py, "locale", R(@"\blocale\.(?:getlocale|getdefaultlocale)\s*\("), "reads the locale"),

        // Shell and PowerShell, and install-script command lines
        new("sh.pipe_to_shell", Families.DownloadExecute, Severity.High, RuleScope.Code, Sh, "",
            Ri(@"\b(?:curl|wget)\b[^\n|;]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:curl|wget)\b[^\n|;]*\|\s*(?:node|python3?|perl|ruby)\b|\b(?:iwr|Invoke-WebRequest|irm|Invoke-RestMethod)\b[^\n]*\|\s*(?:iex|Invoke-Expression)\b"),
            "downloads a script and pipes it into an interpreter"),
        new("sh.download", Families.Network, Severity.Info, RuleScope.Code, Sh, "",
            Ri(@"\b(?:curl|wget|Invoke-WebRequest|iwr|bitsadmin)\b|\bcertutil\s+-urlcache"), "downloads with a command-line client"),
        new("sh.make_executable", Families.ChildProcess, Severity.Info, RuleScope.Code, Sh, "chmod", R(@"\bchmod\s+(?:[ugoa]*\+x|0?[0-7]?[157][0-7]{2})\b"), "makes a file executable"),
        new("sh.wipe", Families.Destructive, Severity.Medium, RuleScope.Code, Sh, "rm", R(@"\brm\s+-[a-zA-Z]*[rR][a-zA-Z]*\s+(?:/|~|\$HOME|\$\{HOME\}|\*)"), "deletes a home or root folder recursively"),
        new("sh.env_sensitive", Families.Environment, Severity.Medium, RuleScope.Code, Sh, "$", R(@"\$\{?" + SensitiveName), "reads a token or secret from the environment"),

        // Any language: what its string literals name
        new("any.credential_file", Families.Credentials, Severity.Medium, RuleScope.Literal, Scripts, "",
            R(@"\.npmrc\b|\.ssh/|\bid_rsa\b|\bid_ed25519\b|\bid_ecdsa\b|\.aws/credentials|\.docker/config\.json|\.kube/config|\.netrc\b|\.pypirc\b|\.git-credentials|\.config/gcloud|/etc/shadow|\.bash_history|Local Storage/leveldb|Login Data"),
            "names a credential file (npm, SSH, cloud, Docker, Kubernetes, browser)"),
    ];
}

/// <summary>The signal families.</summary>
public static class Families
{
    public const string InstallTime = "install_time";
    public const string Network = "network";
    public const string ChildProcess = "child_process";
    public const string Filesystem = "filesystem";
    public const string Destructive = "destructive";
    public const string Environment = "environment";
    public const string Credentials = "credentials";
    public const string DynamicCode = "dynamic_code";
    public const string Decoder = "decoder";
    public const string Native = "native";
    public const string Fingerprinting = "fingerprinting";
    public const string Obfuscation = "obfuscation";
    public const string Destination = "destination";
    public const string DependencySource = "dependency_source";
    public const string Typosquat = "typosquat";
    public const string ManifestConfusion = "manifest_confusion";
    public const string ReleaseContext = "release_context";
    public const string Payload = "payload";
    public const string Exfiltration = "exfiltration";
    public const string DownloadExecute = "download_execute";
    public const string Sabotage = "sabotage";
}
