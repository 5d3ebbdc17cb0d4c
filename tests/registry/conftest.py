"""Shared fixtures for the registry tests: the knowledge base's vocabularies and the real data folders."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from celldecide.knowledge import schemas
from celldecide.registry.classify import CellVocabulary
from celldecide.registry.ids import IdMatcher

REPO_ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO_ROOT / "knowledge"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "registry"
# In CI the shared data sits beside the repository, at ../shared.
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def _entries(name: str, model: type) -> list:
    """Validate one knowledge file with its schema, so the tests use the one definition of each pattern."""
    with (KNOWLEDGE / name).open(encoding="utf-8") as stream:
        return [model.model_validate(entry) for entry in yaml.safe_load(stream)]


@pytest.fixture(scope="session")
def registries() -> list[schemas.Registry]:
    return _entries("registries.yaml", schemas.Registry)


@pytest.fixture(scope="session")
def ids(registries: list[schemas.Registry]) -> IdMatcher:
    return IdMatcher.from_registries(registries)


@pytest.fixture(scope="session")
def cell_types() -> list[schemas.CellType]:
    return _entries("cell_types.yaml", schemas.CellType)


@pytest.fixture(scope="session")
def frontiers() -> list[schemas.Frontier]:
    return _entries("frontiers.yaml", schemas.Frontier)


@pytest.fixture(scope="session")
def vocabulary(cell_types: list[schemas.CellType], frontiers: list[schemas.Frontier]) -> CellVocabulary:
    return CellVocabulary.from_knowledge(cell_types=cell_types, frontiers=frontiers)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED_DATA.is_dir(), f"the shared registry data must be beside the repository, at {SHARED_DATA}"
    return SHARED_DATA
