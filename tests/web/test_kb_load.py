"""Loading the knowledge base into the database is idempotent and removes what the files no longer hold."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from celldecide.knowledge import load_knowledge_uncached
from celldecide.web.kb.models import KnowledgeEntry, KnowledgeState
from celldecide.web.kb.services import knowledge_sync

pytestmark = pytest.mark.django_db


def test_it_inserts_every_entry_then_changes_nothing(kb):
    first = knowledge_sync(kb=kb)
    assert first.inserted == KnowledgeEntry.objects.count() > 0
    assert (first.updated, first.deleted) == (0, 0)
    second = knowledge_sync(kb=kb)
    assert (second.inserted, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.inserted
    assert KnowledgeState.objects.get().version == kb.version


def test_it_removes_an_entry_removed_from_the_files_and_updates_a_changed_one(knowledge_copy):
    knowledge_sync(kb=load_knowledge_uncached(knowledge_copy))
    faqs = knowledge_copy / "faqs.yaml"
    text = faqs.read_text(encoding="utf-8")
    head, _, tail = text.partition("- id: headline")
    faqs.write_text(head.replace("Yes, a small number", "Yes; a small number"), encoding="utf-8")
    # the hub check expects five FAQs: add one back under a new id so the copy stays valid
    faqs.write_text(faqs.read_text(encoding="utf-8") + "- id: renamed\n  question: Q?\n  answer: A.\n", encoding="utf-8")
    result = knowledge_sync(kb=load_knowledge_uncached(knowledge_copy))
    assert (result.inserted, result.updated, result.deleted) == (1, 1, 1)
    assert not KnowledgeEntry.objects.filter(collection="faqs", key="headline").exists()
    assert KnowledgeEntry.objects.filter(collection="faqs", key="renamed").exists()


def test_it_loads_through_the_management_command(capsys):
    call_command("load_knowledge", json=True)
    first = json.loads(capsys.readouterr().out)
    call_command("load_knowledge", json=True)
    second = json.loads(capsys.readouterr().out)
    assert first["inserted"] > 0
    assert (second["inserted"], second["updated"], second["deleted"]) == (0, 0, 0)


def test_it_keeps_the_database_unchanged_when_the_files_are_broken(knowledge_copy, settings, capsys):
    from django.core.management.base import CommandError

    call_command("load_knowledge")
    before = KnowledgeEntry.objects.count()
    (knowledge_copy / "stages.yaml").write_text("- id: [broken\n", encoding="utf-8")
    settings.KNOWLEDGE_DIR = knowledge_copy
    with pytest.raises(CommandError, match="stages.yaml"):
        call_command("load_knowledge")
    assert KnowledgeEntry.objects.count() == before
