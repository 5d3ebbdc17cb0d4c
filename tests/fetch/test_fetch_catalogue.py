"""CATALOGUE.md is generated from the refusal table and must match it."""

from __future__ import annotations

from celldecide.fetch import ERRORS
from tests.fetch.catalogue import CATALOGUE_PATH, render_catalogue
from tests.fetch.cases import REFUSALS


def test_it_keeps_the_catalogue_in_step_with_the_table() -> None:
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render_catalogue(), (
        "regenerate it: python -m tests.fetch.catalogue > tests/fetch/CATALOGUE.md"
    )


def test_it_lists_one_catalogue_row_per_case() -> None:
    rows = [line for line in render_catalogue().splitlines() if line.startswith("| `") or line.startswith("| ``")]
    assert len(rows) == len(REFUSALS)


def test_it_uses_only_known_codes_in_the_table() -> None:
    assert {case.code for case in REFUSALS} <= set(ERRORS)
