"""The skimming decoder: the same records as a full decode, on every real file, and a full decode where it cannot."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

import celldecide.registry.parsers as parsers
from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers import Rejection, detect_format, parse_bytes, skim
from celldecide.registry.records import TrialRecord


def _json_files(shared_data: Path, fixtures_dir: Path) -> list[Path]:
    return sorted(shared_data.rglob("*.json")) + sorted(fixtures_dir.rglob("*.json"))


def _without_skim(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(skim, "decode", lambda data, fmt: None)


def test_every_real_json_file_gives_the_same_records_skimmed_as_decoded_in_full(
    shared_data: Path, fixtures_dir: Path, ids: IdMatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This is what keeps skim's schemas in step with the builders: a field a builder reads that skim
    # drops makes a record differ here.
    contents = {f: f.read_bytes() for f in _json_files(shared_data, fixtures_dir)}
    skimmed = {f: list(parse_bytes(data, ids=ids, source=str(f))) for f, data in contents.items()}
    formats = {f: detect_format(data) for f, data in contents.items()}
    skimmed_formats = {formats[f] for f, data in contents.items() if skim.decode(data, formats[f])}
    _without_skim(monkeypatch)
    for file, data in contents.items():
        assert list(parse_bytes(data, ids=ids, source=str(file))) == skimmed[file], file
    records = [r for results in skimmed.values() for r in results if isinstance(r, TrialRecord)]
    assert len(records) > 450 and any(r.facilities for r in records) and any(r.primary_outcomes for r in records)
    assert skimmed_formats == {"ctgov_v2_array", "ctgov_v2_page", "ctgov_v2_study", "ctgov_v1_json"}


def test_it_skips_what_no_builder_reads(shared_data: Path) -> None:
    path = next(p for p in sorted((shared_data / "ctgov-v2").rglob("*.json")) if b'"resultsSection"' in p.read_bytes())
    study = next(s for s in skim.decode(path.read_bytes(), detect_format(path)) if "hasResults" in s)
    assert set(study) <= {"protocolSection", "hasResults"}
    assert "eligibilityModule" not in study["protocolSection"]
    assert set(study["protocolSection"]["descriptionModule"]) <= {"briefSummary"}
    locations = [place for s in skim.decode(path.read_bytes(), detect_format(path))
                 for place in s["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])]
    assert locations and all(set(place) <= {"facility", "city", "state", "country"} for place in locations)


def _study(nct: str = "NCT06325566", **protocol: object) -> dict:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct, "briefTitle": "Islet cells for type 1 diabetes"},
            **protocol,
        },
        "hasResults": False,
    }


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (orjson.dumps([_study(), {"protocolSection": ["not", "an", "object"]}]), "a section of the wrong type"),
        (orjson.dumps([_study(descriptionModule="text")]), "a module of the wrong type"),
        (b'[{"protocolSection": {"identificationModule": {"nctId": "NCT06325566"}}, "x": NaN}]', "NaN"),
        (b'[{"protocolSection": {"identificationModule": {"nctId": "NCT0632\\ud800"}}}]', "a lone surrogate"),
        (b"[" * 5000 + b"]" * 5000, "nesting too deep"),
        (b'{"studies": [1, 2]}', "studies that are not objects"),
    ],
)
def test_a_file_it_cannot_skim_is_decoded_in_full_as_before(
    content: bytes, why: str, ids: IdMatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert skim.decode(content, detect_format(content)) is None, why
    results = list(parse_bytes(content, ids=ids))
    _without_skim(monkeypatch)
    assert list(parse_bytes(content, ids=ids)) == results, why


def test_a_file_whose_first_part_is_wrong_keeps_the_reason_a_full_decode_gives(ids: IdMatcher) -> None:
    content = orjson.dumps([_study(), _study("NCT02513394", descriptionModule=["a", "list"])])
    [record, rejection] = parse_bytes(content, ids=ids)
    assert isinstance(record, TrialRecord) and isinstance(rejection, Rejection)
    assert rejection.id == "NCT02513394"
    assert rejection.reason == "protocolSection.descriptionModule: expected an object, got list"


def test_bytes_that_are_not_utf8_refuse_the_file_only_where_a_builder_reads_them(ids: IdMatcher) -> None:
    good = json.dumps([_study()]).encode()
    in_skipped_part = good.replace(b'"hasResults"', b'"resultsSection": {"note": "caf\xe9"}, "hasResults"')
    in_read_part = good.replace(b"Islet cells", b"Islet c\xe9lls")
    assert list(parse_bytes(in_skipped_part, ids=ids)) == list(parse_bytes(good, ids=ids))
    with pytest.raises(parsers.RegistryFormatError, match="not UTF-8 text"):
        list(parse_bytes(in_read_part, ids=ids))


def test_an_integer_beyond_64_bits_stays_an_integer_as_pythons_decoder_reads_it(ids: IdMatcher) -> None:
    content = json.dumps([_study(designModule={"enrollmentInfo": {"count": 2**70}})]).encode()
    [record] = parse_bytes(content, ids=ids)
    assert record.enrollment_count == 2**70 == json.loads(content)[0]["protocolSection"]["designModule"][
        "enrollmentInfo"]["count"]  # fmt: skip


def test_formats_it_does_not_know_are_left_to_the_full_decoder() -> None:
    assert skim.decode(b"[]", "ictrp_csv") is None
    assert skim.decode(b"[]", "ctgov_v2_array") == []
    assert skim.decode(b'{"studies": null, "totalCount": 0}', "ctgov_v2_page") == {"studies": None}
    assert skim.decode(b'{"FullStudiesResponse": {"NStudiesFound": 0}}', "ctgov_v1_json") == {"FullStudiesResponse": {}}
