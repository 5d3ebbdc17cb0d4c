"""Site search over the knowledge base (products, conditions, regulators, cell types, red flags, pages).

The knowledge base is small (hundreds of entries), so an in-memory index per knowledge version answers in well
under a millisecond; registered trials are searched by the registry's own full-text selector.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from celldecide.knowledge import Knowledge

_WORD = re.compile(r"[\w']+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("’", "'")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(_fold(text)))


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, where it lives, and a line of context."""

    kind: str
    title: str
    url: str
    snippet: str
    score: float


@dataclass
class _Doc:
    kind: str
    title: str
    url: str
    snippet: str
    fields: list[tuple[float, set[str], str]] = field(default_factory=list)  # (weight, words, folded text)


def _doc(kind: str, title: str, url: str, snippet: str, weighted: list[tuple[float, str]]) -> _Doc:
    return _Doc(kind, title, url, snippet, [(w, _words(t), _fold(t)) for w, t in weighted if t])


def build_index(kb: Knowledge) -> list[_Doc]:
    """Return the searchable documents of a knowledge base, one per entry or page."""
    docs: list[_Doc] = []
    for p in kb.products:
        names = " ".join([p.name, p.nonproprietary_name or "", *p.aliases])
        docs.append(_doc("product", p.name, f"/products/{p.id}/", p.status_summary,
                         [(5, names), (2, p.maker), (1, p.status_summary), (1, p.layers.disease)]))
    for c in kb.conditions:
        docs.append(_doc("condition", c.name, f"/conditions/{c.id}/", c.shows,
                         [(5, " ".join([c.name, *c.synonyms])), (1, c.shows)]))
    for r in kb.regulators:
        docs.append(_doc("regulator", f"{r.name} ({r.short_name})", f"/regulators/{r.id}/", r.authorization_means,
                         [(5, " ".join([r.name, r.short_name, *r.aliases])), (4, r.jurisdiction), (1, r.framework)]))
    for t in kb.cell_types:
        docs.append(_doc("cell type", t.name, f"/field-guide/#{t.id}", t.what_it_is,
                         [(4, " ".join([t.name, *t.synonyms])), (1, t.what_it_is)]))
    for f in kb.red_flags:
        docs.append(_doc("red flag", f.name, f"/red-flags/#{f.id}", f.explanation,
                         [(4, f.name), (2, f.explanation), (1, " ".join(f.examples))]))
    for f in kb.all("frontiers"):
        docs.append(_doc("page", f.name, f"/frontiers/{f.slug}/", f.plain, [(4, f.name), (1, f.plain)]))
    for r in kb.registries:
        docs.append(_doc("registry", r.name, f"/registries/#{r.id}", r.covers, [(4, r.name), (1, r.covers)]))
    for g in kb.all("glossary"):
        docs.append(_doc("glossary", g.term, f"/glossary/#term-{_anchor(g.id)}", g.definition,
                         [(5, g.term), (1, g.definition)]))
    for q in kb.all("clinic_questions"):
        docs.append(_doc("question to ask", q.question, f"/clinic-questions/#q-{_anchor(q.id)}", q.why,
                         [(3, q.question), (1, q.why)]))
    for r in kb.all("evidence_ladder"):
        docs.append(_doc("evidence ladder", r.name, f"/evidence-ladder/#rung-{_anchor(r.id)}", r.can_show,
                         [(4, r.name), (1, r.can_show), (1, r.cannot_show)]))
    for slug, page in kb.pages.items():
        url = {"hub": "/", "patients": "/#patients", "not-this-page": "/#not-this"}.get(slug, f"/{slug}/")
        docs.append(_doc("page", page.title, url, page.description, [(4, page.title), (1, page.body)]))
    return docs


def _anchor(entry_id: str) -> str:
    """Return an entry id in the URL-fragment form the guide pages use (`hctp_351_361` → `hctp-351-361`)."""
    return entry_id.replace("_", "-")


_indexes: dict[str, list[_Doc]] = {}


def site_search(*, kb: Knowledge, query: str, limit: int = 30) -> list[Hit]:
    """Return knowledge entries matching every word of `query`, best first.

    A word matches a field when it starts a word of that field ("parkin" finds Parkinson's); a field's weight
    counts once per query word, the whole query found as a phrase in a title-like field adds a bonus, and every
    word found in the result's own title adds a smaller one.
    """
    words = [w for w in _WORD.findall(_fold(query)) if len(w) > 1]
    if not words:
        return []
    docs = _indexes.get(kb.version)
    if docs is None:
        docs = _indexes[kb.version] = build_index(kb)
    phrase = " ".join(words)
    hits = []
    for doc in docs:
        score = 0.0
        for word in words:
            best = max((w for w, vocab, _ in doc.fields if any(v.startswith(word) for v in vocab)), default=0.0)
            if best == 0.0:
                break
            score += best
        else:
            if any(phrase in text for w, _, text in doc.fields if w >= 4):
                score += 5
            title_words = _words(doc.title)
            if all(any(t.startswith(word) for t in title_words) for word in words):
                score += 2  # what the result is called beats what it mentions
            hits.append(Hit(doc.kind, doc.title, doc.url, doc.snippet, score))
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits[:limit]
