"""Full-text search in the engine's own index: SQLite FTS5 or PostgreSQL `tsvector` + GIN.

Both engines index the same columns of `trials_trial`, rank a match in the
titles above one in the conditions, interventions and sponsors, above one in the
summary, and receive the same query: the search's words, stop words removed,
all required. SQLite's
index is an external-content FTS5 table kept in step by triggers; PostgreSQL's
is `Trial.search_vector`, which a trigger fills on every insert and text update
(migrations 0002 to 0004).

Filters live in the same index: each facet value of a trial (phase 2, status
recruiting, cell type msc...) is one opaque word in `Trial.search_facets`
(`facet_token`), so words and filters are answered together by the index's own
intersection of posting lists, with no join to the facet table. A search then
reads its matches in the order the table stores them, at most a window at a
time (`window`), which bounds the work whatever the number of matches.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

FTS_TABLE = "trials_trial_fts"
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


@functools.lru_cache(maxsize=8192)  # an import asks for the same few hundred values (phases, countries) again and again
def facet_token(kind: str, value: str) -> str:
    """Return the index word standing for one facet value: "zf" and 20 digits, which no tokenizer splits or stems.

    >>> facet_token("phase", "2") == facet_token("phase", "2") != facet_token("phase", "3")
    True
    """
    digest = hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=8).digest()
    return f"zf{int.from_bytes(digest, 'big'):020d}"


def facet_words(facets: Iterable[tuple[str, str, str]]) -> str:
    """Return the `search_facets` text of a trial: the token of each of its (kind, value, label) facets."""
    return " ".join(facet_token(kind, value) for kind, value, _ in facets)


def vendor() -> str:
    """Return the engine in use: "postgresql" or "sqlite" (others are refused where search is set up)."""
    return connection.vendor


@dataclass(frozen=True)
class Window:
    """Matches in storage order, as (id, relevance), and the share of the table read to find the last one."""

    rows: list[tuple[int, float]]
    reached: float


def window(cursor, terms: list[str], tokens: list[str], *, limit: int, offset: int = 0) -> Window:
    """Return the matches `offset` to `offset + limit` of the trials holding every term and facet token.

    Matches come in the order the table stores them (SQLite: by id; PostgreSQL: physical order, which
    follows insertion), so each engine stops reading after `offset + limit` of them instead of sorting
    them all. Relevance (higher is better, 0 without terms) is computed for the returned rows only:
    PostgreSQL's `ts_rank` over the weighted text columns, or `_sqlite_relevance`, since FTS5's bm25 reads
    every posting of each term to weigh it, whatever the LIMIT (tens of milliseconds for a word in 40% of
    half a million trials).
    """
    if vendor() == "postgresql":
        return _postgres_window(cursor, terms, tokens, limit=limit, offset=offset)
    cursor.execute(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid LIMIT %s OFFSET %s",
        [fts_query(terms, tokens), limit, offset],
    )
    ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return Window(rows=[], reached=1.0)
    cursor.execute("SELECT (SELECT MIN(id) FROM trials_trial), (SELECT MAX(id) FROM trials_trial)")
    low, high = cursor.fetchone()  # two subqueries: SQLite reads MIN and MAX from the index only when alone
    reached = (ids[-1] - low + 1) / max(1, high - low + 1)
    if not terms:
        return Window(rows=[(i, 0.0) for i in ids], reached=reached)
    scores = _sqlite_relevance(cursor, terms, fts_query(terms, tokens), low=ids[0], high=ids[-1])
    return Window(rows=[(i, scores.get(i, 0.0)) for i in ids], reached=reached)


def _postgres_window(cursor, terms: list[str], tokens: list[str], *, limit: int, offset: int) -> Window:
    """Read matches in physical order through GIN (or a scan, when most rows match), stopping at the limit.

    `ORDER BY id` would make PostgreSQL visit every matching row before the first is returned; without it,
    a bitmap heap scan or sequential scan returns rows page by page, always in the same order once
    synchronized and parallel scans (which start mid-table or interleave) are turned off for the query.
    """
    parts, params = [], []
    if terms:
        parts.append("plainto_tsquery('english', %s)")
        params.append(" ".join(terms))
    if tokens:
        parts.append("to_tsquery('simple', %s)")
        params.append(" & ".join(tokens))
    score = "ts_rank(search_vector, plainto_tsquery('english', %s))" if terms else "0"
    with transaction.atomic():
        cursor.execute("SET LOCAL synchronize_seqscans = off; SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(
            f"SELECT id, {score}, (ctid::text::point)[0] FROM trials_trial "
            f"WHERE search_vector @@ ({' && '.join(parts)}) LIMIT %s OFFSET %s",
            [*([" ".join(terms)] if terms else []), *params, limit, offset],
        )
        rows = cursor.fetchall()
    matches = [(row[0], float(row[1])) for row in rows]
    if len(rows) < limit:  # the matches ended within the limit
        return Window(rows=matches, reached=1.0)
    cursor.execute("SELECT pg_relation_size('trials_trial') / current_setting('block_size')::int")
    pages = cursor.fetchone()[0]
    return Window(rows=matches, reached=min(1.0, (rows[-1][2] + 1) / max(1, pages)))


# Column groups of the FTS5 table that make a match count, with the weight of a term found in each: the
# same order as the weights of the index (titles, then conditions, interventions, sponsors and places).
RANK_COLUMNS = (("title official_title", 3.0), ("search_terms", 1.0))
RANKED_TERMS = 6


def _sqlite_relevance(cursor, terms: list[str], query: str, *, low: int, high: int) -> dict[int, float]:
    """Score the matches of `query` with ids in [low, high]: per term, the weight of each column group holding it.

    Each (term, group) is one FTS5 query (the whole query AND the term within the group) read only within
    the id range, so the cost follows the window, not the table. A title that names every word ranks first.
    """
    scores: dict[int, float] = {}
    for term in terms[:RANKED_TERMS]:
        for columns, weight in RANK_COLUMNS:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid BETWEEN %s AND %s",
                [f'({{{columns}}} : "{term}") AND ({query})', low, high],
            )
            for (rowid,) in cursor.fetchall():
                scores[rowid] = scores.get(rowid, 0.0) + weight
    return scores


def fts_query(terms: list[str], tokens: list[str] = ()) -> str:
    """Return the FTS5 query requiring every term and facet token, each quoted so no word reads as an operator.

    >>> fts_query(["disc", "not"])
    '"disc" "not"'
    """
    return " ".join(f'"{word}"' for word in [*terms, *tokens])


def ids_in(column: str, ids: list[int]) -> tuple[str, list]:
    """Return an SQL condition "`column` is one of these ids" with its one parameter, however many ids."""
    if vendor() == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [f"[{','.join(str(int(i)) for i in ids)}]"]


SQLITE_COLUMNS = "title, official_title, search_terms, brief_summary, search_facets"
SQLITE_SETUP = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({SQLITE_COLUMNS}, "
    "content='trials_trial', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER trials_trial_fts_insert AFTER INSERT ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {SQLITE_COLUMNS}) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary, new.search_facets); END",
    f"CREATE TRIGGER trials_trial_fts_delete AFTER DELETE ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {SQLITE_COLUMNS}) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary, "
    "old.search_facets); END",
    f"CREATE TRIGGER trials_trial_fts_update AFTER UPDATE OF {SQLITE_COLUMNS} ON trials_trial BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {SQLITE_COLUMNS}) "
    "VALUES ('delete', old.id, old.title, old.official_title, old.search_terms, old.brief_summary, "
    "old.search_facets); "
    f"INSERT INTO {FTS_TABLE}(rowid, {SQLITE_COLUMNS}) "
    "VALUES (new.id, new.title, new.official_title, new.search_terms, new.brief_summary, new.search_facets); END",
)
SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS trials_trial_fts_update",
    "DROP TRIGGER IF EXISTS trials_trial_fts_delete",
    "DROP TRIGGER IF EXISTS trials_trial_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_SETUP = ("CREATE INDEX trials_trial_search_gin ON trials_trial USING GIN (search_vector)",)
POSTGRES_TEARDOWN = ("DROP INDEX IF EXISTS trials_trial_search_gin",)
