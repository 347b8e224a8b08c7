#!/usr/bin/env python3
"""Soak run: many analyses through the HTTP API of three silo processes on one PostgreSQL, one silo killed (kill -9)
and restarted every few minutes. At the end it checks, in the database, that nothing was lost (every analysis
finished, listed under its package, with one result row per task) and nothing was duplicated (one analysis per
package), and prints the memory of the silo that was never killed over time (flat, or not).

Everything runs on loopback: a throwaway PostgreSQL (initdb/pg_ctl), the silos built in Release, and a static npm
registry served by this script (one small tarball, a packument per package name). Started by bench/soak.sh.
"""
import argparse, hashlib, base64, io, json, os, random, shutil, signal, socket, subprocess, sys, tarfile, tempfile
import http.client, threading, time, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_BIN = next((p for p in sorted(os.listdir("/usr/lib/postgresql"), reverse=True)), None) if os.path.isdir("/usr/lib/postgresql") else None
FINISHED = {"succeeded", "completed_with_failures", "failed"}  # the API's spelling of a finished analysis' status


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Registry:
    """A static npm registry: /soak-N is a packument whose one version points at the shared tarball."""

    def __init__(self, folder, packages):
        os.makedirs(os.path.join(folder, "tarballs"))
        tarball = io.BytesIO()
        with tarfile.open(fileobj=tarball, mode="w:gz") as archive:
            for name, text in {"package/package.json": '{"name": "soak", "version": "1.0.0", "license": "MIT", "main": "index.js"}',
                               "package/index.js": "// MIT licence\nmodule.exports = function soak(a, b) { return a + b; };\n",
                               "package/README.md": "# soak\n\nA package for the soak run.\n"}.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        data = tarball.getvalue()
        with open(os.path.join(folder, "tarballs", "soak-1.0.0.tgz"), "wb") as f:
            f.write(data)
        self.integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        for i in range(packages):
            name = f"soak-{i}"
            document = {"name": name, "dist-tags": {"latest": "1.0.0"},
                        "versions": {"1.0.0": {"name": name, "version": "1.0.0",
                                               "dist": {"tarball": self.url + "tarballs/soak-1.0.0.tgz", "integrity": self.integrity}}}}
            with open(os.path.join(folder, name), "w") as f:
                json.dump(document, f)
        handler = lambda *a, **k: QuietHandler(*a, directory=folder, **k)
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Postgres:
    def __init__(self, folder):
        self.bin = f"/usr/lib/postgresql/{PG_BIN}/bin"
        self.data = os.path.join(folder, "pgdata")
        self.port = free_port()
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.user = user
        os.makedirs(self.data)
        if user:
            shutil.chown(folder, "postgres", "postgres")
            shutil.chown(self.data, "postgres", "postgres")
        subprocess.run(user + [f"{self.bin}/initdb", "-D", self.data, "-U", "cucos", "--auth=trust"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(user + [f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(self.data, "log"), "-w",
                               "-o", f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", "start"],
                       check=True, stdout=subprocess.DEVNULL)
        self.sql("CREATE DATABASE cucos", database="postgres")
        self.connection = f"Host=127.0.0.1;Port={self.port};Username=cucos;Database=cucos"

    def sql(self, statement, database="cucos"):
        result = subprocess.run([f"{self.bin}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "cucos", "-d", database,
                                 "-At", "-c", statement], check=True, capture_output=True, text=True)
        return result.stdout.strip()

    def stop(self):
        subprocess.run(self.user + [f"{self.bin}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Silo:
    def __init__(self, index, postgres, registry, cache, cluster_id):
        self.index = index
        self.silo_port, self.gateway_port, self.http_port = free_port(), free_port(), free_port()
        self.environment = dict(os.environ, **{
            "ConnectionStrings__Cucos": postgres.connection, "Cucos__ClusterId": cluster_id, "Cucos__CacheRoot": cache,
            "Cucos__SiloPort": str(self.silo_port), "Cucos__GatewayPort": str(self.gateway_port), "Cucos__HttpPort": str(self.http_port),
            "Cucos__Postgres__Migrate": "true", "npm_config_registry": registry.url, "DOTNET_gcServer": "0",
            "Cucos__Api__Authentication__Enabled": "false",
            "Logging__LogLevel__Default": "Warning"})
        self.process = None
        self.log = open(os.path.join(cache, f"silo-{index}.log"), "a")
        self.start()

    def start(self):
        dll = os.path.join(ROOT, "Silo", "bin", "Release", "net10.0", "cucos-silo.dll")
        self.process = subprocess.Popen(["dotnet", dll], env=self.environment, stdout=self.log, stderr=subprocess.STDOUT,
                                        cwd=os.path.dirname(dll))
        self.started = time.time()

    def ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/health/ready", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def rss_mib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
        except (OSError, StopIteration):
            return None

    def gauges(self):
        """From the silo's Prometheus scrape: its grain activations (Orleans' catalog gauge) and its managed heap in MiB."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/metrics", timeout=5) as response:
                text = response.read().decode()
        except (OSError, http.client.HTTPException):
            return None, None
        def total(prefix):
            values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                      if line.startswith(prefix) and not line.startswith("#")]
            return sum(values) if values else None
        heap = total("dotnet_gc_last_collection_heap_size_bytes")  # every generation at the last collection
        return total("orleans_catalog_activations"), None if heap is None else heap / 2**20

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


def wait_ready(silos, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if all(s.ready() for s in silos):
            return
        time.sleep(0.5)
    raise SystemExit("silos not ready within %d s; see their logs" % seconds)


def request(silos, method, path, body=None, tries=120):
    """One API call on any live silo; a dead or restarting silo, or a 503, sends it to another after a pause."""
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(tries):
        silo = random.choice(silos)
        call = urllib.request.Request(f"http://127.0.0.1:{silo.http_port}{path}", data=data, method=method,
                                      headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(call, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            # A restarting silo's web host can answer before its routes are mapped: an empty 404, tried elsewhere.
            if error.code not in (502, 503, 504) and not (error.code == 404 and not error.read()):
                raise SystemExit(f"{method} {path}: {error.code} {error.read()[:500]!r}")
        except (urllib.error.URLError, OSError, http.client.HTTPException, json.JSONDecodeError):
            # Also an answer cut off by the kill of the silo sending it: every call here is safe to repeat (a start
            # of the same package gets the same analysis).
            pass
        time.sleep(min(2.0, 0.1 * (attempt + 1)))
    raise SystemExit(f"{method} {path}: no silo answered")


def main():
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--analyses", type=int, default=10000)
    options.add_argument("--kill-every", type=float, default=120, help="seconds between kills of a silo (not the first)")
    options.add_argument("--concurrency", type=int, default=32)
    options.add_argument("--patience", type=float, default=900,
                         help="seconds without any analysis finishing before the run gives up and names the unfinished ones")
    arguments = options.parse_args()
    work = tempfile.mkdtemp(prefix="cucos-soak-")
    os.chmod(work, 0o755)
    log(f"workspace {work}")
    postgres = Postgres(os.path.join(work, "pg"))
    registry = Registry(os.path.join(work, "registry"), arguments.analyses)
    cache = os.path.join(work, "cache")
    os.makedirs(cache)
    cluster_id = "soak"
    silos = [Silo(0, postgres, registry, cache, cluster_id)]
    wait_ready(silos)
    silos += [Silo(i, postgres, registry, cache, cluster_id) for i in (1, 2)]
    wait_ready(silos)
    log("3 silos ready")

    stop = threading.Event()
    memory = []  # (seconds since start, RSS MiB of silo 0, the one never killed)
    timeline = []  # (seconds since start, RSS MiB, activations, managed heap MiB) of silo 0, a row a minute
    kills = []
    begun = time.time()

    def killer():
        victim = 1
        while not stop.wait(arguments.kill_every):
            silo = silos[victim]
            silo.kill()
            kills.append(time.time() - begun)
            log(f"killed silo {victim} (kill -9); restarting it")
            silo.start()
            victim = 2 if victim == 1 else 1

    def sampler():
        while not stop.wait(10):
            memory.append((time.time() - begun, silos[0].rss_mib()))
            if len(memory) % 6 == 0:
                timeline.append((time.time() - begun, memory[-1][1], *silos[0].gauges()))

    threads = [threading.Thread(target=killer, daemon=True), threading.Thread(target=sampler, daemon=True)]
    for thread in threads:
        thread.start()

    def start(i):
        return request(silos, "POST", "/api/v1/analyses", {"package": f"npm:soak-{i}@1.0.0"})["analysis_id"]

    with ThreadPoolExecutor(arguments.concurrency) as pool:
        ids = list(pool.map(start, range(arguments.analyses)))
    submitted = time.time() - begun
    log(f"{len(ids)} analyses accepted in {submitted:.0f} s")

    unfinished = set(ids)
    statuses = {}
    last_progress = time.time()
    while unfinished:
        def look(analysis_id):
            return analysis_id, request(silos, "GET", f"/api/v1/analyses/{analysis_id}")
        before = len(unfinished)
        with ThreadPoolExecutor(arguments.concurrency) as pool:
            for analysis_id, document in pool.map(look, sorted(unfinished)):
                status = document.get("status")
                if status in FINISHED:
                    statuses[analysis_id] = status
                    unfinished.discard(analysis_id)
        if len(unfinished) < before:
            last_progress = time.time()
        if unfinished and time.time() - last_progress > arguments.patience:
            # A stuck analysis never finishes by waiting: say which, with what its stored state says, and fail.
            log(f"gave up: nothing finished for {arguments.patience:.0f} s; {len(unfinished)} unfinished")
            for analysis_id in sorted(unfinished)[:20]:
                print(postgres.sql(f"""
                    SELECT '{analysis_id}' || ' ' || string_agg(t.key || ':' || (t.value->>'Status') || '#' || (t.value->>'Attempts')
                           || coalesce(' on ' || (t.value->>'RunningOn'), ''), ', ')
                           || ' reminder rows: ' || (SELECT count(*) FROM cucos_reminder WHERE grain_id = 'analysis/{analysis_id}')
                    FROM cucos_grain_state, jsonb_each(payload->'Analysis'->'Tasks') AS t
                    WHERE state_name = 'analysis' AND payload->'Analysis'->>'AnalysisId' = '{analysis_id}'"""))
            break
        if unfinished:
            log(f"{len(unfinished)} analyses still running")
            time.sleep(5)
    elapsed = time.time() - begun
    stop.set()

    analyses = int(postgres.sql("SELECT count(*) FROM cucos_grain_state WHERE state_name = 'analysis' AND payload IS NOT NULL"))
    packages_with_more = int(postgres.sql(
        "SELECT count(*) FROM cucos_grain_state WHERE state_name = 'package' AND jsonb_array_length(payload->'Analyses') <> 1"))
    results = postgres.sql("""
        SELECT count(*), count(DISTINCT (payload->'Document'->'_audit'->>'analysis_id', payload->'Document'->'schema'->>'name'))
        FROM cucos_grain_state WHERE state_name = 'task-result' AND payload IS NOT NULL""").split("|")
    tasks = postgres.sql("""
        SELECT count(*) FROM cucos_grain_state s, jsonb_each(s.payload->'Analysis'->'Tasks') AS t
        WHERE s.state_name = 'analysis' AND t.value->>'Status' = 'Succeeded'""")
    by_status = {s: list(statuses.values()).count(s) for s in sorted(set(statuses.values()))}

    print()
    print(f"| soak | {arguments.analyses} analyses, 3 silos, kill -9 every {arguments.kill_every:.0f} s ({len(kills)} kills) |")
    print("|---|---|")
    print(f"| finished | {len(statuses)} of {len(ids)} in {elapsed:.0f} s ({len(ids) / elapsed:.1f}/s; all accepted after {submitted:.0f} s) |")
    print(f"| by status | {by_status} |")
    print(f"| analyses stored / packages with other than one analysis | {analyses} / {packages_with_more} |")
    print(f"| result rows / distinct (analysis, task) / succeeded tasks | {results[0]} / {results[1]} / {tasks} |")
    # Why analyses did not succeed: each failed task's error type and message, counted.
    errors = postgres.sql("""
        SELECT count(*) || ' x ' || t.key || ': ' || coalesce(t.value->'Error'->>'Type', '-') || ': ' || left(coalesce(t.value->'Error'->>'Message', '-'), 160)
        FROM cucos_grain_state s, jsonb_each(s.payload->'Analysis'->'Tasks') AS t
        WHERE s.state_name = 'analysis' AND t.value->>'Status' NOT IN ('Succeeded', 'Skipped')
        GROUP BY t.key, t.value->'Error'->>'Type', left(coalesce(t.value->'Error'->>'Message', '-'), 160) ORDER BY count(*) DESC LIMIT 10""")
    if errors.strip():
        print("| tasks not succeeded | " + errors.strip().replace("\n", "<br>") + " |")
    samples = [m for _, m in memory if m is not None]
    if samples:
        tenth = max(1, len(samples) // 10)
        print(f"| RSS of the silo never killed: first tenth / last tenth / max | "
              f"{sum(samples[:tenth]) / tenth:.0f} / {sum(samples[-tenth:]) / tenth:.0f} / {max(samples):.0f} MiB ({len(samples)} samples) |")
    if timeline:
        # Memory over time, not only its ends: whether it levels off once Orleans collects idle activations.
        print("\n| minute | RSS MiB | activations | managed heap MiB |\n|---:|---:|---:|---:|")
        for seconds, rss, activations, heap in timeline[::max(1, len(timeline) // 30)]:
            shown = [f"{v:.0f}" if v is not None else "-" for v in (rss, activations, heap)]
            print(f"| {seconds / 60:.0f} | " + " | ".join(shown) + " |")
    for silo in silos:
        silo.kill()
    postgres.stop()
    lost = len(ids) - len(statuses)
    ok = lost == 0 and analyses == len(ids) and packages_with_more == 0 and results[0] == results[1]
    print("\n" + ("nothing lost, nothing duplicated" if ok else "FAILED: something was lost or duplicated"))
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"workspace kept: {work}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
