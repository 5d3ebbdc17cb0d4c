"""`manage.py check --deploy` is clean under the production settings, and they refuse to start without a secret."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALLOWED_HOSTS"))}
    return subprocess.run(
        [sys.executable, "-m", "celldecide.web.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "celldecide.web.settings.production", **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_it_passes_the_deployment_checklist_with_no_warning():
    done = _check({"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "celldecide.example"})
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_it_refuses_to_start_without_a_secret_key_and_says_which_variable():
    done = _check({"ALLOWED_HOSTS": "celldecide.example"})
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr or "ImproperlyConfigured" in done.stderr
