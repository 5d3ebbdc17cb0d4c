"""Checks that keep the labeled development set well formed.

The set is data, so these tests read it the way the evaluation command will:
every line parses, every label uses the vocabulary of the reading contract,
and the coverage the set promises (kinds, red flags, stages, registries) holds.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from celldecide.knowledge import spec
from tests.conftest import shared_path

HERE = Path(__file__).parent
DEV = HERE / "dev.jsonl"
CALIBRATION = HERE / "calibration.jsonl"

# The vocabulary of the reading contract, as the code holds it (tests/knowledge checks it against the spec).
RED_FLAGS = frozenset(spec.RED_FLAG_IDS)
CHECKLIST = spec.CHECKLIST_IDS
STATUSES = frozenset({"answered", "partial", "missing"})
SPECIES = frozenset(spec.SPECIES)
PHASES = frozenset(spec.PHASES)
CELL_TYPES = frozenset(spec.CELL_TYPE_IDS)
AUTHORIZATION = frozenset(spec.AUTHORIZATION_MATCHES)
DEV_KINDS = frozenset({"clinic_claim", "headline", "trial_record", "paper"})
# The calibration file predates the split of trial records and abstracts.
CALIBRATION_KINDS = DEV_KINDS | {"trial_or_abstract"}
FIELDS = ("id", "kind", "text", "source_url", "source_title", "date", "labels")
LABEL_FIELDS = (
    "red_flags",
    "red_flags_optional",
    "stage_evidenced",
    "stage_claimed",
    "species",
    "phases",
    "sample_sizes",
    "registry_ids",
    "cell_types",
    "checklist",
    "authorization",
)
# Normalized registry id formats from the reading contract, keyed by registry.
REGISTRY_FORMATS = {
    "NCT": re.compile(r"^NCT\d{8}$"),
    "jRCT": re.compile(r"^jRCT[a-z]?\d+$"),
    "ChiCTR": re.compile(r"^ChiCTR[0-9A-Za-z-]+$"),
    "ISRCTN": re.compile(r"^ISRCTN\d+$"),
    "EudraCT": re.compile(r"^\d{4}-\d{6}-\d{2}$"),
    "ACTRN": re.compile(r"^ACTRN\d{14}$"),
    "CTRI": re.compile(r"^CTRI/\d{4}/\d{2,3}/\d{6}$"),
    "KCT": re.compile(r"^KCT\d{7}$"),
    "IRCT": re.compile(r"^IRCT[0-9A-Za-z]+$"),
    "UMIN": re.compile(r"^UMIN\d{9}$"),
}
DATE = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
REQUIRED_FLAG_FLOOR = 4


def load(path: Path) -> list[dict]:
    """Return the items of a JSON-lines file, one dict per non-empty line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def registry_of(registry_id: str) -> str | None:
    """Return the registry whose normalized format matches the id, or None."""
    for name, pattern in REGISTRY_FORMATS.items():
        if pattern.match(registry_id):
            return name
    return None


DEV_ITEMS = load(DEV)
CALIBRATION_ITEMS = load(CALIBRATION)
ALL_ITEMS = [*CALIBRATION_ITEMS, *DEV_ITEMS]


def test_it_keeps_calibration_as_a_byte_copy_of_the_shared_file():
    assert CALIBRATION.read_bytes() == shared_path("eval", "calibration.jsonl").read_bytes()


def test_it_holds_at_least_ninety_new_items():
    assert len(DEV_ITEMS) >= 90


def test_it_gives_every_item_a_unique_id():
    counts = Counter(item["id"] for item in ALL_ITEMS)
    assert [i for i, n in counts.items() if n > 1] == []


def test_it_never_repeats_a_calibration_text():
    calibration_texts = {item["text"].strip() for item in CALIBRATION_ITEMS}
    dev_texts = [item["text"].strip() for item in DEV_ITEMS]
    assert [t for t in dev_texts if t in calibration_texts] == []
    assert len(set(dev_texts)) == len(dev_texts)


