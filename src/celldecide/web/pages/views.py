"""Pages of the evidence map. Each view reads the knowledge base and renders one template."""

from __future__ import annotations

import datetime as dt

import markdown as md
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from celldecide.web.pages import jsonld
from celldecide.web.pages.directory import deeper_pages
from celldecide.web.pages.footnotes import Footnotes
from celldecide.web.pages.knowledge import current_knowledge

LANES = (
    ("standards_bodies", "Standards bodies"),
    ("academic_engines", "Academic engines"),
    ("disease_programs", "Disease programs"),
    ("industry_context", "Industry context"),
    ("regulators_registries", "Regulators and registries"),
)


def _markdown(text: str):
    return mark_safe(md.markdown(text, extensions=["extra", "sane_lists"], output_format="html"))


def _page(request: HttpRequest, template: str, *, title: str, description: str, **context) -> HttpResponse:
    context.setdefault(
        "jsonld", jsonld.medical_web_page(title=title, description=description, url=settings.SITE_URL + request.path)
    )
    return render(request, template, {"title": title, "description": description, **context})


@require_safe
def hub(request: HttpRequest) -> HttpResponse:
    """Render the hub: where stem cell research is heading, every section with its footnotes."""
    kb = current_knowledge()
    notes = Footnotes()
    intro = kb.pages["hub"]
    intro_marks = notes.cite(intro.sources)
    frontiers = [(f, notes.cite(f.sources)) for f in kb.all("frontiers")]
    signals = [(s, notes.cite(s.sources)) for s in kb.all("signals")]
    institutions = kb.all("institutions")
    lanes = [(label, [i for i in institutions if i.lane == lane]) for lane, label in LANES]
    sources = kb.by_id("sources")
    return _page(
        request,
        "pages/hub.html",
        title=intro.title,
        description=intro.description,
        intro=_markdown(intro.body),
        intro_marks=intro_marks,
        layers=kb.layers,
        frontiers=frontiers,
        stages=kb.stages,
        lanes=lanes,
        source_tiers=kb.all("source_tiers"),
        signals=signals,
        borrowing=kb.all("borrowing"),
        checklist=kb.checklist,
        patients=kb.pages["patients"],
        patients_html=_markdown(kb.pages["patients"].body),
        planned=kb.all("planned_pages"),
        deeper_slugs={p.slug for p in deeper_pages(kb)},
        more_deeper=[p for p in deeper_pages(kb) if p.slug not in {pp.slug for pp in kb.all("planned_pages")}],
        faqs=kb.all("faqs"),
        not_this=kb.pages["not-this-page"],
        not_this_html=_markdown(kb.pages["not-this-page"].body),
        footnotes=[(n, sources[sid]) for n, sid in enumerate(notes.order, start=1)],
    )


@require_safe
def stages(request: HttpRequest) -> HttpResponse:
    """Render the seven-stage translation map."""
    return _page(
        request,
        "pages/stages.html",
        title="The translation map: seven stages from discovery to standard care",
        description="Where a stem cell claim really sits, from a lab finding to routine treatment.",
        stages=current_knowledge().stages,
    )


@require_safe
def checklist(request: HttpRequest) -> HttpResponse:
    """Render the nine checklist questions and the six layers of a named product."""
    kb = current_knowledge()
    return _page(
        request,
        "pages/checklist.html",
        title="The nine questions to ask of any stem cell claim",
        description="A checklist for reading a clinic page, a headline or a press release.",
        checklist=kb.checklist,
        layers=kb.layers,
    )


@require_safe
def frontier(request: HttpRequest, slug: str) -> HttpResponse:
    """Render one research frontier with its cell types and sources."""
    kb = current_knowledge()
    found = next((f for f in kb.all("frontiers") if f.slug == slug), None)
    if found is None:
        raise Http404("No frontier by that name.")
    cell_types = kb.by_id("cell_types")
    sources = kb.by_id("sources")
    return _page(
        request,
        "pages/frontier.html",
        title=found.name,
        description=found.plain,
        frontier=found,
        cell_types=[cell_types[c] for c in found.cell_types],
        sources=[sources[s] for s in found.sources],
        others=[f for f in kb.all("frontiers") if f.slug != slug],
        deeper=next((p for p in deeper_pages(kb) if p.frontier == found.id), None),
    )


@require_safe
def mechanisms(request: HttpRequest) -> HttpResponse:
    """Render how cell therapies act, stem cell types by potency, the living-drug life cycle and hidden cell therapies."""
    kb = current_knowledge()
    return _page(
        request,
        "pages/mechanisms.html",
        title="Stem cells as biological drugs",
        description="Six ways cell therapies act, stem cells by potency, and how a living drug differs from a pill.",
        mechanisms=kb.all("mechanisms"),
        potency=kb.all("potency"),
        lifecycle=kb.all("lifecycle"),
        hidden=kb.all("hidden_cell_therapies"),
    )


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    """Render every source with its publisher, link and verified-on date; flag those due for re-checking."""
    kb = current_knowledge()
    window = dt.timedelta(days=settings.SOURCES_REVERIFY_DAYS)
    today = dt.date.today()
    rows = [
        (s, today - s.verified_on > (dt.timedelta(days=s.reverify_days) if s.reverify_days else window))
        for s in sorted(kb.sources, key=lambda s: (s.tier, s.title.lower()))
    ]
    return _page(
        request,
        "pages/sources.html",
        title="Sources",
        description="Every source behind CellDecide's facts, with the date each was last verified.",
        rows=rows,
        tiers=kb.all("source_tiers"),
        window_days=settings.SOURCES_REVERIFY_DAYS,
    )


def _prose(slug: str, template: str = "pages/prose.html"):
    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        page = current_knowledge().pages[slug]
        return _page(request, template, title=page.title, description=page.description, body=_markdown(page.body))

    view.__name__ = f"prose_{slug.replace('-', '_')}"
    view.__doc__ = f"Render the {slug} page from knowledge/pages/{slug}.md."
    return view


methodology = _prose("methodology")
disclosures = _prose("disclosures")


@require_safe
def faq(request: HttpRequest) -> HttpResponse:
    """Render the frequently asked questions with FAQPage markup."""
    faqs = current_knowledge().all("faqs")
    return _page(
        request,
        "pages/faq.html",
        title="Frequently asked questions",
        description="Plain answers to common questions about stem cell treatments.",
        faqs=faqs,
        jsonld=jsonld.faq_page(faqs=faqs, url=settings.SITE_URL + request.path),
    )


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """Serve robots.txt: everything public may be crawled except the admin."""
    body = f"User-agent: *\nDisallow: /admin/\nSitemap: {settings.SITE_URL}/sitemap.xml\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """Render a 404 that helps the reader find their way."""
    response = render(
        request,
        "404.html",
        {"title": "Page not found", "description": "This page does not exist.", "path": request.path},
        status=404,
    )
    return response


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search products, conditions, regulators, cell types, red flags, pages and registered trials."""
    from celldecide.web.pages.search import site_search

    query = request.GET.get("q", "").strip()[:200]
    hits = site_search(kb=current_knowledge(), query=query) if query else []
    trials = _trial_hits(query) if query else None
    return _page(
        request,
        "pages/search.html",
        title=f"Search: {query}" if query else "Search",
        description="Search CellDecide's products, conditions, regulators, pages and registered trials.",
        query=query,
        hits=hits,
        trials=trials,
    )


def _trial_hits(query: str):
    """Return the first page of registered trials matching `query` (the registry's full-text selector)."""
    from celldecide.web.trials.selectors import trial_search

    return trial_search(text=query)
