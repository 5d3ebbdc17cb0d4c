"""Benchmark the site over HTTP: Debian's `wrk` against gunicorn on loopback, with baselines from the same server.

The server is the production configuration (settings.production, fingerprinted static files collected into
var/static, page cache in local memory) on a throwaway SQLite database holding the knowledge base and the
sample trials. Runs, each after a warm-up:

    static    a fingerprinted stylesheet served by whitenoise     32 connections   (baseline)
    trivial   /robots.txt, a view through every middleware          32 and 8       (baseline)
    hub       /, the largest knowledge page (page cache warm)       32 connections   target p99 <= 25 ms
    read      POST /api/v1/read, a clinic text of ~400 words        8 connections    target p99 <= 150 ms
    soak      a mix of pages, search, trials, API, static files     64 connections for 60 s:
              0 errors (non-2xx/3xx and socket errors), worker resident memory growth < 10 %

The per-address rate limit of the reader stays on: the bench raises it for its own server (READ_RATE_LIMIT).
Only 127.0.0.1 is ever addressed; every run is bounded by its duration and the server is stopped at the end.
The figures go into `bench/results.json` (merged with other keys): http.hub_p99_ms, http.read_p99_ms,
http.requests_per_s (the soak), http.errors, http.rss_growth_pct, the baselines and the ratios to them.

Run: .venv/bin/python bench/bench_http.py [--duration S] [--soak S] [--workers N] [--worker-class sync|gthread]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"
DEV = ROOT / "tests" / "eval" / "dev.jsonl"
HOST = "127.0.0.1"
TARGETS = {"hub_p99_ms": 25.0, "read_p99_ms": 150.0, "errors": 0, "rss_growth_pct": 10.0}

# Prints one JSON line when wrk ends: counts, socket errors and latency percentiles (microseconds).
DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK-JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, '
    .. '"timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclasses.dataclass(frozen=True)
class Run:
    """What wrk measured in one run."""

    name: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    status_errors: int
    server_cpu_s: float = 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per request: what a run cost the workers, whatever else the machine was doing."""
        return self.server_cpu_s * 1000 / self.requests if self.requests else 0.0

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.status_errors

    def line(self) -> str:
        return (f"{self.name:<8} {self.connections:>3} conn  {self.per_s:8.0f} req/s  p50 {self.p50_ms:7.2f} ms  "
                f"p99 {self.p99_ms:7.2f} ms  max {self.max_ms:7.1f} ms  "
                f"server CPU {self.cpu_ms_per_request:.2f} ms/req  errors {self.errors}")  # fmt: skip


