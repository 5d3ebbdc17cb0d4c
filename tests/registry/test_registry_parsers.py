"""Parsers: each format gives the same normalized record, and a bad record never stops a file."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers import (
    FileTooLargeError,
    RegistryFormatError,
    Rejection,
    detect_format,
    parse_bytes,
    parse_path,
)
from celldecide.registry.records import Facility, Intervention, Outcome, PartialDate, TrialRecord


def _records(results) -> list[TrialRecord]:
    return [r for r in results if isinstance(r, TrialRecord)]


def _rejections(results) -> list[Rejection]:
    return [r for r in results if isinstance(r, Rejection)]


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("v2_study_NCT06325566.json", "ctgov_v2_study"),
        ("page_search_phelan_limit5_20260811.json", "ctgov_v2_page"),
        ("v2_array_cell_therapy.json", "ctgov_v2_array"),
        ("v2_bulk.zip", "ctgov_v2_zip"),
        ("classic_NCT02513394.xml", "ctgov_classic_xml"),
        ("v1_remestemcel_l_first3.json", "ctgov_v1_json"),
        ("ictrp_sample.xml", "ictrp_xml"),
        ("ictrp_covid_sample.csv", "ictrp_csv"),
    ],
)
def test_it_detects_each_format_from_path_and_from_bytes(fixtures_dir: Path, fixture: str, fmt: str) -> None:
    path = fixtures_dir / fixture
    assert detect_format(path) == fmt
    assert detect_format(path.read_bytes()) == fmt


@pytest.mark.parametrize("content", [b"", b"hello", b'{"unexpected": 1}', b"<html><body/></html>"])
def test_it_refuses_content_that_is_no_registry_format(content: bytes) -> None:
    with pytest.raises(RegistryFormatError):
        detect_format(content)


def test_it_normalizes_nct06325566_field_by_field(fixtures_dir: Path, ids: IdMatcher) -> None:
    [record] = list(parse_path(fixtures_dir / "v2_study_NCT06325566.json", ids=ids))
    assert record.key == ("ctgov", "NCT06325566")
    assert record.title == (
        "Efficacy and Safety of Rexlemestrocel-L Combined With HA* in Participants With Moderate to Severe "
        "Chronic Low Back Pain"
    )
    assert record.secondary_ids == ("MSB-DR004",)
    assert (record.overall_status, record.phases, record.study_type) == ("RECRUITING", ("3",), "INTERVENTIONAL")
    assert (record.enrollment_count, record.enrollment_type) == (300, "ESTIMATED")
    assert (record.allocation, record.intervention_model, record.masking) == ("RANDOMIZED", "PARALLEL", "DOUBLE")
    assert record.conditions == ("Degenerative Disc Disease",)
    assert record.interventions[0] == Intervention(
        type="DRUG",
        name="Rexlemestrocel-L + HA mixture",
        description=(
            "Rexlemestrocel-L will be combined in 1:1 by-volume ratio with HA solution and the resulting mixture "
            "will be administered as intradiscal injection."
        ),
    )
    assert [i.name for i in record.interventions] == ["Rexlemestrocel-L + HA mixture", "Saline"]
    assert (record.lead_sponsor_name, record.lead_sponsor_class) == ("Mesoblast, Ltd.", "INDUSTRY")
    assert record.countries == ("United States",)
    assert len(record.facilities) == 6
    assert record.facilities[0] == Facility(
        name="Alabama Ortho, Spine and Sports, PC", city="Birmingham", state="Alabama", country="United States"
    )
    assert record.start_date == PartialDate("2024-07-03", "day")
    assert record.primary_completion_date == PartialDate("2026-10", "month")
    assert record.completion_date == PartialDate("2027-10", "month")
    assert record.primary_outcomes[1] == Outcome(
        measure="Number of Participants With Adverse Events (AEs) and Serious Adverse Events (SAEs)",
        time_frame="Up to Month 24",
    )
    assert record.has_results is False
    assert record.last_update == PartialDate("2024-10-31", "day")
    assert record.source_url == "https://clinicaltrials.gov/study/NCT06325566"


# The two files are different versions of NCT02513394 (classic processed 2020-08-18, v2 updated 2023-06-15):
# these fields did not change in between, so both formats must give exactly the same values.
STABLE_FIELDS = [
    "registry", "id", "title", "official_title", "secondary_ids", "brief_summary", "overall_status", "phases",
    "study_type", "enrollment_count", "enrollment_type", "allocation", "intervention_model", "masking",
    "conditions", "keywords", "interventions", "lead_sponsor_name", "lead_sponsor_class", "collaborators",
    "start_date", "completion_date", "source_url",
]  # fmt: skip


@pytest.mark.parametrize("field", STABLE_FIELDS)
def test_it_reads_nct02513394_the_same_from_v2_json_and_classic_xml(
    fixtures_dir: Path, ids: IdMatcher, field: str
) -> None:
    [v2] = list(parse_path(fixtures_dir / "v2_study_NCT02513394_protocol.json", ids=ids))
    [classic] = list(parse_path(fixtures_dir / "classic_NCT02513394.xml", ids=ids))
    assert getattr(v2, field) == getattr(classic, field)


def test_it_reads_the_known_values_of_nct02513394(fixtures_dir: Path, ids: IdMatcher) -> None:
    [classic] = list(parse_path(fixtures_dir / "classic_NCT02513394.xml", ids=ids))
    assert classic.secondary_ids == ("AFT-05", "ABCSG 42", "BIG 14-03", "2014-005181-30")
    assert (classic.overall_status, classic.status_as_registered) == ("ACTIVE_NOT_RECRUITING", "Active, not recruiting")
    assert classic.phases == ("3",)
    assert (classic.enrollment_count, classic.enrollment_type) == (5796, "ACTUAL")
    assert classic.masking == "NONE"
    assert classic.start_date == PartialDate("2015-08", "month")
    assert classic.primary_completion_date == PartialDate("2020-09", "month")
    assert classic.collaborators[-1] == "Pfizer"
    assert classic.has_results is False
    assert classic.brief_summary.startswith("This is a prospective, two arm, international, multicenter")


def test_it_reads_a_page_and_the_website_array_and_the_bulk_zip_alike(fixtures_dir: Path, ids: IdMatcher) -> None:
    array = _records(parse_path(fixtures_dir / "v2_array_cell_therapy.json", ids=ids))
    bulk = _records(parse_path(fixtures_dir / "v2_bulk.zip", ids=ids))
    assert [r.id for r in array] == ["NCT06325566", "NCT06589271", "NCT04042844", "NCT06144970", "NCT01640457"]
    assert [r.content_hash() for r in bulk] == [r.content_hash() for r in array]
    assert {r.source_format for r in bulk} == {"ctgov_v2_study"}


def test_it_reads_the_retired_v1_json(fixtures_dir: Path, ids: IdMatcher) -> None:
    first = _records(parse_path(fixtures_dir / "v1_remestemcel_l_first3.json", ids=ids))[0]
    assert first.key == ("ctgov", "NCT02652130")
    assert (first.phases, first.enrollment_count, first.enrollment_type) == (("3",), 32, "ACTUAL")
    assert (first.intervention_model, first.masking, first.allocation) == ("SINGLE_GROUP", "NONE", "NA")
    assert first.interventions[0].type == "BIOLOGICAL"
    assert first.interventions[0].name == "Remestemcel-L"
    assert first.start_date == PartialDate("2015-10-28", "day")
    assert first.collaborators == ("Quintiles, Inc.",)
    assert first.has_results is True


@pytest.mark.parametrize(
    ("trial_id", "registry", "id"),
    [
        ("NCT04246242", "ctgov", "NCT04246242"),
        ("ChiCTR2000029949", "chictr", "ChiCTR2000029949"),
        ("EUCTR2015-002340-14-NL", "eu_ctr", "2015-002340-14"),
        ("JPRN-UMIN000039686", "umin", "UMIN000039686"),
        ("ISRCTN50189673", "isrctn", "ISRCTN50189673"),
        ("IRCT20100228003449N28", "irct", "IRCT20100228003449N28"),
        ("ACTRN12620000421932", "anzctr", "ACTRN12620000421932"),
        ("DRKS00021134", "drks", "DRKS00021134"),
        ("NL8483", "nl_trial_register", "NL8483"),
    ],
)
def test_it_derives_the_registry_of_ictrp_rows_from_the_id(
    fixtures_dir: Path, ids: IdMatcher, trial_id: str, registry: str, id: str
) -> None:
    by_position = _records(parse_path(fixtures_dir / "ictrp_covid_sample.csv", ids=ids))
    found = {r.id: r for r in by_position}
    assert found[id].registry == registry


def test_it_reads_an_ictrp_csv_row_field_by_field(fixtures_dir: Path, ids: IdMatcher) -> None:
    first = _records(parse_path(fixtures_dir / "ictrp_covid_sample.csv", ids=ids))[0]
    assert first.key == ("ctgov", "NCT04246242")
    assert (first.overall_status, first.status_as_registered) == ("NOT_RECRUITING", "Not recruiting")
    assert (first.phases, first.enrollment_count, first.study_type) == (("4",), 500, "INTERVENTIONAL")
    assert (first.allocation, first.intervention_model, first.masking) == ("RANDOMIZED", "PARALLEL", "SINGLE")
    assert first.start_date == PartialDate("2020-01-25", "day")
    assert [(i.type, i.name) for i in first.interventions] == [
        ("DRUG", "Conventional treatment group"),
        ("DRUG", "arbidol,200mg,tid"),
        ("DRUG", "arbidol,400mg,tid"),
    ]
    assert first.lead_sponsor_name == "Xiangya Hospital of Central South University"


def test_it_reads_an_ictrp_xml_trial_field_by_field(fixtures_dir: Path, ids: IdMatcher) -> None:
    first = _records(parse_path(fixtures_dir / "ictrp_sample.xml", ids=ids))[0]
    assert first.key == ("chictr", "ChiCTR2000029953")
    assert first.official_title == first.title  # the padding after the scientific title is gone
    assert first.enrollment_count == 400  # "survival group:200;died:200;"
    assert first.phases == ()
    assert first.study_type == "OBSERVATIONAL"
    assert first.intervention_model == "FACTORIAL"
    assert first.countries == ("China",)
    assert first.last_update == PartialDate("2020-02-17", "day")
    assert first.source_url == "http://www.chictr.org.cn/showproj.aspx?proj=49217"


# --- malformed input, built from the real export array ---------------------------------------------------


@pytest.fixture()
def export(fixtures_dir: Path) -> list[dict]:
    return json.loads((fixtures_dir / "v2_array_cell_therapy.json").read_text(encoding="utf-8"))


def _parse_json(value: object, ids: IdMatcher) -> list:
    return list(parse_bytes(json.dumps(value).encode(), ids=ids))


def test_it_rejects_a_record_missing_its_id_and_reads_the_others(export: list[dict], ids: IdMatcher) -> None:
    del export[1]["protocolSection"]["identificationModule"]["nctId"]
    results = _parse_json(export, ids)
    assert len(_records(results)) == 4
    [rejection] = _rejections(results)
    assert (rejection.position, rejection.id) == (1, None)
    assert rejection.reason == "missing id (protocolSection.identificationModule.nctId)"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda s: s["protocolSection"]["conditionsModule"].update(conditions="Low back pain"),
         "protocolSection.conditionsModule.conditions: expected a list, got str"),
        (lambda s: s["protocolSection"]["designModule"]["enrollmentInfo"].update(count="three hundred"),
         "protocolSection.designModule.enrollmentInfo.count: expected an integer, got str"),
        (lambda s: s["protocolSection"].update(statusModule=["RECRUITING"]),
         "protocolSection.statusModule: expected an object, got list"),
        (lambda s: s["protocolSection"]["statusModule"]["startDateStruct"].update(date="soon"),
         "unrecognized date: 'soon'"),
        (lambda s: s.update(hasResults="no"), "hasResults: expected true/false, got str"),
    ],
)  # fmt: skip
def test_it_rejects_a_record_with_a_wrong_type_naming_the_field(
    export: list[dict], ids: IdMatcher, mutate, reason: str
) -> None:
    mutate(export[2])
    results = _parse_json(export, ids)
    assert [r.id for r in _records(results)] == ["NCT06325566", "NCT06589271", "NCT06144970", "NCT01640457"]
    [rejection] = _rejections(results)
    assert (rejection.position, rejection.registry, rejection.id, rejection.reason) == (
        2, "ctgov", "NCT04042844", reason
    )


def test_it_rejects_an_id_no_registry_recognizes(export: list[dict], ids: IdMatcher) -> None:
    export[0]["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    [rejection] = _rejections(_parse_json(export, ids))
    assert rejection.reason == "id 'NCT123' matches no known registry id format"


def test_it_keeps_the_records_before_a_truncation(fixtures_dir: Path, ids: IdMatcher) -> None:
    data = (fixtures_dir / "v2_array_cell_therapy.json").read_bytes()
    cut = data[: data.index(b'"NCT04042844"') + 40]
    results = list(parse_bytes(cut, ids=ids))
    assert [r.id for r in _records(results)] == ["NCT06325566", "NCT06589271"]
    [rejection] = _rejections(results)
    assert rejection.position == 2
    assert rejection.reason.startswith("malformed JSON")


def test_it_keeps_the_records_of_a_page_before_a_truncation(fixtures_dir: Path, ids: IdMatcher) -> None:
    data = (fixtures_dir / "page_search_phelan_limit5_20260811.json").read_bytes()
    results = list(parse_bytes(data[: len(data) // 2], ids=ids))
    assert len(_records(results)) >= 1
    assert len(_rejections(results)) == 1


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Trials_downloaded_from_ICTRP [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Trials_downloaded_from_ICTRP><Trial><TrialID>NCT04246242</TrialID><Public_title>&lol3;</Public_title></Trial>
</Trials_downloaded_from_ICTRP>"""


