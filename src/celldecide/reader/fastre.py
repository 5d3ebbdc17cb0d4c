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
from typing import Any

import numpy as np

from celldecide.reader.memo import MEMO

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
    shortest = 0  # the length of the shortest prefix in `acc`, kept as it grows (there may be hundreds)
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
        shortest += min(map(len, alts))
        if not complete or shortest >= _ENOUGH:
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


def _parse(pattern: str, parsed=None):
    """Return `parsed` when the caller already parsed the pattern, else its parse (case-insensitive); None when
    the pattern does not compile."""
    if parsed is not None:
        return parsed
    try:
        return _sre.parse(pattern, re.IGNORECASE)
    except re.error:
        return None


def literal_prefixes(pattern: str, parsed=None) -> tuple[str, ...] | None:
    """Return lower-case literal prefixes one of which starts every match, or None if there are none.

    >>> literal_prefixes(r"\\bno (?:side effects|risks?)")
    ('no risk', 'no side effects')
    >>> literal_prefixes(r"\\d+ patients") is None
    True
    """
    parsed = _parse(pattern, parsed)
    if parsed is None:
        return None
    return _usable(_sequence(list(parsed))[0])


def _usable(alts: set[str] | None) -> tuple[str, ...] | None:
    """Return the lower-case literals a gate can use, the shortest of each family, or None when one is empty
    or a single letter or digit (which is everywhere: scanning is cheaper than finding)."""
    if not alts or "" in alts:
        return None
    lowered = {a.lower() for a in alts}
    if any(len(a) < 2 and a.isalnum() for a in lowered):
        return None
    return _shortest(lowered)


