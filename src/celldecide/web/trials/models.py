"""One row per registered trial (registry, trial id), plus its facet values for filtering and counting."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Trial(models.Model):
    """A registered trial as last imported: normalized fields, the full record, and its classification.

    `record` holds `TrialRecord.to_dict()`; the columns beside it are what search, filters and pages read
    without decoding it. `search_vector` is filled on PostgreSQL only, by a trigger; SQLite indexes the same
    text columns in an FTS5 table kept in step by triggers (see migrations 0002 to 0004).
    """

    registry = models.CharField(max_length=40)
    trial_id = models.CharField(max_length=80)
    title = models.TextField(blank=True, default="")
    official_title = models.TextField(blank=True, default="")
    brief_summary = models.TextField(blank=True, default="")
    search_terms = models.TextField(blank=True, default="")
    overall_status = models.CharField(max_length=40, blank=True, default="")
    phases = models.JSONField(default=list)
    study_type = models.CharField(max_length=40, blank=True, default="")
    enrollment_count = models.IntegerField(null=True, blank=True)
    conditions = models.JSONField(default=list)
    countries = models.JSONField(default=list)
    lead_sponsor_name = models.TextField(blank=True, default="")
    # ISO partial date (YYYY, YYYY-MM or YYYY-MM-DD): compares correctly as text, and "" sorts first.
    last_update = models.CharField(max_length=10, blank=True, default="")
    record = models.JSONField()
    content_hash = models.CharField(max_length=64)
    source_format = models.CharField(max_length=40, blank=True, default="")
    is_cell_therapy = models.BooleanField(default=False)
    cell_types = models.JSONField(default=list)
    frontiers = models.JSONField(default=list)
    products = models.JSONField(default=list)
    pay_hint_level = models.CharField(max_length=10, default="none")
    pay_hint_reasons = models.JSONField(default=list)
    knowledge_version = models.CharField(max_length=40, blank=True, default="")
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    # One opaque word per facet value (`search.facet_token`), indexed with the texts: a filter is an index lookup.
    search_facets = models.TextField(blank=True, default="", editable=False)
    imported_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registry", "trial_id"], name="trials_trial_unique_id")]
        indexes = [models.Index(fields=["last_update", "id"], name="trials_trial_last_update")]
        ordering = ["registry", "trial_id"]

    def __str__(self) -> str:
        return f"{self.registry}:{self.trial_id}"

    def get_absolute_url(self) -> str:
        return f"/trials/{self.registry}/{self.trial_id}/"


class TrialFacet(models.Model):
    """One filterable value of a trial: its phase, status, cell type, country or condition.

    `value` is the comparison key (lower case, single spaces); `label` is the text as registered.
    """

    # No index of its own: the (trial, kind, value) unique index leads with it and also covers the counts.
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="facets", db_index=False)
    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trial", "kind", "value"], name="trials_facet_unique_value"),
        ]
        indexes = [models.Index(fields=["kind", "value", "trial"], name="trials_facet_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class TrialSearchState(models.Model):
    """One row whose token changes with every write to the trials table (database triggers, migration 0004).

    Figures over the whole table (the total and the facet counts shown before any search) are costly at
    scale; a process keeps them while the token it read them under stays the same.
    """

    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return self.token
