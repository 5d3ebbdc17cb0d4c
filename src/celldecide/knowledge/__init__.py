"""The editorial knowledge base: schemas, loader and consistency checks (plain Python, no web framework)."""

from celldecide.knowledge.loader import (
    COLLECTIONS,
    Knowledge,
    KnowledgeError,
    Problem,
    default_root,
    load_knowledge,
    load_knowledge_uncached,
    reload_knowledge,
)

__all__ = [
    "COLLECTIONS",
    "Knowledge",
    "KnowledgeError",
    "Problem",
    "default_root",
    "load_knowledge",
    "load_knowledge_uncached",
    "reload_knowledge",
]
