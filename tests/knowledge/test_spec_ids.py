"""Meta-tests: the reading contract's identifiers exist in the code constants and in the knowledge base."""

from __future__ import annotations

import re

import pytest

from celldecide.knowledge import spec
from tests.conftest import shared_path


def _table_ids(text: str, heading: str) -> list[str]:
    """Return the backticked ids of the first column of the table under `heading` in reading.md."""
    section = text.split(heading, 1)[1]
    section = re.split(r"\n## ", section, maxsplit=1)[0]
    ids = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for cell in cells[:2]:
            match = re.fullmatch(r"`([a-z_0-9]+)`", cell)
            if match:
                ids.append(match.group(1))
                break
    return ids


@pytest.fixture(scope="module")
def contract() -> str:
    return shared_path("spec", "reading.md").read_text(encoding="utf-8")


def test_it_lists_the_contracts_stage_ids(contract):
    assert _table_ids(contract, "## The seven stages") == list(spec.STAGE_IDS)


def test_it_lists_the_contracts_checklist_ids(contract):
    assert _table_ids(contract, "## The nine checklist questions") == list(spec.CHECKLIST_IDS)


def test_it_lists_the_contracts_red_flag_ids(contract):
    assert _table_ids(contract, "## Red flags") == list(spec.RED_FLAG_IDS)


def test_it_lists_the_contracts_layer_ids(contract):
    section = contract.split("## The six layers", 1)[1].split("\n## ", 1)[0]
    first_paragraph = section.split(")", 1)[1].split("Each:", 1)[0]
    assert re.findall(r"`([a-z_]+)`", first_paragraph) == list(spec.LAYER_IDS)


def test_it_lists_the_contracts_cell_type_ids(contract):
    line = contract.split("- `cell_types`:", 1)[1].split("\n- ", 1)[0]
    assert set(spec.CELL_TYPE_IDS) == set(re.findall(r"`([a-z_]+)`", line))


def test_it_lists_the_contracts_regulator_ids(contract):
    line = contract.split("- `regulators`:", 1)[1].split("\n- ", 1)[0]
    assert set(re.findall(r"`([a-z_]+)`", line)) <= set(spec.REGULATOR_IDS)


@pytest.mark.parametrize(
    ("collection", "ids"),
    [
        ("stages", spec.STAGE_IDS),
        ("checklist", spec.CHECKLIST_IDS),
        ("layers", spec.LAYER_IDS),
        ("red_flags", spec.RED_FLAG_IDS),
        ("cell_types", spec.CELL_TYPE_IDS),
    ],
)
def test_it_has_every_contract_id_in_the_knowledge_base(kb, collection, ids):
    present = [e.id for e in kb.all(collection)]
    if collection == "cell_types":  # "at least" these; further types may follow them
        present = present[: len(ids)]
    assert present == list(ids)


def test_it_has_a_pattern_and_a_question_for_every_red_flag(kb):
    for flag in kb.red_flags:
        assert flag.patterns, flag.id
        assert flag.question.endswith("?"), flag.id
