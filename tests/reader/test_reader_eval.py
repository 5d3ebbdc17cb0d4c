"""The labeled sets: every item reads into a schema-valid reading, and the figures stay above their floors.

Floors are the measured figures on calibration + development items (rounded down), and never below the
issue's targets once reached. A change that lowers one fails here; raise a floor when a figure improves.
"""

from __future__ import annotations

import pytest

from celldecide.reader.evaluate import TARGETS, evaluate
from tests.reader.conftest import assert_spans_consistent, labeled_items

ITEMS = labeled_items()

FLOORS: dict[str, float] = {
    "red_flags.f1": 0.87,
    "red_flags.precision": 0.9,
    "red_flags.recall": 0.84,
    "registry_ids.f1": 1.0,
    "species.accuracy": 0.95,
    "stage_evidenced.exact": 0.95,
    "stage_evidenced.within_one": 0.95,
    "stage_claimed.exact": 0.81,
    "phases.f1": 0.96,
    "cell_types.f1": 0.86,
    "sample_sizes.f1": 0.76,
    "authorization.accuracy": 0.89,
    "checklist.product.agreement": 0.89,
    "checklist.disease.agreement": 0.89,
    "checklist.species.agreement": 0.9,
    "checklist.design.agreement": 0.89,
    "checklist.endpoint.agreement": 0.88,
    "checklist.safety.agreement": 0.92,
    "checklist.maker.agreement": 0.86,
    "checklist.oversight.agreement": 0.93,
    "checklist.availability.agreement": 0.91,
}


@pytest.fixture(scope="module")
def figures(knowledge):
    from celldecide.reader import read

    return evaluate(ITEMS, reader=lambda text: read(text, knowledge=knowledge)).figures()


def test_the_labeled_sets_are_present():
    assert len(ITEMS) >= 23


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_every_labeled_item_reads_into_a_schema_valid_reading(read_text, schema_validator, item):
    reading = read_text(item["text"])
    schema_validator.validate(reading)
    assert_spans_consistent(reading)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_it_stays_above_its_floor(figures, name):
    assert figures[name] >= FLOORS[name], f"{name} fell to {figures[name]} (floor {FLOORS[name]})"


def test_floors_are_never_below_the_issue_targets():
    for name, target in TARGETS.items():
        assert FLOORS[name] >= target, name
