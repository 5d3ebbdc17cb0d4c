"""Run the database tests a second time on PostgreSQL.

Which server: CELLDECIDE_TEST_POSTGRES if set; under CI=true the CI server postgresql://postgres@127.0.0.1:5432/test;
elsewhere that same local address is tried. When CELLDECIDE_TEST_POSTGRES or CI=true is set, an unreachable
server fails the run; otherwise the PostgreSQL tests are skipped with a message saying how to enable them.
"""

from __future__ import annotations

import os
import subprocess
import sys

CI_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _reachable(url: str) -> str | None:
    """Return None when a connection succeeds, else the reason it failed."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("select 1")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def main() -> int:
    explicit = os.environ.get("CELLDECIDE_TEST_POSTGRES", "").strip()
    mandatory = bool(explicit) or os.environ.get("CI", "").lower() == "true"
    url = explicit or CI_URL
    if not url.startswith(("postgresql://", "postgres://")):
        print(f"CELLDECIDE_TEST_POSTGRES must be a postgresql:// URL (got {url!r})", file=sys.stderr)
        return 2
    problem = _reachable(url)
    if problem:
        if mandatory:
            print(f"PostgreSQL tests are mandatory here but {url} is unreachable: {problem}", file=sys.stderr)
            return 1
        print(
            f"SKIPPED PostgreSQL tests: no server at {url} ({problem}). "
            "Set CELLDECIDE_TEST_POSTGRES=postgresql://USER@HOST:PORT/DB to run them."
        )
        return 0
    env = {**os.environ, "DATABASE_URL": url, "CELLDECIDE_TEST_ENGINE": "postgresql"}
    print(f"Running the database tests on PostgreSQL ({url})", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", "-m", "django_db or postgres", *sys.argv[1:]], env=env)


if __name__ == "__main__":
    sys.exit(main())
