"""One row per knowledge entry, plus the version of the files last loaded."""

from __future__ import annotations

from django.db import models


class KnowledgeEntry(models.Model):
    """A knowledge entry as loaded from the files: its collection, key, data and a digest of the data."""

    collection = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    file = models.CharField(max_length=200)
    data = models.JSONField()
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "key"], name="kb_entry_unique_key")]
        ordering = ["collection", "key"]
        verbose_name_plural = "knowledge entries"

    def __str__(self) -> str:
        return f"{self.collection}:{self.key}"


class KnowledgeState(models.Model):
    """The knowledge version currently in the database (a single row)."""

    version = models.CharField(max_length=40)
    loaded_at = models.DateTimeField(auto_now=True)
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.version