def ensure_wrk() -> str:
    """Return the path of wrk, installing Debian's package when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("wrk is missing: install Debian's package (apt-get install wrk) and run again")
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, **quiet)
    return shutil.which("wrk") or "wrk"


def clinic_text(words: int = 400) -> str:
    """Return a clinic page of about `words` words built from the development set's real clinic texts."""
    paragraphs, count = [], 0
    for line in DEV.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("kind") == "clinic_claim":
            paragraphs.append(item["text"])
            count += len(item["text"].split())
            if count >= words:
                break
    return "\n\n".join(paragraphs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(folder: Path) -> dict[str, str]:
    """Return the environment of the bench's server: production settings, a private SQLite file."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "celldecide.web.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        # High enough that a bench never meets it; the limit itself (and its cost) stays in the path.
        "READ_RATE_LIMIT": "100000000/60",
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict[str, str]) -> None:
    """Create the database, load the knowledge base and the sample trials, collect the static files."""
    steps = [
        [str(BIN / "python"), "-m", "celldecide.web.manage", "migrate", "--noinput", "--verbosity", "0"],
        [str(BIN / "celldecide"), "kb", "load"],
        [str(BIN / "celldecide"), "trials", "import", str(ROOT / "data" / "sample-trials"), "--json"],
        [str(BIN / "python"), "-m", "celldecide.web.manage", "collectstatic", "--noinput", "--verbosity", "0"],
    ]
    for step in steps:
        subprocess.run(step, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before it answered")
        try:
            if get(base + "/robots.txt")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer on {base} within {timeout:.0f} s")


def worker_pids(master: int) -> list[int]:
    """Return the gunicorn workers (the master's children) from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def rss_kb(pids: list[int]) -> int:
    """Return the summed resident set size of `pids` in KiB, from /proc/<pid>/status."""
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
    return total


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU time (user + system) the processes `pids` used so far, from /proc/<pid>/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the line)
    return total / ticks


def wrk(binary: str, url: str, *, name: str, connections: int, seconds: int, script: Path) -> Run:
    """Run wrk once (two threads, closed loop, 5 s timeout) and return its figures."""
    command = [binary, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s",
               "-s", str(script), url]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    data = json.loads(out.split("WRK-JSON", 1)[1].strip().splitlines()[0])
    return Run(
        name=name, connections=connections, requests=data["requests"], seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000, max_ms=data["max_us"] / 1000,
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"], status_errors=data["status"],
    )  # fmt: skip


def scripts(folder: Path, *, mix: list[str], body: str) -> dict[str, Path]:
    """Write the wrk scripts: plain GET, the reader POST, and the soak's round-robin over `mix`."""
    paths = ", ".join(json.dumps(p) for p in mix)
    sources = {
        "get": DONE_LUA,
        "read": (f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                 'wrk.headers["Content-Type"] = "application/json"\n' + DONE_LUA),  # fmt: skip
        "mix": (f"local paths = {{{paths}}}\nlocal i = 0\n"
                "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n" + DONE_LUA),
    }
    written = {}
    for name, source in sources.items():
        written[name] = folder / f"{name}.lua"
        written[name].write_text(source, encoding="utf-8")
    return written


def soak_paths(base: str, static_css: str) -> list[str]:
    """Return the soak's mix: knowledge pages, their details, search, trials, the API, a static file."""
    paths = ["/", "/stages/", "/checklist/", "/products/", "/conditions/", "/regulators/", "/red-flags/",
             "/sources/", "/faq/", "/field-guide/", "/methodology/", "/trials/", "/search?q=parkinson",
             "/api/v1/products", "/robots.txt", static_css, "/read/", "/corrections/report/"]  # fmt: skip
    html = get(base + "/products/")[2].decode()
    paths += sorted(set(re.findall(r'href="(/products/[a-z0-9-]+/)"', html)))[:5]
    html = get(base + "/conditions/")[2].decode()
    paths += sorted(set(re.findall(r'href="(/conditions/[a-z0-9-]+/)"', html)))[:5]
    for path in paths:
        status = get(base + path)[0]
        if status != 200:
            raise SystemExit(f"{path} answered {status} before the bench started")
    return paths


def gunicorn_options(args: argparse.Namespace) -> list[str]:
    """Return the worker options of the bench's gunicorn (gunicorn turns `sync` with threads into gthread)."""
    options = ["--workers", str(args.workers), "--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        options += ["--threads", str(args.threads), "--keep-alive", str(args.keep_alive)]
    return options


def run(args: argparse.Namespace) -> dict:
    """Start gunicorn, measure every run, stop gunicorn; return the figures."""
    binary = ensure_wrk()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="celldecide-http-") as tmp:
        folder = Path(tmp)
        env = server_env(folder)
        prepare(env)
        port = free_port()
        base = f"http://{HOST}:{port}"
        command = [str(BIN / "gunicorn"), "celldecide.web.wsgi:application", "--bind", f"{HOST}:{port}",
                   *gunicorn_options(args), "--backlog", "2048", "--log-level", "warning"]  # fmt: skip
        server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        try:
            wait_ready(base, server)
            hub = get(base + "/")[2].decode()
            static_css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', hub)
            if static_css is None:
                raise SystemExit("the hub does not link a fingerprinted stylesheet: is the manifest storage on?")
            static_css = static_css.group(1)
            static_headers = get(base + static_css, **{"Accept-Encoding": "br, gzip"})[1]
            max_age = int(re.search(r"max-age=(\d+)", static_headers.get("Cache-Control", "max-age=0")).group(1))
            hub_headers = get(base + "/")[1]
            revalidated = get(base + "/", **{"If-None-Match": hub_headers.get("ETag", '"none"')})[0]
            lua = scripts(folder, mix=soak_paths(base, static_css), body=json.dumps({"text": clinic_text()}))
            runs: dict[str, Run] = {}

            def measure(name: str, path: str, connections: int, seconds: int, script: str = "get") -> Run:
                workers = worker_pids(server.pid)
                cpu = cpu_seconds(workers)
                measured = wrk(binary, base + path, name=name, connections=connections, seconds=seconds,
                               script=lua[script])  # fmt: skip
                runs[name] = dataclasses.replace(measured, server_cpu_s=cpu_seconds(workers) - cpu)
                print(runs[name].line(), flush=True)
                return runs[name]

            # Warm every worker: page caches, knowledge base, reader matchers, database connections.
            wrk(binary, base + "/", name="warm", connections=8, seconds=3, script=lua["mix"])
            wrk(binary, base + "/api/v1/read", name="warm", connections=4, seconds=3, script=lua["read"])
            measure("static", static_css, 32, args.duration)
            measure("trivial", "/robots.txt", 32, args.duration)
            measure("hub", "/", 32, args.duration)
            measure("trivial8", "/robots.txt", 8, max(3, args.duration // 2))
            measure("read", "/api/v1/read", 8, args.duration, "read")
            pids = worker_pids(server.pid)
            rss_before = rss_kb(pids)
            soak = measure("soak", "/", 64, args.soak, "mix")
            rss_after = rss_kb(pids)
            if sorted(worker_pids(server.pid)) != sorted(pids):
                print("a gunicorn worker was restarted during the soak: memory figures cover the survivors")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    static, trivial, hub_run, read = runs["static"], runs["trivial"], runs["hub"], runs["read"]
    figures.update({
        "http.hub_p99_ms": round(hub_run.p99_ms, 2),
        "http.hub_p50_ms": round(hub_run.p50_ms, 2),
        "http.hub_requests_per_s": round(hub_run.per_s, 1),
        "http.hub_ratio_to_static_p99": round(hub_run.p99_ms / static.p99_ms, 2),
        "http.hub_ratio_to_trivial_p99": round(hub_run.p99_ms / trivial.p99_ms, 2),
        "http.hub_304_on_etag": revalidated == 304,
        "http.hub_cpu_ms_per_request": round(hub_run.cpu_ms_per_request, 3),
        "http.static_cpu_ms_per_request": round(static.cpu_ms_per_request, 3),
        "http.trivial_cpu_ms_per_request": round(trivial.cpu_ms_per_request, 3),
        "http.read_cpu_ms_per_request": round(read.cpu_ms_per_request, 3),
        "http.static_p99_ms": round(static.p99_ms, 2),
        "http.static_requests_per_s": round(static.per_s, 1),
        "http.static_max_age_s": max_age,
        "http.trivial_p99_ms": round(trivial.p99_ms, 2),
        "http.trivial_requests_per_s": round(trivial.per_s, 1),
        "http.read_p99_ms": round(read.p99_ms, 2),
        "http.read_p50_ms": round(read.p50_ms, 2),
        "http.read_requests_per_s": round(read.per_s, 1),
        "http.read_ratio_to_trivial_p99": round(read.p99_ms / runs["trivial8"].p99_ms, 2),
        "http.read_errors": read.errors,
        "http.requests_per_s": round(soak.per_s, 1),
        "http.soak_seconds": round(soak.seconds, 1),
        "http.soak_requests": soak.requests,
        "http.soak_p99_ms": round(soak.p99_ms, 2),
        "http.errors": soak.errors,
        "http.rss_before_mb": round(rss_before / 1024, 1),
        "http.rss_after_mb": round(rss_after / 1024, 1),
        "http.rss_growth_pct": round((rss_after - rss_before) * 100 / rss_before, 2),
        "http.server": " ".join(gunicorn_options(args)),
        "http.loadavg_1m_at_start": args.loadavg,
    })  # fmt: skip
    return figures


def report(figures: dict) -> None:
    print(f"hub p99 {figures['http.hub_p99_ms']} ms = {figures['http.hub_ratio_to_static_p99']}x a static file, "
          f"{figures['http.hub_ratio_to_trivial_p99']}x robots.txt (target <= {TARGETS['hub_p99_ms']:.0f} ms at 32)")
    print(f"read p99 {figures['http.read_p99_ms']} ms = {figures['http.read_ratio_to_trivial_p99']}x robots.txt "
          f"at 8 connections (target <= {TARGETS['read_p99_ms']:.0f} ms)")
    print(f"soak: {figures['http.soak_requests']} requests in {figures['http.soak_seconds']} s at 64 connections "
          f"= {figures['http.requests_per_s']} req/s, {figures['http.errors']} errors (target 0), worker memory "
          f"{figures['http.rss_before_mb']} -> {figures['http.rss_after_mb']} MB = {figures['http.rss_growth_pct']} % "
          f"(target < {TARGETS['rss_growth_pct']:.0f} %)")
    print(f"static file max-age {figures['http.static_max_age_s']} s; hub answers If-None-Match with 304: "
          f"{figures['http.hub_304_on_etag']}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per measured run (the soak aside)")
    parser.add_argument("--soak", type=int, default=60, help="seconds of the 64-connection soak")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (one per core)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--keep-alive", type=int, default=5, help="seconds a gthread worker keeps a connection")
    args = parser.parse_args()
    args.loadavg = os.getloadavg()[0]
    figures = run(args)
    report(figures)
    current = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
