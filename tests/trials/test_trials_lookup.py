"""The reader's trial lookup: a trial cited in a text, as the local registry stores it."""

from __future__ import annotations

import pytest

from celldecide.web.trials.selectors import trial_lookup

pytestmark = pytest.mark.django_db


def test_it_describes_a_stored_trial_for_the_reader(imported):
    assert trial_lookup("ctgov", "NCT06325566") == {
        "registry": "ctgov",
        "id": "NCT06325566",
        "title": "Efficacy and Safety of Rexlemestrocel-L Combined With HA* in Participants With Moderate to "
        "Severe Chronic Low Back Pain",
        "status": "RECRUITING",
        "phases": ["3"],
        "enrollment": 300,
        "sponsor": "Mesoblast, Ltd.",
        "url": "https://clinicaltrials.gov/study/NCT06325566",
        "local_url": "/trials/ctgov/NCT06325566/",
        "is_cell_therapy": True,
    }


@pytest.mark.parametrize(("registry", "trial_id"), [("ctgov", "NCT00000000"), ("isrctn", "NCT06325566")])
def test_it_answers_none_for_a_trial_not_stored(imported, registry, trial_id):
    assert trial_lookup(registry, trial_id) is None


def test_it_is_the_lookup_the_reader_accepts(imported, kb):
    from celldecide.reader import read

    reading = read("The Phase 3 trial NCT06325566 is recruiting.", knowledge=kb, trial_lookup=trial_lookup)
    [trial] = [t for t in reading.data["matches"]["trials"] if t["id"] == "NCT06325566"]
    assert trial["found"] and trial["record"]["local_url"] == "/trials/ctgov/NCT06325566/"
