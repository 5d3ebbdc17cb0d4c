"""`celldecide trials import | fetch | search`: load registry files or the ClinicalTrials.gov API, and search."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from celldecide.cli import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    trials = sub.add_parser("trials", help="import, fetch and search registered trials")
    trials_sub = trials.add_subparsers(dest="trials_command", required=True, metavar="ACTION")

    imp = trials_sub.add_parser("import", help="import registry files or folders (the format is detected per file)")
    imp.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    _summary_options(imp)
    imp.set_defaults(func=run_import)

    fetch = trials_sub.add_parser("fetch", help="search ClinicalTrials.gov (API v2) and import what it returns")
    fetch.add_argument("--query", required=True, help="free-text search term (query.term)")
    fetch.add_argument("--condition", help="condition or disease (query.cond)")
    fetch.add_argument("--max", type=int, default=1000, dest="max_records", help="at most this many studies")
    _summary_options(fetch)
    fetch.set_defaults(func=run_fetch)

    search = trials_sub.add_parser("search", help="search the stored trials")
    search.add_argument("text", nargs="*", help="words to search for")
    search.add_argument("--condition")
    search.add_argument("--cell-type", dest="cell_type")
    search.add_argument("--phase")
    search.add_argument("--status")
    search.add_argument("--country")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.set_defaults(func=run_search)


def _summary_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print only the summary object")
    parser.add_argument("--reasons", type=Path, help="where to write rejected records (JSON lines)")


def _default_reasons_path() -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("var") / f"trials-rejected-{stamp}.jsonl"


def _report(summary, args: argparse.Namespace) -> int:
    """Print the summary (the exact JSON object with --json) and write the rejections' reasons file."""
    from celldecide.web.trials.services import rejections_write

    if args.json:
        print(json.dumps(summary.to_dict()))
    else:
        counts = summary.to_dict()
        print(", ".join(f"{key} {value}" for key, value in counts.items()))
    if summary.rejections:
        path = rejections_write(rejections=summary.rejections, path=args.reasons or _default_reasons_path())
        print(f"{summary.rejected} rejected record(s), reasons in {path}", file=sys.stderr)
    return 0


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int, str], None]]:
    """Yield a function advancing a progress bar on a terminal; elsewhere (pipes, CI, tests) it does nothing."""
    if not sys.stderr.isatty():
        yield lambda advance, text: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[status]}"),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task(label, total=total or None, status="")
        yield lambda advance, text: progress.update(task, advance=advance, status=text)


def run_import(args: argparse.Namespace) -> int:
    """Import every file given (folders are walked) and print the summary."""
    from celldecide.cli._django import setup_django

    setup_django()
    from celldecide.web.trials.services import registry_files, trials_import_paths

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    files = registry_files(args.paths)
    sizes = {path: path.stat().st_size for path in files}
    with _progress(sum(sizes.values()), "Importing") as advance:
        summary = trials_import_paths(
            paths=files,
            on_file=lambda path, total: advance(sizes[path], f"{total.read} records"),
        )
    return _report(summary, args)


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch studies from ClinicalTrials.gov page by page and import them."""
    from celldecide.cli._django import setup_django

    if args.max_records < 1:
        raise UsageError("--max must be at least 1")
    setup_django()
    from celldecide.registry.client import CtGovClient, CtGovError
    from celldecide.web.trials.services import trials_fetch

    with _progress(args.max_records, "Fetching") as advance:
        try:
            summary = trials_fetch(
                client=CtGovClient(),
                query=args.query,
                condition=args.condition,
                max_records=args.max_records,
                on_batch=lambda total: advance(0, f"{total.read} records"),
            )
        except CtGovError as error:
            print(f"celldecide: {error}", file=sys.stderr)
            return 1
    return _report(summary, args)


def run_search(args: argparse.Namespace) -> int:
    """Print the stored trials matching the words and filters (one JSON object with --json)."""
    from celldecide.cli._django import setup_django

    setup_django()
    from celldecide.web.trials.selectors import trial_search, trial_summary

    result = trial_search(
        text=" ".join(args.text) or None,
        condition=args.condition,
        cell_type=args.cell_type,
        phase=args.phase,
        status=args.status,
        country=args.country,
        page=args.page,
    )
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0
    about = "about " if result.total_is_estimate else ""
    print(f"{about}{result.total} trial(s), page {result.page} of {about}{result.pages}")
    for trial in result.trials:
        summary = trial_summary(trial)
        phases = ", ".join(summary["phases"]) or "no phase"
        print(f"{summary['id']:<24} {summary['status'] or '-':<24} {phases:<10} {summary['title']}")
    return 0
