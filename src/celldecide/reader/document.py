"""The one document object the reading steps pass along, and the small records they put in it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

TrialLookup = Callable[[str, str], "dict | None"]


class Mention(NamedTuple):
    """Something recognized in the text: `kind` ("cell_type", "lex", "phase" …), its `value`, its span.

    `rule` names what found it (a knowledge id, a lexicon label, a pattern) so a finding can explain itself.
    A named tuple: a page yields hundreds of mentions, and a tuple is the cheapest immutable record to make.
    """

    kind: str
    value: str
    start: int
    end: int
    rule: str = ""


@dataclass
class Finding:
    """A status with the spans that support it and a note saying which rule decided it."""

    id: str
    status: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    note: str = ""


@dataclass
class Flag:
    """A red flag that fired, with its spans and why."""

    id: str
    spans: list[tuple[int, int]]
    why: str


@dataclass
class Document:
    """Everything known about one text while it is being read.

    Steps fill it in order (see `celldecide.reader.pipeline.PIPELINE`): `text` and `view` (normalize),
    `tokens`, their offsets and `sentences` (segment), `mentions` (recognize), the assessment fields
    (assess) and the explanation fields (explain).
    """

    raw: str
    knowledge: Any
    compiled: Any
    trial_lookup: TrialLookup | None = None
    # normalize
    text: str = ""
    view: str = ""  # same length as `text`: lower case, one apostrophe, one dash, for matching
    was_html: bool = False
    # segment
    tokens: Any = None
    token_starts: list[int] = field(default_factory=list)  # character offsets of each token
    token_ends: list[int] = field(default_factory=list)
    number_tokens: list[int] = field(default_factory=list)  # indices of the tokens that look like numbers
    sentences: list[tuple[int, int]] = field(default_factory=list)
    # recognize
    mentions: list[Mention] = field(default_factory=list)
    # assess
    kind: str = "unknown"
    entities: dict[str, list] = field(default_factory=dict)
    checklist: list[Finding] = field(default_factory=list)
    layers: list[Finding] = field(default_factory=list)
    stage: dict[str, Any] = field(default_factory=dict)
    red_flags: list[Flag] = field(default_factory=list)
    matches: dict[str, Any] = field(default_factory=dict)
    # explain
    questions: list[str] = field(default_factory=list)
    summary: str = ""
    _by_kind: tuple | None = field(default=None, repr=False)
    _sentence_starts: tuple | None = field(default=None, repr=False)
    _gate_positions: tuple | None = field(default=None, repr=False)

    def gate_positions(self) -> list[list[int]]:
        """Return where each gated pattern of `compiled.gates` may match in `view` (one scan, then kept)."""
        kept = self._gate_positions
        if kept is None or kept[0] is not self.view:
            kept = self._gate_positions = (self.view, self.compiled.gates.candidates(self.view))
        return kept[1]

    def find(self, name: str, *, in_view: bool = False) -> Iterator[re.Match[str]]:
        """Yield the matches of a named whole-text pattern ("phase", "cue:offer") in `text`, or in `view`.

        The pattern is tried only where the gate scan found one of the literals its matches start with.
        """
        slot = self.compiled.slots[name]
        return self.compiled.gates.finditer(slot, self.view if in_view else self.text, self.view,
                                            self.gate_positions()[slot])

    def _grouped(self) -> dict:
        """Return the mentions grouped by kind, in text order (built once per mentions list).

        Groups by (kind, value) are added the first time a kind is asked for by value.
        """
        index = self._by_kind
        if index is None or index[0] is not self.mentions:
            grouped: dict = {}
            for mention in self.mentions:
                grouped.setdefault(mention.kind, []).append(mention)
            index = self._by_kind = (self.mentions, grouped)
        return index[1]

    def of(self, kind: str, value: str | None = None) -> list[Mention]:
        """Return the mentions of one kind (and value), in text order."""
        grouped = self._grouped()
        if value is None:
            return list(grouped.get(kind, ()))
        if (kind, None) not in grouped:
            grouped[(kind, None)] = True  # this kind is now grouped by value too
            for mention in grouped.get(kind, ()):
                grouped.setdefault((kind, mention.value), []).append(mention)
        return list(grouped.get((kind, value), ()))

    def values(self, kind: str) -> list[str]:
        """Return the distinct values of one kind, in order of first mention."""
        return list(dict.fromkeys(m.value for m in self._grouped().get(kind, ())))

    def sentence_of(self, position: int) -> tuple[int, int]:
        """Return the (start, end) of the sentence containing character `position`."""
        starts = self._sentence_starts
        if starts is None or starts[0] is not self.sentences:
            starts = self._sentence_starts = (self.sentences, [start for start, _ in self.sentences])
        at = bisect.bisect_right(starts[1], position) - 1
        if at >= 0:
            start, end = self.sentences[at]
            if position < end:
                return start, end
        return (position, position)

    def quote(self, spans: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
        """Return evidence objects `{start, end, quote}` for spans of the normalized text."""
        return [{"start": s, "end": e, "quote": self.text[s:e]} for s, e in spans]
