"""Fixtures for the reader tests: the knowledge base, the reading schema and the labeled sets."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, KNOWLEDGE_DIR, REPO_ROOT

SCHEMA_FIXTURE = FIXTURES / "reading.schema.json"
SHARED_SCHEMA = REPO_ROOT.parent / "shared" / "spec" / "reading.schema.json"
EVAL_DIR = REPO_ROOT / "tests" / "eval"
SHARED_CALIBRATION = REPO_ROOT.parent / "shared" / "eval" / "calibration.jsonl"


def _valid_entries_only(root: Path):
    """Return the knowledge base built from the entries that validate (used only while it does not load)."""
    from celldecide.knowledge import loader

    problems: list = []
    origins: dict = {}
    collections = {c.name: loader._load_collection(root, c, problems, origins) for c in loader.COLLECTIONS}
    return loader.Knowledge(root=root, version=loader.content_version(root), collections=collections, pages={},
                            origins=origins)


@pytest.fixture(scope="session")
def knowledge():
    """The project's checked knowledge base; while another part of it is mid-edit, its valid entries."""
    from celldecide.knowledge import KnowledgeError, load_knowledge

    try:
        return load_knowledge(KNOWLEDGE_DIR)
    except KnowledgeError as exc:
        warnings.warn(f"reading with the valid entries only: {exc}", stacklevel=1)
        return _valid_entries_only(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def read_text(knowledge):
    """Return a function text -> reading JSON, bound to the knowledge fixture."""
    from celldecide.reader import read

    return lambda text, **kwargs: read(text, knowledge=knowledge, **kwargs).to_json()


@pytest.fixture(scope="session")
def schema_validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_FIXTURE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def labeled_items() -> list[dict]:
    """Return the calibration items and the development items (each id once)."""
    seen: set[str] = set()
    items: list[dict] = []
    for path in (EVAL_DIR / "calibration.jsonl", EVAL_DIR / "dev.jsonl"):
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if item["id"] not in seen:
                    seen.add(item["id"])
                    items.append(item)
    return items


def assert_spans_consistent(reading: dict) -> None:
    """Assert every evidence span quotes the normalized text exactly."""
    text = reading["text"]
    groups = [c["evidence"] for c in reading["checklist"]] + [layer["evidence"] for layer in reading["layers"]]
    groups += [f["evidence"] for f in reading["red_flags"]] + [reading["stage"]["evidence"]]
    for evidence in groups:
        for span in evidence:
            assert 0 <= span["start"] <= span["end"] <= len(text)
            assert text[span["start"]:span["end"]] == span["quote"]
