"""Benchmark importing real registry JSON files into an empty database against `json.loads` of the same files.

The files are every JSON file of the shared registry data (API v2 exports, single studies and search pages,
and the v1 pages of MSC trials). Each run imports them into an empty SQLite database (parse, classify,
hash, upsert, facets, FTS index), its write-ahead log emptied first, as after `migrate`; the baseline
decodes the same bytes with `json.loads`, in the same process. The figures go into `bench/results.json`
(merged with the keys other benchmarks wrote):

    import.records_per_s, import.ratio_to_json_loads (import time / json.loads time), import.records

Run: .venv/bin/python bench/bench_import.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CELLDECIDE_SHARED_DIR", ROOT.parent / "shared")) / "data"
RESULTS = ROOT / "bench" / "results.json"


def json_files() -> list[Path]:
    """Return the registry JSON files of the shared data, in a stable order."""
    return sorted(p for p in (SHARED / "ctgov-v2").rglob("*.json")) + sorted((SHARED / "ctgov-v1-msc").glob("*.json"))


def setup_database(folder: Path) -> None:
    """Start Django on a new SQLite database in `folder` and create the tables."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celldecide.web.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _checkpoint() -> None:
    """Copy the write-ahead log into the database file and empty it, outside the timings.

    Without it, the pages the previous run and its delete wrote pile up in the log until one commit crosses
    SQLite's checkpoint threshold and copies them all, inside whichever timed import that happens to be.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def merge_results(figures: dict[str, float]) -> None:
    """Write the figures into bench/results.json, keeping every other key."""
    current = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = json_files()
    if not files:
        print(f"no registry JSON files under {SHARED}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        setup_database(Path(folder))
        from celldecide.web.trials.models import Trial
        from celldecide.web.trials.services import current_classifier, current_ids, trials_import_paths

        current_ids(), current_classifier()  # compile the vocabularies once, outside the timings
        contents = [f.read_bytes() for f in files]
        import_times, json_times, read = [], [], 0
        for _ in range(args.repeat):
            Trial.objects.all().delete()
            _checkpoint()  # every run starts as the first: an empty table and an empty write-ahead log
            start = time.perf_counter()
            summary = trials_import_paths(paths=files)
            import_times.append(time.perf_counter() - start)
            read = summary.read
            start = time.perf_counter()
            for content in contents:
                json.loads(content)
            json_times.append(time.perf_counter() - start)
        inserted = summary.inserted
    import_s, json_s = statistics.median(import_times), statistics.median(json_times)
    figures = {
        "import.records": read,
        "import.records_per_s": round(read / import_s, 1),
        "import.ratio_to_json_loads": round(import_s / json_s, 2),
    }
    megabytes = sum(len(c) for c in contents) / 1e6
    print(f"{len(files)} files, {megabytes:.1f} MB, {read} records read, {inserted} distinct trials inserted")
    print(f"import into an empty SQLite database: {import_s * 1000:.0f} ms median of {args.repeat} "
          f"= {figures['import.records_per_s']:.0f} records/s")  # fmt: skip
    print(f"json.loads of the same files: {json_s * 1000:.0f} ms = {read / json_s:.0f} records/s")
    print(f"ratio import / json.loads: {figures['import.ratio_to_json_loads']}x  (target: >= 3,000 records/s)")
    merge_results(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
