"""The parallel import (a forked worker parses and classifies part of the files) ends exactly as the serial one.

Both run on the real registry files: the sample set (ClinicalTrials.gov exports and v1 pages, a WHO ICTRP
export) and the two shared API v2 exports, with small batches so that trials repeat across batches.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from celldecide.web.trials import services
from celldecide.web.trials.models import Trial
from tests.trials.conftest import REPO_ROOT
from tests.trials.test_trials_import import _database_state

pytestmark = pytest.mark.django_db

SAMPLE = REPO_ROOT / "data" / "sample-trials"


def _run(paths: list[Path], *, parallel: bool, batch_size: int) -> tuple[dict, list, list]:
    """Import into an empty table; return the counts, the rejections and everything written."""
    Trial.objects.all().delete()
    summary = services.trials_import_paths(paths=paths, batch_size=batch_size, parallel=parallel)
    return summary.to_dict(), [r.to_dict() for r in summary.rejections], _database_state()


@pytest.mark.parametrize("batch_size", [500, 60])
def test_it_writes_what_the_serial_import_writes(exports, batch_size):
    paths = services.registry_files([SAMPLE, *exports])
    serial = _run(paths, parallel=False, batch_size=batch_size)
    parallel = _run(paths, parallel=True, batch_size=batch_size)
    assert serial[0]["read"] > 1000 and serial[0]["inserted"] > 0
    assert parallel == serial


def test_it_updates_and_leaves_unchanged_as_the_serial_import_does(exports):
    paths = services.registry_files([SAMPLE, *exports])
    services.trials_import_paths(paths=paths[:2])
    serial_again = services.trials_import_paths(paths=paths, batch_size=100).to_dict()
    Trial.objects.all().delete()
    services.trials_import_paths(paths=paths[:2])
    parallel_again = services.trials_import_paths(paths=paths, batch_size=100, parallel=True).to_dict()
    assert parallel_again == serial_again and parallel_again["unchanged"] > 0


def test_it_counts_an_unreadable_file_in_its_place(tmp_path, exports):
    notes = tmp_path / "notes.csv"
    notes.write_text("column,other\n1,2\n", encoding="utf-8")
    paths = [exports[0], notes, exports[1]]
    serial = _run(paths, parallel=False, batch_size=500)
    parallel = _run(paths, parallel=True, batch_size=500)
    assert parallel == serial and "unrecognized" in parallel[1][0]["reason"]


def test_it_raises_the_error_of_a_missing_file_after_the_files_before_it(tmp_path, exports):
    paths = [exports[0], exports[1], tmp_path / "gone.json"]
    with pytest.raises(FileNotFoundError):
        services.trials_import_paths(paths=paths, parallel=True)
    assert Trial.objects.count() == 0  # the open batch is never written
