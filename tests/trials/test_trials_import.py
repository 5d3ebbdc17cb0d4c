"""Importing registry records: counts, idempotence, newest version kept, rejections, and crash safety."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from django.db import connection

from celldecide.registry.parsers import Rejection, parse_path
from celldecide.registry.records import PartialDate
from celldecide.web.trials import services
from celldecide.web.trials.models import Trial, TrialFacet
from celldecide.web.trials.services import current_ids, trials_import
from tests.trials.conftest import import_files

pytestmark = pytest.mark.django_db


def _distinct_ids(paths: list[Path]) -> int:
    return len({r.key for p in paths for r in parse_path(p, ids=current_ids()) if not isinstance(r, Rejection)})


def test_it_reads_188_export_records_and_inserts_each_distinct_trial_once(exports):
    summary = import_files(*exports)
    assert summary.to_dict() == {"read": 188, "inserted": _distinct_ids(exports), "updated": 0,
                                 "unchanged": 188 - _distinct_ids(exports), "rejected": 0}  # fmt: skip
    assert Trial.objects.count() == _distinct_ids(exports)


def test_it_changes_nothing_when_the_same_files_are_imported_again(exports):
    import_files(*exports)
    again = import_files(*exports)
    assert (again.read, again.inserted, again.updated, again.unchanged) == (188, 0, 0, 188)


def test_it_stores_the_normalized_fields_and_the_classification(imported):
    trial = Trial.objects.get(registry="ctgov", trial_id="NCT06589271")
    assert trial.is_cell_therapy and trial.cell_types == ["msc"]
    assert trial.record["id"] == "NCT06589271" and len(trial.content_hash) == 64
    assert {(f.kind, f.value) for f in trial.facets.all()} >= {("cell_type", "msc")}
    assert trial.pay_hint_level in {"none", "weak", "strong"}


def _versions(cell_array: Path, trial_id: str):
    record = next(r for r in parse_path(cell_array, ids=current_ids()) if r.id == trial_id)
    older = dataclasses.replace(record, title="An older title", last_update=PartialDate.from_iso("2001-01-01"))
    newer = dataclasses.replace(record, title="A newer title", last_update=PartialDate.from_iso("2099-01-01"))
    return older, record, newer


@pytest.mark.parametrize("order", [("older", "record", "newer"), ("newer", "older", "record"),
                                   ("record", "newer", "older")])  # fmt: skip
def test_it_keeps_the_newest_version_whatever_the_order_of_arrival(cell_array, order):
    versions = dict(zip(("older", "record", "newer"), _versions(cell_array, "NCT06325566")))
    for name in order:
        trials_import(records=[versions[name]], source=name)
    assert Trial.objects.get(trial_id="NCT06325566").title == "A newer title"


def test_it_counts_a_newer_version_as_updated_and_an_older_one_as_unchanged(cell_array):
    older, record, newer = _versions(cell_array, "NCT06325566")
    trials_import(records=[record], source="first")
    assert trials_import(records=[newer], source="newer").updated == 1
    assert trials_import(records=[older], source="older").to_dict() == {
        "read": 1, "inserted": 0, "updated": 0, "unchanged": 1, "rejected": 0}  # fmt: skip


def test_it_keeps_the_newer_of_two_versions_in_one_batch(cell_array):
    older, _, newer = _versions(cell_array, "NCT06325566")
    summary = trials_import(records=[newer, older], source="one batch")
    assert (summary.inserted, summary.unchanged) == (1, 1)
    assert Trial.objects.get(trial_id="NCT06325566").title == "A newer title"


def test_it_replaces_the_facets_of_an_updated_trial(cell_array):
    _, record, newer = _versions(cell_array, "NCT06325566")
    trials_import(records=[record], source="first")
    trials_import(records=[dataclasses.replace(newer, phases=("2",))], source="newer")
    facets = TrialFacet.objects.filter(trial__trial_id="NCT06325566", kind="phase")
    assert [f.value for f in facets] == ["2"]


def test_it_rejects_a_malformed_record_with_its_reason_and_imports_the_others(tmp_path, cell_array):
    studies = json.loads(cell_array.read_text(encoding="utf-8"))
    studies[1]["protocolSection"]["designModule"]["phases"] = "PHASE3"  # a string where a list belongs
    del studies[2]["protocolSection"]["identificationModule"]["nctId"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(studies), encoding="utf-8")
    summary = import_files(broken)
    assert summary.to_dict() == {"read": 5, "inserted": 3, "updated": 0, "unchanged": 0, "rejected": 2}
    reasons = [r.reason for r in summary.rejections]
    assert "phases" in reasons[0] and "missing id" in reasons[1]
    assert summary.rejections[0].id == studies[1]["protocolSection"]["identificationModule"]["nctId"]
    assert not Trial.objects.filter(trial_id=summary.rejections[0].id).exists()


def test_it_rejects_a_value_no_database_can_store_without_writing_any_of_it(cell_array):
    records = [r for r in parse_path(cell_array, ids=current_ids())]
    records[0] = dataclasses.replace(records[0], title="A title with a NUL \x00 byte")
    summary = trials_import(records=records, source="nul")
    assert (summary.inserted, summary.rejected) == (4, 1)
    assert not Trial.objects.filter(trial_id=records[0].id).exists()
    assert not TrialFacet.objects.filter(trial__trial_id=records[0].id).exists()


def _database_state() -> list:
    """Return everything an import writes, without surrogate ids and timestamps, in a stable order."""
    skip = {"id", "imported_at", "updated_at", "search_vector"}
    rows = []
    for trial in Trial.objects.order_by("registry", "trial_id"):
        fields = {f.attname: getattr(trial, f.attname) for f in Trial._meta.fields if f.attname not in skip}
        facets = sorted(trial.facets.values_list("kind", "value", "label"))
        rows.append((fields, facets))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The FTS index must hold exactly the rows of the table it indexes.
            cursor.execute("INSERT INTO trials_trial_fts(trials_trial_fts) VALUES ('integrity-check')")
            cursor.execute("SELECT rowid FROM trials_trial_fts WHERE trials_trial_fts MATCH 'disc' ORDER BY rowid")
        else:
            cursor.execute("SELECT id FROM trials_trial WHERE search_vector @@ plainto_tsquery('english', 'disc')")
        matched = {row[0] for row in cursor.fetchall()}
    rows.append(sorted(Trial.objects.filter(pk__in=matched).values_list("trial_id", flat=True)))
    return rows


def test_it_recovers_from_a_crash_in_the_middle_of_a_batch_with_a_rerun(exports, monkeypatch):
    import_files(*exports, batch_size=40)
    clean = _database_state()
    Trial.objects.all().delete()

    calls = {"n": 0}
    original = services._facets_insert

    def crash_on_third_batch(cursor, rows):
        # The third batch's trials are already inserted when its facets fail: nothing of it may remain.
        calls["n"] += 1
        if calls["n"] == 3:
            assert Trial.objects.count() > 80
            raise RuntimeError("injected crash")
        return original(cursor, rows)

    monkeypatch.setattr(services, "_facets_insert", crash_on_third_batch)
    with pytest.raises(RuntimeError, match="injected crash"):
        import_files(*exports, batch_size=40)
    assert Trial.objects.count() == 80  # two whole batches, none of the third
    monkeypatch.setattr(services, "_facets_insert", original)
    rerun = import_files(*exports, batch_size=40)
    assert rerun.inserted == len(clean) - 1 - 80
    assert _database_state() == clean


def test_it_writes_rejections_as_json_lines(tmp_path):
    rejection = Rejection(position=3, reason="missing id", source="x.json")
    path = services.rejections_write(rejections=[rejection], path=tmp_path / "out" / "rejected.jsonl")
    assert [json.loads(line) for line in path.read_text().splitlines()] == [rejection.to_dict()]


def test_it_counts_an_unreadable_file_as_one_rejection(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("column,other\n1,2\n", encoding="utf-8")
    summary = services.trials_import_paths(paths=[path])
    assert (summary.read, summary.rejected) == (1, 1) and "unrecognized" in summary.rejections[0].reason


def test_it_gives_the_cycle_collector_back_even_when_an_import_fails(cell_array):
    import gc

    def broken():
        yield from parse_path(cell_array, ids=current_ids())
        raise RuntimeError("the source failed")

    with pytest.raises(RuntimeError, match="the source failed"):
        trials_import(records=broken(), source="broken")
    assert gc.isenabled() and Trial.objects.count() == 0


def test_it_inserts_a_batchs_trials_and_facets_with_one_statement_each(exports):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        import_files(*exports, batch_size=60)
    inserts = [q["sql"].split(" (")[0] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO trials_")]
    batches = sum(-(-count // 60) for count in (100, 88))  # each file is its own batches here
    assert inserts == ["INSERT INTO trials_trial", "INSERT INTO trials_trialfacet"] * batches


def test_it_writes_the_same_when_the_parameter_limit_splits_the_inserts(exports, monkeypatch):
    import_files(*exports)
    whole = _database_state()
    Trial.objects.all().delete()
    monkeypatch.setattr(services, "_max_parameters", lambda: 100)  # 3 trials or 25 facets per statement
    import_files(*exports)
    assert _database_state() == whole
