"""Typed helpers that read settings from the environment and refuse bad values with a clear message.

>>> import os; os.environ["PORT"] = "8000"
>>> env_int("PORT", 9000)
8000
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable's text, or `default`; refuse a missing variable that has no default."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean from true/false, yes/no, on/off or 1/0."""
    value = os.environ.get(name)
    if value is None:
        return default
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {value!r})")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return an integer within [minimum, maximum]."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r})") from None
    if minimum is not None and number < minimum or maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum} (got {number})")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list, blanks dropped."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, *, default_sqlite: Path) -> dict:
    """Return Django's DATABASES['default'] from a URL: sqlite:///path or postgresql://user@host:port/db."""
    import dj_database_url

    url = os.environ.get(name) or f"sqlite:///{default_sqlite}"
    scheme = url.split(":", 1)[0].lower()
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name} must start with sqlite:// or postgresql:// (got scheme {scheme!r})")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # page_size counts only when the file is created (it is fixed once written, WAL mode included): a trial
        # row (its record as JSON) and the full-text index's segments fill 16 KiB pages with fewer overflow
        # pages than 4 KiB ones, which makes an import about a tenth faster (bench/bench_import.py).
        config["OPTIONS"] = {
            "init_command": "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
        }
        config["CONN_MAX_AGE"] = 0
    return config
