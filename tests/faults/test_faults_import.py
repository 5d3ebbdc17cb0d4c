"""`celldecide trials import` killed with SIGKILL mid-import, then run again, leaves exactly a clean import.

The real command runs as a subprocess on the real sample file set (820 records in 8 files; batches of 500 rows,
each one transaction). The test polls the database and kills the process once at least one batch is
committed, checks that only whole batches were written, runs the import again, and compares a row-by-row dump
of the trials tables (trials, facets and the engine's search index) with a clean import into a second
database. Surrogate ids and timestamps differ between runs by nature and are left out of the dump; every
trial is keyed by (registry, trial id).

On SQLite both databases are temporary files. The PostgreSQL variant runs in `tests/run_postgres.py`: it
creates two temporary databases on that server and drops them afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.faults.conftest import CELLDECIDE, MIGRATE, command_env, run_python

SAMPLE = REPO_ROOT / "data" / "sample-trials"
BATCH = 500
TRIAL_COLUMNS = (
    "registry", "trial_id", "title", "official_title", "brief_summary", "search_terms", "overall_status", "phases",
    "study_type", "enrollment_count", "conditions", "countries", "lead_sponsor_name", "last_update", "record",
    "content_hash", "source_format", "is_cell_therapy", "cell_types", "frontiers", "products", "pay_hint_level",
    "pay_hint_reasons", "knowledge_version",
)  # fmt: skip
SEARCH_WORDS = ("stem", "mesenchymal", "disc", "knee", "covid", "placebo", "cord", "pain")


def _commit_points() -> set[int]:
    """Return every row count an interrupted import can leave: whole batches of 500 rows, counted across files
    or (where a file closes its batch early) file by file."""
    from celldecide.registry.parsers import parse_path
    from celldecide.web.trials.services import registry_files

    counts = [sum(1 for _ in parse_path(path)) for path in registry_files([SAMPLE])]
    points = set(range(BATCH, sum(counts) + 1, BATCH)) | {sum(counts)}
    total = 0
    for records in counts:
        for size in [BATCH] * (records // BATCH) + ([records % BATCH] if records % BATCH else []):
            total += size
            points.add(total)
    return points


def _import(tmp_path: Path) -> list[str]:
    """Return the command line of an import of the sample set (each run writes its own reasons file)."""
    reasons = tmp_path / f"reasons-{uuid.uuid4().hex[:6]}.jsonl"
    return [*CELLDECIDE, "trials", "import", str(SAMPLE), "--json", "--reasons", str(reasons)]


def _start_import(url: str, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(_import(tmp_path), env=command_env(DATABASE_URL=url), cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def _summary(process: subprocess.Popen) -> dict[str, int]:
    """Wait for an import to end and return the summary it printed."""
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _kill_after_first_batch(url: str, tmp_path: Path, count: Callable[[], int]) -> int:
    """Start the import, SIGKILL it once a batch is committed and before it ends; return the rows left."""
    process = subprocess.Popen(_import(tmp_path), env=command_env(DATABASE_URL=url), cwd=REPO_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 240
    try:
        while count() == 0:
            assert process.poll() is None, f"the import ended before a batch was seen: {process.stderr.read()}"
            assert time.monotonic() < deadline, "no batch was committed in time"
            time.sleep(0.01)
        assert process.poll() is None, "the import finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=60)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    return count()


def _check_kill_and_resume(url: str, reference_url: str, tmp_path: Path, count: Callable[[], int],
                           dump: Callable[[str], dict]) -> None:  # fmt: skip
    clean_import = _start_import(reference_url, tmp_path)  # the clean import runs alongside, into its own database
    try:
        left = _kill_after_first_batch(url, tmp_path, count)
        points = _commit_points()
        assert left in points and left < max(points), f"{left} rows: not a whole number of batches, or not killed"
        resumed = _summary(_start_import(url, tmp_path))
        assert resumed == {"read": max(points), "inserted": max(points) - left, "updated": 0, "unchanged": left,
                           "rejected": 0}  # fmt: skip
        assert _summary(clean_import)["inserted"] == max(points)
    finally:
        clean_import.kill()
        clean_import.wait()
    killed, reference = dump(url), dump(reference_url)
    assert len(killed["trials"]) == max(points) and killed["facets"]
    for table in reference:
        assert killed[table] == reference[table], f"{table} differs from a clean import"


# --- SQLite ------------------------------------------------------------------------------------------------


def _sqlite_dump(url: str) -> dict:
    """Dump the trials tables of a SQLite file: rows, facets, and what the FTS5 index finds for a few words."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        db.execute("INSERT INTO trials_trial_fts(trials_trial_fts) VALUES('integrity-check')")
        trials = db.execute(f"SELECT {', '.join(TRIAL_COLUMNS)} FROM trials_trial ORDER BY registry, trial_id").fetchall()
        facets = db.execute(
            "SELECT t.registry, t.trial_id, f.kind, f.value, f.label FROM trials_trialfacet f "
            "JOIN trials_trial t ON t.id = f.trial_id ORDER BY 1, 2, 3, 4"
        ).fetchall()
        search = {
            word: db.execute(
                "SELECT t.registry, t.trial_id FROM trials_trial_fts JOIN trials_trial t ON t.id = trials_trial_fts.rowid "
                "WHERE trials_trial_fts MATCH ? ORDER BY 1, 2", [word]
            ).fetchall()
            for word in SEARCH_WORDS
        }  # fmt: skip
    return {"trials": trials, "facets": facets, "search": search}


