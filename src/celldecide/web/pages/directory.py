"""Where the guides and the deeper pages live: shared by the views, the URL converter, the sitemap and the footer."""

from __future__ import annotations

from celldecide.knowledge import Knowledge, schemas
from celldecide.web.pages.knowledge import current_knowledge

# Pages that other views publish under their own URLs; every other Markdown page is a deeper page at /<slug>/.
PUBLISHED_ELSEWHERE = frozenset({"hub", "patients", "not-this-page", "methodology", "disclosures", "field-guide"})
# The guides, for the footer, the hub and the sitemap: (path, title, what it is for).
GUIDES = (
    ("/clinic-questions/", "Questions to ask a clinic", "A printable checklist for a consultation, with what clear and vague answers sound like."),
    ("/evidence-ladder/", "The evidence ladder", "Eight kinds of evidence, from a lab idea to a regulator's decision: what each can and cannot show."),
    ("/glossary/", "Glossary", "The words of clinic offers, trial records and regulator pages, defined in plain English."),
    ("/source-map/", "The source map", "Which question each kind of source can answer, which it cannot, and where to find the real one."),
    ("/field-guide/", "Field guide to cell products", "PRP, BMAC, MSCs and exosomes side by side, and every other cell type."),
)


def deeper_pages(kb: Knowledge) -> list[schemas.Page]:
    """Return the pages published at /<slug>/: the hub's planned deeper pages first, in order, then the others.

    >>> [p.slug for p in deeper_pages(current_knowledge())][-1]      # doctest: +SKIP
    'autoimmune'
    """
    planned = [p.slug for p in kb.all("planned_pages") if p.slug in kb.pages]
    others = sorted(slug for slug in kb.pages if slug not in PUBLISHED_ELSEWHERE and slug not in planned)
    return [kb.pages[slug] for slug in (*planned, *others)]


class DeeperPageConverter:
    """Match a URL segment only when it names a published deeper page.

    Raising ValueError makes Django try the next URL pattern, so unknown slugs fall through to the 404 page and
    no route defined after this one is shadowed.
    """

    regex = r"[a-z0-9][a-z0-9-]*"

    def to_python(self, value: str) -> str:
        if value not in {p.slug for p in deeper_pages(current_knowledge())}:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value
