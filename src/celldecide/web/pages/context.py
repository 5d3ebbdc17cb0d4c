"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings

NAV = (
    ("Hub", "/"),
    ("Translation map", "/stages/"),
    ("Checklist", "/checklist/"),
    ("Products", "/products/"),
    ("Conditions", "/conditions/"),
    ("Regulators", "/regulators/"),
    ("Red flags", "/red-flags/"),
    ("Sources", "/sources/"),
)


def site(request) -> dict:
    """Add the site name, navigation, the footer's guides, knowledge version and canonical URL."""
    from celldecide.web.pages.directory import GUIDES
    from celldecide.web.pages.knowledge import current_knowledge

    return {
        "site_name": settings.SITE_NAME,
        "nav": NAV,
        "guides": GUIDES,
        "knowledge_version": current_knowledge().version,
        "canonical_url": settings.SITE_URL + request.path,
    }
