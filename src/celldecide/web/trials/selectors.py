"""Read registered trials: full-text search with filters, facet counts and pages; one trial; the reader's lookup."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db import connection

from celldecide.web.trials import search
from celldecide.web.trials.models import Trial
from celldecide.web.trials.services import PHASE_LABELS, condition_filter_value, current_classifier, facet_key

PAGE_SIZE = 20
FACET_KINDS = ("phase", "status", "cell_type", "country", "condition")
# Long facet lists (countries, conditions) show their most frequent values only.
FACET_LIMIT = 12
_PHASE_ORDER = {phase: n for n, phase in enumerate(PHASE_LABELS)}


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with the number of matching trials that have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """One page of trials matching a search, the total, the facet counts and the filters applied."""

    trials: list[Trial]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    filters: dict[str, str]
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (what `celldecide trials search --json` prints)."""
        return {
            "text": self.text,
            "filters": self.filters,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "trials": [trial_summary(t) for t in self.trials],
            "facets": {k: [{"value": v.value, "label": v.label, "count": v.count} for v in vs]
                       for k, vs in self.facets.items()},  # fmt: skip
        }


def _filter_value(kind: str, value: str) -> str:
    """Return the stored facet value a filter asks for: ids as given, statuses lower case, texts as keys."""
    if kind == "status":
        return "_".join(value.replace(",", " ").split()).lower()
    if kind == "condition":
        return condition_filter_value(value, classifier=current_classifier())
    if kind == "country":
        return facet_key(value)
    return value.strip()


def trial_search(
    *,
    text: str | None = None,
    condition: str | None = None,
    cell_type: str | None = None,
    phase: str | None = None,
    status: str | None = None,
    country: str | None = None,
    page: int = 1,
) -> SearchResult:
    """Return one page (PAGE_SIZE) of trials matching the words of `text` and every filter, with facet counts.

    Filters take facet values: a phase id ("1/2"), a status ("recruiting"), a cell-type id ("msc"), a country or
    a condition as registered (any case). With words, the best matches come first; without, the most recently
    updated registrations.
    """
    given = {"condition": condition, "cell_type": cell_type, "phase": phase, "status": status, "country": country}
    filters = {k: v.strip() for k, v in given.items() if v and v.strip()}
    terms = search.query_terms(text)
    filter_parts: list[str] = []
    filter_params: list[Any] = []
    for kind, value in filters.items():
        filter_parts.append("SELECT trial_id FROM trials_trialfacet WHERE kind = %s AND value = %s")
        filter_params.extend([kind, _filter_value(kind, value)])
    parts: list[str] = []
    params: list[Any] = []
    if terms:
        sql, sql_params = search.match_sql(terms)
        parts.append(sql)
        params.extend(sql_params)
    parts.extend(filter_parts)
    params.extend(filter_params)
    only_filters = " INTERSECT ".join(filter_parts) or None
    if not parts:
        within, within_params = "SELECT id FROM trials_trial", []
    else:
        within, within_params = " INTERSECT ".join(parts), params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({within}) AS matching", within_params)
        total = cursor.fetchone()[0]
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(1, page), pages)
        offset = (page - 1) * PAGE_SIZE
        ids = _page_ids(cursor, terms, within, within_params, only_filters, filter_params, offset) if total else []
        facets = _facets(cursor, within, within_params) if total else {k: [] for k in FACET_KINDS}
    # A results page shows summary columns only: leave the stored record and the indexed texts unread.
    by_id = Trial.objects.defer("record", "brief_summary", "search_terms", "search_vector").in_bulk(ids)
    return SearchResult(
        trials=[by_id[i] for i in ids if i in by_id],
        total=total,
        page=page,
        pages=pages,
        facets=facets,
        filters=filters,
        text=" ".join((text or "").split()),
    )


def _page_ids(
    cursor, terms: list[str], within: str, within_params: list, filters: str | None, filter_params: list, offset: int
) -> list[int]:
    if terms:
        sql, params = search.ranked_sql(terms, filters=filters, filter_params=filter_params, limit=PAGE_SIZE,
                                        offset=offset)  # fmt: skip
    else:
        sql = (
            f"SELECT id FROM trials_trial WHERE id IN ({within}) "
            "ORDER BY last_update DESC, id DESC LIMIT %s OFFSET %s"
        )
        params = [*within_params, PAGE_SIZE, offset]
    cursor.execute(sql, params)
    return [row[0] for row in cursor.fetchall()]


def _facets(cursor, within: str, within_params: list) -> dict[str, list[FacetValue]]:
    """Count the matching trials per facet value, in the order a reader scans them."""
    cursor.execute(
        "SELECT kind, value, MAX(label), COUNT(*) FROM trials_trialfacet "
        f"WHERE trial_id IN ({within}) GROUP BY kind, value",
        within_params,
    )
    grouped: dict[str, list[FacetValue]] = {k: [] for k in FACET_KINDS}
    for kind, value, label, count in cursor.fetchall():
        if kind in grouped:
            grouped[kind].append(FacetValue(value=value, label=label, count=count))
    grouped["phase"].sort(key=lambda f: _PHASE_ORDER.get(f.value, len(_PHASE_ORDER)))
    for kind in ("status", "cell_type", "country", "condition"):
        grouped[kind].sort(key=lambda f: (-f.count, f.label.casefold()))
    for kind in ("country", "condition"):
        del grouped[kind][FACET_LIMIT:]
    return grouped


def trial_get(*, registry: str, trial_id: str) -> Trial | None:
    """Return the stored trial with this registry and id, or None."""
    return Trial.objects.filter(registry=registry, trial_id=trial_id).first()


def trial_record_url(*, registry: str, trial_id: str) -> str | None:
    """Return the trial's page on its registry's own site, from the knowledge base's `record_url`."""
    from celldecide.web.pages.knowledge import current_knowledge

    entry = current_knowledge().get("registries", registry)
    template = getattr(entry, "record_url", None)
    return template.replace("{id}", trial_id) if template else None


def trial_summary(trial: Trial) -> dict[str, Any]:
    """Return the small, JSON-ready description of a trial that search results and the reader show."""
    return {
        "registry": trial.registry,
        "id": trial.trial_id,
        "title": trial.title or trial.official_title,
        "status": trial.overall_status or None,
        "phases": list(trial.phases),
        "enrollment": trial.enrollment_count,
        "sponsor": trial.lead_sponsor_name or None,
        "url": trial_record_url(registry=trial.registry, trial_id=trial.trial_id),
        "local_url": trial.get_absolute_url(),
        "is_cell_therapy": trial.is_cell_therapy,
    }


def trial_lookup(registry_id: str, trial_id: str) -> dict[str, Any] | None:
    """Return the local registry's summary of a trial a text cites, or None when it is not stored.

    This is the `trial_lookup` the reader accepts: `read(text, trial_lookup=trial_lookup)`.

    >>> trial_lookup("ctgov", "NCT06325566")["local_url"]  # doctest: +SKIP
    '/trials/ctgov/NCT06325566/'
    """
    trial = trial_get(registry=registry_id, trial_id=trial_id)
    return trial_summary(trial) if trial is not None else None
