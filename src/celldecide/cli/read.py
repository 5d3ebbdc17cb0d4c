"""`celldecide read` and `celldecide eval`: read one text, a folder or a JSONL file; score a labeled set.

    celldecide read page.html                 a readable rendering
    celldecide read - --json < claim.txt      exactly one schema-valid reading
    celldecide read --batch pages/ --out readings.jsonl --jobs 4
    celldecide eval tests/eval/dev.jsonl [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from celldecide.cli import UsageError
from celldecide.reader import ReaderInputError, Reading, read
from celldecide.reader.batch import BatchInputError, Item, done_ids, items_in, read_item, tally
from celldecide.reader.evaluate import TARGETS, evaluate, load_items
from celldecide.reader.render import to_markdown


def register(sub: argparse._SubParsersAction) -> None:
    reader = sub.add_parser("read", help="read a stem-cell text (file, '-' for stdin, or --batch)")
    reader.add_argument("file", nargs="?", help="a .txt or .html file, or '-' for standard input")
    style = reader.add_mutually_exclusive_group()
    style.add_argument("--json", action="store_true", help="print exactly one reading as JSON")
    style.add_argument("--markdown", action="store_true", help="print the reading as Markdown")
    reader.add_argument("--batch", metavar="INPUT", help="a folder of .txt/.html files or a .jsonl of {id, text}")
    reader.add_argument("--out", metavar="OUT.jsonl", help="where --batch writes one line per item (resumable)")
    reader.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes for --batch (default 1)")
    reader.set_defaults(func=run_read)

    scorer = sub.add_parser("eval", help="score the reader against a labeled JSONL set")
    scorer.add_argument("file", help="labeled items: one {id, kind, text, labels} per line")
    scorer.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    scorer.set_defaults(func=run_eval)


def _knowledge() -> Any:
    """Return the project's checked knowledge base (tests replace this to read with a fixture)."""
    from celldecide.knowledge import load_knowledge

    return load_knowledge()


def _reader():
    knowledge = _knowledge()
    return lambda text: read(text, knowledge=knowledge)


# --- one text -------------------------------------------------------------------------------------


def _input_bytes(name: str) -> bytes:
    if name == "-":
        try:
            return sys.stdin.buffer.read()
        except (OSError, AttributeError) as exc:
            raise UsageError(f"could not read standard input ({exc}); give a FILE to read") from None
    path = Path(name)
    if not path.exists() or path.is_dir():
        raise UsageError(f"{name}: no such file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{name}: {exc.strerror or exc}") from None


def run_read(args: argparse.Namespace) -> int:
    """Read one input (or a batch) and print it in the requested form."""
    if args.batch:
        if args.file:
            raise UsageError("give either FILE or --batch INPUT, not both")
        return run_batch(args)
    if args.out:
        raise UsageError("--out is only used with --batch")
    if not args.file and sys.stdin.isatty():
        raise UsageError("give a FILE to read, '-' for standard input, or --batch INPUT --out OUT.jsonl")
    data = _input_bytes(args.file or "-")  # piped input needs no '-'

    try:
        reading = _reader()(data)
    except ReaderInputError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        sys.stdout.write(json.dumps(reading.to_json(), ensure_ascii=False) + "\n")
    elif args.markdown:
        sys.stdout.write(to_markdown(reading.to_json(), questions=_question_texts()))
    else:
        render_rich(reading)
    return 0


def _question_texts() -> dict[str, str]:
    return {q.id: q.question for q in _knowledge().checklist}