def test_it_refuses_xml_that_declares_entities(ids: IdMatcher) -> None:
    [rejection] = list(parse_bytes(BILLION_LAUGHS, ids=ids))
    assert isinstance(rejection, Rejection)
    assert "document type" in rejection.reason


def test_it_refuses_a_classic_record_with_an_external_entity(fixtures_dir: Path, ids: IdMatcher) -> None:
    original = (fixtures_dir / "classic_NCT02513394.xml").read_bytes()
    hostile = original.replace(
        b'<clinical_study rank="1">',
        b'<!DOCTYPE clinical_study [<!ENTITY x SYSTEM "file:///etc/passwd">]><clinical_study rank="1">',
    )
    [rejection] = list(parse_bytes(hostile, ids=ids))
    assert isinstance(rejection, Rejection) and "document type" in rejection.reason


def test_it_keeps_the_ictrp_trials_before_broken_xml(fixtures_dir: Path, ids: IdMatcher) -> None:
    data = (fixtures_dir / "ictrp_sample.xml").read_bytes()
    cut = data[: data.index(b"<TrialID>ChiCTR2000029868") + 40]
    results = list(parse_bytes(cut, ids=ids))
    assert [r.id for r in _records(results)] == ["ChiCTR2000029953", "ChiCTR2000029935"]
    [rejection] = _rejections(results)
    assert rejection.position == 2 and rejection.reason.startswith("malformed XML")


