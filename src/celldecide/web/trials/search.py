"""Full-text search in the engine's own index: SQLite FTS5 or PostgreSQL `tsvector` + GIN.

Both engines index the same columns of `trials_trial` with the same weights
(titles, then conditions/interventions/sponsor, then the summary) and receive
the same query: the search's words, stop words removed, all required. SQLite's
index is an external-content FTS5 table kept in step by triggers (migration
0002); PostgreSQL's is `Trial.search_vector`, which `search_vectors_refresh`
fills after each write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection

FTS_TABLE = "trials_trial_fts"
# Weights of title, official title, search terms and summary, highest first (bm25 in SQLite; A-C in PostgreSQL).
FTS_WEIGHTS = (10.0, 8.0, 4.0, 1.0)
_WORD = re.compile(r"[^\W_]+")
# PostgreSQL's English configuration drops these; dropping them on SQLite too keeps the engines' answers alike.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can did do does doing don down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own s same she should so some such t than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with you your yours yourself yourselves""".split()
)
MAX_TERMS = 12


def query_terms(text: str | None) -> list[str]:
    """Return the words a search requires: lower case, stop words and repeats removed, at most MAX_TERMS.

    >>> query_terms("Stem cells for the knee, stem CELLS")
    ['stem', 'cells', 'knee']
    """
    seen: dict[str, None] = {}
    for word in _WORD.findall((text or "").casefold()):
        if word not in STOP_WORDS:
            seen[word] = None
    return list(seen)[:MAX_TERMS]


def vendor() -> str:
    """Return the engine in use: "postgresql" or "sqlite" (others are refused where search is set up)."""
    return connection.vendor


def match_sql(terms: list[str]) -> tuple[str, list[str]]:
    """Return SQL selecting the ids of trials that contain every term, and its parameters."""
    if vendor() == "postgresql":
        return (
            "SELECT id FROM trials_trial WHERE search_vector @@ plainto_tsquery('english', %s)",
            [" ".join(terms)],
        )
    return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_fts_query(terms)]


def ranked_sql(terms: list[str], *, filters: str | None, filter_params: list, limit: int, offset: int) -> tuple[str, list]:
    """Return SQL for one page of trial ids matching the terms, best first, restricted to the ids `filters` selects.

    The restriction never repeats the text match: SQLite would evaluate an FTS5 subquery once per row.
    """
    restrict = f" AND {{column}} IN ({filters})" if filters else ""
    if vendor() == "postgresql":
        sql = (
            "SELECT id FROM trials_trial, plainto_tsquery('english', %s) AS q "
            f"WHERE search_vector @@ q{restrict.format(column='id')} "
            "ORDER BY ts_rank(search_vector, q) DESC, last_update DESC, id LIMIT %s OFFSET %s"
        )
        return sql, [" ".join(terms), *filter_params, limit, offset]
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    sql = (
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{restrict.format(column='rowid')} "
        f"ORDER BY bm25({FTS_TABLE}, {weights}), rowid LIMIT %s OFFSET %s"
    )
    return sql, [_fts_query(terms), *filter_params, limit, offset]


def _fts_query(terms: list[str]) -> str:
    """Quote each term as an FTS5 string, so no word of a search is read as an operator ("NOT", "NEAR")."""
    return " ".join(f'"{term}"' for term in terms)


def search_vectors_refresh(*, trial_ids: Iterable[int]) -> None:
    """Recompute the PostgreSQL search vector of these trials; SQLite's triggers already did the same."""
    ids = list(trial_ids)
    if vendor() != "postgresql" or not ids:
        return
    from celldecide.web.trials.models import Trial

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("official_title", weight="A", config="english")
        + SearchVector("search_terms", weight="B", config="english")
        + SearchVector("brief_summary", weight="C", config="english")
    )
    Trial.objects.filter(pk__in=ids).update(search_vector=vector)


SQLITE_SETUP = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, official_title, search_terms, brief_summary, "
    "content='trials_trial', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER trials_trial_fts_insert AFTER INSERT ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, official_title, search_terms, brief_summary) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary); END",
    f"CREATE TRIGGER trials_trial_fts_delete AFTER DELETE ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, official_title, search_terms, brief_summary) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary); END",
    "CREATE TRIGGER trials_trial_fts_update AFTER UPDATE OF title, official_title, search_terms, brief_summary "
    f"ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, official_title, search_terms, brief_summary) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, official_title, search_terms, brief_summary) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary); END",
)
SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS trials_trial_fts_update",
    "DROP TRIGGER IF EXISTS trials_trial_fts_delete",
    "DROP TRIGGER IF EXISTS trials_trial_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_SETUP = ("CREATE INDEX trials_trial_search_gin ON trials_trial USING GIN (search_vector)",)
POSTGRES_TEARDOWN = ("DROP INDEX IF EXISTS trials_trial_search_gin",)