def split_prefixes(parsed) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Return (prefixes of the alternatives that start at a word boundary, prefixes of the others) for a
    pattern that is one alternation of which only some alternatives start with `\\b`; None otherwise.

    >>> split_prefixes(_sre.parse(r"\\bno\\b[^.]*cure|\\?|\\bwhether\\b", re.IGNORECASE))
    (('no', 'whether'), ('?',))
    """
    items = list(parsed)
    if not items or items[0][0] is not _c.BRANCH:
        return None
    at_words: set[str] = set()
    anywhere: set[str] = set()
    for branch in items[0][1][1]:
        sequence = list(branch) + items[1:]
        literals = _usable(_sequence(sequence)[0])
        if literals is None:
            return None
        (at_words if sequence[0] == (_c.AT, _c.AT_BOUNDARY) else anywhere).update(literals)
    if not at_words or not anywhere:
        return None
    return _shortest(at_words), _shortest(anywhere)


def _shortest(literals) -> tuple[str, ...]:
    """Return the literals that no other one starts, sorted: "stem" already finds every place "stem cell" would.

    In sorted order a literal that another one starts comes after it, and so does everything between them:
    one pass, keeping what does not start with the last literal kept, finds them.

    >>> _shortest({"stem cell", "stem", "cord", "stem-cell", "co"})
    ('co', 'stem')
    """
    kept: list[str] = []
    for literal in sorted(literals):
        if not kept or not literal.startswith(kept[-1]):
            kept.append(literal)
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
    parsed = _parse(pattern, parsed)
    if parsed is None:
        return None
    found = _required(parsed)
    return found[0] if found else None


_DIGIT = [(_c.CATEGORY, _c.CATEGORY_DIGIT)]  # `\d` as the parser writes it
NOT_AFTER_ALNUM = "(?<![A-Za-z0-9])"  # how the registries' id patterns begin (see `compiled._registry_patterns`)


def _starts(items: list) -> tuple[frozenset[str], bool] | None:
    """Return (literals, digits): every match of the parsed sequence `items` starts with one of the
    lower-case `literals` or, when `digits`, with a decimal digit; None when that cannot be told."""
    at = 0
    while at < len(items) and items[at][0] in _ZERO_WIDTH:
        at += 1  # a lookaround or an anchor reads nothing: the match starts with what follows it
    items = items[at:]
    if not items:
        return None
    op, av = items[0]
    if op is _c.IN and av == _DIGIT:
        return frozenset(), True
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
        return _starts(list(av[2]))  # repeated at least once: the match starts as the repeated part does
    if op is _c.SUBPATTERN:
        return _starts(list(av[-1]) + items[1:])
    if op is _c.BRANCH:
        literals: set[str] = set()
        digits = False
        for branch in av[1]:
            found = _starts(list(branch) + items[1:])
            if found is None:
                return None
            literals |= found[0]
            digits = digits or found[1]
        return frozenset(literals), digits
    literals = _usable(_sequence(items)[0])
    return None if literals is None else (frozenset(literals), False)


def digit_gate(pattern: str, parsed=None) -> tuple[str, ...] | None:
    """Return the literal prefixes of a pattern whose every match starts at a word boundary with a decimal
    digit or one of them (often none), or None when its matches do not all start so.

    Numbers have no literal prefix, but a pattern such as ``\\b\\d{1,3} ?%`` can still only start where
    a word starts with a digit, which few places do.

    >>> digit_gate(r"\\b(?:\\d{2,4}|more than \\d{1,4}) diseases")
    ('more than ',)
    >>> digit_gate(r"\\b\\d+ ?%"), digit_gate(r"\\d+ ?%"), digit_gate(r"\\b(?:\\d+|\\w+) ?%")
    ((), None, None)
    """
    parsed = _parse(pattern, parsed)
    if parsed is None:
        return None
    items = list(parsed)
    if not items or items[0] != (_c.AT, _c.AT_BOUNDARY):
        return None
    found = _starts(items[1:])
    if found is None or not found[1]:
        return None
    return _shortest(found[0])


def _gate(source: str, flags: int) -> dict[str, Any]:
    """Return what gates the pattern `source`: every field of `GatedPattern` but the source and the regex."""
    try:
        parsed = _sre.parse(source, re.IGNORECASE)
    except re.error:
        parsed = None
    prefixes = literal_prefixes(source, parsed)
    required = _required(parsed) if parsed is not None else None
    if required and prefixes and set(required[0]) <= set(prefixes):
        required = None  # the prefixes already say it
    at_words = parsed is not None and bool(parsed.data) and parsed.data[0] == (_c.AT, _c.AT_BOUNDARY)
    # Case-insensitively, every character the lower-case view shows as an ASCII letter or digit (the
    # Kelvin sign included) is one the look-behind refuses; a test checks this over all of Unicode.
    not_after_alnum = (source.startswith(NOT_AFTER_ALNUM) and bool(flags & re.IGNORECASE) and bool(prefixes)
                       and all(p[0].isascii() and p[0].isalnum() for p in prefixes))
    return {
        "prefixes": prefixes,
        "required": required[0] if required else None,
        "width": _max_width(source, parsed),
        "lead": required[1] if required else None,
        "at_words": at_words,
        "digit_gate": digit_gate(source, parsed) if prefixes is None and parsed is not None else None,
        "not_after_alnum": not_after_alnum,
        "split": split_prefixes(parsed) if prefixes is not None and not at_words else None,
    }


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
    # Without prefixes: every match starts at a word start with a decimal digit or one of these (`digit_gate`).
    digit_gate: tuple[str, ...] | None = None
    # Every match starts after something other than an ASCII letter or digit, with a prefix that starts with
    # one (a registry id: `(?<![A-Za-z0-9])NCT…`): where a word starts, or after "_" or a non-ASCII letter.
    not_after_alnum: bool = False
    # For an alternation only some of whose alternatives start with `\\b`: their prefixes, and the others'.
    split: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def gate_literals(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return (literals that start where a word starts or ends, literals that may start anywhere)."""
        if self.split is not None:
            return self.split
        literals = self.prefixes if self.prefixes is not None else self.digit_gate or ()
        return (literals, ()) if self.at_words or self.not_after_alnum else ((), literals)

    @property
    def gated(self) -> bool:
        """Return True when `GateSet` knows every place where a match can start (prefixes or digit gate)."""
        return self.prefixes is not None or self.digit_gate is not None

    @classmethod
    def compile(cls, source: str, flags: int = re.IGNORECASE) -> GatedPattern:
        """Compile `source` (case-insensitively unless told otherwise) and derive its gate, parsing it once.

        The gate is searched in a lower-case copy of the text, so it holds whatever the flags. Deriving it
        is a pure function of the pattern and its flags, remembered between processes (`memo.MEMO`).
        """
        gate = MEMO.get("gates", (source, flags))
        if gate is None:
            gate = _gate(source, flags)
            MEMO.put("gates", (source, flags), gate)
        return cls(source=source, regex=re.compile(source, flags), **gate)

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
# Substring hashes: h(s) = sum of ord(s[k]) * BASE**-k, modulo 2**32 (numpy's unsigned arithmetic wraps).
# A collision only adds a place to try, so 32 bits are as sound as 64; they halve the arrays one scan
# fills, which matters more than it seems: the scan runs between other steps whose data it would evict.
_BASE = 0x9E3779B1  # odd, so it has an inverse modulo 2**32
_BASE_INVERSE = pow(_BASE, -1, 1 << 32)
_MASK = (1 << 32) - 1
_HASH = np.uint32
# The prefix lengths `GateSet` hashes; a prefix is cut to the longest of these it reaches (a wider gate).
_HASHED_LENGTHS = (2, 3, 4, 6, 8, 12)
_FILTER_SIZE = 1 << 16  # bits of a hash `GateSet` checks first
_powers: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=_HASH), np.ones(1, dtype=_HASH))
_char_tables: dict[str, np.ndarray] = {}  # regex class -> which code points below 0x10000 it matches
_tables_lock = threading.Lock()