def test_it_rejects_an_ictrp_trial_without_an_id(fixtures_dir: Path, ids: IdMatcher) -> None:
    data = (fixtures_dir / "ictrp_sample.xml").read_bytes().replace(b"<TrialID>ChiCTR2000029935</TrialID>", b"")
    results = list(parse_bytes(data, ids=ids))
    assert len(_records(results)) == 3
    [rejection] = _rejections(results)
    assert (rejection.position, rejection.reason) == (1, "missing id (TrialID)")


def test_it_rejects_a_csv_row_with_missing_columns(fixtures_dir: Path, ids: IdMatcher) -> None:
    rows = list(csv.reader(io.StringIO((fixtures_dir / "ictrp_covid_sample.csv").read_text(encoding="utf-8"))))
    rows[1] = rows[1][:2]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    results = list(parse_bytes(out.getvalue().encode(), ids=ids))
    assert len(_records(results)) == 9
    [rejection] = _rejections(results)
    assert (rejection.position, rejection.reason) == (0, "row has 2 columns, the header has 40")


def test_it_refuses_a_file_above_the_size_limit(fixtures_dir: Path, ids: IdMatcher) -> None:
    with pytest.raises(FileTooLargeError, match="limit"):
        parse_path(fixtures_dir / "v2_array_cell_therapy.json", ids=ids, max_bytes=10_000)


