#!/usr/bin/env python3
"""The static_analysis worker on a warm silo against the analysers by hand, on the same trees, in one run.

One silo process (in-memory profile, Release build) stays up for every round; each round sends every tree as an npm
package of a loopback registry served here (POST /api/v1/analyses, tasks languages + static_analysis, all at once),
waits until all are finished and reads their results back, and runs the seed's way (csmock's: every analyser by
hand over the whole tree, one after another) on the same trees. A first, untimed analysis warms the silo (JIT,
analyser versions). Started by bench/static-analysis-silo.sh; figures in docs/benchmarks.md.
"""
import argparse, hashlib, base64, io, json, os, shutil, socket, subprocess, sys, tarfile, tempfile, threading, time
import urllib.error, urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ESLINT = os.path.join(ROOT, "tools", "eslint", "node_modules", ".bin", "eslint")
ESLINT_CONFIG = os.path.join(ROOT, "tools", "eslint", "cucos.eslint.config.mjs")
# Real trees of this machine with C, shell, Python and JavaScript: examples shipped with -dev packages, git's shell
# commands, parts of the Python standard library, npm's own code.
TREES = ["/usr/share/doc/nettle-dev/examples", "/usr/share/doc/zlib1g-dev/examples", "/usr/share/doc/libxmlsec1-dev/examples",
         "/usr/lib/git-core", "/usr/lib/python3.11/json", "/usr/lib/python3.11/email", "/usr/lib/python3.11/logging",
         "/usr/lib/node_modules/npm/lib"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_tree(tree, target):
    """Regular files up to 3 levels deep and under 2 MB, as bench/static-analysis.sh copies them."""
    for folder, folders, files in os.walk(tree):
        depth = os.path.relpath(folder, tree).count(os.sep) + (0 if folder == tree else 1)
        if depth >= 3:
            folders[:] = []
        for name in files:
            source = os.path.join(folder, name)
            if os.path.islink(source) or not os.path.isfile(source) or os.path.getsize(source) >= 2 * 1024 * 1024:
                continue
            destination = os.path.join(target, os.path.relpath(source, tree))
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            shutil.copyfile(source, destination)


class Registry:
    """A static npm registry: /bench-static-N is a packument whose one version is the tarball of tree N."""

    def __init__(self, folder, packages):
        os.makedirs(os.path.join(folder, "tarballs"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        for index, package in enumerate(packages):
            name = f"bench-static-{index}"
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
                archive.add(package, arcname="package")
            data = buffer.getvalue()
            with open(os.path.join(folder, "tarballs", f"{name}-1.0.0.tgz"), "wb") as f:
                f.write(data)
            integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
            with open(os.path.join(folder, name), "w") as f:
                json.dump({"name": name, "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {
                    "name": name, "version": "1.0.0",
                    "dist": {"tarball": f"{self.url}tarballs/{name}-1.0.0.tgz", "integrity": integrity}}}}, f)

        class Quiet(SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=folder, **k)

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Quiet)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def call(port, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def process_cpu(pid):
    """CPU seconds of a process and of its children it has reaped (the analysers), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def silo_round(port, count, pid):
    started, cpu = time.monotonic(), process_cpu(pid)
    ids = [call(port, "POST", "/api/v1/analyses", {"ecosystem": "npm", "name": f"bench-static-{i}", "version": "1.0.0",
                                                     "tasks": ["languages", "static_analysis"], "force": True})["analysis_id"]
           for i in range(count)]
    findings = 0
    for analysis_id in ids:
        revision = -1
        while True:
            analysis = call(port, "GET", f"/api/v1/analyses/{analysis_id}?after_revision={revision}&wait_seconds=20")
            if analysis["finished_at"] is not None:
                break
            revision = analysis["revision"]
        status = analysis["tasks"]["static_analysis"]["status"]
        if status != "succeeded":
            raise SystemExit(f"analysis {analysis_id}: static_analysis {status}: {analysis['tasks']['static_analysis']}")
        findings += call(port, "GET", f"/api/v1/analyses/{analysis_id}/results/static_analysis")["summary"]["findings"]
    return time.monotonic() - started, process_cpu(pid) - cpu, findings


def head(path):
    with open(path, "rb") as f:
        return f.read(10)


def by_hand_round(packages):
    """The seed's way: every analyser over the whole tree, whatever the files' languages, one after another."""
    started, before = time.monotonic(), os.times()
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for package in packages:
        subprocess.run(["cppcheck", "--xml", "--xml-version=2", "--enable=warning,style,performance,portability", "--quiet", "."], cwd=package, **quiet)
        scripts = [os.path.join(folder, name) for folder, _, names in os.walk(package) for name in names
                   if name.endswith(".sh") or head(os.path.join(folder, name)).startswith(b"#!/bin/sh")]
        if scripts:
            subprocess.run(["shellcheck", "-f", "json1", "--", *scripts], cwd=package, **quiet)
        subprocess.run(["pyflakes3", "."], cwd=package, **quiet)
        subprocess.run(["bandit", "-r", "-f", "json", "-q", "."], cwd=package, **quiet)
        scripts = [os.path.join(folder, name) for folder, _, names in os.walk(package) for name in names
                   if name.endswith((".js", ".mjs", ".cjs", ".ts", ".tsx"))]
        if scripts:
            subprocess.run([ESLINT, "--config", ESLINT_CONFIG, "--no-config-lookup", "--format", "json", "--", *scripts], cwd=package, **quiet)
    after = os.times()
    return time.monotonic() - started, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    for tool in ["cppcheck", "shellcheck", "pyflakes3", "bandit", "dotnet"]:
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install -y {tool}")
    if not os.access(ESLINT, os.X_OK):
        raise SystemExit("ESLint is missing: scripts/install-eslint.sh")
    dll = os.path.join(ROOT, "Silo", "bin", os.environ.get("CONFIGURATION", "Release"), "net10.0", "cucos-silo.dll")
    if not os.path.exists(dll):
        raise SystemExit(f"the silo is not built at {dll}: dotnet build Silo -c {os.environ.get('CONFIGURATION', 'Release')}")

    work = tempfile.mkdtemp(prefix="cucos-static-silo-bench.")
    silo = None
    try:
        packages = []
        for tree in TREES:
            if os.path.isdir(tree):
                target = os.path.join(work, "packages", tree.strip("/").replace("/", "_"))
                copy_tree(tree, target)
                packages.append(target)
        files = sum(len(f) for p in packages for _, _, f in os.walk(p))
        registry = Registry(os.path.join(work, "registry"), packages)
        http_port = free_port()
        environment = dict(os.environ, **{
            "Cucos__ClusterId": "static-bench", "Cucos__CacheRoot": os.path.join(work, "cache"),
            "Cucos__SiloPort": str(free_port()), "Cucos__GatewayPort": str(free_port()), "Cucos__HttpPort": str(http_port),
            "npm_config_registry": registry.url, "Cucos__StaticAnalysis__eslint__Path": ESLINT,
            # A throwaway silo of this script only, called by this script only: no API keys to hand around.
            "Cucos__Api__Authentication__Enabled": "false",
            "Logging__LogLevel__Default": "Warning"})
        log = open(os.path.join(work, "silo.log"), "w")
        silo = subprocess.Popen(["dotnet", dll], env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=os.path.dirname(dll))
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/health/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.time() > deadline or silo.poll() is not None:
                raise SystemExit("the silo did not become ready; its log: " + open(os.path.join(work, "silo.log")).read()[-3000:])
            time.sleep(0.5)
        print(f"{len(packages)} packages, {files} files; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        silo_round(http_port, 1, silo.pid)  # warm-up: JIT, the analysers' versions, the registry client
        print(f"{'round':<6} {'way':<40} {'wall-s':>8} {'cpu-s':>8} {'packages/min':>13} {'findings':>9}")
        for round_number in range(1, arguments.rounds + 1):
            wall, cpu = by_hand_round(packages)
            print(f"{round_number:<6} {'by hand, one after another (seed)':<40} {wall:8.2f} {cpu:8.2f} {len(packages) * 60 / wall:13.1f} {'-':>9}", flush=True)
            wall, cpu, findings = silo_round(http_port, len(packages), silo.pid)
            print(f"{round_number:<6} {'warm silo, HTTP API, all at once':<40} {wall:8.2f} {cpu:8.2f} {len(packages) * 60 / wall:13.1f} {findings:9d}", flush=True)
    finally:
        if silo is not None:
            silo.terminate()
            try:
                silo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                silo.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
