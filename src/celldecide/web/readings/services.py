"""Make readings from pasted text or a public URL, and keep the ones a user chooses to share."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from celldecide.reader import read
from celldecide.web.pages.knowledge import current_knowledge
from celldecide.web.readings.models import SharedReading

SHARE_DAYS = 30


@dataclass(frozen=True)
class Made:
    """A reading and, when it was read from the web, the address it came from."""

    reading: dict[str, Any]
    source_url: str = ""


def _trial_lookup():
    from celldecide.web.trials.selectors import trial_lookup

    return trial_lookup


def reading_make(*, text: str | bytes | None = None, url: str | None = None, fetcher=None) -> Made:
    """Read `text`, or fetch `url` safely and read what it serves; raise the reader's or the fetcher's typed errors.

    Nothing is stored or logged here: a reading lives only in the response unless the user shares it.
    """
    source_url = ""
    if url:
        from celldecide.fetch import fetch_public_url

        page = (fetcher or fetch_public_url)(url)
        text, source_url = page.text, page.final_url
    reading = read(text or "", knowledge=current_knowledge(), trial_lookup=_trial_lookup())
    return Made(reading.to_json(), source_url)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def shared_reading_create(*, reading: dict[str, Any], source_url: str = "") -> tuple[SharedReading, str]:
    """Store a reading under an unguessable id; return it with the owner's deletion key (shown once)."""
    owner_key = secrets.token_urlsafe(24)
    shared = SharedReading.objects.create(
        id=secrets.token_urlsafe(16),
        owner_key_sha256=_digest(owner_key),
        reading=reading,
        source_url=source_url,
        expires_at=timezone.now() + dt.timedelta(days=SHARE_DAYS),
    )
    return shared, owner_key


def shared_reading_get(*, reading_id: str) -> SharedReading | None:
    """Return a shared reading that has not expired, or None."""
    return SharedReading.objects.filter(id=reading_id, expires_at__gt=timezone.now()).first()


def shared_reading_delete(*, reading_id: str, owner_key: str) -> bool:
    """Delete a shared reading if `owner_key` is its deletion key; return whether it was deleted."""
    shared = SharedReading.objects.filter(id=reading_id).first()
    if shared is None or not hmac.compare_digest(shared.owner_key_sha256, _digest(owner_key)):
        return False
    shared.delete()
    return True


def shared_readings_purge(*, now: dt.datetime | None = None) -> int:
    """Delete every expired shared reading; return how many."""
    deleted, _ = SharedReading.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
