"""The reader: turn any stem-cell text into a reading (`spec/reading.md`), every finding quoted.

The steps live in one list, `pipeline.PIPELINE`, each a registered function over one `Document`:

- `normalize` (normalize.py): HTML to visible text with selectolax, NFC, whitespace; a same-length view for matching.
- `segment` (segment.py): spaCy blank English tokens and sentences, plus line breaks that end a sentence.
- `recognize` (recognize.py): knowledge gazetteers and the reader's lexicon through spaCy PhraseMatchers,
  counts and durations through token patterns (what a spaCy Matcher would find), registry ids through the
  knowledge base's `id_pattern`s.
- `assess` (assess.py): kind, entities, red flags (rules from `knowledge/red_flags.yaml`), stage, checklist,
  layers and matches.
- `explain` (explain.py): questions to ask and the summary.

Matchers are compiled once per knowledge version (compiled.py); regular expressions are gated by the literal
text their matches start with (fastre.py), so reading stays linear in the length of the text.

>>> reading = read("Our stem cell IV drip reverses aging. Book now!")   # doctest: +SKIP
>>> reading.red_flag_ids                                               # doctest: +SKIP
['wellness_iv', 'guaranteed_outcome', 'sales_pressure', 'vague_cell_source']
"""

from __future__ import annotations

import gc
from typing import Any

# Importing spaCy, numpy and the reader's modules makes a few hundred thousand objects that live as long as
# the process; the cyclic garbage collector would walk them all several times on the way and find nothing
# to free. It is paused while they are imported, then everything alive is moved out of its sight
# (`gc.freeze()`, as `compiled.compiled_for` does after building the matchers) and it is restored as it was.
_collecting = gc.isenabled()
gc.disable()
try:
    from celldecide.reader.compiled import compiled_for
    from celldecide.reader.document import Document, TrialLookup
    from celldecide.reader.errors import (
        MAX_CHARS,
        EmptyTextError,
        ReaderInputError,
        TextTooLongError,
        UndecodableInputError,
    )
    from celldecide.reader.pipeline import PIPELINE, run
    from celldecide.reader.reading import SCHEMA_ID, Reading, reading_from
finally:
    gc.freeze()
    if _collecting:
        gc.enable()


def decode_input(data: str | bytes) -> str:
    """Return the input as text: bytes must be UTF-8 (a byte-order mark is dropped), text must be encodable."""
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate, e.g. "\ud800" escaped in JSON, is not text
            raise UndecodableInputError(exc.start) from None
        return data
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UndecodableInputError(exc.start) from None


def read(text: str | bytes, *, knowledge: Any = None, trial_lookup: TrialLookup | None = None) -> Reading:
    """Read one text (plain or HTML, str or UTF-8 bytes) and return its reading.

    `knowledge` defaults to the project's checked knowledge base; `trial_lookup(registry_id, trial_id)`
    returns what the local registry holds for a registration, or None.
    Raise `ReaderInputError` (empty, too long, undecodable) for input that cannot be read.
    """
    raw = decode_input(text)
    if len(raw) > MAX_CHARS:
        raise TextTooLongError(len(raw))
    if not raw.strip():
        raise EmptyTextError()
    if knowledge is None:
        from celldecide.knowledge import load_knowledge

        knowledge = load_knowledge()
    doc = Document(raw=raw, knowledge=knowledge, compiled=compiled_for(knowledge), trial_lookup=trial_lookup)
    return reading_from(run(doc))


__all__ = [
    "MAX_CHARS",
    "PIPELINE",
    "SCHEMA_ID",
    "EmptyTextError",
    "Reading",
    "ReaderInputError",
    "TextTooLongError",
    "UndecodableInputError",
    "decode_input",
    "read",
]
