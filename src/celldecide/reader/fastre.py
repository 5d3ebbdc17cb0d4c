"""Apply regular expressions only where they can match, by the literal text every match starts with.

A red-flag rule such as ``\\b(?:breakthrough|miracle)`` can only match where "breakthrough" or
"miracle" occurs. `GatedPattern` derives those literal prefixes from the parsed pattern once, finds
them with `str.find` (a fast substring search), and tries the regex at those positions only. A
pattern whose matches have no literal prefix (``\\d+ patients``) falls back to a normal scan. The
matches are exactly the ones `re.finditer` returns on the same text; the work is proportional to the
number of candidate positions, not to the number of alternatives times the length of the text.

>>> gated = GatedPattern.compile(r"\\b(?:miracle|breakthrough)s?\\b")
>>> gated.prefixes
('break', 'mirac')
>>> [m.group(0) for m in gated.finditer("a miracle, two breakthroughs")]
['miracle', 'breakthroughs']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

try:  # Python 3.11 keeps the parser here; `sre_parse` is its deprecated alias.
    from re import _constants as _c
    from re import _parser as _sre
except ImportError:  # pragma: no cover - older layout
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

# Stop extending prefixes once every one is this long: long enough to be rare, short enough to stay few.
_ENOUGH = 5
_MAX_PREFIXES = 64
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}


def _class_chars(items: list) -> set[str] | None:
    """Return the characters a small character class can match, or None when it is open-ended."""
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < 12:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None
    return chars


def _sequence(items) -> tuple[set[str] | None, bool]:
    """Return (prefixes, complete) for a parsed sequence; complete means the whole sequence is spelled out."""
    acc = {""}
    items = list(items)
    for position, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            optional, done = _sequence(av[2])
            if optional is not None and not done:
                # "(?:considered )?standard": either the optional part's prefix or what follows it.
                rest, _ = _sequence(items[position + 1:])
                union = {a + b for a in acc for b in optional | (rest or {""})}
                return (union, False) if len(union) <= _MAX_PREFIXES else (acc, False)
        alts, complete = _item(op, av)
        if alts is None:
            return acc, False
        grown = {a + b for a in acc for b in alts}
        if len(grown) > _MAX_PREFIXES:
            return acc, False
        acc = grown
        if not complete or min(len(a) for a in acc) >= _ENOUGH:
            return acc, False
    return acc, True


def _item(op, av) -> tuple[set[str] | None, bool]:
    if op is _c.LITERAL:
        return {chr(av)}, True
    if op is _c.IN:
        chars = _class_chars(av)
        return (chars, True) if chars else (None, False)
    if op is _c.SUBPATTERN:
        return _sequence(av[-1])
    if op is _c.BRANCH:
        union: set[str] = set()
        complete = True
        for branch in av[1]:
            alts, done = _sequence(branch)
            if alts is None:
                return None, False
            union |= alts
            complete = complete and done
        return union, complete
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, sub = av
        alts, done = _sequence(sub)
        if alts is None:
            return None, False
        if low == 0 and high == 1:
            return alts | {""}, done
        if low >= 1:
            return alts, False
        return {""}, False
    return None, False


def literal_prefixes(pattern: str, parsed=None) -> tuple[str, ...] | None:
    """Return lower-case literal prefixes one of which starts every match, or None if there are none.

    >>> literal_prefixes(r"\\bno (?:side effects|risks?)")
    ('no risk', 'no side ')
    >>> literal_prefixes(r"\\d+ patients") is None
    True
    """
    if parsed is None:
        try:
            parsed = _sre.parse(pattern, re.IGNORECASE)
        except re.error:
            return None
    alts, _ = _sequence(list(parsed))
    if not alts or "" in alts:
        return None
    lowered = {a.lower() for a in alts}
    if any(len(a) < 2 and a.isalnum() for a in lowered):
        return None  # a one-letter prefix is everywhere: scanning is cheaper than finding
    # Keep only the shortest: "stem" already finds every place "stem cell" would.
    kept = sorted(a for a in lowered if not any(b != a and a.startswith(b) for b in lowered))
    return tuple(kept)


def required_literals(pattern: str, parsed=None) -> tuple[str, ...] | None:
    r"""Return lower-case literals one of which occurs in every match, or None when none is known.

    A pattern that starts with a digit has no useful prefix, but "%" or "percent" later in it still
    tells a text where it cannot match at all.

    >>> required_literals(r"\d+ ?(?:%|percent) of patients")
    ('%', 'perce')
    """
    if parsed is None:
        try:
            parsed = _sre.parse(pattern, re.IGNORECASE)
        except re.error:
            return None
    best: set[str] | None = None
    for op, av in parsed:
        if op in _ZERO_WIDTH:
            continue
        alts, _ = _item(op, av)
        if not alts or "" in alts or any(len(a.strip()) < 2 and (a.isalnum() or not a.strip()) for a in alts):
            continue
        # Fewer alternatives first ("million|billion" before "cells|exosomes|…"), then longer ones.
        if best is None or (len(alts), -min(map(len, alts))) < (len(best), -min(map(len, best))):
            best = alts
    return tuple(sorted({a.lower() for a in best})) if best else None


@dataclass(frozen=True)
class GatedPattern:
    """A compiled regex plus the literal prefixes that gate it, or literals any match must contain."""

    source: str
    regex: re.Pattern[str]
    prefixes: tuple[str, ...] | None
    required: tuple[str, ...] | None = None
    width: int | None = None  # the longest match possible, when bounded

    @classmethod
    def compile(cls, source: str) -> GatedPattern:
        """Compile `source` case-insensitively and derive its gate (the pattern is parsed once)."""
        try:
            parsed = _sre.parse(source, re.IGNORECASE)
        except re.error:
            parsed = None
        prefixes = literal_prefixes(source, parsed)
        required = None if prefixes else required_literals(source, parsed)
        return cls(source=source, regex=re.compile(source, re.IGNORECASE), prefixes=prefixes, required=required,
                   width=_max_width(source, parsed))

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        """Yield the non-overlapping matches `re.finditer` would yield, in order.

        `lower` is `text` lower-cased with the same length (the reader keeps one); the gate searches it.
        """
        haystack = lower if lower is not None else text.lower()
        if self.prefixes is None or len(haystack) != len(text):
            if self.required is not None and self.width is not None and len(haystack) == len(text):
                yield from self._around_required(text, haystack)
            elif self.required is None or any(literal in haystack for literal in self.required):
                yield from self.regex.finditer(text)
            return
        positions: set[int] = set()
        for prefix in self.prefixes:
            at = haystack.find(prefix)
            while at != -1:
                positions.add(at)
                at = haystack.find(prefix, at + 1)
        end = -1
        match_at = self.regex.match
        for at in sorted(positions):
            if at < end:
                continue
            match = match_at(text, at)
            if match is not None:
                yield match
                end = match.end() if match.end() > at else at + 1

    def _around_required(self, text: str, haystack: str) -> Iterator[re.Match[str]]:
        """Yield matches found in windows around each required literal (the match width is bounded)."""
        width = self.width or 0
        windows: list[list[int]] = []
        for literal in self.required or ():
            at = haystack.find(literal)
            while at != -1:
                windows.append([max(0, at - width), min(len(text), at + len(literal) + 2 * width)])
                at = haystack.find(literal, at + 1)
        windows.sort()
        merged: list[list[int]] = []
        for window in windows:
            if merged and window[0] <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], window[1])
            else:
                merged.append(window)
        end = -1
        for low, high in merged:
            for match in self.regex.finditer(text, low, high):
                # A window's end looks like the end of the text to `\b`; a real match ends before it.
                if match.start() >= end and (match.end() < high or high == len(text)):
                    yield match
                    end = match.end()

    def search(self, text: str, start: int, stop: int) -> re.Match[str] | None:
        """Return the first match inside text[start:stop] (lookarounds see the whole text)."""
        return self.regex.search(text, start, stop)


def _max_width(pattern: str, parsed=None) -> int | None:
    """Return the longest possible match of `pattern`, or None when it is unbounded."""
    try:
        low, high = (parsed if parsed is not None else _sre.parse(pattern, re.IGNORECASE)).getwidth()
    except (re.error, OverflowError):
        return None
    return high if high < 2_000 else None


def trie_pattern(words: list[str]) -> str:
    """Return a regex matching any of `words`, written as a trie so alternatives share their prefixes.

    >>> trie_pattern(["stem", "step", "no"])
    '(?:no|ste(?:m|p))'
    """
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


class GateSet:
    """Find where each of many gated patterns may match, with one scan of the text for all their prefixes.

    One pass of a trie-shaped lookahead marks every position where some prefix starts; each position is
    then given to the patterns owning a prefix found there. Patterns without a prefix are scanned on
    their own, as `GatedPattern.finditer` does.
    """

    def __init__(self, patterns: list[GatedPattern]) -> None:
        self.patterns = tuple(patterns)
        prefixes = sorted({p for g in self.patterns if g.prefixes for p in g.prefixes})
        # A prefix whose every pattern starts with a word boundary is looked for at word starts only,
        # which skips most positions of a text cheaply; the others are looked for everywhere.
        anywhere = sorted({p for g in self.patterns if g.prefixes and not g.source.startswith(r"\b")
                           for p in g.prefixes})
        at_words = [p for p in prefixes if p not in set(anywhere)]
        # The trie is greedy, so the captured prefix is the longest one starting there; every shorter
        # prefix that also starts there is a prefix of it.
        scans = []
        if at_words:
            scans.append(r"\b(?=(" + trie_pattern(at_words) + "))")
        if anywhere:
            scans.append("(?=(" + trie_pattern(anywhere) + "))")
        self._scans = tuple(re.compile(scan) for scan in scans)
        owners: dict[str, set[int]] = {word: set() for word in prefixes}
        for index, gated in enumerate(self.patterns):
            for prefix in gated.prefixes or ():
                # The words starting with `prefix` sit together in the sorted list.
                low = bisect.bisect_left(prefixes, prefix)
                high = bisect.bisect_left(prefixes, prefix + "\U0010ffff")
                for word in prefixes[low:high]:
                    owners[word].add(index)
        self._owners: dict[str, tuple[int, ...]] = {word: tuple(sorted(found)) for word, found in owners.items()}

    def candidates(self, lower: str) -> list[list[int]]:
        """Return, for each pattern, the sorted positions of `lower` where one of its prefixes starts."""
        found: list[list[int]] = [[] for _ in self.patterns]
        owners = self._owners
        for scan in self._scans:
            for hit in scan.finditer(lower):
                at = hit.start()
                for index in owners[hit.group(1)]:
                    found[index].append(at)
        if len(self._scans) > 1:
            for positions in found:
                positions.sort()
        return found

    def finditer(self, index: int, text: str, lower: str, positions: list[int]) -> Iterator[re.Match[str]]:
        """Yield the matches of pattern `index`, trying it only at `positions` when it has prefixes."""
        gated = self.patterns[index]
        if gated.prefixes is None or len(lower) != len(text):
            yield from gated.finditer(text, lower)
            return
        end = -1
        match_at = gated.regex.match
        for at in positions:
            if at < end:
                continue
            match = match_at(text, at)
            if match is not None:
                yield match
                end = match.end() if match.end() > at else at + 1
