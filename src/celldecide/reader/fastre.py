"""Apply regular expressions only where they can match, by the literal text every match starts with.

A red-flag rule such as ``\\b(?:breakthrough|miracle)`` can only match where "breakthrough" or
"miracle" occurs. `GatedPattern` derives those literal prefixes from the parsed pattern once, and
tries the regex at the positions where one occurs only. A pattern whose matches have no literal
prefix (``\\d+ patients``) is tried near a literal every match holds ("patients"), or scanned. The
matches are exactly the ones `re.finditer` returns on the same text; the work is proportional to the
number of candidate positions, not to the number of alternatives times the length of the text.
`GateSet` finds the candidate positions of many patterns at once: all of the reader's patterns share
one pass over a text.

>>> gated = GatedPattern.compile(r"\\b(?:miracle|breakthrough)s?\\b")
>>> gated.prefixes
('breakthrough', 'miracle')
>>> [m.group(0) for m in gated.finditer("a miracle, two breakthroughs")]
['miracle', 'breakthroughs']
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

try:  # Python 3.11 keeps the parser here; `sre_parse` is its deprecated alias.
    from re import _constants as _c
    from re import _parser as _sre
except ImportError:  # pragma: no cover - older layout
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

# Stop extending prefixes once every one is this long; past `_MAX_PREFIXES` of them, cut them shorter.
# Long prefixes are rarer, so a pattern is tried at fewer places; `GateSet` finds any number at once.
_ENOUGH = 12
_MAX_PREFIXES = 256
# A required literal at most this many characters into every match is found, then the match is tried at
# each position up to that far before it.
_MAX_LEAD = 16
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


def _fit(prefixes: set[str]) -> set[str]:
    """Return `prefixes` cut to the longest common length at which there are at most `_MAX_PREFIXES` of them.

    A prefix of a prefix still starts every match, so cutting keeps the gate sound, only wider.
    """
    if len(prefixes) <= _MAX_PREFIXES:
        return prefixes
    for length in range(max(map(len, prefixes)) - 1, 0, -1):
        cut = {p[:length] for p in prefixes}
        if len(cut) <= _MAX_PREFIXES:
            return cut
    return {p[:1] for p in prefixes}


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
                return _fit({a + b for a in acc for b in optional | (rest or {""})}), False
        alts, complete = _item(op, av)
        if alts is None:
            return acc, False
        grown = {a + b for a in acc for b in alts}
        if len(grown) > _MAX_PREFIXES:
            return _fit(grown), False
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
    ('no risk', 'no side effects')
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


def _width(parsed, items: list) -> int | None:
    """Return the longest text `items` (a slice of a parsed pattern) can match, or None when unbounded."""
    if not items:
        return 0
    try:
        high = _sre.SubPattern(parsed.state, items).getwidth()[1]
    except (re.error, OverflowError, AttributeError):
        return None
    return high if high < 2_000 else None


def _required(parsed) -> tuple[tuple[str, ...], int | None] | None:
    """Return (literals, lead): one literal occurs in every match, at most `lead` characters after its start.

    Candidates are each top-level item that spells out its alternatives ("(?:%|percent)") and each run of
    plain characters ("10", " of patients"). A candidate close to the start of every match is preferred,
    because matches can then be tried at a few positions before each literal; then fewer alternatives,
    then longer ones. `lead` is None when what precedes the literal is unbounded ("\\d+ ").
    """
    items = list(parsed)
    candidates: list[tuple[set[str], int]] = []
    position = 0
    while position < len(items):
        op, av = items[position]
        if op is _c.LITERAL:
            run = position
            while run < len(items) and items[run][0] is _c.LITERAL:
                run += 1
            if run - position > 1:
                candidates.append(({"".join(chr(code) for _op, code in items[position:run])}, position))
        if op not in _ZERO_WIDTH:
            alts, _ = _item(op, av)
            if alts:
                candidates.append((alts, position))
        position += 1
    best: tuple[tuple, set[str], int | None] | None = None
    for alts, at in candidates:
        if "" in alts or any(len(a.strip()) < 2 and (a.isalnum() or not a.strip()) for a in alts):
            continue
        lead = _width(parsed, items[:at])
        close = lead is not None and lead <= _MAX_LEAD
        score = (not close, len(alts), -min(map(len, alts)))
        if best is None or score < best[0]:
            best = (score, alts, lead)
    if best is None:
        return None
    return tuple(sorted({a.lower() for a in best[1]})), best[2]


def required_literals(pattern: str, parsed=None) -> tuple[str, ...] | None:
    r"""Return lower-case literals one of which occurs in every match, or None when none is known.

    A pattern that starts with a digit has no useful prefix, but "%" or "percent" later in it still
    tells a text where it cannot match at all.

    >>> required_literals(r"\d{1,3} ?(?:%|percent)")
    ('%', 'percent')
    >>> required_literals(r"\d{1,4} ?[x*] ?10\^?\d")
    ('10',)
    """
    if parsed is None:
        try:
            parsed = _sre.parse(pattern, re.IGNORECASE)
        except re.error:
            return None
    found = _required(parsed)
    return found[0] if found else None


@dataclass(frozen=True)
class GatedPattern:
    """A compiled regex plus the literal prefixes that gate it, or literals any match must contain."""

    source: str
    regex: re.Pattern[str]
    prefixes: tuple[str, ...] | None
    required: tuple[str, ...] | None = None
    width: int | None = None  # the longest match possible, when bounded
    lead: int | None = None  # how far into a match a required literal can start, when bounded
    at_words: bool = False  # every match starts at a word boundary (`\\b` begins every alternative)

    @classmethod
    def compile(cls, source: str, flags: int = re.IGNORECASE) -> GatedPattern:
        """Compile `source` (case-insensitively unless told otherwise) and derive its gate, parsing it once.

        The gate is searched in a lower-case copy of the text, so it holds whatever the flags.
        """
        try:
            parsed = _sre.parse(source, re.IGNORECASE)
        except re.error:
            parsed = None
        prefixes = literal_prefixes(source, parsed)
        required = _required(parsed) if parsed is not None else None
        if required and prefixes and set(required[0]) <= set(prefixes):
            required = None  # the prefixes already say it
        at_words = parsed is not None and bool(parsed.data) and parsed.data[0] == (_c.AT, _c.AT_BOUNDARY)
        return cls(source=source, regex=re.compile(source, flags), prefixes=prefixes,
                   required=required[0] if required else None, width=_max_width(source, parsed),
                   lead=required[1] if required else None, at_words=at_words)

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        """Yield the non-overlapping matches `re.finditer` would yield, in order.

        `lower` is `text` lower-cased with the same length (the reader keeps one); the gate searches it.
        """
        haystack = lower if lower is not None else text.lower()
        if self.prefixes is None or len(haystack) != len(text):
            aligned = len(haystack) == len(text)
            if self.required is not None and aligned and self.lead is not None and self.lead <= _MAX_LEAD:
                positions = self._before_required(haystack)
                if positions is None:  # the literal is everywhere: one scan is cheaper than many tries
                    yield from self.regex.finditer(text)
                else:
                    yield from self._at(text, positions)
            elif self.required is not None and self.width is not None and aligned:
                yield from self._around_required(text, haystack)
            elif self.required is None or any(literal in haystack for literal in self.required):
                yield from self.regex.finditer(text)
            return
        if self.required is not None and not any(literal in haystack for literal in self.required):
            return  # a literal every match holds is missing: cheaper to know than to try every prefix
        positions: set[int] = set()
        for prefix in self.prefixes:
            at = haystack.find(prefix)
            while at != -1:
                positions.add(at)
                at = haystack.find(prefix, at + 1)
        yield from self._at(text, sorted(positions))

    def _at(self, text: str, positions: list[int]) -> Iterator[re.Match[str]]:
        """Yield the non-overlapping matches starting at `positions` (sorted), as `re.finditer` would."""
        end = -1
        match_at = self.regex.match
        for at in positions:
            if at < end:
                continue
            match = match_at(text, at)
            if match is not None:
                yield match
                end = match.end() if match.end() > at else at + 1

    def _before_required(self, haystack: str) -> list[int] | None:
        """Return the positions where a match may start: up to `lead` characters before a required literal.

        Return None when they would cover much of the text (a literal repeated throughout it).
        """
        lead = self.lead or 0
        found: list[int] = []
        for literal in self.required or ():
            at = haystack.find(literal)
            while at != -1:
                found.append(at)
                if len(found) * (lead + 1) > len(haystack) // 8 + 64:
                    return None
                at = haystack.find(literal, at + 1)
        positions: set[int] = set()
        for at in found:
            positions.update(range(max(0, at - lead), at + 1))
        return sorted(positions)

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


_WORD_CHAR = re.compile(r"\w")
# Substring hashes: h(s) = sum of ord(s[k]) * BASE**-k, modulo 2**64 (numpy's unsigned arithmetic wraps).
_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_MASK64 = (1 << 64) - 1
_HASHED_PREFIX = 12  # the longest prefix `GateSet` hashes; longer ones are cut to this (a wider gate)
_FILTER_SIZE = 1 << 16  # bits of a hash `GateSet` checks first
_powers: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))
_word_table: np.ndarray | None = None  # `is_word_char` of every code point below 0x10000, built on first use
_tables_lock = threading.Lock()


def is_word_char(ch: str) -> bool:
    """Return True for a character `\\w` matches (the regex engine's definition of a word boundary)."""
    return ch.isalnum() or ch == "_"


def _is_word(codes: np.ndarray) -> np.ndarray:
    """Return, for an array of code points, which are word characters (as `\\w` and `\\b` see them)."""
    global _word_table
    if _word_table is None:
        with _tables_lock:
            if _word_table is None:
                _word_table = np.array([is_word_char(chr(code)) for code in range(0x10000)], dtype=bool)
    if not len(codes) or int(codes.max()) < 0x10000:
        return _word_table[codes]
    is_word = np.zeros(len(codes), dtype=bool)
    basic = codes < 0x10000
    is_word[basic] = _word_table[codes[basic]]
    distinct, which = np.unique(codes[~basic], return_inverse=True)
    is_word[~basic] = np.array([is_word_char(chr(code)) for code in distinct.tolist()], dtype=bool)[which]
    return is_word


def _powers_up_to(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (BASE**i, BASE**-i) for i < size, modulo 2**64 (computed once for the longest text seen)."""
    global _powers
    if len(_powers[0]) < size:
        with _tables_lock:
            if len(_powers[0]) < size:
                grown = max(size, 2 * len(_powers[0]), 16_384)
                with np.errstate(over="ignore"):
                    up = np.full(grown, _BASE, dtype=np.uint64)
                    down = np.full(grown, _BASE_INVERSE, dtype=np.uint64)
                    up[0] = down[0] = 1
                    _powers = (np.cumprod(up, dtype=np.uint64), np.cumprod(down, dtype=np.uint64))
    return _powers


def _hash(text: str) -> int:
    """Return the substring hash of `text` (what `GateSet` computes for every place in a text)."""
    value, weight = 0, 1
    for ch in text:
        value = (value + ord(ch) * weight) & _MASK64
        weight = (weight * _BASE_INVERSE) & _MASK64
    return value


def _length_tag(length: int) -> int:
    """Return the number mixed into a hash so that prefixes of different lengths never compare equal."""
    return (length * 0x100000001B3) & _MASK64


class GateSet:
    """Find where each of many gated patterns may match, with one pass over the text for all their prefixes.

    A pattern starting with a word boundary (`\\b`, nearly all of them) can only match where the boundary
    holds. Its prefixes that start with a word character can therefore only start where a word starts;
    for every word start and every prefix length at once, numpy hashes the text that follows (a rolling
    hash read off one cumulative sum), looks the hashes up in a table of the prefixes' hashes, and gives
    each position to the patterns owning the prefix found there. A hash can only add a place to try,
    never lose one: the pattern itself decides there. The few other prefixes (", md", "$", "€") are found
    with `str.find`. Patterns without a prefix are scanned on their own, as `GatedPattern.finditer` does.
    """

    def __init__(self, patterns: list[GatedPattern]) -> None:
        self.patterns = tuple(patterns)
        owners: dict[str, list[int]] = {}  # prefix found at word starts -> the patterns listing it
        self._found_after_word: dict[str, list[int]] = {}  # prefix -> patterns; needs a word character before
        self._found_anywhere: dict[str, list[int]] = {}
        for index, gated in enumerate(self.patterns):
            for prefix in gated.prefixes or ():
                if not gated.at_words:
                    self._found_anywhere.setdefault(prefix, []).append(index)
                elif _WORD_CHAR.match(prefix):
                    # Each prefix length costs a pass over the word starts; a shorter prefix finds a superset.
                    listed = owners.setdefault(prefix[:_HASHED_PREFIX], [])
                    if index not in listed:
                        listed.append(index)
                else:
                    self._found_after_word.setdefault(prefix, []).append(index)
        words = sorted(owners)
        self._lengths = np.array(sorted({len(w) for w in words}), dtype=np.intp)
        self._tags = np.array([_length_tag(n) for n in self._lengths.tolist()], dtype=np.uint64)
        self._keys = np.array([_hash(w) ^ _length_tag(len(w)) for w in words], dtype=np.uint64)
        # Owners as one flat array: word i owns owner_list[owner_start[i]:owner_start[i] + owner_count[i]].
        self._owner_count = np.array([len(owners[w]) for w in words], dtype=np.intp)
        self._owner_start = np.concatenate(([0], np.cumsum(self._owner_count)[:-1])).astype(np.intp)
        self._owner_list = np.array([i for w in words for i in owners[w]], dtype=np.intp)
        # The keys sorted, for an exact lookup, and a small bit table of their low bits, which turns away
        # most hashes at once (a table this size stays in the processor's cache).
        order = np.argsort(self._keys)
        self._sorted_keys = self._keys[order]
        self._sorted_words = order.astype(np.intp)
        self._seen = np.zeros(_FILTER_SIZE, dtype=bool)
        self._seen[(self._keys & np.uint64(_FILTER_SIZE - 1)).astype(np.intp)] = True

    def _at_word_starts(self, lower: str) -> list[list[int]]:
        """Return, per pattern, the sorted word starts of `lower` where one of its word prefixes begins."""
        found: list[list[int]] = [[] for _ in self.patterns]
        if not len(self._keys) or not lower:
            return found
        codes = np.frombuffer(lower.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        size = len(codes)
        is_word = _is_word(codes)
        starts = np.flatnonzero(is_word[1:] & ~is_word[:-1]) + 1
        if is_word[0]:
            starts = np.concatenate(([0], starts))
        if not len(starts):
            return found
        longest = int(self._lengths[-1])
        up, down = _powers_up_to(size + longest + 1)
        with np.errstate(over="ignore"):
            # sums[i] = hash of lower[:i] read from its start; past the end the text counts as zeros.
            sums = np.empty(size + longest + 1, dtype=np.uint64)
            sums[0] = 0
            np.cumsum(codes * down[:size], out=sums[1:size + 1])
            sums[size + 1:] = sums[size]
            following = sums[starts[:, None] + self._lengths] - sums[starts][:, None]
            hashes = (following * up[starts][:, None]) ^ self._tags
        hashes = hashes.ravel()
        maybe = np.flatnonzero(self._seen[(hashes & np.uint64(_FILTER_SIZE - 1)).astype(np.intp)])
        at = np.searchsorted(self._sorted_keys, hashes[maybe])
        at[at == len(self._sorted_keys)] = 0
        same = self._sorted_keys[at] == hashes[maybe]
        hits = maybe[same]
        if not len(hits):
            return found
        word = self._sorted_words[at[same]]
        position = starts[hits // len(self._lengths)]
        count = self._owner_count[word]
        owner = self._owner_list[np.repeat(self._owner_start[word] - (np.cumsum(count) - count), count)
                                 + np.arange(int(count.sum()))]
        # One sort of owner * (size + 1) + position orders by pattern, then by position.
        combined = np.sort(owner * (size + 1) + np.repeat(position, count))
        owner = combined // (size + 1)
        positions = (combined - owner * (size + 1)).tolist()
        bounds = np.searchsorted(owner, np.arange(len(self.patterns) + 1)).tolist()
        for index in np.unique(owner).tolist():
            found[index] = positions[bounds[index]:bounds[index + 1]]
        return found

    def candidates(self, lower: str) -> list[list[int]]:
        """Return, for each pattern, the sorted positions of `lower` where one of its prefixes starts."""
        found = self._at_word_starts(lower)
        mixed: set[int] = set()
        for prefixes, after_word in ((self._found_after_word, True), (self._found_anywhere, False)):
            for prefix, indices in prefixes.items():
                positions = []
                at = lower.find(prefix)
                while at != -1:
                    if not after_word or (at and is_word_char(lower[at - 1])):
                        positions.append(at)
                    at = lower.find(prefix, at + 1)
                if positions:
                    for index in indices:
                        if found[index]:
                            mixed.add(index)
                        found[index] = found[index] + positions
        for index in mixed:
            found[index].sort()
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
