"""Fixtures for the trial database tests: the real registry files, and a helper that imports them."""

from __future__ import annotations

from pathlib import Path

import pytest

from celldecide.registry.parsers import parse_path
from celldecide.web.trials.services import ImportSummary, current_ids, trials_import

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "registry"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def exports() -> list[Path]:
    """The two ClinicalTrials.gov "Download JSON" exports (100 + 88 real studies)."""
    files = sorted((SHARED_DATA / "ctgov-v2" / "exports").glob("*.json"))
    assert len(files) == 2, f"the shared data must be beside the repository, at {SHARED_DATA}"
    return files


@pytest.fixture(scope="session")
def cell_array() -> Path:
    """Five real cell-therapy studies (NCT06325566, NCT06589271, NCT04042844, NCT06144970, NCT01640457)."""
    return FIXTURES / "v2_array_cell_therapy.json"


def import_files(*paths: Path, batch_size: int = 500) -> ImportSummary:
    """Import files one after the other, as `celldecide trials import` does, and add up the summaries."""
    total = ImportSummary()
    for path in paths:
        total.add(trials_import(records=parse_path(path, ids=current_ids()), source=str(path), batch_size=batch_size))
    return total


@pytest.fixture
def imported(cell_array: Path) -> ImportSummary:
    return import_files(cell_array)
