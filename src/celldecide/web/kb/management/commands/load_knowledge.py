"""`python -m celldecide.web.manage load_knowledge`: sync the knowledge files into the database."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from celldecide.knowledge import KnowledgeError, load_knowledge_uncached
from celldecide.web.kb.services import knowledge_sync


class Command(BaseCommand):
    help = "Validate the knowledge base and make the database match it (idempotent, one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")

    def handle(self, *args, **options):
        try:
            kb = load_knowledge_uncached(settings.KNOWLEDGE_DIR)
        except KnowledgeError as exc:
            raise CommandError(str(exc)) from None
        result = knowledge_sync(kb=kb)
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict()))
        else:
            self.stdout.write(
                f"knowledge {result.version}: {result.inserted} inserted, {result.updated} updated, "
                f"{result.deleted} deleted, {result.unchanged} unchanged"
            )
