"""Helpers for the fault tests: subprocesses of the real commands, free ports, and a throwaway PostgreSQL cluster.

The cluster is made with Debian's own tools (`initdb`, `pg_ctl`) in a temporary folder, on a free port of
127.0.0.1, so a test may stop and start it without touching the machine's shared server. As root the tools
run as the `postgres` user (initdb refuses root). Without the tools the tests that need them are skipped,
except under CI=true, where they must run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PYTHON = sys.executable
# The installed `celldecide` command of this interpreter's environment, as a user runs it.
CELLDECIDE = [str(Path(PYTHON).with_name("celldecide"))] if Path(PYTHON).with_name("celldecide").exists() else [
    PYTHON, "-c", "import sys; from celldecide.cli import main; sys.exit(main())"]


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command_env(**overrides: str) -> dict[str, str]:
    """Return the environment for a subprocess of the project: this one plus `overrides`, run from the repo."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "celldecide.web.settings.test", "PYTHONUNBUFFERED": "1"}
    env.pop("CELLDECIDE_TEST_ENGINE", None)
    env.update(overrides)
    return env


def run_python(code: str, *, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    """Run Python code in a fresh interpreter from the repository root; fail the test with its output on error."""
    done = subprocess.run([PYTHON, "-c", code], env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


MIGRATE = "import django; django.setup(); from django.core.management import call_command; call_command('migrate', verbosity=0)"


def _tool(name: str) -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1]
    on_path = shutil.which(name)
    return Path(on_path) if on_path else None


@dataclass
class Cluster:
    """A PostgreSQL server of our own: its data folder, port and log, stopped and started at will."""

    bin_dir: Path
    root: Path
    port: int
    run_as: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run([*self.run_as, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise AssertionError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n{log}")

    def init(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")  # fmt: skip

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")  # fmt: skip
        self._run(str(self.bin_dir / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t",
                  "60", "-o", options)  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")

    def running(self) -> bool:
        return subprocess.run([*self.run_as, str(self.bin_dir / "pg_ctl"), "status", "-D", str(self.data)],
                              capture_output=True).returncode == 0  # fmt: skip


@pytest.fixture
def pg_cluster() -> Iterator[Cluster]:
    """A started throwaway PostgreSQL cluster on a free port, stopped and deleted afterwards."""
    initdb = _tool("initdb")
    if initdb is None or _tool("pg_ctl") is None:
        message = "PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; under CI=true this test must run")
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="celldecide-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bin_dir=initdb.parent, root=root, port=free_port(), run_as=run_as)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.data.exists() and cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def wait_for(check, *, timeout: float, interval: float = 0.1, what: str) -> None:
    """Call `check` until it returns true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
