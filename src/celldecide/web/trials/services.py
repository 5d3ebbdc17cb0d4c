"""Write registered trials into the database: idempotent upsert in batches, classification, facets, search index.

`trials_import(*, records, source)` takes what the registry parsers yield
(records and rejections) and returns how many were read, inserted, updated,
left unchanged and rejected. Each batch is one transaction: an exception in
the middle of a batch leaves none of that batch written, and a re-run then
finishes the job with the same result as a clean import. A record the
database refuses is retried alone and rejected with the database's reason,
so it never stops the records around it.

A batch costs a fixed number of statements whatever its size: one query for
what is stored of its trials, one `INSERT ... VALUES` of all its new trials,
one `executemany` update for changed ones, one insert of all their facets, and
one query for the ids of the new rows (an insert is split only past the
engine's parameter limit). Each record becomes a dict once; orjson writes it
as the text that is stored and checked for NUL characters, and sorted as the
text that is hashed. Batches run across the files of one import, and Python's
cycle collector is paused while records are built. The search index follows
the rows by itself: FTS5 triggers on SQLite, a trigger filling `search_vector`
on PostgreSQL (migrations 0002 to 0004); on SQLite, one insert per batch is
also what keeps the FTS5 index from writing a segment per trial (`_insert_rows`).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from django.db import DatabaseError, connection, transaction
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
from celldecide.web.trials.models import Trial
from celldecide.web.trials.search import facet_words

BATCH_SIZE = 500
FACET_KINDS = ("phase", "status", "cell_type", "country", "condition")
_FACET_MAX = 200  # the length of TrialFacet.value and .label
# The columns an import writes, in the order of its statements' parameters; an update leaves the rest
# (`registry`, `trial_id`, `imported_at`) as they are.
_UPDATED_FIELDS = (
    "title", "official_title", "brief_summary", "search_terms", "overall_status", "phases", "study_type",
    "enrollment_count", "conditions", "countries", "lead_sponsor_name", "last_update", "record", "content_hash",
    "source_format", "is_cell_therapy", "cell_types", "frontiers", "products", "pay_hint_level",
    "pay_hint_reasons", "knowledge_version", "search_facets", "updated_at",
)  # fmt: skip
_JSON_FIELDS = frozenset({"phases", "conditions", "countries", "record", "cell_types", "frontiers", "products",
                          "pay_hint_reasons"})  # fmt: skip
# Where `_values` puts the stored record, the time, and the other JSON columns (written as text).
_RECORD_INDEX = _UPDATED_FIELDS.index("record")
_UPDATED_AT_INDEX = _UPDATED_FIELDS.index("updated_at")
_JSON_INDEXES = tuple(i for i, name in enumerate(_UPDATED_FIELDS) if name in _JSON_FIELDS and i != _RECORD_INDEX)
# Ids per IN (...) list: under SQLite's oldest limit of 999 parameters per statement.
_IN_CHUNK = 900


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
    """A parsed record waiting in a batch, with its plain data, content hash, and where it was read."""

    record: TrialRecord
    data: dict[str, Any]
    hash: str
    position: int
    source: str
    json: str | None = None  # `data` as JSON text, when it could be written

    @property
    def freshness(self) -> tuple[str, int, str]:
        """Order two versions of one trial: newest last update, then the fuller record, then the hash."""
        return (_date(self.data.get("last_update")), _filled(self.data), self.hash)


def _incoming(result: TrialRecord, *, position: int, source: str) -> _Incoming:
    """Convert a parsed record once: the dict, the stored JSON text (orjson writes a dict fastest) and the hash."""
    data = result.to_dict()
    try:
        text: str | None = orjson.dumps(data).decode("utf-8")
        content_hash = record_hash(data)
    except TypeError:  # a lone surrogate or an integer over 64 bits: `_plan` rejects it with its reason
        text = None
        content_hash = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode("ascii")).hexdigest()
    return _Incoming(result, data, content_hash, position, source, text)


def _date(value: dict | None) -> str:
    return value["value"] if value else ""


def _filled(data: dict[str, Any]) -> int:
    """Count the fields a record fills, so a field-restricted copy never replaces a full one of the same date."""
    return sum(1 for value in data.values() if value not in (None, "", [], {}))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while records are decoded and built (young objects are collected per batch).

    Decoding a registry file allocates hundreds of thousands of containers, and every 700 allocations start
    a collection that walks the young ones, again and again while they stay alive: about a fifth of the
    import's time, for nothing, since parsed records hold no reference cycles and reference counting frees
    them. `_BatchImport` collects the young generations after each batch, so cycles that do form (an
    exception's traceback) are freed as the import goes.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _BatchImport:
    """Gather parsed records (from one source or many files) into batches and write each batch in one transaction."""

    def __init__(
        self, *, classifier: Classifier, batch_size: int, on_batch: Callable[[ImportSummary], None] | None = None
    ) -> None:
        self.classifier = classifier
        self.batch_size = max(1, batch_size)
        self.on_batch = on_batch
        self.summary = ImportSummary()
        self.batch: list[_Incoming] = []

    def add(self, result: ParseResult, *, position: int, source: str) -> None:
        """Count one parse result: reject it, or queue it and write the batch once it is full."""
        self.summary.read += 1
        if isinstance(result, Rejection):
            _reject(self.summary, result if result.source else _with_source(result, source))
            return
        self.batch.append(_incoming(result, position=position, source=source))
        if len(self.batch) >= self.batch_size:
            self._flush()
            if self.on_batch:
                self.on_batch(self.summary)

    def finish(self) -> ImportSummary:
        """Write what is left and return the summary."""
        self._flush()
        if self.on_batch:
            self.on_batch(self.summary)
        return self.summary

    def _flush(self) -> None:
        if self.batch:
            batch, self.batch = self.batch, []
            _import_batch(batch, self.summary, classifier=self.classifier)
            del batch  # freed first, so the collection walks only what outlives the batch, not its records
            if not gc.isenabled():
                gc.collect(1)


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
    importer = _BatchImport(classifier=classifier or current_classifier(), batch_size=batch_size, on_batch=on_batch)
    with _collector_paused():
        for position, result in enumerate(records):
            importer.add(result, position=position, source=source)
        return importer.finish()


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


def _import_batch(batch: list[_Incoming], summary: ImportSummary, *, classifier: Classifier) -> None:
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
        plan = _plan(item, classifier=classifier, now=now, pk=None)
        if plan is not None:
            plans.append(plan)
        else:
            _reject(summary, _unreadable(item, item.source))
    for item, stored in updates:
        plan = _plan(item, classifier=classifier, now=now, pk=stored["id"])
        if plan is None:
            _reject(summary, _unreadable(item, item.source))
        elif stored["content_hash"] == item.hash and _same_classification(plan.row, stored):
            refresh_version.append(stored["id"])  # only the knowledge version moved: nothing a reader sees
            summary.unchanged += 1
        else:
            plans.append(plan)
    written = _write_all_or_each(plans, summary)
    for plan in written:
        if plan.pk is None:
            summary.inserted += 1
        else:
            summary.updated += 1
    if refresh_version:
        with transaction.atomic():
            for chunk in _chunks(refresh_version):
                Trial.objects.filter(pk__in=chunk).update(knowledge_version=classifier.version)


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


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    """Split a list of parameters into pieces short enough for one IN (...) list."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _by_registry(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group (registry, id) pairs by registry, so each lookup uses the (registry, trial_id) unique index."""
    grouped: dict[str, list[str]] = {}
    for registry, trial_id in keys:
        grouped.setdefault(registry, []).append(trial_id)
    return grouped