@pytest.mark.parametrize("item", ALL_ITEMS, ids=lambda item: item["id"])
def test_it_carries_every_field_of_the_calibration_format(item):
    assert set(FIELDS) <= item.keys()
    assert set(LABEL_FIELDS) <= item["labels"].keys()
    assert item["text"].strip()
    assert item["source_url"].startswith(("http://", "https://"))
    assert item["source_title"].strip()
    assert DATE.match(item["date"])


@pytest.mark.parametrize("item", DEV_ITEMS, ids=lambda item: item["id"])
def test_it_uses_the_kinds_of_the_reading_spec(item):
    assert item["kind"] in DEV_KINDS


@pytest.mark.parametrize("item", CALIBRATION_ITEMS, ids=lambda item: item["id"])
def test_it_accepts_the_calibration_kinds(item):
    assert item["kind"] in CALIBRATION_KINDS


@pytest.mark.parametrize("item", ALL_ITEMS, ids=lambda item: item["id"])
def test_it_labels_with_the_vocabulary_of_the_reading_spec(item):
    labels = item["labels"]
    assert set(labels["red_flags"]) <= RED_FLAGS
    assert set(labels["red_flags_optional"]) <= RED_FLAGS
    assert not set(labels["red_flags"]) & set(labels["red_flags_optional"])
    for stage in (labels["stage_evidenced"], labels["stage_claimed"]):
        assert stage is None or (isinstance(stage, int) and 1 <= stage <= 7)
    assert set(labels["species"]) <= SPECIES
    assert set(labels["phases"]) <= PHASES
    assert all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in labels["sample_sizes"])
    assert set(labels["cell_types"]) <= CELL_TYPES
    assert tuple(labels["checklist"]) == CHECKLIST
    assert set(labels["checklist"].values()) <= STATUSES
    assert labels["authorization"] in AUTHORIZATION


@pytest.mark.parametrize("item", ALL_ITEMS, ids=lambda item: item["id"])
def test_it_normalizes_registry_ids_and_finds_them_in_the_text(item):
    for registry_id in item["labels"]["registry_ids"]:
        assert registry_of(registry_id) is not None, registry_id
        assert registry_id in item["text"], registry_id


@pytest.mark.parametrize("item", DEV_ITEMS, ids=lambda item: item["id"])
def test_it_answers_oversight_wherever_a_registration_is_quoted(item):
    # A quoted trial registration answers "which regulator or registry?".
    if item["labels"]["registry_ids"]:
        assert item["labels"]["checklist"]["oversight"] == "answered"


@pytest.mark.parametrize("item", DEV_ITEMS, ids=lambda item: item["id"])
def test_it_keeps_authorization_consistent_with_the_kind(item):
    if item["kind"] in {"trial_record", "paper"}:
        assert item["labels"]["authorization"] == "not_applicable"
    if item["labels"]["authorization"] == "none_found":
        assert item["labels"]["stage_claimed"] == 7


@pytest.mark.parametrize("flag", sorted(RED_FLAGS))
def test_it_requires_each_red_flag_often_enough(flag):
    required = sum(flag in item["labels"]["red_flags"] for item in DEV_ITEMS)
    assert required >= REQUIRED_FLAG_FLOOR


@pytest.mark.parametrize("stage", range(1, 8))
def test_it_covers_every_stage_of_the_translation_map(stage):
    seen = {item["labels"]["stage_evidenced"] for item in DEV_ITEMS} | {
        item["labels"]["stage_claimed"] for item in DEV_ITEMS
    }
    assert stage in seen


@pytest.mark.parametrize("species", sorted(SPECIES))
def test_it_covers_every_species(species):
    assert any(species in item["labels"]["species"] for item in DEV_ITEMS)


@pytest.mark.parametrize("registry", sorted(REGISTRY_FORMATS))
def test_it_covers_every_registry_format(registry):
    found = {registry_of(rid) for item in DEV_ITEMS for rid in item["labels"]["registry_ids"]}
    assert registry in found


@pytest.mark.parametrize(
    ("kind", "floor"),
    [("clinic_claim", 30), ("headline", 20), ("trial_record", 20), ("paper", 10)],
)
def test_it_keeps_the_mix_of_kinds(kind, floor):
    assert sum(item["kind"] == kind for item in DEV_ITEMS) >= floor
