"""Read many texts: list the items of a folder or a JSONL file, skip those already done, count results.

The command line drives these functions (progress bar, worker processes); they hold no I/O policy of
their own beyond reading the input and the existing output.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celldecide.reader.errors import ReaderInputError

SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class Item:
    """One text to read: its id and either its text or the file holding it."""

    id: str
    text: str | None = None
    path: Path | None = None

    def load(self) -> str | bytes:
        """Return the text (files are read as bytes so the reader reports undecodable input itself)."""
        if self.text is not None:
            return self.text
        assert self.path is not None
        return self.path.read_bytes()


class BatchInputError(ValueError):
    """Raise when the batch input is neither a folder of text files nor a JSONL file of {id, text}."""


def items_in(source: Path) -> Iterator[Item]:
    """Yield the items of a folder (.txt/.html files, by relative path) or a JSONL file of {"id", "text"}."""
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
            yield Item(id=path.relative_to(source).as_posix(), path=path)
        return
    if not source.is_file():
        raise BatchInputError(f"{source} is neither a folder nor a file")
    with source.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BatchInputError(f"{source}:{number}: not a JSON line ({exc.msg})") from None
            if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                raise BatchInputError(f'{source}:{number}: expected an object with "id" and "text"')
            yield Item(id=str(row["id"]), text=row["text"])


def done_ids(out: Path) -> set[str]:
    """Return the ids already written to `out` (a torn last line from an interrupted run is ignored)."""
    if not out.exists():
        return set()
    ids: set[str] = set()
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                ids.add(str(json.loads(line)["id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return ids


def read_item(item: Item, reader) -> dict[str, Any]:
    """Return the output line for one item: `{"id", "reading"}` or `{"id", "error"}`."""
    try:
        reading = reader(item.load())
    except ReaderInputError as exc:
        return {"id": item.id, "error": {"code": exc.code, "message": str(exc)}}
    except OSError as exc:
        return {"id": item.id, "error": {"code": "unreadable_file", "message": str(exc)}}
    return {"id": item.id, "reading": reading.to_json()}


def tally(out: Path) -> dict[str, Counter]:
    """Count red flags, evidenced and claimed stages, kinds and errors over an output file."""
    counts: dict[str, Counter] = {"red_flags": Counter(), "evidenced": Counter(), "claimed": Counter(),
                                  "kind": Counter(), "errors": Counter()}
    if not out.exists():
        return counts
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "error" in row:
                counts["errors"][row["error"].get("code", "error")] += 1
                continue
            reading = row.get("reading") or {}
            counts["red_flags"].update(f["id"] for f in reading.get("red_flags", []))
            counts["evidenced"][str(reading.get("stage", {}).get("evidenced"))] += 1
            counts["claimed"][str(reading.get("stage", {}).get("claimed"))] += 1
            counts["kind"][reading.get("kind", "unknown")] += 1
    return counts
