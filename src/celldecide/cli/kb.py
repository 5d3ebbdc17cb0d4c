"""`celldecide kb check | stats | load`: validate, count and load the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys

from celldecide.knowledge import KnowledgeError, load_knowledge_uncached


def register(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="check, count and load the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True, metavar="ACTION")

    check = kb_sub.add_parser("check", help="validate every file; exit 1 listing file:entry:field: message")
    check.add_argument("--root", help="knowledge folder (default: CELLDECIDE_KNOWLEDGE_DIR or ./knowledge)")
    check.set_defaults(func=run_check)

    stats = kb_sub.add_parser("stats", help="count entries per kind")
    stats.add_argument("--root", help="knowledge folder")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(func=run_stats)

    load = kb_sub.add_parser("load", help="sync the knowledge base into the database (DATABASE_URL)")
    load.add_argument("--json", action="store_true", help="print one JSON object")
    load.set_defaults(func=run_load)


def run_check(args: argparse.Namespace) -> int:
    """Print every problem as `file:entry:field: message` and return 1, or confirm and return 0."""
    try:
        kb = load_knowledge_uncached(args.root)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the knowledge base", file=sys.stderr)
        return 1
    total = sum(kb.stats().values())
    print(f"ok: knowledge {kb.version}, {total} entries checked")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """Print the number of entries per kind."""
    try:
        kb = load_knowledge_uncached(args.root)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    counts = {"version": kb.version, **kb.stats()}
    if args.json:
        print(json.dumps(counts, sort_keys=True))
    else:
        width = max(len(k) for k in counts)
        for key, value in counts.items():
            print(f"{key:<{width}}  {value}")
    return 0


def run_load(args: argparse.Namespace) -> int:
    """Run the load_knowledge management command against DATABASE_URL."""
    from celldecide.cli._django import setup_django

    setup_django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("load_knowledge", json=args.json)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0
