"""TrialRecord: round-trips through dicts and JSON, and a content hash that only moves when content does."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers import Rejection, parse_path
from celldecide.registry.records import PartialDate, TrialRecord


@pytest.fixture(scope="module")
def records(fixtures_dir: Path, ids: IdMatcher) -> list[TrialRecord]:
    paths = ["v2_array_cell_therapy.json", "classic_NCT02513394.xml", "v1_remestemcel_l_first3.json",
             "ictrp_covid_sample.csv"]  # fmt: skip
    found = [r for p in paths for r in parse_path(fixtures_dir / p, ids=ids)]
    assert not [r for r in found if isinstance(r, Rejection)]
    return found


def test_it_round_trips_every_record_through_a_json_dict(records: list[TrialRecord]) -> None:
    for record in records:
        data = json.loads(json.dumps(record.to_dict()))
        assert TrialRecord.from_dict(data) == record


def test_it_ignores_unknown_keys_when_rebuilding(records: list[TrialRecord]) -> None:
    data = {**records[0].to_dict(), "added_by_a_later_version": 1}
    assert TrialRecord.from_dict(data) == records[0]


def test_it_gives_the_same_hash_for_the_same_content(records: list[TrialRecord]) -> None:
    for record in records:
        assert TrialRecord.from_dict(record.to_dict()).content_hash() == record.content_hash()


def test_it_leaves_the_source_format_out_of_the_hash(records: list[TrialRecord]) -> None:
    record = records[0]
    assert dataclasses.replace(record, source_format="ctgov_v2_page").content_hash() == record.content_hash()


@pytest.mark.parametrize(
    "change",
    [
        {"overall_status": "COMPLETED"},
        {"enrollment_count": 301},
        {"phases": ("2/3",)},
        {"last_update": PartialDate.from_iso("2025-01-02")},
    ],
)
def test_it_changes_the_hash_when_content_changes(records: list[TrialRecord], change: dict) -> None:
    record = records[0]
    assert dataclasses.replace(record, **change).content_hash() != record.content_hash()


def test_it_is_frozen(records: list[TrialRecord]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        records[0].id = "NCT00000000"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "precision"),
    [("2024-07-03", "day"), ("2026-10", "month"), ("2015", "year")],
)
def test_it_keeps_the_precision_of_a_partial_date(text: str, precision: str) -> None:
    assert PartialDate.from_iso(text) == PartialDate(value=text, precision=precision)


@pytest.mark.parametrize("text", ["2024-13", "2024-02-32", "24-01-01", "July 2024"])
def test_it_refuses_a_date_that_is_not_iso(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.from_iso(text)


def test_it_writes_the_same_json_as_its_dict(records: list[TrialRecord]) -> None:
    for record in records:
        assert json.loads(record.to_json()) == record.to_dict()
        assert list(json.loads(record.to_json())) == list(record.to_dict())


def test_it_hashes_the_sorted_compact_json_of_its_content_as_it_always_did(records: list[TrialRecord]) -> None:
    import hashlib

    odd = dataclasses.replace(records[0], title="Zellen für Kinder\t\u00e9\u2028 \x01 \"quoted\" \\ end")
    for record in [*records, odd]:
        content = {k: v for k, v in record.to_dict().items() if k != "source_format"}
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert record.content_hash() == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _generic(value: object) -> object:
    """The plain form walked generically, field by field: what `to_dict` writes out by hand."""
    if dataclasses.is_dataclass(value):
        return {f.name: _generic(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_generic(v) for v in value]
    return value


def test_its_dict_is_the_generic_walk_of_every_field(records: list[TrialRecord]) -> None:
    from celldecide.registry.records import Facility, Intervention, Outcome

    full = dataclasses.replace(
        records[0], interventions=(Intervention("DRUG", "a", "b", ("c", "d")),), facilities=(Facility("f", "c"),),
        primary_outcomes=(Outcome("m", "t"),), start_date=PartialDate("2020", "year"), has_results=False,
        secondary_ids=("x", "y"), keywords=("k",), collaborators=("c",), enrollment_count=0,
    )  # fmt: skip
    for record in [*records, full, TrialRecord(registry="ctgov", id="NCT00000000")]:
        assert record.to_dict() == _generic(record)
        assert list(record.to_dict()) == [f.name for f in dataclasses.fields(TrialRecord)]
