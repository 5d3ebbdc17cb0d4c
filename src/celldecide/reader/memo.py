"""What compiling the matchers derives from the reader's own code, remembered between processes.

Most of a new process's first reading goes to two things: tokenizing the gazetteer phrases (a few thousand)
with the reader's tokenizer for the PhraseMatchers, and analysing every gated pattern for its literal
prefixes and other gates (`fastre.GatedPattern.compile`). Both are pure functions of their input (a phrase,
a pattern and its flags) and of the code that computes them, so their results are kept in one entry of the
on-disk cache (`celldecide.knowledge.cache`) under a key made of the source of the modules that define them
(`compiled.py` holds the tokenizer, `fastre.py` the analysis, and this module), the versions of CellDecide,
Python and spaCy. Any edit of that code, or an upgrade, is a different entry; the entry is read once per
process (never trusted if its checksum fails), and written back only when a compile found something new.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

from celldecide.knowledge import cache

FORMAT = 1  # raise when what the entry holds changes
_KIND = "reader"
_SOURCES = tuple(Path(__file__).resolve().parent / name for name in ("compiled.py", "fastre.py", "memo.py"))


def memo_key() -> str:
    """Return the key of the entry for this code, these versions and this Python."""
    from celldecide import __version__

    digest = hashlib.sha256()
    for part in (str(FORMAT), __version__, sys.version, metadata.version("spacy")):
        digest.update(part.encode())
        digest.update(b"\0")
    for source in _SOURCES:
        digest.update(source.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class Memo:
    """Results remembered by name ("words" for phrase tokens, "gates" for pattern analyses).

    `get` and `put` count what was used, so that the entry written back holds only what this process needed
    (a phrase dropped from the knowledge base does not stay in it for ever).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, dict] | None = None
        self._used: dict[str, dict] = {}
        self._new = False

    def _tables(self) -> dict[str, dict]:
        if self._loaded is None:
            found = cache.read_entry(memo_key(), _KIND)
            self._loaded = found if isinstance(found, dict) else {}
        return self._loaded

    def get(self, table: str, key: Any) -> Any | None:
        """Return the result remembered for `key` in `table`, or None."""
        with self._lock:
            value = self._tables().get(table, {}).get(key)
            if value is not None:
                self._used.setdefault(table, {})[key] = value
            return value

    def put(self, table: str, key: Any, value: Any) -> None:
        """Remember `value` for `key` in `table` (written to disk by `save`)."""
        with self._lock:
            self._tables().setdefault(table, {})[key] = value
            self._used.setdefault(table, {})[key] = value
            self._new = True

    def save(self) -> None:
        """Write what this process used back to disk when it had to compute something new."""
        with self._lock:
            if not self._new:
                return
            self._new = False
            cache.write_entry(memo_key(), {table: dict(values) for table, values in self._used.items()}, _KIND)


MEMO = Memo()
