"""Write the knowledge base into the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from django.db import transaction

from celldecide.knowledge import COLLECTIONS, Knowledge
from celldecide.web.kb.models import KnowledgeEntry, KnowledgeState

_TITLE_FIELDS = ("name", "title", "term", "question", "aspect", "area")


@dataclass(frozen=True)
class SyncResult:
    """What a sync changed: rows inserted, updated, deleted and left as they were."""

    version: str
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)

    def to_dict(self) -> dict:
        return asdict(self)


def _rows(kb: Knowledge) -> dict[tuple[str, str], dict]:
    rows: dict[tuple[str, str], dict] = {}
    for coll in COLLECTIONS:
        for entry in kb.all(coll.name):
            key = getattr(entry, coll.key)
            data = entry.model_dump(mode="json")
            title = next((str(data[f]) for f in _TITLE_FIELDS if data.get(f)), key)
            rows[(coll.name, key)] = {
                "title": title[:300],
                "file": kb.origin(coll.name, key),
                "data": data,
                "digest": hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest(),
            }
    for slug, page in kb.pages.items():
        data = page.model_dump(mode="json")
        rows[("pages", slug)] = {
            "title": page.title,
            "file": f"pages/{slug}.md",
            "data": data,
            "digest": hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest(),
        }
    return rows


@transaction.atomic
def knowledge_sync(*, kb: Knowledge) -> SyncResult:
    """Make the database hold exactly the entries of `kb`, in one transaction; a second run changes nothing."""
    wanted = _rows(kb)
    existing = {(e.collection, e.key): e for e in KnowledgeEntry.objects.select_for_update()}
    to_create, to_update = [], []
    unchanged = 0
    for ident, row in wanted.items():
        current = existing.get(ident)
        if current is None:
            to_create.append(KnowledgeEntry(collection=ident[0], key=ident[1], **row))
        elif current.digest != row["digest"] or current.file != row["file"] or current.title != row["title"]:
            for field, value in row.items():
                setattr(current, field, value)
            to_update.append(current)
        else:
            unchanged += 1
    stale = [e.pk for ident, e in existing.items() if ident not in wanted]
    KnowledgeEntry.objects.bulk_create(to_create, batch_size=500)
    KnowledgeEntry.objects.bulk_update(to_update, ["title", "file", "data", "digest"], batch_size=500)
    KnowledgeEntry.objects.filter(pk__in=stale).delete()
    state = KnowledgeState.objects.first()
    counts = kb.stats()
    if state is None:
        KnowledgeState.objects.create(version=kb.version, counts=counts)
    elif state.version != kb.version or state.counts != counts:
        state.version, state.counts = kb.version, counts
        state.save()
    return SyncResult(
        version=kb.version, inserted=len(to_create), updated=len(to_update), deleted=len(stale), unchanged=unchanged
    )
