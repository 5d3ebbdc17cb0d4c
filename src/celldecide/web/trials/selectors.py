"""Read registered trials: full-text search with filters, facet counts and pages; one trial; the reader's lookup.

A search costs about the same whatever the number of trials it matches. Words and filters are one query
of the full-text index (`search.window`), read in storage order a window of WINDOW trials at a time:

- up to WINDOW matches, everything is exact: the total, the facet counts, and the order (best match first
  with words, most recently updated first without);
- beyond that, the total is an estimate (`total_is_estimate`, shown as "about"), from how far into the
  table the first window reached; facet counts are those of the first window, so lower bounds
  (`facet_counts_exact` is False, shown as "N+"); and results are ordered window by window: the best matches
  of the first WINDOW (in the order the trials were stored) first, then of the next, and so on.

Without words or filters, the list is the whole table, most recently updated first, and its total and facet
counts are computed once per state of the table (`TrialSearchState`) and kept by the process.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from celldecide.web.trials import search
from celldecide.web.trials.models import Trial, TrialSearchState
from celldecide.web.trials.services import PHASE_LABELS, condition_filter_value, current_classifier, facet_key

PAGE_SIZE = 20
FACET_KINDS = ("phase", "status", "cell_type", "country", "condition")
# Long facet lists (countries, conditions) show their most frequent values only.
FACET_LIMIT = 12
# Matches read, ranked and counted at a time (a multiple of PAGE_SIZE, so no page straddles two windows).
WINDOW = 1000
_PHASE_ORDER = {phase: n for n, phase in enumerate(PHASE_LABELS)}


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with the number of matching trials that have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """One page of trials matching a search, the total, the facet counts and the filters applied.

    `total_is_estimate` is True when more than WINDOW trials match (unless the page shown is in the last
    window, which tells the exact total): `total` is then rounded and approximate. `facet_counts_exact` is
    False whenever more than WINDOW trials match: each count is then at least what it says.
    """

    trials: list[Trial]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]]
    filters: dict[str, str]
    text: str
    total_is_estimate: bool = False
    facet_counts_exact: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (what `celldecide trials search --json` prints)."""
        return {
            "text": self.text,
            "filters": self.filters,
            "total": self.total,
            "total_is_estimate": self.total_is_estimate,
            "page": self.page,
            "pages": self.pages,
            "trials": [trial_summary(t) for t in self.trials],
            "facets": {k: [{"value": v.value, "label": v.label, "count": v.count} for v in vs]
                       for k, vs in self.facets.items()},  # fmt: skip
            "facet_counts_exact": self.facet_counts_exact,
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
    updated registrations. Past WINDOW matches, the total is estimated and the order goes window by window
    (see the module's docstring).
    """
    given = {"condition": condition, "cell_type": cell_type, "phase": phase, "status": status, "country": country}
    filters = {k: v.strip() for k, v in given.items() if v and v.strip()}
    terms = search.query_terms(text)
    tokens = [search.facet_token(kind, _filter_value(kind, value)) for kind, value in filters.items()]
    shown_text = " ".join((text or "").split())
    if not terms and not tokens:
        return _browse(page=page, text=shown_text)
    with connection.cursor() as cursor:
        first = _window(cursor, terms, tokens, offset=0)
        exact = len(first.rows) <= WINDOW
        matching = first.rows[:WINDOW]
        total = len(first.rows) if exact else _estimate(first)
        page = min(max(1, page), max(1, math.ceil(total / PAGE_SIZE))) if exact else max(1, page)
        block, offset, estimated = matching, 0, not exact
        if not exact:
            block, offset, page = _block_of_page(cursor, terms, tokens, first, page)
            if offset and len(block) <= WINDOW:  # the last window was read: the matches end here
                total, estimated = offset + len(block), False
        start = (page - 1) * PAGE_SIZE - offset
        ids = _page_of(cursor, block[:WINDOW], ranked=bool(terms), start=start)
        # Past an estimate, there is a next page while this window holds more, or another window follows.
        more = len(block) > start + PAGE_SIZE
        pages = max(math.ceil(total / PAGE_SIZE), page + 1 if more else page, 1)
        facets = _facets(cursor, [row[0] for row in matching]) if matching else {k: [] for k in FACET_KINDS}
    return SearchResult(
        trials=_trials(ids),
        total=total,
        page=page,
        pages=pages,
        facets=facets,
        filters=filters,
        text=shown_text,
        total_is_estimate=estimated,
        facet_counts_exact=exact,
    )


def _window(cursor, terms: list[str], tokens: list[str], *, offset: int) -> search.Window:
    """Return up to WINDOW + 1 matches from `offset` on, in storage order, as (id, relevance)."""
    return search.window(cursor, terms, tokens, limit=WINDOW + 1, offset=offset)


def _block_of_page(
    cursor, terms: list[str], tokens: list[str], first: search.Window, page: int
) -> tuple[list[tuple[int, float]], int, int]:
    """Return the window holding a page (its rows, its offset) and the page, moved back if past the last match.

    A window read whole (WINDOW + 1 rows or fewer) tells where the matches end, so a page past them, which
    an estimate can promise, becomes the last page that has any.
    """
    offset = (page - 1) * PAGE_SIZE // WINDOW * WINDOW
    block = first.rows if offset == 0 else _window(cursor, terms, tokens, offset=offset).rows
    while offset and (page - 1) * PAGE_SIZE - offset >= len(block[:WINDOW]):
        end = offset + len(block[:WINDOW])
        page = max(1, math.ceil(end / PAGE_SIZE))
        offset = (page - 1) * PAGE_SIZE // WINDOW * WINDOW
        block = first.rows if offset == 0 else _window(cursor, terms, tokens, offset=offset).rows
    return block, offset, page


def _estimate(first: search.Window) -> int:
    """Estimate the number of matches from the share of the table read to find the first WINDOW + 1.

    The matches are taken to be about as dense in the rest of the table. The figure is rounded to two
    significant digits, and never below the matches actually seen.
    """
    estimate = len(first.rows) / max(first.reached, 1e-9)
    digits = max(0, len(str(int(estimate))) - 2)
    return max(len(first.rows), int(round(estimate, -digits)))


def _page_of(cursor, block: list[tuple], *, ranked: bool, start: int) -> list[int]:
    """Return the ids of one page of a window: by relevance with words, else by last update (newest first)."""
    if ranked:
        ordered = sorted(block, key=lambda row: -row[1])  # stable: equal relevance keeps storage order
        return [row[0] for row in ordered[start : start + PAGE_SIZE]]
    if not block:
        return []
    within, params = search.ids_in("id", [row[0] for row in block])
    cursor.execute(
        f"SELECT id FROM trials_trial WHERE {within} ORDER BY last_update DESC, id DESC LIMIT %s OFFSET %s",
        [*params, PAGE_SIZE, start],
    )
    return [row[0] for row in cursor.fetchall()]


def _trials(ids: list[int]) -> list[Trial]:
    """Load a page of trials in the given order, leaving the stored record and the indexed texts unread."""
    unread = ("record", "brief_summary", "search_terms", "search_vector", "search_facets")
    by_id = Trial.objects.defer(*unread).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _facets(cursor, ids: list[int]) -> dict[str, list[FacetValue]]:
    """Count the trials with these ids per facet value, then read the label of each value shown.

    The counts read only the (trial, kind, value) unique index; a label is read once per value kept
    (from the value's first trial), not from every counted row.
    """
    within, params = search.ids_in("trial_id", ids)
    cursor.execute(f"SELECT kind, value, COUNT(*) FROM trials_trialfacet WHERE {within} GROUP BY kind, value", params)
    grouped = _grouped([(kind, value, "", count) for kind, value, count in cursor.fetchall()])
    shown = [(kind, f.value) for kind, values in grouped.items() for f in values]
    if not shown:
        return grouped
    cursor.execute(
        f"WITH shown(kind, value) AS (VALUES {', '.join(['(%s, %s)'] * len(shown))}) "
        "SELECT kind, value, (SELECT f.label FROM trials_trialfacet f WHERE f.kind = shown.kind "
        "AND f.value = shown.value ORDER BY f.trial_id LIMIT 1) FROM shown",
        [item for pair in shown for item in pair],
    )
    labels = {(kind, value): label for kind, value, label in cursor.fetchall()}
    return _grouped([(kind, f.value, labels.get((kind, f.value)) or f.value, f.count)
                     for kind, values in grouped.items() for f in values])  # fmt: skip


def _grouped(rows: list[tuple[str, str, str, int]]) -> dict[str, list[FacetValue]]:
    """Arrange (kind, value, label, count) rows per facet, in the order a reader scans them."""
    grouped: dict[str, list[FacetValue]] = {k: [] for k in FACET_KINDS}
    for kind, value, label, count in rows:
        if kind in grouped:
            grouped[kind].append(FacetValue(value=value, label=label, count=count))
    grouped["phase"].sort(key=lambda f: _PHASE_ORDER.get(f.value, len(_PHASE_ORDER)))
    for kind in ("status", "cell_type", "country", "condition"):
        grouped[kind].sort(key=lambda f: (-f.count, f.label.casefold(), f.value))
    for kind in ("country", "condition"):
        del grouped[kind][FACET_LIMIT:]
    return grouped


@dataclass
class _TableFigures:
    """The total and facet counts of the whole table, as read under one state token of one database."""

    key: tuple[str, str] = ("", "")
    total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


_table_figures = _TableFigures()
_table_lock = threading.Lock()


def _whole_table(cursor) -> _TableFigures:
    """Return the table's total and facet counts, recomputed only when the table changed since last read."""
    global _table_figures
    token = TrialSearchState.objects.filter(pk=1).values_list("token", flat=True).first()
    key = (str(connection.settings_dict.get("NAME")), token or "")
    figures = _table_figures
    if token and figures.key == key:  # no token (the table was flushed): nothing can be trusted, count again
        return figures
    # The token was read first: a write committed meanwhile changes it again, so these figures are never
    # kept for a state newer than the one they were counted in. Tokens are random, so a rolled-back
    # transaction's token never comes back.
    cursor.execute("SELECT COUNT(*) FROM trials_trial")
    total = cursor.fetchone()[0]
    cursor.execute("SELECT kind, value, MAX(label), COUNT(*) FROM trials_trialfacet GROUP BY kind, value")
    figures = _TableFigures(key=key, total=total, facets=_grouped(cursor.fetchall()))
    if token:
        with _table_lock:
            _table_figures = figures
    return figures


def _browse(*, page: int, text: str) -> SearchResult:
    """Return a page of the whole table, most recently updated first, with the table's total and facet counts."""
    with connection.cursor() as cursor:
        figures = _whole_table(cursor)
        pages = max(1, math.ceil(figures.total / PAGE_SIZE))
        page = min(max(1, page), pages)
        cursor.execute(
            "SELECT id FROM trials_trial ORDER BY last_update DESC, id DESC LIMIT %s OFFSET %s",
            [PAGE_SIZE, (page - 1) * PAGE_SIZE],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return SearchResult(trials=_trials(ids), total=figures.total, page=page, pages=pages, facets=figures.facets,
                        filters={}, text=text)  # fmt: skip


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
