"""Write registered trials into the database: idempotent upsert in batches, classification, facets, search index.

`trials_import(*, records, source)` takes what the registry parsers yield
(records and rejections) and returns how many were read, inserted, updated,
left unchanged and rejected. Each batch is one transaction: an exception in
the middle of a batch leaves none of that batch written, and a re-run then
finishes the job with the same result as a clean import. A record the
database refuses is retried alone and rejected with the database's reason,
so it never stops the records around it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from celldecide.knowledge import Knowledge
from celldecide.registry.classify import (
    CellVocabulary,
    ConditionVocabulary,
    classify_cells,
    pay_to_participate_hint,
)
from celldecide.registry.ids import IdMatcher
from celldecide.registry.client import CtGovClient
from celldecide.registry.parsers import ParseResult, Rejection, parse_path, parse_v2_studies
from celldecide.registry.records import TrialRecord, record_hash
from celldecide.web.trials.models import Trial, TrialFacet
from celldecide.web.trials.search import search_vectors_refresh

BATCH_SIZE = 500
FACET_KINDS = ("phase", "status", "cell_type", "country", "condition")
_FACET_MAX = 200  # the length of TrialFacet.value and .label
_UPDATED_FIELDS = (
    "title", "official_title", "brief_summary", "search_terms", "overall_status", "phases", "study_type",
    "enrollment_count", "conditions", "countries", "lead_sponsor_name", "last_update", "record", "content_hash",
    "source_format", "is_cell_therapy", "cell_types", "frontiers", "products", "pay_hint_level",
    "pay_hint_reasons", "knowledge_version", "updated_at",
)  # fmt: skip


@dataclass
class ImportSummary:
    """What an import did: records read, inserted, updated, left unchanged and rejected (with reasons)."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, int]:
        """Return the five counts, the exact object `celldecide trials import --json` prints."""
        return {
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def add(self, other: ImportSummary) -> None:
        """Add another summary's counts and rejections to this one."""
        for name in ("read", "inserted", "updated", "unchanged", "rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejections.extend(other.rejections)


@dataclass(frozen=True)
class Classifier:
    """The knowledge base's cell vocabulary, its version and cell-type names, ready to classify records."""

    version: str
    vocabulary: CellVocabulary
    cell_type_names: dict[str, str]
    conditions: ConditionVocabulary
    condition_names: dict[str, str]

    @classmethod
    def from_knowledge(cls, kb: Knowledge) -> Classifier:
        """Compile the vocabularies of cell types, frontiers, products and conditions of one knowledge version."""
        vocabulary = CellVocabulary.from_knowledge(
            cell_types=kb.cell_types, frontiers=kb.all("frontiers"), products=kb.products
        )
        return cls(
            version=kb.version,
            vocabulary=vocabulary,
            cell_type_names={c.id: c.name for c in kb.cell_types},
            conditions=ConditionVocabulary.from_knowledge(kb.conditions),
            condition_names={c.id: c.name for c in kb.conditions},
        )


_classifiers: dict[str, Classifier] = {}


def current_classifier() -> Classifier:
    """Return the classifier of the knowledge base the site runs on (compiled once per version)."""
    from celldecide.web.pages.knowledge import current_knowledge

    kb = current_knowledge()
    if kb.version not in _classifiers:
        _classifiers[kb.version] = Classifier.from_knowledge(kb)
    return _classifiers[kb.version]


def current_ids() -> IdMatcher:
    """Return the registry-id matcher of the knowledge base the site runs on."""
    from celldecide.web.pages.knowledge import current_id_matcher

    return current_id_matcher()


@dataclass
class _Incoming:
    record: TrialRecord
    data: dict[str, Any]
    hash: str
    position: int

    @property
    def freshness(self) -> tuple[str, int, str]:
        """Order two versions of one trial: newest last update, then the fuller record, then the hash."""
        return (_date(self.data.get("last_update")), _filled(self.data), self.hash)


def _date(value: dict | None) -> str:
    return value["value"] if value else ""


def _filled(data: dict[str, Any]) -> int:
    """Count the fields a record fills, so a field-restricted copy never replaces a full one of the same date."""
    return sum(1 for value in data.values() if value not in (None, "", [], {}))


def trials_import(
    *,
    records: Iterable[ParseResult],
    source: str,
    batch_size: int = BATCH_SIZE,
    classifier: Classifier | None = None,
    on_batch: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Upsert parsed records by (registry, id), keeping the newest version of each trial, batch by batch.

    `source` names where the records came from (a file path, "clinicaltrials.gov API") and is given to
    rejections that do not carry one. `on_batch` receives the running summary after each committed batch.
    """
    classifier = classifier or current_classifier()
    summary = ImportSummary()
    batch: list[_Incoming] = []
    position = 0
    for result in records:
        summary.read += 1
        if isinstance(result, Rejection):
            _reject(summary, result if result.source else _with_source(result, source))
        else:
            data = result.to_dict()
            batch.append(_Incoming(result, data, record_hash(data), position))
        position += 1
        if len(batch) >= batch_size:
            _import_batch(batch, summary, classifier=classifier, source=source)
            batch = []
            if on_batch:
                on_batch(summary)
    if batch:
        _import_batch(batch, summary, classifier=classifier, source=source)
    if on_batch:
        on_batch(summary)
    return summary


def _with_source(rejection: Rejection, source: str) -> Rejection:
    return Rejection(
        position=rejection.position, reason=rejection.reason, registry=rejection.registry, id=rejection.id,
        source=source,
    )  # fmt: skip


def _reject(summary: ImportSummary, rejection: Rejection) -> None:
    summary.rejected += 1
    summary.rejections.append(rejection)


def _newest_per_trial(batch: list[_Incoming], summary: ImportSummary) -> dict[tuple[str, str], _Incoming]:
    """Keep one incoming version per trial; a repeat that is not newer counts as unchanged."""
    newest: dict[tuple[str, str], _Incoming] = {}
    for item in batch:
        key = item.record.key
        current = newest.get(key)
        if current is None:
            newest[key] = item
        elif item.freshness > current.freshness:
            newest[key] = item
            summary.unchanged += 1
        else:
            summary.unchanged += 1
    return newest


def _import_batch(batch: list[_Incoming], summary: ImportSummary, *, classifier: Classifier, source: str) -> None:
    """Decide insert / update / unchanged for each trial of the batch, then write the batch in one transaction."""
    incoming = _newest_per_trial(batch, summary)
    existing = _existing(list(incoming))
    now = timezone.now()
    inserts: list[_Incoming] = []
    updates: list[tuple[_Incoming, dict[str, Any]]] = []
    refresh_version: list[int] = []
    for key, item in incoming.items():
        stored = existing.get(key)
        if stored is None:
            inserts.append(item)
        elif stored["content_hash"] == item.hash and stored["knowledge_version"] == classifier.version:
            summary.unchanged += 1
        else:
            updates.append((item, stored))
    _details([stored for _, stored in updates])
    newer = []
    for item, stored in updates:
        same = stored["content_hash"] == item.hash
        if same or item.freshness > (stored["last_update"], _filled(stored["record"]), stored["content_hash"]):
            newer.append((item, stored))
        else:
            summary.unchanged += 1  # an older or less complete version of what is stored
    updates = newer
    plans: list[_Plan] = []
    for item in inserts:
        plan = _plan(item, classifier=classifier, source=source, now=now, pk=None)
        if plan is not None:
            plans.append(plan)
        else:
            _reject(summary, _unreadable(item, source))
    for item, stored in updates:
        plan = _plan(item, classifier=classifier, source=source, now=now, pk=stored["id"])
        if plan is None:
            _reject(summary, _unreadable(item, source))
        elif stored["content_hash"] == item.hash and _same_classification(plan.row, stored):
            refresh_version.append(stored["id"])  # only the knowledge version moved: nothing a reader sees
            summary.unchanged += 1
        else:
            plans.append(plan)
    written = _write_all_or_each(plans, summary, source=source)
    for plan in written:
        if plan.pk is None:
            summary.inserted += 1
        else:
            summary.updated += 1
    if refresh_version:
        Trial.objects.filter(pk__in=refresh_version).update(knowledge_version=classifier.version)


def _unreadable(item: _Incoming, source: str) -> Rejection:
    return Rejection(
        position=item.position,
        reason="the record has a value that cannot be stored (see the registry's own page)",
        registry=item.record.registry,
        id=item.record.id,
        source=source,
    )


def _same_classification(row: dict[str, Any], stored: dict[str, Any]) -> bool:
    return all(row[name] == stored[name] for name in _CLASSIFICATION_FIELDS)


_CLASSIFICATION_FIELDS = ("is_cell_therapy", "cell_types", "frontiers", "products", "pay_hint_level", "pay_hint_reasons")


def _existing(keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Return what is stored for these trials: the columns that decide whether anything changed."""
    if not keys:
        return {}
    wanted = set(keys)
    columns = ("id", "registry", "trial_id", "content_hash", "last_update", "knowledge_version")
    rows = Trial.objects.filter(trial_id__in={k[1] for k in keys}).values(*columns)
    return {(r["registry"], r["trial_id"]): r for r in rows if (r["registry"], r["trial_id"]) in wanted}


def _details(stored: list[dict[str, Any]]) -> None:
    """Add the stored record and classification to rows that may change (read only for those)."""
    if not stored:
        return
    rows = Trial.objects.filter(pk__in=[s["id"] for s in stored]).values("id", "record", *_CLASSIFICATION_FIELDS)
    by_id = {row["id"]: row for row in rows}
    for row in stored:
        row.update(by_id[row["id"]])


@dataclass
class _Plan:
    """A trial row ready to write, with its facets; `pk` is None for a new trial."""

    item: _Incoming
    row: dict[str, Any]
    facets: list[tuple[str, str, str]]
    pk: int | None


def _plan(
    item: _Incoming, *, classifier: Classifier, source: str, now: dt.datetime, pk: int | None
) -> _Plan | None:
    """Return the row and facets of a record, or None when a value cannot be stored (e.g. a NUL character)."""
    try:
        row = trial_row(item.record, data=item.data, content_hash=item.hash, classifier=classifier)
        json.dumps(row["record"], ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeError):
        return None
    if any("\x00" in value for value in _texts(row)):
        return None  # PostgreSQL refuses NUL in text; refuse it on every engine alike
    row["updated_at"] = now
    return _Plan(item=item, row=row, facets=trial_facets(item.record, cell_types=row["cell_types"],
                                                        classifier=classifier), pk=pk)  # fmt: skip


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def trial_row(
    record: TrialRecord, *, data: dict[str, Any], content_hash: str, classifier: Classifier
) -> dict[str, Any]:
    """Return the column values of a trial: normalized fields, classification and the text search indexes."""
    cells = classify_cells(record, vocabulary=classifier.vocabulary)
    hint = pay_to_participate_hint(record)
    return {
        "registry": record.registry,
        "trial_id": record.id,
        "title": record.title or "",
        "official_title": record.official_title or "",
        "brief_summary": record.brief_summary or "",
        "search_terms": search_terms(record, cell_type_names=[classifier.cell_type_names.get(c, c)
                                                              for c in cells.cell_types]),  # fmt: skip
        "overall_status": record.overall_status or "",
        "phases": list(record.phases),
        "study_type": record.study_type or "",
        "enrollment_count": record.enrollment_count,
        "conditions": list(record.conditions),
        "countries": list(record.countries),
        "lead_sponsor_name": record.lead_sponsor_name or "",
        "last_update": record.last_update.value if record.last_update else "",
        "record": data,
        "content_hash": content_hash,
        "source_format": record.source_format,
        "is_cell_therapy": cells.is_cell_therapy,
        "cell_types": list(cells.cell_types),
        "frontiers": list(cells.frontiers),
        "products": list(cells.products),
        "pay_hint_level": hint.level,
        "pay_hint_reasons": [{"code": r.code, "detail": r.detail} for r in hint.reasons],
        "knowledge_version": classifier.version,
    }


def search_terms(record: TrialRecord, *, cell_type_names: Iterable[str] = ()) -> str:
    """Return the text indexed beside the titles and summary: ids, conditions, interventions, sponsors, places."""
    parts: list[str] = [record.id, *record.secondary_ids, *record.conditions, *record.keywords]
    for intervention in record.interventions:
        parts.append(intervention.name)
        parts.extend(intervention.other_names)
        if intervention.description:
            parts.append(intervention.description)
    parts.extend(p for p in (record.lead_sponsor_name, *record.collaborators, *record.countries) if p)
    parts.extend(cell_type_names)
    return "\n".join(parts)


_STATUS_LABELS = {"ACTIVE_NOT_RECRUITING": "Active, not recruiting", "UNKNOWN": "Unknown status"}
PHASE_LABELS = {"early_1": "Early phase 1", "1": "Phase 1", "1/2": "Phase 1/2", "2": "Phase 2",
                "2/3": "Phase 2/3", "3": "Phase 3", "4": "Phase 4"}  # fmt: skip


def status_label(status: str) -> str:
    """Return a status in plain words: "NOT_YET_RECRUITING" -> "Not yet recruiting"."""
    return _STATUS_LABELS.get(status) or status.replace("_", " ").capitalize()


def facet_key(text: str) -> str:
    """Return the comparison key of a facet value: lower case, single spaces, at most 200 characters."""
    return " ".join(text.casefold().split())[:_FACET_MAX]


def trial_facets(
    record: TrialRecord, *, cell_types: Iterable[str], classifier: Classifier
) -> list[tuple[str, str, str]]:
    """Return the (kind, value, label) facets of a trial, one per distinct value.

    A registered condition that names a knowledge-base condition counts under that condition's id (so
    `/trials/?condition=knee_osteoarthritis` finds it); any other counts under its own words.
    """
    facets: dict[tuple[str, str], str] = {}
    for phase in record.phases:
        facets[("phase", phase)] = PHASE_LABELS.get(phase, phase)
    if record.overall_status:
        facets[("status", record.overall_status.lower())] = status_label(record.overall_status)
    for cell_type in cell_types:
        facets[("cell_type", cell_type)] = classifier.cell_type_names.get(cell_type, cell_type)
    for text in record.countries:
        if facet_key(text):
            facets.setdefault(("country", facet_key(text)), text[:_FACET_MAX])
    for text in record.conditions:
        known = classifier.conditions.ids_in(text)
        for condition in known:
            facets[("condition", condition)] = classifier.condition_names[condition]
        if not known and facet_key(text):
            facets.setdefault(("condition", facet_key(text)), text[:_FACET_MAX])
    return [(kind, value, label) for (kind, value), label in facets.items()]


def condition_filter_value(text: str, *, classifier: Classifier) -> str:
    """Return the facet value a condition filter means: a knowledge id as given or named, else the words' key."""
    stripped = text.strip()
    if stripped in classifier.condition_names:
        return stripped
    known = classifier.conditions.ids_in(stripped)
    return known[0] if known else facet_key(stripped)


def _write_all_or_each(plans: list[_Plan], summary: ImportSummary, *, source: str) -> list[_Plan]:
    """Write the batch in one transaction; if the database refuses it, write each trial alone and reject the bad.

    Only database errors are retried: any other exception (a crash, an interrupt) leaves the whole batch
    unwritten and propagates.
    """
    if not plans:
        return []
    try:
        with transaction.atomic():
            _write(plans)
        return plans
    except DatabaseError:
        pass
    written = []
    for plan in plans:
        try:
            with transaction.atomic():
                _write([plan])
            written.append(plan)
        except DatabaseError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            _reject(summary, Rejection(position=plan.item.position, reason=f"the database refused it: {reason}",
                                       registry=plan.item.record.registry, id=plan.item.record.id, source=source))  # fmt: skip
    return written


def _write(plans: list[_Plan]) -> None:
    """Insert new trials, update changed ones, replace their facets and refresh their search vectors."""
    new_plans = [p for p in plans if p.pk is None]
    new = Trial.objects.bulk_create([Trial(imported_at=p.row["updated_at"], **p.row) for p in new_plans])
    changed = [Trial(pk=p.pk, **p.row) for p in plans if p.pk is not None]
    if changed:
        Trial.objects.bulk_update(changed, _UPDATED_FIELDS)
        TrialFacet.objects.filter(trial_id__in=[t.pk for t in changed]).delete()
    # SQLite (3.35+) and PostgreSQL both return the ids of bulk-inserted rows.
    pks = [t.pk for t in new] + [t.pk for t in changed]
    ordered = new_plans + [p for p in plans if p.pk is not None]
    TrialFacet.objects.bulk_create(
        TrialFacet(trial_id=pk, kind=kind, value=value, label=label)
        for pk, plan in zip(pks, ordered)
        for kind, value, label in plan.facets
    )
    search_vectors_refresh(trial_ids=pks)


def trials_import_paths(
    *,
    paths: Iterable[Path],
    ids: IdMatcher | None = None,
    batch_size: int = BATCH_SIZE,
    on_file: Callable[[Path, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import every registry file (format detected per file); a file that cannot be read at all is one rejection."""
    from celldecide.registry.parsers import RegistryFormatError

    matcher = ids or current_ids()
    classifier = current_classifier()
    total = ImportSummary()
    for path in paths:
        try:
            results = parse_path(path, ids=matcher)
            part = trials_import(records=results, source=str(path), batch_size=batch_size, classifier=classifier)
        except RegistryFormatError as error:
            part = ImportSummary(read=1, rejected=1, rejections=[Rejection(position=0, reason=str(error),
                                                                           source=str(path))])  # fmt: skip
        total.add(part)
        if on_file:
            on_file(path, total)
    return total


def registry_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the registry files they hold (.json, .xml, .csv, .zip), sorted; files stay as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES))
        else:
            found.append(path)
    return found


_SUFFIXES = frozenset({".json", ".xml", ".csv", ".zip"})


def rejections_write(*, rejections: Iterable[Rejection], path: Path) -> Path:
    """Write one JSON object per rejected record (position, reason, registry, id, source) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as stream:
        for rejection in rejections:
            stream.write(json.dumps(rejection.to_dict(), ensure_ascii=False) + "\n")
    return path


def trials_fetch(
    *,
    client: CtGovClient,
    query: str,
    condition: str | None = None,
    max_records: int | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Search ClinicalTrials.gov with the client (page by page) and import what it returns as it arrives."""
    studies = client.iter_studies(term=query, condition=condition, max_records=max_records)
    records = parse_v2_studies(studies, ids=current_ids(), source=FETCH_SOURCE)
    return trials_import(records=records, source=FETCH_SOURCE, batch_size=batch_size, on_batch=on_batch)


FETCH_SOURCE = "clinicaltrials.gov API v2"
