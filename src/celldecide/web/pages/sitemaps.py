"""sitemap.xml: every page of the evidence map."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from celldecide.web.pages.knowledge import current_knowledge

STATIC_PATHS = ("/", "/stages/", "/checklist/", "/mechanisms/", "/sources/", "/methodology/", "/disclosures/", "/faq/")


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        frontiers = [f"/frontiers/{f.slug}/" for f in current_knowledge().all("frontiers")]
        return [*STATIC_PATHS, *frontiers]

    def location(self, item: str) -> str:
        return item
