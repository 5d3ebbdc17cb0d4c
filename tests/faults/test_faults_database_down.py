"""PostgreSQL stops during a burst of requests: the site answers 503 (never 500, never hangs) and recovers alone.

A real gunicorn serves the site from a throwaway PostgreSQL cluster (see conftest.py). While a thread sends
requests, the test stops the server with `pg_ctl stop -m fast`, checks every answer, starts the server again,
and waits for the pages that need the database to answer 200 once more, with no restart of gunicorn.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import REPO_ROOT
from tests.faults.conftest import PYTHON, Cluster, command_env, free_port, run_python, wait_for

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "registry" / "v2_array_cell_therapy.json"
SETUP = f"""
import json, django
django.setup()
from django.core.management import call_command
from celldecide.web.trials.models import Trial
from celldecide.web.trials.services import trials_import_paths
call_command("migrate", verbosity=0)
trials_import_paths(paths=[__import__("pathlib").Path({str(FIXTURE)!r})])
print(json.dumps(Trial.objects.order_by("trial_id").first().get_absolute_url()))
"""
NO_DATABASE = ["/", "/products/", "/api/v1/products"]
SLOW = 5.0  # seconds: no answer may take longer, up or down


@pytest.fixture
def site(pg_cluster: Cluster, tmp_path) -> Iterator[tuple[str, list[str]]]:
    """Gunicorn (2 workers) on the cluster with 5 trials stored; yield its base URL and the pages needing the DB."""
    env = command_env(DATABASE_URL=pg_cluster.url(), DJANGO_SETTINGS_MODULE="celldecide.web.settings.dev",
                      READ_RATE_LIMIT="0/60")  # fmt: skip
    trial_page = json.loads(run_python(SETUP, env=env).stdout.strip().splitlines()[-1])
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "celldecide.web.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30", "--graceful-timeout", "2"],
        env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
        try:
            return httpx.get(base + "/api/v1/products", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(up, timeout=90, what="gunicorn to answer")
        needs_database = ["/trials/", "/trials/?q=stem+cells", trial_page, "/corrections/",
                          "/api/v1/trials?q=cells", "/api/v1" + trial_page.removesuffix("/")]  # fmt: skip
        yield base, needs_database
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _get(client: httpx.Client, path: str) -> tuple[str, int, float, httpx.Response]:
    started = time.monotonic()
    response = client.get(path)
    return path, response.status_code, time.monotonic() - started, response


def test_it_answers_503_while_postgresql_is_down_and_recovers_by_itself(pg_cluster: Cluster, site):
    base, needs_database = site
    paths = needs_database + NO_DATABASE
    with httpx.Client(base_url=base, timeout=SLOW * 2) as client:
        for path in paths:
            assert _get(client, path)[1] == 200, path

        answers: list[tuple[str, int, float, httpx.Response]] = []
        stop = threading.Event()

        def burst() -> None:
            with httpx.Client(base_url=base, timeout=SLOW * 2) as burster:
                for n in range(600):  # bounded: at most 600 requests, or until told to stop
                    if stop.is_set():
                        return
                    answers.append(_get(burster, paths[n % len(paths)]))

        sender = threading.Thread(target=burst)
        sender.start()
        time.sleep(0.5)
        pg_cluster.stop("fast")
        time.sleep(1.0)
        stop.set()
        sender.join(timeout=60)
        assert not sender.is_alive()

        statuses = {status for _, status, _, _ in answers}
        assert 503 in statuses and statuses <= {200, 503}, [(p, s) for p, s, _, _ in answers if s not in (200, 503)]
        assert max(elapsed for _, _, elapsed, _ in answers) < SLOW

        down = {path: _get(client, path) for path in paths}
        for path in needs_database:
            _, status, elapsed, response = down[path]
            assert status == 503, (path, status)
            assert int(response.headers["Retry-After"]) > 0 and elapsed < SLOW
            if path.startswith("/api/"):
                assert response.json()["error"]["code"] == "service_unavailable"
            else:
                assert response.headers["content-type"].startswith("text/html")
                assert "Temporarily unavailable" in response.text
        for path in NO_DATABASE:
            assert down[path][1] == 200, path

        pg_cluster.start()

        def recovered() -> bool:
            return all(_get(client, path)[1] == 200 for path in needs_database)

        wait_for(recovered, timeout=30, interval=0.5, what="the pages that need the database to answer 200 again")


# --- the middleware alone, in-process: fast, and run on both engines ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_it_maps_a_lost_connection_to_503_json_on_the_api_and_html_elsewhere(error, client, monkeypatch):
    from django.db import utils

    def lost(**kwargs):
        raise getattr(utils, error)("server closed the connection unexpectedly")

    monkeypatch.setattr("celldecide.web.trials.selectors.trial_search", lost)
    monkeypatch.setattr("celldecide.web.trials.views.trial_search", lost)
    api = client.get("/api/v1/trials", {"q": "stem"})
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json() == {"error": {"code": "service_unavailable", "message": api.json()["error"]["message"]}}
    page = client.get("/trials/", {"q": "stem"})
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert page["Content-Type"].startswith("text/html") and "Temporarily unavailable" in page.content.decode()
    assert page["Content-Security-Policy"]  # the answer still passes through the security headers


@pytest.mark.django_db
def test_it_leaves_other_errors_to_django(monkeypatch):
    from django.test import Client

    def broken(**kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("celldecide.web.trials.selectors.trial_search", broken)
    response = Client(raise_request_exception=False).get("/api/v1/trials", {"q": "stem"})
    assert response.status_code == 500


def test_it_checks_a_reused_postgresql_connection_before_trusting_it(tmp_path, monkeypatch):
    from celldecide.web.env import env_database

    monkeypatch.setenv("CELLDECIDE_FAULT_URL", "postgresql://postgres@127.0.0.1:5432/celldecide")
    config = env_database("CELLDECIDE_FAULT_URL", default_sqlite=tmp_path / "db.sqlite3")
    assert config["CONN_HEALTH_CHECKS"] is True and config["CONN_MAX_AGE"] > 0
