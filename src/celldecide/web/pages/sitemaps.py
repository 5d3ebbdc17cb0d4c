"""sitemap.xml: every page of the evidence map."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from celldecide.web.pages.directory import GUIDES, deeper_pages
from celldecide.web.pages.knowledge import current_knowledge

STATIC_PATHS = (
    "/", "/stages/", "/checklist/", "/mechanisms/", "/sources/", "/methodology/", "/disclosures/", "/faq/",
    "/products/", "/conditions/", "/regulators/", "/registries/", "/field-guide/", "/red-flags/",
)


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        kb = current_knowledge()
        frontiers = [f"/frontiers/{f.slug}/" for f in kb.all("frontiers")]
        products = [f"/products/{p.id}/" for p in kb.products]
        conditions = [f"/conditions/{c.id}/" for c in kb.conditions]
        regulators = [f"/regulators/{r.id}/" for r in kb.regulators]
        guides = [path for path, _, _ in GUIDES if path not in STATIC_PATHS]
        deeper = [f"/{p.slug}/" for p in deeper_pages(kb)]
        return [*STATIC_PATHS, *guides, *deeper, *frontiers, *products, *conditions, *regulators]

    def location(self, item: str) -> str:
        return item
