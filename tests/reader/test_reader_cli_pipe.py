"""`celldecide read` with piped input and no FILE reads standard input; at a terminal it asks for a FILE."""

from __future__ import annotations

import io
import json

import pytest

from celldecide.cli import main

CLAIM = "Exosome IV therapy reverses aging. Book now."


@pytest.fixture(autouse=True)
def cli_knowledge(monkeypatch, knowledge):
    import celldecide.cli.read as command

    monkeypatch.setattr(command, "_knowledge", lambda: knowledge)


class _Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_piped_text_needs_no_dash(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(CLAIM.encode())))
    assert main(["read", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == CLAIM


def test_at_a_terminal_it_asks_for_a_file_with_exit_2(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", _Terminal(io.BytesIO(b"")))
    assert main(["read", "--json"]) == 2
    assert "give a FILE" in capsys.readouterr().err
