"""Refuse to run on a broken knowledge base: a system check for `manage.py check` and a start-up guard for WSGI.

Both name every problem as `file:entry:field: message` (the loader's `Problem` format), so whoever starts the
server sees which file to fix instead of a site that fails page by page.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from celldecide.knowledge import Knowledge, KnowledgeError, load_knowledge

HINT = "Fix the file named (run `celldecide kb check` to list every problem), then start again."


@checks.register("celldecide")
def knowledge_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Return one error per knowledge-base problem (id celldecide.E001), or nothing when it loads."""
    try:
        load_knowledge(settings.KNOWLEDGE_DIR)
    except KnowledgeError as exc:
        return [checks.Error(str(problem), hint=HINT, id="celldecide.E001") for problem in exc.problems]
    return []


def knowledge_at_startup() -> Knowledge:
    """Load the knowledge base before the first request; raise ImproperlyConfigured naming every problem."""
    try:
        return load_knowledge(settings.KNOWLEDGE_DIR)
    except KnowledgeError as exc:
        raise ImproperlyConfigured(f"CellDecide cannot start: {exc}\n{HINT}") from None
