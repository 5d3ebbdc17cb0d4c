"""`celldecide sources stale [--older-than 180d]`: list sources due for re-verification."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys

from celldecide.cli import UsageError
from celldecide.knowledge import KnowledgeError, load_knowledge_uncached

_AGE = re.compile(r"^(\d+)\s*([dwmy]?)$")
_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


def parse_age(text: str) -> dt.timedelta:
    """Return the duration in `180d`, `26w`, `6m` or `1y` form.

    >>> parse_age("6m").days
    180
    """
    match = _AGE.match(text.strip().lower())
    if not match:
        raise UsageError(f"--older-than takes a number of days such as 180d, 26w, 6m or 1y (got {text!r})")
    return dt.timedelta(days=int(match.group(1)) * _DAYS[match.group(2)])


def register(sub: argparse._SubParsersAction) -> None:
    sources = sub.add_parser("sources", help="source upkeep")
    s_sub = sources.add_subparsers(dest="sources_command", required=True, metavar="ACTION")
    stale = s_sub.add_parser("stale", help="list sources due for re-verification; exit 1 when any")
    stale.add_argument("--older-than", default="180d", help="age after which a source is due (default 180d)")
    stale.add_argument("--today", help="reference date YYYY-MM-DD (default: today)")
    stale.add_argument("--root", help="knowledge folder")
    stale.add_argument("--json", action="store_true", help="print a JSON list")
    stale.set_defaults(func=run_stale)


def run_stale(args: argparse.Namespace) -> int:
    """List sources whose verified-on date is older than their window; return 1 when any is due."""
    window = parse_age(args.older_than)
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError:
        raise UsageError(f"--today takes a date as YYYY-MM-DD (got {args.today!r})") from None
    try:
        kb = load_knowledge_uncached(args.root)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    due = [
        s for s in kb.sources
        if today - s.verified_on > (dt.timedelta(days=s.reverify_days) if s.reverify_days else window)
    ]
    due.sort(key=lambda s: s.verified_on)
    if args.json:
        print(json.dumps([{"id": s.id, "verified_on": s.verified_on.isoformat(), "url": s.url} for s in due]))
    else:
        for s in due:
            print(f"{s.verified_on.isoformat()}  {s.id}  {s.url}")
        print(f"{len(due)} of {len(kb.sources)} sources due for re-verification", file=sys.stderr)
    return 1 if due else 0
