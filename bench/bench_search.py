"""Benchmark `trial_search` at 500,000 trials on SQLite (FTS5) and PostgreSQL (tsvector + GIN) against a LIKE scan.

Every registry record of the shared data and of data/sample-trials is imported once through the real
importer; then the stored rows are replicated under new ids (`<id>-r<k>`) with one `INSERT ... SELECT`
per table and copy until the table holds `--records` trials. Search texts, facets and index entries are
the real ones; the stored full record of a replica is left empty (result pages never read it). The
full-text index is built once after the copy (FTS5 'rebuild'; GIN index created after the rows), as a
bulk load would. The timed call is the whole selector: count, facet counts and one page. The baseline
runs the same searches as `LIKE '%term%'` scans over the same text columns (count plus one page), in the
same run. The figures go into `bench/results.json` (merged with other keys):

    search.records, search.sqlite_p95_ms, search.postgres_p95_ms (when PostgreSQL is reachable),
    search.sqlite_like_p95_ms, search.postgres_like_p95_ms

PostgreSQL runs in a database of its own (`--postgres-db`, created for the run and dropped after it) on
the server of `--postgres` (default CELLDECIDE_TEST_POSTGRES, else the local test server).

Run: .venv/bin/python bench/bench_search.py [--records N] [--rounds N] [--postgres URL] [--postgres-db NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CELLDECIDE_SHARED_DIR", ROOT.parent / "shared")) / "data"
SAMPLES = ROOT / "data" / "sample-trials"
RESULTS = ROOT / "bench" / "results.json"
POSTGRES_URL = os.environ.get("CELLDECIDE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
# Searches a reader of the site makes, with and without filters, from rare words to very common ones.
SEARCHES: list[dict] = [
    {"text": "rexlemestrocel"},
    {"text": "mesenchymal"},
    {"text": "knee osteoarthritis"},
    {"text": "umbilical cord"},
    {"text": "graft versus host"},
    {"text": "disc herniation"},
    {"text": "covid pneumonia"},
    {"text": "heart failure"},
    {"text": "mesenchymal", "phase": "2"},
    {"text": "stem cells", "status": "recruiting"},
    {"cell_type": "msc", "phase": "3"},
    {"text": "crohn fistula"},
    {},
    {"text": "mesenchymal", "page": 5},
]
LIKE_TERMS = {"graft versus host": "graft", "stem cells": "stem cell"}
_COLUMNS = ("registry, title, official_title, brief_summary, search_terms, overall_status, phases, study_type, "
            "enrollment_count, conditions, countries, lead_sponsor_name, last_update, content_hash, source_format, "
            "is_cell_therapy, cell_types, frontiers, products, pay_hint_level, pay_hint_reasons, knowledge_version, "
            "search_facets, imported_at, updated_at")  # fmt: skip


def registry_files() -> list[Path]:
    """Return every registry file of the shared data and the sample trials (all formats)."""
    suffixes = {".json", ".xml", ".csv"}
    found = [p for folder in (SHARED, SAMPLES) for p in folder.rglob("*") if p.suffix in suffixes]
    return sorted(p for p in found if p.parent.name != "ctgov-openapi" and p.name != "csv-field-map.csv")


def replicate(records: int, vendor: str) -> int:
    """Copy the stored trials and their facets under new ids until there are `records` trials; return the count.

    The full-text index is left out of the copy and rebuilt once at the end: FTS5's insert trigger is
    dropped and re-created around it on SQLite, the GIN index on PostgreSQL.
    """
    from django.db import connection, transaction

    from celldecide.web.trials import search

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(id) FROM trials_trial")
        base, top = cursor.fetchone()
    copies = -(-records // base) - 1
    vector = ", search_vector" if vendor == "postgresql" else ""  # the trigger keeps a vector given to it
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("DROP TRIGGER trials_trial_fts_insert")
        else:
            cursor.execute("DROP INDEX trials_trial_search_gin")
        for k in range(1, copies + 1):
            limit = min(base, records - base * k)
            if limit <= 0:
                break
            offset = top * k
            cursor.execute(
                f"INSERT INTO trials_trial (id, trial_id, record, {_COLUMNS}{vector}) "
                f"SELECT id + {offset}, trial_id || '-r{k}', '{{}}', {_COLUMNS}{vector} FROM trials_trial "
                f"WHERE id <= {top} ORDER BY id LIMIT {limit}"
            )
            cursor.execute(
                "INSERT INTO trials_trialfacet (trial_id, kind, value, label) "
                f"SELECT trial_id + {offset}, kind, value, label FROM trials_trialfacet "
                f"WHERE trial_id IN (SELECT id FROM trials_trial WHERE id <= {top} ORDER BY id LIMIT {limit})"
            )
        if vendor == "sqlite":
            cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')")
            cursor.execute(search.SQLITE_SETUP[1])  # the insert trigger again
        else:
            cursor.execute(search.POSTGRES_SETUP[0])
            cursor.execute("SELECT setval(pg_get_serial_sequence('trials_trial', 'id'), "
                           "(SELECT MAX(id) FROM trials_trial))")
    with connection.cursor() as cursor:
        # As after any bulk load: statistics, and on PostgreSQL the visibility map and hint bits.
        cursor.execute("VACUUM ANALYZE trials_trial" if vendor == "postgresql" else "ANALYZE")
        if vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE trials_trialfacet")
        cursor.execute("SELECT COUNT(*) FROM trials_trial")
        return cursor.fetchone()[0]


def like_search(search: dict) -> None:
    """Run one search as a LIKE scan: count and first page over the same text columns (filters ignored)."""
    from django.db import connection

    term = LIKE_TERMS.get(search.get("text", ""), search.get("text") or "cell")
    where = "(title LIKE %s OR official_title LIKE %s OR search_terms LIKE %s OR brief_summary LIKE %s)"
    if connection.vendor == "postgresql":
        where = where.replace("LIKE", "ILIKE")
    params = [f"%{term}%"] * 4
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM trials_trial WHERE {where}", params)
        cursor.fetchone()
        cursor.execute(f"SELECT id FROM trials_trial WHERE {where} ORDER BY last_update DESC LIMIT 20", params)
        cursor.fetchall()


def p95(values: list[float]) -> float:
    """Return the 95th percentile (the value 19 in 20 timings stay under)."""
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def run(records: int, rounds: int) -> dict:
    """Build the table on the database Django is configured for and time the searches; return the figures."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from celldecide.web.trials.selectors import trial_search
    from celldecide.web.trials.services import trials_import_paths

    vendor = connection.vendor
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    imported = trials_import_paths(paths=registry_files())
    import_s = time.perf_counter() - start
    built = replicate(records, vendor)
    build_s = time.perf_counter() - start
    for search in SEARCHES:  # warm the caches once, as a running site has them
        trial_search(**search)
    timings: dict[str, list[float]] = {json.dumps(s): [] for s in SEARCHES}
    totals = {}
    for _ in range(rounds):
        for search in SEARCHES:
            begin = time.perf_counter()
            result = trial_search(**search)
            timings[json.dumps(search)].append((time.perf_counter() - begin) * 1000)
            totals[json.dumps(search)] = ("about " if result.total_is_estimate else "") + str(result.total)
    like = []
    for search in SEARCHES:  # one round: a scan of the whole table takes seconds
        begin = time.perf_counter()
        like_search(search)
        like.append((time.perf_counter() - begin) * 1000)
    every = [t for values in timings.values() for t in values]
    return {"vendor": vendor, "records": built, "real_records": imported.inserted, "import_s": round(import_s, 1),
            "build_s": round(build_s, 1), "p95_ms": round(p95(every), 1),
            "median_ms": round(statistics.median(every), 1), "like_p95_ms": round(p95(like), 1),
            "per_search_median_ms": {k: round(statistics.median(v), 1) for k, v in timings.items()},
            "totals": totals}  # fmt: skip


