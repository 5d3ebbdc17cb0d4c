"""The knowledge base as the web layer sees it: loaded once per process from settings.KNOWLEDGE_DIR."""

from __future__ import annotations

from django.conf import settings

from celldecide.knowledge import Knowledge, load_knowledge


def current_knowledge() -> Knowledge:
    """Return the checked knowledge base (cached per process by the loader)."""
    return load_knowledge(settings.KNOWLEDGE_DIR)


_matchers: dict[str, object] = {}


def current_id_matcher():
    """Return the registry-id matcher for the current knowledge version (built once per version)."""
    from celldecide.registry.ids import IdMatcher

    kb = current_knowledge()
    matcher = _matchers.get(kb.version)
    if matcher is None:
        matcher = _matchers[kb.version] = IdMatcher.from_registries(kb.registries)
    return matcher
