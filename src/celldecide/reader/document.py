"""The one document object the reading steps pass along, and the small records they put in it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

TrialLookup = Callable[[str, str], "dict | None"]


@dataclass(frozen=True, slots=True)
class Mention:
    """Something recognized in the text: `kind` ("cell_type", "lex", "phase" …), its `value`, its span.

    `rule` names what found it (a knowledge id, a lexicon label, a pattern) so a finding can explain itself.
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
    `tokens` and `sentences` (segment), `mentions` (recognize), the assessment fields (assess) and the
    explanation fields (explain).
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

    def of(self, kind: str, value: str | None = None) -> list[Mention]:
        """Return the mentions of one kind (and value), in text order."""
        index = self._by_kind
        if index is None or index[0] is not self.mentions:
            grouped: dict[str, list[Mention]] = {}
            for mention in self.mentions:
                grouped.setdefault(mention.kind, []).append(mention)
            index = self._by_kind = (self.mentions, grouped)
        found = index[1].get(kind, [])
        return list(found) if value is None else [m for m in found if m.value == value]

    def values(self, kind: str) -> list[str]:
        """Return the distinct values of one kind, in order of first mention."""
        seen: dict[str, None] = {}
        for mention in self.mentions:
            if mention.kind == kind:
                seen.setdefault(mention.value, None)
        return list(seen)

    def sentence_of(self, position: int) -> tuple[int, int]:
        """Return the (start, end) of the sentence containing character `position`."""
        low, high = 0, len(self.sentences) - 1
        while low <= high:
            mid = (low + high) // 2
            start, end = self.sentences[mid]
            if position < start:
                high = mid - 1
            elif position >= end:
                low = mid + 1
            else:
                return start, end
        return (position, position)

    def quote(self, spans: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
        """Return evidence objects `{start, end, quote}` for spans of the normalized text."""
        return [{"start": s, "end": e, "quote": self.text[s:e]} for s, e in spans]