def _child(database_url: str, records: int, rounds: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "celldecide.web.settings.dev"}
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--records", str(records), "--rounds", str(rounds)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"the {database_url.split(':', 1)[0]} run failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _postgres_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("select 1")
    except psycopg.Error:
        return False
    return True


def _postgres_run(url: str, name: str, records: int, rounds: int) -> dict:
    """Create a database of its own on the server, run the bench in it, and drop it (it holds the copied rows)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        return _child(url.rsplit("/", 1)[0] + "/" + name, records, rounds)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", default=POSTGRES_URL, help="a PostgreSQL server (any database on it)")
    parser.add_argument("--postgres-db", default="celldecide_bench", help="the database created and dropped there")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="run one engine only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.records, args.rounds)))
        return 0
    figures: dict[str, float] = {}
    results = []
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as folder:
            results.append(_child(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args.records, args.rounds))
    if args.only != "sqlite":
        if _postgres_reachable(args.postgres):
            results.append(_postgres_run(args.postgres, args.postgres_db, args.records, args.rounds))
        else:
            print(f"PostgreSQL at {args.postgres} is unreachable: its figures are left out")
    for result in results:
        name = "postgres" if result["vendor"] == "postgresql" else "sqlite"
        figures[f"search.{name}_p95_ms"] = result["p95_ms"]
        figures[f"search.{name}_like_p95_ms"] = result["like_p95_ms"]
        figures["search.records"] = result["records"]
        print(f"{name}: {result['real_records']} real trials imported in {result['import_s']} s, {result['records']} "
              f"trials built in {result['build_s']} s; trial_search p95 {result['p95_ms']} ms (median "
              f"{result['median_ms']} ms) vs LIKE scan p95 {result['like_p95_ms']} ms = "
              f"{result['like_p95_ms'] / max(result['p95_ms'], 0.001):.0f}x faster (target p95 <= 30 ms)")  # fmt: skip
        for search, median in result["per_search_median_ms"].items():
            print(f"  {median:7.1f} ms  {result['totals'][search]:>14} trials  {search}")
    current = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