def test_it_refuses_a_zip_member_that_unpacks_above_the_limit(ids: IdMatcher) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("NCT00000001.json", b"[" + b" " * 200_000 + b"]")
    with pytest.raises(FileTooLargeError):
        list(parse_bytes(buffer.getvalue(), ids=ids, max_bytes=100_000))


def test_it_rejects_a_bad_zip_member_and_reads_the_others(fixtures_dir: Path, ids: IdMatcher) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(fixtures_dir / "v2_bulk.zip") as source, zipfile.ZipFile(buffer, "w") as target:
        for index, info in enumerate(source.infolist()):
            content = source.read(info)
            target.writestr(info.filename, content[:100] if index == 3 else content)
    results = list(parse_bytes(buffer.getvalue(), ids=ids, source="bulk.zip"))
    assert len(_records(results)) == 4
    [rejection] = _rejections(results)
    assert rejection.position == 3
    assert rejection.source == "bulk.zip!ctg-studies/NCT06144970.json"


@pytest.mark.parametrize(
    "fixture",
    ["v2_array_cell_therapy.json", "v1_remestemcel_l_first3.json", "page_search_phelan_limit5_20260811.json",
     "v2_study_NCT06325566.json"],
)
def test_it_reads_a_file_decoded_whole_exactly_as_record_by_record(
    fixtures_dir: Path, ids: IdMatcher, fixture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import celldecide.registry.parsers as parsers

    whole = list(parse_path(fixtures_dir / fixture, ids=ids))
    monkeypatch.setattr(parsers, "_fast_document", lambda data, fmt: None)
    assert list(parse_path(fixtures_dir / fixture, ids=ids)) == whole and whole


def test_a_study_malformed_in_two_places_is_rejected_for_the_field_read_first(
    export: list[dict], ids: IdMatcher
) -> None:
    # The status is read before the design, the design before the titles: that order decides the reason.
    export[2]["protocolSection"]["identificationModule"]["briefTitle"] = 5
    export[2]["protocolSection"]["designModule"] = ["PHASE2"]
    [rejection] = _rejections(_parse_json(export, ids))
    assert rejection.reason == "protocolSection.designModule: expected an object, got list"
    export[2]["protocolSection"]["statusModule"]["overallStatus"] = 7
    [rejection] = _rejections(_parse_json(export, ids))
    assert rejection.reason == "protocolSection.statusModule.overallStatus: expected text, got int"