def render_rich(reading: Reading) -> None:
    """Print a reading for a person at a terminal."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    data = reading.to_json()
    console = Console()
    console.print(Panel(data["summary"], title="CellDecide reading", subtitle="not medical advice"))
    stage = data["stage"]
    console.print(f"[bold]Kind[/]: {data['kind'].replace('_', ' ')}   [bold]Evidenced stage[/]: "
                  f"{stage['evidenced'] or '—'}   [bold]Claimed stage[/]: {stage['claimed'] or '—'}")
    checks = Table(title="Checklist", show_lines=False)
    checks.add_column("Question")
    checks.add_column("Status")
    checks.add_column("Evidence / note")
    colours = {"answered": "green", "partial": "yellow", "missing": "red"}
    texts = _question_texts()
    for check in data["checklist"]:
        quote = "; ".join(f"“{e['quote']}”" for e in check["evidence"][:2]) or check["note"]
        checks.add_row(texts.get(check["id"], check["id"]), f"[{colours[check['status']]}]{check['status']}[/]", quote)
    console.print(checks)
    if data["red_flags"]:
        flags = Table(title="Red flags")
        flags.add_column("Flag")
        flags.add_column("Quoted")
        for flag in data["red_flags"]:
            flags.add_row(flag["id"].replace("_", " "), "; ".join(f"“{e['quote']}”" for e in flag["evidence"][:3]))
        console.print(flags)
    if data["questions_to_ask"]:
        console.print("[bold]Questions to ask[/]")
        for n, question in enumerate(data["questions_to_ask"], 1):
            console.print(f"  {n}. {question}")


# --- batch -----------------------------------------------------------------------------------------

_worker_reader = None


def _init_worker() -> None:
    global _worker_reader
    _worker_reader = _reader()


def _work(item: Item) -> dict[str, Any]:
    return read_item(item, _worker_reader)


def _results(pending: list[Item], jobs: int) -> Iterable[dict[str, Any]]:
    if jobs <= 1 or len(pending) < 2:
        reader = _reader()
        for item in pending:
            yield read_item(item, reader)
        return
    methods = multiprocessing.get_all_start_methods()
    # Forked workers inherit the compiled matchers; elsewhere each worker compiles them once.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    _knowledge()  # load before forking so every worker shares it
    with context.Pool(processes=jobs, initializer=_init_worker) as pool:
        yield from pool.imap_unordered(_work, pending, chunksize=8)


def run_batch(args: argparse.Namespace) -> int:
    """Read every item of INPUT not already in OUT, appending one line per item; print the counts."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if not args.out:
        raise UsageError("--batch needs --out OUT.jsonl")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    out = Path(args.out)
    try:
        items = list(items_in(Path(args.batch)))
    except (BatchInputError, UnicodeDecodeError) as exc:
        raise UsageError(str(exc)) from None
    done = done_ids(out)
    pending = [item for item in items if item.id not in done]
    console = Console(stderr=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as fh, Progress(
        TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("read", total=len(pending))
        for row in _results(pending, args.jobs):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()  # a line per item on disk, so an interrupted run resumes where it stopped
            progress.advance(task)
    console.print(f"{len(pending)} read, {len(items) - len(pending)} already in {out}")
    print_tally(tally(out), console)
    return 0


def print_tally(counts: dict, console) -> None:
    """Print the red-flag and stage counts of a batch output."""
    from rich.table import Table

    table = Table(title="Batch counts")
    table.add_column("Count")
    table.add_column("Value")
    table.add_column("Items", justify="right")
    for section in ("red_flags", "evidenced", "claimed", "kind", "errors"):
        for value, n in sorted(counts[section].items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(section, value, str(n))
    console.print(table)


# --- eval -------------------------------------------------------------------------------------------


def run_eval(args: argparse.Namespace) -> int:
    """Score the reader on a labeled set and print every figure (with the issue's targets)."""
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    try:
        items = list(load_items(path))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    figures = evaluate(items, reader=_reader()).figures()
    if args.json:
        print(json.dumps(figures, sort_keys=True))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{path.name}: {figures['items']} items")
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    table.add_column("Target", justify="right")
    for name, value in figures.items():
        if name == "items":
            continue
        target = TARGETS.get(name)
        mark = "" if target is None else ("ok" if value >= target else "below")
        table.add_row(name, f"{value:.3f}", "" if target is None else f"{target:.2f} {mark}")
    Console().print(table)
    return 0