def _existing(keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Return what is stored for these trials (one indexed query per registry and batch): the deciding columns."""
    columns = ("id", "registry", "trial_id", "content_hash", "last_update", "knowledge_version")
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for registry, trial_ids in _by_registry(keys).items():
        for chunk in _chunks(trial_ids):
            rows = Trial.objects.filter(registry=registry, trial_id__in=chunk).order_by().values(*columns)
            found.update(((r["registry"], r["trial_id"]), r) for r in rows)
    return found


def _details(stored: list[dict[str, Any]]) -> None:
    """Add the stored record and classification to rows that may change (read only for those)."""
    by_id: dict[int, dict[str, Any]] = {}
    for chunk in _chunks([s["id"] for s in stored]):
        rows = Trial.objects.filter(pk__in=chunk).order_by().values("id", "record", *_CLASSIFICATION_FIELDS)
        by_id.update((row["id"], row) for row in rows)
    for row in stored:
        row.update(by_id[row["id"]])


@dataclass
class _Plan:
    """A trial row ready to write, with its record as JSON text and its facets; `pk` is None for a new trial."""

    item: _Incoming
    row: dict[str, Any]
    record_json: str
    facets: list[tuple[str, str, str]]
    pk: int | None


def _plan(item: _Incoming, *, classifier: Classifier, now: dt.datetime, pk: int | None) -> _Plan | None:
    """Return the row and facets of a record, or None when a value cannot be stored (e.g. a NUL character)."""
    try:
        record_json = item.json if item.json is not None else orjson.dumps(item.data).decode("utf-8")
        row = trial_row(item.record, data=item.data, content_hash=item.hash, classifier=classifier)
    except (TypeError, ValueError, UnicodeError):  # orjson refuses lone surrogates and integers over 64 bits
        return None
    # PostgreSQL refuses NUL in text; refuse it on every engine alike. The JSON holds every text of the record,
    # a NUL as the escape \u0000; only then are the texts walked, to tell it from a written-out "\\u0000".
    if "\\u0000" in record_json and any("\x00" in value for value in _texts(row)):
        return None
    facets = trial_facets(item.record, cell_types=row["cell_types"], classifier=classifier)
    row["search_facets"] = facet_words(facets)
    row["updated_at"] = now
    return _Plan(item=item, row=row, record_json=record_json, facets=facets, pk=pk)


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


def _write_all_or_each(plans: list[_Plan], summary: ImportSummary) -> list[_Plan]:
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
                                       registry=plan.item.record.registry, id=plan.item.record.id,
                                       source=plan.item.source))  # fmt: skip
    return written


def _write(plans: list[_Plan]) -> None:
    """Insert new trials, update changed ones and replace their facets: a few statements for the whole batch."""
    new_plans = [p for p in plans if p.pk is None]
    changed = [p for p in plans if p.pk is not None]
    json_placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    placeholders = [json_placeholder if name in _JSON_FIELDS else "%s" for name in _UPDATED_FIELDS]
    # A batch's plans share one time (`_import_batch`), written as `updated_at` and, for new trials, `imported_at`.
    stamp = connection.ops.adapt_datetimefield_value(plans[0].row["updated_at"]) if plans else None
    with connection.cursor() as cursor:
        pks: dict[tuple[str, str], int] = {}
        if new_plans:
            _insert_rows(
                cursor,
                f"INSERT INTO trials_trial (registry, trial_id, imported_at, {', '.join(_UPDATED_FIELDS)})",
                f"(%s, %s, %s, {', '.join(placeholders)})",
                [(p.row["registry"], p.row["trial_id"], stamp, *_values(p, stamp)) for p in new_plans],
            )
            pks = _ids(cursor, [p.item.record.key for p in new_plans])
        if changed:
            assignments = ", ".join(f"{name} = {ph}" for name, ph in zip(_UPDATED_FIELDS, placeholders))
            cursor.executemany(
                f"UPDATE trials_trial SET {assignments} WHERE id = %s", [(*_values(p, stamp), p.pk) for p in changed]
            )
            for chunk in _chunks([p.pk for p in changed]):
                cursor.execute(f"DELETE FROM trials_trialfacet WHERE trial_id IN ({', '.join(['%s'] * len(chunk))})",
                               list(chunk))  # fmt: skip
        rows = [
            (pks[p.item.record.key] if p.pk is None else p.pk, kind, value, label)
            for p in plans
            for kind, value, label in p.facets
        ]
        _facets_insert(cursor, rows)


def _values(plan: _Plan, stamp: Any) -> list[Any]:
    """Return the plan's values of `_UPDATED_FIELDS` as the database takes them (JSON as text, `stamp` the time)."""
    row = plan.row
    values = [row[name] for name in _UPDATED_FIELDS]
    for index in _JSON_INDEXES:
        values[index] = orjson.dumps(values[index]).decode("utf-8")
    values[_RECORD_INDEX] = plan.record_json
    values[_UPDATED_AT_INDEX] = stamp
    return values


def _ids(cursor, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Return the ids of the trials with these (registry, id) keys, through the unique index."""
    found: dict[tuple[str, str], int] = {}
    for registry, trial_ids in _by_registry(keys).items():
        for chunk in _chunks(trial_ids):
            cursor.execute(
                f"SELECT trial_id, id FROM trials_trial WHERE registry = %s "
                f"AND trial_id IN ({', '.join(['%s'] * len(chunk))})",
                [registry, *chunk],
            )
            found.update(((registry, trial_id), pk) for trial_id, pk in cursor.fetchall())
    return found


def _facets_insert(cursor, rows: list[tuple[int, str, str, str]]) -> None:
    """Insert facet rows (trial id, kind, value, label) in one statement."""
    _insert_rows(cursor, "INSERT INTO trials_trialfacet (trial_id, kind, value, label)", "(%s, %s, %s, %s)", rows)


def _insert_rows(cursor, head: str, row: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows with multi-row `INSERT ... VALUES` statements, as few as the engine's parameter limit allows.

    On SQLite this is more than fewer statements: FTS5 writes the index entries it holds in memory out to a
    new segment at each statement's savepoint, so an insert per row (`executemany`) made the triggers flush,
    and later merge, one small segment per trial, the larger part of the import's database time.
    """
    if not rows:
        return
    per_statement = max(1, _max_parameters() // len(rows[0]))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params = [value for values in chunk for value in values]
        cursor.execute(f"{head} VALUES {', '.join([row] * len(chunk))}", params)


def _max_parameters() -> int:
    """Return how many parameters one statement may hold: SQLite's compiled limit, PostgreSQL's protocol limit."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535


def trials_import_paths(
    *,
    paths: Iterable[Path],
    ids: IdMatcher | None = None,
    batch_size: int = BATCH_SIZE,
    on_file: Callable[[Path, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import every registry file (format detected per file); a file that cannot be read at all is one rejection.

    Batches run across files, so many small files cost a few transactions rather than one each. `on_file`
    receives the running summary once a file is read; the records of a batch still open count as read only.
    A file that turns out unreadable part way (a zip member over the size limit) keeps the records read
    before that point and adds one rejection for the rest.
    """
    from celldecide.registry.parsers import RegistryFormatError

    matcher = ids or current_ids()
    importer = _BatchImport(classifier=current_classifier(), batch_size=batch_size)
    with _collector_paused():
        for path in paths:
            source = str(path)
            try:
                for position, result in enumerate(parse_path(path, ids=matcher)):
                    importer.add(result, position=position, source=source)
            except RegistryFormatError as error:
                importer.add(Rejection(position=0, reason=str(error), source=source), position=0, source=source)
            if on_file:
                on_file(path, importer.summary)
        return importer.finish()


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
