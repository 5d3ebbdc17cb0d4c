"""The patient guides (clinic questions, evidence ladder, glossary, source map) and the deeper pages.

Each view reads the knowledge base and renders one template; facts carry footnote markers that link to the
sources page, and each page closes with its sources and the date each was verified.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from celldecide.knowledge import Knowledge, schemas
from celldecide.web.pages import jsonld
from celldecide.web.pages.citations import render_cited
from celldecide.web.pages.directory import deeper_pages
from celldecide.web.pages.footnotes import Footnotes
from celldecide.web.pages.knowledge import current_knowledge
from celldecide.web.pages.views import _page

# Headings of the consult checklist, in the order a consult runs (the schema's category order).
CLINIC_CATEGORY_NAMES = {
    "product": "The product",
    "source_quality": "Source and quality",
    "condition": "Your condition",
    "oversight": "Oversight and authorization numbers",
    "evidence": "The evidence for this cell type in this condition",
    "cost": "Total cost",
    "if_it_fails": "If it does not work",
    "records_aftercare": "Records and aftercare",
}


@dataclass(frozen=True)
class Cited:
    """A knowledge entry with its footnote marks: (number, source id) pairs."""

    entry: Any
    marks: list[tuple[int, str]]

    @property
    def anchor(self) -> str:
        """Return the entry's id in URL-fragment form: `hctp_351_361` becomes `hctp-351-361`."""
        return self.entry.id.replace("_", "-")


def _cite_all(entries: Iterable[Any], notes: Footnotes) -> list[Cited]:
    return [Cited(e, notes.cite(getattr(e, "sources", []))) for e in entries]


def _footnotes(kb: Knowledge, notes: Footnotes) -> list[tuple[int, schemas.Source]]:
    sources = kb.by_id("sources")
    return [(n, sources[sid]) for n, sid in enumerate(notes.order, start=1)]


@require_safe
def clinic_questions(request: HttpRequest) -> HttpResponse:
    """Render the consult checklist: the three start-here questions first, then the rest by category."""
    kb = current_knowledge()
    notes = Footnotes()
    questions = kb.all("clinic_questions")
    start = _cite_all([q for q in questions if q.start_here], notes)
    rest = sorted((q for q in questions if not q.start_here), key=lambda q: list(CLINIC_CATEGORY_NAMES).index(q.category))
    groups, number = [], len(start) + 1
    for category, members in groupby(rest, key=lambda q: q.category):
        cited = _cite_all(members, notes)
        groups.append((category, CLINIC_CATEGORY_NAMES[category], number, cited))
        number += len(cited)
    return _page(
        request,
        "pages/clinic_questions.html",
        title="Questions to ask a clinic before you pay",
        description=f"{len(questions)} questions to take to a stem cell consultation, with what a clear answer and a vague answer sound like. Printable.",
        start=start,
        groups=groups,
        category_names=CLINIC_CATEGORY_NAMES,
        count=len(questions),
        footnotes=_footnotes(kb, notes),
    )


@require_safe
def evidence_ladder(request: HttpRequest) -> HttpResponse:
    """Render the eight rungs of the evidence ladder with what each can and cannot show."""
    kb = current_knowledge()
    notes = Footnotes()
    rungs = _cite_all(sorted(kb.all("evidence_ladder"), key=lambda r: r.n), notes)
    return _page(
        request,
        "pages/evidence_ladder.html",
        title="The evidence ladder: what each kind of evidence can and cannot show",
        description="Eight kinds of evidence a stem cell claim may rest on, from a lab idea to a regulator's decision.",
        rungs=rungs,
        stages=kb.by_id("stages"),
        footnotes=_footnotes(kb, notes),
    )


def _sort_key(term: str) -> str:
    """Return the alphabetical key of a term, ignoring leading quotes and punctuation ('"Registered"' sorts as R)."""
    return re.sub(r"^[^0-9A-Za-z]+", "", term).casefold()


def _letter(term: str) -> str:
    first = _sort_key(term)[:1].upper()
    return first if first.isalpha() else "0-9"


@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    """Render every glossary term alphabetically, each with an anchor (#term-<id>), under a letter index."""
    kb = current_knowledge()
    notes = Footnotes()
    terms = sorted(kb.all("glossary"), key=lambda t: _sort_key(t.term))
    groups = [(letter, _cite_all(members, notes)) for letter, members in groupby(terms, key=lambda t: _letter(t.term))]
    title = "Glossary of stem cell and cell therapy terms"
    description = "The words met in clinic offers, trial records and regulator pages, each defined once in plain English."
    url = settings.SITE_URL + request.path
    return _page(
        request,
        "pages/glossary.html",
        title=title,
        description=description,
        groups=groups,
        count=len(terms),
        footnotes=_footnotes(kb, notes),
        jsonld=jsonld.defined_term_set(
            name=title, description=description, url=url,
            terms=[(c.entry.term, c.entry.definition, f"{url}#term-{c.anchor}") for _, cited in groups for c in cited],
        ),
    )


@require_safe
def source_map(request: HttpRequest) -> HttpResponse:
    """Render the source map: what each kind of source can answer, cannot answer, and where to find it."""
    kb = current_knowledge()
    notes = Footnotes()
    return _page(
        request,
        "pages/source_map.html",
        title="The source map: which source answers which question",
        description="For each kind of source a claim may cite, which question it can answer, which it cannot, and where to find the real one.",
        kinds=_cite_all(kb.all("source_map"), notes),
        footnotes=_footnotes(kb, notes),
    )


@require_safe
def deeper_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Render one deeper page from its Markdown, with numbered sources and the products and conditions it names."""
    kb = current_knowledge()
    pages = deeper_pages(kb)
    page = next((p for p in pages if p.slug == slug), None)
    if page is None:
        raise Http404("No page by that name.")
    sources = kb.by_id("sources")
    by_url: dict[str, str] = {}
    for source_id in page.sources:
        by_url.setdefault(sources[source_id].url, source_id)
    notes = Footnotes()
    body = render_cited(page.body, sources=by_url, notes=notes)
    notes.cite(page.sources)  # sources named in the front matter but not linked in the text still close the page
    footnotes = _footnotes(kb, notes)
    frontier = next((f for f in kb.all("frontiers") if f.id == page.frontier), None)
    verified = sorted({s.verified_on for _, s in footnotes})
    last_reviewed = verified[-1] if verified else None
    return _page(
        request,
        "pages/deeper.html",
        title=page.title,
        description=page.description,
        page=page,
        body=body,
        footnotes=footnotes,
        frontier=frontier,
        products=[kb.get("products", p) for p in page.products],
        conditions=[kb.get("conditions", c) for c in page.conditions],
        others=[p for p in pages if p.slug != slug],
        first_verified=verified[0] if verified else None,
        last_reviewed=last_reviewed,
        jsonld=jsonld.medical_web_page(
            title=page.title, description=page.description, url=settings.SITE_URL + request.path,
            last_reviewed=last_reviewed.isoformat() if last_reviewed else None,
        ),
    )
