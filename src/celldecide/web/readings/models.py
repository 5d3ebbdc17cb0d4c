from __future__ import annotations

from django.db import models


class SharedReading(models.Model):
    """A reading its author chose to share: reachable by an unguessable id until it expires or is deleted.

    Only readings a user asks to share are stored; the owner's deletion key is kept as a SHA-256 digest.
    """

    id = models.CharField(primary_key=True, max_length=32)
    owner_key_sha256 = models.CharField(max_length=64)
    reading = models.JSONField()
    source_url = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.id