def _sqlite_count(url: str) -> Callable[[], int]:
    path = url.removeprefix("sqlite:///")

    def count() -> int:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM trials_trial").fetchone()[0]

    return count


def test_it_resumes_a_killed_import_to_the_same_rows_as_a_clean_one_on_sqlite(tmp_path):
    killed, reference = tmp_path / "killed.sqlite3", tmp_path / "reference.sqlite3"
    run_python(MIGRATE, env=command_env(DATABASE_URL=f"sqlite:///{killed}"))
    reference.write_bytes(killed.read_bytes())
    _check_kill_and_resume(f"sqlite:///{killed}", f"sqlite:///{reference}", tmp_path,
                           _sqlite_count(f"sqlite:///{killed}"), _sqlite_dump)  # fmt: skip


# --- PostgreSQL --------------------------------------------------------------------------------------------


@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    """Two migrated temporary databases on the run's PostgreSQL server, dropped afterwards."""
    if os.environ.get("CELLDECIDE_TEST_ENGINE") != "postgresql":
        pytest.skip("runs on PostgreSQL in tests/run_postgres.py")
    import psycopg

    server = os.environ["DATABASE_URL"]
    base = server.rsplit("/", 1)[0]
    names = [f"celldecide_fault_{uuid.uuid4().hex[:8]}_{suffix}" for suffix in ("killed", "reference")]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{names[0]}"')
    try:
        run_python(MIGRATE, env=command_env(DATABASE_URL=f"{base}/{names[0]}"))
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_dump(url: str) -> dict:
    """Dump the trials tables of a PostgreSQL database: rows, facets and each trial's search vector."""
    import psycopg

    with psycopg.connect(url) as db:
        trials = db.execute(
            f"SELECT {', '.join(TRIAL_COLUMNS)}, search_vector::text FROM trials_trial ORDER BY registry, trial_id"
        ).fetchall()
        facets = db.execute(
            "SELECT t.registry, t.trial_id, f.kind, f.value, f.label FROM trials_trialfacet f "
            "JOIN trials_trial t ON t.id = f.trial_id ORDER BY 1, 2, 3, 4"
        ).fetchall()
    return {"trials": trials, "facets": facets}


def _pg_count(url: str) -> Callable[[], int]:
    import psycopg

    def count() -> int:
        with psycopg.connect(url, connect_timeout=5) as db:
            return db.execute("SELECT count(*) FROM trials_trial").fetchone()[0]

    return count


@pytest.mark.postgres
def test_it_resumes_a_killed_import_to_the_same_rows_as_a_clean_one_on_postgresql(pg_databases, tmp_path):
    killed, reference = pg_databases
    _check_kill_and_resume(killed, reference, tmp_path, _pg_count(killed), _pg_dump)
