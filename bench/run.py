"""Run every benchmark in bench/ in turn, record the machine, and print bench/results.json against the targets.

Each benchmark is its own process (a fresh interpreter, its own imports and caches) and merges its figures
into `bench/results.json`; this script adds `machine` (CPU model, cores, memory, Python, date, load) and
prints one table. A benchmark that fails is reported and the others still run; the exit status is non-zero
if any failed. After a run, the README's performance section (between its markers) is rewritten from the
file, so the figures there are always those of the last `make bench` and the machine it ran on.

Run: .venv/bin/python bench/run.py [--only reader,import,search,http] [--summary]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import operator
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "README.md"
README_START = "<!-- performance: written by bench/run.py from bench/results.json -->"
README_END = "<!-- end of performance -->"
BENCHMARKS = {
    "reader": "bench_reader.py",
    "import": "bench_import.py",
    "search": "bench_search.py",
    "http": "bench_http.py",
}
# (key, comparison, target, unit): the figures the issue sets a target for; other keys are shown as measured.
TARGETS: list[tuple[str, str, float, str]] = [
    ("reader.ratio_to_tokenize", "<=", 20, "x"),
    ("reader.fresh_process_s", "<", 1, " s"),
    ("import.records_per_s", ">=", 3000, "/s"),
    ("search.sqlite_p95_ms", "<=", 30, " ms"),
    ("search.postgres_p95_ms", "<=", 30, " ms"),
    ("http.hub_p99_ms", "<=", 25, " ms"),
    ("http.read_p99_ms", "<=", 150, " ms"),
    ("http.errors", "<=", 0, ""),
    ("http.rss_growth_pct", "<", 10, " %"),
]
SHOWN = [
    "reader.ms_per_page", "reader.pages_per_s_per_core", "import.ratio_to_json_loads", "search.records",
    "http.requests_per_s", "http.hub_requests_per_s", "http.hub_ratio_to_static_p99", "http.static_p99_ms",
    "http.trivial_p99_ms", "http.read_ratio_to_trivial_p99", "http.static_max_age_s", "http.server",
]  # fmt: skip
_COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}
# Every key the results file must hold, in the order the README lists them: what each figure is, its unit.
README_ROWS: list[tuple[str, str, str]] = [
    ("reader.ratio_to_tokenize", "reader: time per 1,579-word page / one `re.findall(r\"\\w+\")` pass", "x"),
    ("reader.ms_per_page", "reader: time per page", " ms"),
    ("reader.pages_per_s_per_core", "reader: pages per second per core", "/s"),
    ("reader.fresh_process_s", "reader: a new process imports it, loads the knowledge and reads one text", " s"),
    ("import.records_per_s", "import into SQLite: records per second", "/s"),
    ("import.ratio_to_json_loads", "import time / `json.loads` of the same files", "x"),
    ("search.records", "search: registrations in the database", ""),
    ("search.sqlite_p95_ms", "search p95 on SQLite (FTS5)", " ms"),
    ("search.postgres_p95_ms", "search p95 on PostgreSQL (tsvector + GIN)", " ms"),
    ("http.hub_p99_ms", "hub page p99 at 32 connections", " ms"),
    ("http.read_p99_ms", "`POST /api/v1/read` p99 at 8 connections", " ms"),
    ("http.requests_per_s", "soak, 60 s at 64 connections: requests per second", "/s"),
    ("http.errors", "soak: errors (non-2xx/3xx and socket errors)", ""),
    ("http.rss_growth_pct", "soak: resident memory growth", " %"),
]
# Figures shown beside a row for context: the baseline it is compared with.
README_CONTEXT = {
    "search.sqlite_p95_ms": ("search.sqlite_like_p95_ms", "`LIKE '%term%'` scan p95 {:g} ms"),
    "search.postgres_p95_ms": ("search.postgres_like_p95_ms", "`LIKE '%term%'` scan p95 {:g} ms"),
    "http.hub_p99_ms": ("http.static_p99_ms", "a static file's p99 {:g} ms"),
    "http.read_p99_ms": ("http.trivial_p99_ms", "a trivial view's p99 {:g} ms"),
}



def machine() -> dict[str, object]:
    """Return what the figures were measured on: CPU model, cores, memory, Python, date and load."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or platform.machine())  # fmt: skip
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8") if Path("/proc/meminfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")), 0)
    return {
        "cpu_model": model,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
    }


def speed_probe() -> float:
    """Return the median time (ms) of one fixed, memory-heavy task: decoding (and freeing) 5 MB of JSON.

    Measured at the start and at the end of a run, it shows how fast the host was then: on a shared host
    the same task has taken from 1x to 2x its usual time, and so do the benchmarks that allocate much
    (import, search), while their ratios to same-run baselines move far less.
    """
    document = json.dumps([{"id": i, "title": f"trial {i} of mesenchymal cells " * 4, "phases": ["2", "3"],
                            "sites": [{"city": "Lyon", "country": "France"}] * 3} for i in range(16_000)])  # fmt: skip
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        decoded = json.loads(document)
        del decoded
        timings.append((time.perf_counter() - started) * 1000)
    return round(sorted(timings)[3], 1)


