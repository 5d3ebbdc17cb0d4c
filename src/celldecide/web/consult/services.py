"""Read a filled consult worksheet, and keep the ones a user asks a link for."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from celldecide.reader.answers import assess_answers
from celldecide.web.consult.models import SharedConsult
from celldecide.web.pages.knowledge import current_knowledge

SHARE_DAYS = 30
SCHEMA_ID = "celldecide.consult/1"


def consult_sheet_make(*, answers: Mapping[str, str], clinic: str = "", consulted_on: dt.date | None = None) -> dict[str, Any]:
    """Read every answer (question id -> what the clinic said) and return the filled sheet as JSON-ready data.

    Each entry keeps its question's wording, so a sheet shared today still reads the same after the questions change.
    Nothing is stored or logged here: a sheet lives only in the response unless the user asks for a link.
    """
    kb = current_knowledge()
    questions = kb.by_id("clinic_questions")
    return {
        "schema": SCHEMA_ID,
        "knowledge_version": kb.version,
        "clinic": clinic.strip(),
        "consulted_on": consulted_on.isoformat() if consulted_on else "",
        "answers": [
            {**assessment.to_json(), "question": questions[assessment.question_id].question}
            for assessment in assess_answers(answers, knowledge=kb)
        ],
    }


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def shared_consult_create(*, sheet: dict[str, Any]) -> tuple[SharedConsult, str]:
    """Store a filled sheet under an unguessable id; return it with the owner's deletion key (shown once)."""
    owner_key = secrets.token_urlsafe(24)
    shared = SharedConsult.objects.create(
        id=secrets.token_urlsafe(16),
        owner_key_sha256=_digest(owner_key),
        sheet=sheet,
        expires_at=timezone.now() + dt.timedelta(days=SHARE_DAYS),
    )
    return shared, owner_key


def shared_consult_get(*, sheet_id: str) -> SharedConsult | None:
    """Return a shared sheet that has not expired, or None."""
    return SharedConsult.objects.filter(id=sheet_id, expires_at__gt=timezone.now()).first()


def shared_consult_delete(*, sheet_id: str, owner_key: str) -> bool:
    """Delete a shared sheet if `owner_key` is its deletion key; return whether it was deleted."""
    shared = SharedConsult.objects.filter(id=sheet_id).first()
    if shared is None or not hmac.compare_digest(shared.owner_key_sha256, _digest(owner_key)):
        return False
    shared.delete()
    return True


def shared_consults_purge(*, now: dt.datetime | None = None) -> int:
    """Delete every expired shared sheet; return how many."""
    deleted, _ = SharedConsult.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