def is_word_char(ch: str) -> bool:
    """Return True for a character `\\w` matches (the regex engine's definition of a word boundary)."""
    return ch.isalnum() or ch == "_"


def _char_class(codes: np.ndarray, category: str) -> np.ndarray:
    """Return, for an array of code points, which ones the regex class `category` ("\\w", "\\d") matches.

    A table of the first 65,536 code points is built once per class, by the regex engine itself (one
    substitution over all of them), so the gate sees words and digits exactly as the patterns do.
    """
    table = _char_tables.get(category)
    if table is None:
        with _tables_lock:
            table = _char_tables.get(category)
            if table is None:
                every = np.arange(0x10000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
                # What the class does not match becomes NUL (which neither `\w` nor `\d` matches).
                marked = re.sub(f"[^{category}]", "\0", every)
                table = np.frombuffer(marked.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) != 0
                _char_tables[category] = table
    if not len(codes) or int(codes.max()) < 0x10000:
        return table[codes]
    found = np.zeros(len(codes), dtype=bool)
    basic = codes < 0x10000
    found[basic] = table[codes[basic]]
    pattern = re.compile(category)
    distinct, which = np.unique(codes[~basic], return_inverse=True)
    matched = [pattern.match(chr(code)) is not None for code in distinct.tolist()]
    found[~basic] = np.array(matched, dtype=bool)[which]
    return found


def _is_word(codes: np.ndarray) -> np.ndarray:
    """Return, for an array of code points, which are word characters (as `\\w` and `\\b` see them)."""
    return _char_class(codes, r"\w")


def _is_digit(codes: np.ndarray) -> np.ndarray:
    """Return, for an array of code points, which are decimal digits (as `\\d` sees them)."""
    return _char_class(codes, r"\d")


def _powers_up_to(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (BASE**i, BASE**-i) for i < size, modulo 2**32 (computed once for the longest text seen)."""
    global _powers
    if len(_powers[0]) < size:
        with _tables_lock:
            if len(_powers[0]) < size:
                grown = max(size, 2 * len(_powers[0]), 16_384)
                with np.errstate(over="ignore"):
                    up = np.full(grown, _BASE, dtype=_HASH)
                    down = np.full(grown, _BASE_INVERSE, dtype=_HASH)
                    up[0] = down[0] = 1
                    _powers = (np.cumprod(up, dtype=_HASH), np.cumprod(down, dtype=_HASH))
    return _powers


def _hash(text: str) -> int:
    """Return the substring hash of `text` (what `GateSet` computes for every place in a text)."""
    value, weight = 0, 1
    for ch in text:
        value = (value + ord(ch) * weight) & _MASK
        weight = (weight * _BASE_INVERSE) & _MASK
    return value


def _hashed(prefix: str) -> str:
    """Return the part of a word prefix `GateSet` hashes: cut to the longest of `_HASHED_LENGTHS` it reaches.

    Each length costs a hash at every word start, and a shorter prefix finds a superset of the places.
    """
    length = max((n for n in _HASHED_LENGTHS if n <= len(prefix)), default=len(prefix))
    return prefix[:length]


def _length_tag(length: int) -> int:
    """Return the number mixed into a hash so that prefixes of different lengths never compare equal."""
    return (length * 0x01000193) & _MASK


class GateSet:
    """Find where each of many gated patterns may match, with one pass over the text for all their prefixes.

    A pattern starting with a word boundary (`\\b`, nearly all of them) can only match where the boundary
    holds. Its prefixes that start with a word character can therefore only start where a word starts;
    for every word start and every prefix length at once, numpy hashes the text that follows (a rolling
    hash read off one cumulative sum), looks the hashes up in a table of the prefixes' hashes, and gives
    each position to the patterns owning the prefix found there. A hash can only add a place to try,
    never lose one: the pattern itself decides there. A pattern whose matches start with a number
    (`\\b\\d…`, see `digit_gate`) gets the word starts that are digits. A registry id (`NCT…`, see
    `GatedPattern.not_after_alnum`) starts where a word starts or right after "_" or a non-ASCII letter, so
    its prefixes are hashed there too. The few other prefixes (", md", "$", "€") are found with `str.find`.
    Patterns with no gate are scanned on their own, as `GatedPattern.finditer` does.
    """

    def __init__(self, patterns: list[GatedPattern]) -> None:
        self.patterns = tuple(patterns)
        owners: dict[str, list[int]] = {}  # prefix found at word starts -> the patterns listing it
        self._found_after_word: dict[str, list[int]] = {}  # prefix -> patterns; needs a word character before
        self._found_anywhere: dict[str, list[int]] = {}
        self._digit_started = [index for index, gated in enumerate(self.patterns)
                               if gated.prefixes is None and gated.digit_gate is not None]
        # Whether some pattern may also start inside a word, right after "_" or a non-ASCII letter or digit.
        self._after_other_word_chars = any(gated.not_after_alnum for gated in self.patterns)
        for index, gated in enumerate(self.patterns):
            at_words, anywhere = gated.gate_literals()
            for prefix in anywhere:
                self._found_anywhere.setdefault(prefix, []).append(index)
            for prefix in at_words:
                if _WORD_CHAR.match(prefix):
                    listed = owners.setdefault(_hashed(prefix), [])
                    if index not in listed:
                        listed.append(index)
                else:
                    self._found_after_word.setdefault(prefix, []).append(index)
        words = sorted(owners)
        self._lengths = np.array(sorted({len(w) for w in words}), dtype=np.intp)
        self._length_list = self._lengths.tolist()
        self._tags = np.array([_length_tag(n) for n in self._lengths.tolist()], dtype=_HASH)
        self._keys = np.array([_hash(w) ^ _length_tag(len(w)) for w in words], dtype=_HASH)
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
        self._seen[self._keys & _HASH(_FILTER_SIZE - 1)] = True

    def _at_word_starts(self, lower: str) -> list[list[int]]:
        """Return, per pattern, the sorted word starts of `lower` where one of its word prefixes begins
        (or, for a pattern that starts with a number, where a word starts with a digit)."""
        found: list[list[int]] = [[] for _ in self.patterns]
        if not lower or not (len(self._keys) or self._digit_started):
            return found
        codes = np.frombuffer(lower.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        is_word = _is_word(codes)
        starts = (is_word[1:] > is_word[:-1]).nonzero()[0] + 1  # a word character after one that is not
        if is_word[0]:
            starts = np.concatenate(([0], starts))
        if not len(starts):
            return found
        if len(self._keys):
            hashed_at = starts
            if self._after_other_word_chars:
                after = (is_word[1:] & is_word[:-1] & ((codes[:-1] > 127) | (codes[:-1] == 95))).nonzero()[0]
                if len(after):
                    hashed_at = np.concatenate((starts, after + 1))
            self._hashed_hits(codes, hashed_at, found)
        if self._digit_started:
            digits = starts[_is_digit(codes[starts])].tolist()
            if digits:
                for index in self._digit_started:
                    found[index] = sorted({*found[index], *digits}) if found[index] else digits
        return found

    def _hashed_hits(self, codes: np.ndarray, starts: np.ndarray, found: list[list[int]]) -> None:
        """Give each pattern the places among `starts` (sorted) where one of its hashed word prefixes begins."""
        size = len(codes)
        longest = int(self._lengths[-1])
        up, down = _powers_up_to(size + longest + 1)
        # The array methods below, rather than the `np.` functions, skip a layer of Python per call; the
        # in-place operations reuse one array instead of allocating a temporary per step.
        with np.errstate(over="ignore"):
            # sums[i] = hash of lower[:i] read from its start; past the end the text counts as zeros.
            sums = np.empty(size + longest + 1, dtype=_HASH)
            sums[0] = 0
            np.cumsum(codes * down[:size], dtype=_HASH, out=sums[1:size + 1])
            sums[size + 1:] = sums[size]
            # One row per prefix length: row k holds the hash of the `lengths[k]` characters after each start.
            hashes = np.empty((len(self._lengths), len(starts)), dtype=_HASH)
            for row, length in enumerate(self._length_list):
                np.take(sums[length:], starts, out=hashes[row])
            hashes -= sums[starts]
            hashes *= up[starts]
            hashes ^= self._tags[:, None]
        hashes = hashes.ravel()
        maybe = self._seen[hashes & _HASH(_FILTER_SIZE - 1)].nonzero()[0]
        candidates = hashes[maybe]
        at = self._sorted_keys.searchsorted(candidates)
        at[at == len(self._sorted_keys)] = 0
        same = self._sorted_keys[at] == candidates
        hits = maybe[same]
        if not len(hits):
            return
        word = self._sorted_words[at[same]]
        count = self._owner_count[word]
        owner = self._owner_list[np.repeat(self._owner_start[word] - (np.cumsum(count) - count), count)
                                 + np.arange(int(count.sum()))]
        position = np.repeat(starts[hits % len(starts)], count)
        # One sort of owner * (size + 1) + position orders by pattern, then by position.
        combined = owner * (size + 1) + position
        combined.sort()
        owner = combined // (size + 1)
        positions = (combined - owner * (size + 1)).tolist()
        bounds = owner.searchsorted(np.arange(len(self.patterns) + 1)).tolist()
        for index in range(len(self.patterns)):
            if bounds[index] != bounds[index + 1]:
                found[index] = positions[bounds[index]:bounds[index + 1]]

    def candidates(self, lower: str) -> list[list[int]]:
        """Return, for each pattern, the sorted positions of `lower` where one of its matches may start."""
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
        """Yield the matches of pattern `index`, trying it only at `positions` when it is gated."""
        gated = self.patterns[index]
        if not gated.gated or len(lower) != len(text):
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
