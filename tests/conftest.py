"""Shared fixtures: where the repository, the shared data and the knowledge base are."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CELLDECIDE_SHARED_DIR", REPO_ROOT.parent / "shared"))
KNOWLEDGE_DIR = Path(os.environ.get("CELLDECIDE_KNOWLEDGE_DIR", REPO_ROOT / "knowledge"))
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def shared_path(*parts: str) -> Path:
    """Return a path under ../shared, skipping the test when the shared folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (set CELLDECIDE_SHARED_DIR to the shared folder)")
    return path


@pytest.fixture(scope="session", autouse=True)
def knowledge_cache_dir(tmp_path_factory):
    """Keep the on-disk knowledge cache of the test run (and its subprocesses) out of the user's own folder."""
    if "CELLDECIDE_CACHE_DIR" not in os.environ:
        os.environ["CELLDECIDE_CACHE_DIR"] = str(tmp_path_factory.mktemp("knowledge-cache"))
    return os.environ["CELLDECIDE_CACHE_DIR"]


@pytest.fixture(scope="session")
def kb():
    """The project's real knowledge base, checked."""
    from celldecide.knowledge import load_knowledge

    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of the knowledge folder that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


@pytest.fixture
def get(client):
    """Fetch a page with Django's test client, check its status (200 unless told) and return its HTML."""

    def fetch(path: str, status: int = 200) -> str:
        response = client.get(path)
        assert response.status_code == status, path
        return response.content.decode()

    return fetch
