"""The knowledge base as the web layer sees it: loaded once per process from settings.KNOWLEDGE_DIR."""

from __future__ import annotations

from django.conf import settings

from celldecide.knowledge import Knowledge, load_knowledge


def current_knowledge() -> Knowledge:
    """Return the checked knowledge base (cached per process by the loader)."""
    return load_knowledge(settings.KNOWLEDGE_DIR)
