"""CATALOGUE.md is generated from the bad-input table and must match it."""

from __future__ import annotations

from tests.badinput import cases
from tests.badinput.catalogue import CATALOGUE_PATH, README_PATH, readme_with_catalogue, render_catalogue


def test_it_keeps_the_catalogue_in_step_with_the_table():
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render_catalogue(), (
        "regenerate it: python -m tests.badinput.catalogue"
    )


def test_the_readme_carries_the_same_tables():
    readme = README_PATH.read_text(encoding="utf-8")
    assert readme == readme_with_catalogue(readme), "regenerate it: python -m tests.badinput.catalogue"


def test_it_lists_one_row_per_case_and_at_least_30_private_addresses():
    rows = [line for line in render_catalogue().splitlines() if line.startswith("| ") and line != "| Input | Response |"]
    expected = (len(cases.HTTP) + len(cases.READER) + len(cases.CLI) + len(cases.SHOWN) + len(cases.URLS)
                + len(cases.OTHER_URLS) + len(cases.REGISTRY))  # fmt: skip
    assert len(rows) == expected
    assert len(cases.URLS) >= 30
