"""Settings helpers read the environment and refuse bad values with a clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from celldecide.web import env


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("No", False), ("off", False)])
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", not expected) is expected


def test_it_refuses_a_word_that_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be true or false"):
        env.env_bool("X_FLAG", False)


def test_it_refuses_a_port_out_of_range(monkeypatch):
    monkeypatch.setenv("X_PORT", "70000")
    with pytest.raises(ImproperlyConfigured, match="between 1 and 65535"):
        env.env_int("X_PORT", 8000, minimum=1, maximum=65535)
    monkeypatch.setenv("X_PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("X_PORT", 8000)


def test_it_requires_a_secret_without_default(monkeypatch):
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_SECRET must be set"):
        env.env_str("X_SECRET")


@pytest.mark.parametrize(
    ("url", "engine"),
    [("postgresql://postgres@127.0.0.1:5432/test", "django.db.backends.postgresql")],
)
def test_it_reads_a_postgres_url(monkeypatch, tmp_path, url, engine):
    monkeypatch.setenv("X_DB", url)
    config = env.env_database("X_DB", default_sqlite=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == engine
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("test", "127.0.0.1", 5432)


def test_it_defaults_to_sqlite_under_var(monkeypatch, tmp_path):
    monkeypatch.delenv("X_DB", raising=False)
    config = env.env_database("X_DB", default_sqlite=tmp_path / "var" / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert (tmp_path / "var").is_dir()


def test_it_refuses_an_unknown_database_scheme(monkeypatch, tmp_path):
    monkeypatch.setenv("X_DB", "mysql://root@localhost/db")
    with pytest.raises(ImproperlyConfigured, match="must start with sqlite:// or postgresql://"):
        env.env_database("X_DB", default_sqlite=tmp_path / "db.sqlite3")


def test_a_new_sqlite_file_gets_16_kib_pages_in_wal_mode_and_an_old_one_keeps_its_own(monkeypatch, tmp_path):
    import sqlite3

    monkeypatch.delenv("X_DB", raising=False)
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as made_before:
        made_before.execute("PRAGMA page_size=4096")
        made_before.execute("CREATE TABLE t (x)")
    for path, expected in ((tmp_path / "new.sqlite3", 16384), (old, 4096)):
        options = env.env_database("X_DB", default_sqlite=path)["OPTIONS"]
        with sqlite3.connect(path) as connection:
            connection.executescript(options["init_command"])
            connection.execute("CREATE TABLE IF NOT EXISTS t (x)")
            assert connection.execute("PRAGMA page_size").fetchone()[0] == expected
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
