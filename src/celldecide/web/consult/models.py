from __future__ import annotations

from django.db import models


class SharedConsult(models.Model):
    """A filled worksheet its author asked a link for: reachable by an unguessable id until it expires or is deleted.

    Only worksheets a user asks a link for are stored; the owner's deletion key is kept as a SHA-256 digest.
    """

    id = models.CharField(primary_key=True, max_length=32)
    owner_key_sha256 = models.CharField(max_length=64)
    sheet = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.id