def run_benchmarks(names: list[str]) -> list[str]:
    """Run the named benchmarks in turn; return the names of those that failed."""
    failed = []
    for name in names:
        print(f"\n== {name}: bench/{BENCHMARKS[name]}", flush=True)
        started = time.monotonic()
        status = subprocess.run([sys.executable, str(ROOT / "bench" / BENCHMARKS[name])], cwd=ROOT).returncode
        print(f"== {name}: {'ok' if status == 0 else f'FAILED (exit {status})'} in {time.monotonic() - started:.0f} s")
        if status != 0:
            failed.append(name)
    return failed


def summary(results: dict) -> tuple[str, bool]:
    """Return the table of results against targets, and whether every measured target was met."""
    rows, all_met = [], True
    for key, comparison, target, unit in TARGETS:
        value = results.get(key)
        if value is None:
            rows.append((key, "not measured", f"{comparison} {target:g}{unit}", "-"))
            continue
        met = _COMPARE[comparison](value, target)
        all_met &= met
        rows.append((key, f"{value:g}{unit}", f"{comparison} {target:g}{unit}", "met" if met else "MISSED"))
    rows += [(key, str(results[key]), "", "") for key in SHOWN if key in results]
    widths = [max(len(row[i]) for row in rows + [("figure", "measured", "target", "")]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(("figure", "measured", "target", ""), widths, strict=True))]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    info = results.get("machine", {})
    if info:
        lines.append(f"machine: {info.get('cpu_model')}, {info.get('cores')} cores, {info.get('ram_gb')} GB, "
                     f"Python {info.get('python')}, {info.get('date')}, "
                     f"load {info.get('loadavg_1m_at_start')}, reference task {info.get('probe_ms_at_start', '-')} / "
                     f"{info.get('probe_ms_at_end', '-')} ms")  # fmt: skip
    return "\n".join(lines), all_met


def readme_section(results: dict) -> str:
    """Return the README's performance section (without its markers) for these results."""
    targets = {key: (comparison, target) for key, comparison, target, _unit in TARGETS}
    lines = ["| figure | measured | target | |", "|---|---|---|---|"]
    for key, label, unit in README_ROWS:
        value = results.get(key)
        measured = "not measured" if value is None else f"{value:g}{unit}"
        if key in README_CONTEXT and README_CONTEXT[key][0] in results and value is not None:
            context_key, template = README_CONTEXT[key]
            measured += f" ({template.format(results[context_key])})"
        goal, status = "", ""
        if key in targets:
            comparison, target = targets[key]
            goal = f"{comparison} {target:g}{unit}".replace("<=", "≤").replace(">=", "≥")
            status = "" if value is None else ("met" if _COMPARE[comparison](value, target) else "**missed**")
        lines.append(f"| {label} (`{key}`) | {measured} | {goal} | {status} |")
    info = results.get("machine", {})
    if info:
        lines += ["", f"Measured on {info.get('cpu_model')}, {info.get('cores')} cores, {info.get('ram_gb')} GB, "
                      f"Python {info.get('python')}, {info.get('system')}, on {info.get('date')} "
                      f"(1-minute load {info.get('loadavg_1m_at_start')} at the start)."]  # fmt: skip
        if "probe_ms_at_start" in info:
            lines[-1] += (f" A fixed reference task (decoding 5 MB of JSON, `bench/run.py`) took "
                          f"{info['probe_ms_at_start']:g} ms at the start and {info.get('probe_ms_at_end', 0):g} ms "
                          "at the end: the host was slower when it took longer.")  # fmt: skip
    return "\n".join(lines)


def write_readme(results: dict, readme: Path = README) -> bool:
    """Rewrite the performance section between its markers; return False when the README has no markers."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return False
    updated = text[: start + len(README_START)] + "\n" + readme_section(results) + "\n" + text[end:]
    readme.write_text(updated, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated: " + ", ".join(BENCHMARKS))
    parser.add_argument("--summary", action="store_true", help="only print the table of the last results")
    args = parser.parse_args(argv)
    failed: list[str] = []
    if not args.summary:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(names) - set(BENCHMARKS))
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
        info = machine()
        info["probe_ms_at_start"] = speed_probe()
        failed = run_benchmarks(names)
        info["probe_ms_at_end"] = speed_probe()
        current = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        current["machine"] = info
        RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if not write_readme(current):
            print(f"README.md has no performance markers ({README_START}); not updated")
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    table, _ = summary(results)
    print("\n" + table)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
