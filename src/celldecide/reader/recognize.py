"""Step `recognize`: find what the text names, each as a `Mention` with its span.

Gazetteers (cell types, conditions, regulators, products, makers and the reader's lexicon) run as spaCy
PhraseMatchers; counted people and durations as a spaCy Matcher; registry ids through the knowledge
base's own `id_pattern`s; phases, doses, organisation names and nonproprietary cell-product names as
small regular expressions below. Overlapping gazetteer matches of the same kind keep the longest, so
"mesenchymal stem cells" is an MSC and not also an unspecified stem cell.
"""

from __future__ import annotations

import re

from celldecide.reader.document import Document, Mention
from celldecide.reader.fastre import GatedPattern
from celldecide.reader.lexicon import NUMBER_WORDS
from celldecide.reader.pipeline import step

# Kinds whose overlapping matches are resolved to the longest one.
_EXCLUSIVE = frozenset({"cell_type", "condition", "regulator", "product"})

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "1": "1", "2": "2", "3": "3", "4": "4", "0": "0"}
PHASE = GatedPattern.compile(
    r"\b(early[ -])?phases?[ :]*(iv|i{1,3}|[0-4])[ab]?\b"
    r"(?:\s*(?:/|-|and|or|to|,)\s*(?:phase\s*)?(iv|i{1,3}|[1-4])[ab]?\b)?"
)
_TIMES_TEN = re.compile(r"[x×∗*]\s{0,2}10")
# Bounded repeats keep the longest match short, so these run only in windows around "cells" or "%".
DOSES = (
    GatedPattern.compile(
        r"\b\d{1,4}(?:[.,]\d{1,3})?\s{0,2}(?:million|billion|mio)\s{0,2}(?:[a-z-]{1,20}\s){0,2}?"
        r"(?:cells?|exosomes|mscs|particles|vesicles)\b(?:\s{0,2}/\s{0,2}kg)?"
    ),
    GatedPattern.compile(
        r"\b\d{1,4}(?:[.,]\d{1,3})?\s{0,2}[x×∗*]\s{0,2}(?:10)\^?\s{0,2}[0-9⁰-⁹]{1,2}\s{0,2}(?:[a-z-]{1,20}\s){0,2}?"
        r"(?:cells?|exosomes|mscs|particles|vesicles)\b(?:\s{0,2}/\s{0,2}kg)?"
    ),
)
PERCENT = GatedPattern.compile(r"\b\d{1,3}(?:\.\d{1,3})?\s?(?:%|percent)")
# A named organisation: capitalised words ending in a word that says what kind of body it is.
ORGANISATION = re.compile(
    r"\b(?:University of (?:[A-Z][\w'’.-]+ ?){1,3}|(?:[A-Z][\w&'’.-]*[ -](?:(?:of|and|for|de|&) )?){1,6}(?:University|"
    r"Institute|Hospital|Clinic|Therapeutics|Biosciences|Biotech|Biotherapeutics|Pharmaceuticals?|Pharma|Inc\.?|"
    r"Ltd\.?|LLC|GmbH|Corporation|Corp\.?|Technologies|Technology|Laboratories|Medical Center|Medical Centre|"
    r"Foundation|Sciences|Biologics|Co\.|Research Institute|Cell Technology|CiRA|College|NHS Trust)|"
    r"[A-Z][a-z]+ (?:Clinic|Institute)|CiRA)(?![\w])"
)
# Title-case words that do not make a name: "Mesenchymal Stem Cells Clinic" names nobody.
_GENERIC_NAME_WORDS = frozenset(
    "the of for and with in on at to a an adult adults human stem cell cells therapy therapies treatment treatments "
    "mesenchymal regenerative medicine medical center centre research clinical study trial safety efficacy patients "
    "patient new our your this that umbilical cord blood bone marrow adipose derived allogeneic autologous "
    "international national global advanced institute clinic hospital university health wellness care "
    "biotechnology technology technologies sciences science laboratories pharma pharmaceuticals therapeutics "
    "biosciences biotech inc ltd llc co corp corporation foundation government regulated facility stromal "
    "vascular fraction transplant transplantation phase evaluation outcomes stem-cell anti-aging".split()
)
_TICKER = re.compile(r"\b([A-Z][\w-]+(?: [A-Z][\w-]+){0,2}) \((?:NASDAQ|NYSE|ASX|TSX|LSE|KOSDAQ|KRX|OTC\w*|"
                     r"Nasdaq)\s?:")
_ACADEMIC_LEAD = re.compile(r"\b(?:Professor|Prof\.) [A-Z][a-z]+|\b[A-Z][a-z]+ (?:[A-Z]\. )?[A-Z][a-z]+, (?:PhD|Ph\.D\.|MD)|"
                            r"\b(?:led by|group of|lab of|team of) (?:Dr\.? |Professor )?[A-Z][a-z]+ [A-Z]{2,}|"
                            r"\blead researcher\b|\b(?:led by|group of) (?:Dr\.? |Professor )?[A-Z][a-z]+ [A-Z][a-z]+")


_EXCHANGE = re.compile(r"\((?:nasdaq|nyse|asx|tsx|lse|kosdaq|krx|otc)")


def _is_named(name: str) -> bool:
    """Return True when an organisation match holds at least one word that is not generic."""
    words = re.findall(r"[A-Za-z][\w'’-]*", name)
    return any(w.lower().strip("'’") not in _GENERIC_NAME_WORDS for w in words)


def _windows(positions: list[int], *, before: int, after: int, size: int) -> list[tuple[int, int]]:
    """Return merged character windows around positions (sorted, non-overlapping)."""
    merged: list[list[int]] = []
    for at in sorted(positions):
        low, high = max(0, at - before), min(size, at + after)
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


_ORG_WORDS = ("univers", "institut", "hospital", "clinic", "therapeut", "bio", "pharma", "inc", "ltd", "llc", "gmbh",
              "corp", "technolog", "laborator", "medical cent", "foundation", "scienc", "co.", "cira", "college",
              "trust")
_LEAD_WORDS = ("prof", "phd", "ph.d", ", md", "led by", "group of", "lab of", "team of", "lead researcher")


def _occurrences(haystack: str, needle: str) -> list[int]:
    """Return every offset where `needle` starts (a substring search, fast for words that are rare)."""
    found = []
    at = haystack.find(needle)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found
# International nonproprietary names of cell products end in -cel (remestemcel-L, tisagenlecleucel): find the
# ending (a literal, found fast), then read the word back to its start.
CELL_NAME_ENDING = re.compile(r"cel(?:-[a-z])?\b")
CELL_NAME_START = re.compile(r"[a-z]{3,}$")
PRODUCT_CODE = re.compile(
    r"\b(?:[A-Z][A-Za-z]+\s?[®™]|[A-Z]{2,6}[- ]\d{2,4}\b|[A-Z]{2,}-[A-Z]\b|[A-Z][a-z]+cel-[A-Z]\b|"
    r"[A-Z][a-z]+[A-Z][a-z]+\b(?= (?:cells?|therapy|product)))"
)
_NOT_PRODUCT_CODES = re.compile(r"^(?:COVID|SARS|HLA|CD|IL|TNF|VEGF|ICD|ISO|UPDRS|ALSFRS|EQ|SF|VABS|SRS|EDSS|HPV|HIV|NCT|M\d)")


class _Offsets:
    """Character offsets of tokens, read from spaCy's array on demand (converting the whole array is slow)."""

    def __init__(self, doc: Document) -> None:
        from array import array

        from spacy.attrs import IDX, LENGTH

        # Python's `array` indexes as fast as a list and is filled from the numpy buffer without boxing.
        self._starts, self._lengths = array("q"), array("q")
        if len(doc.tokens):
            table = doc.tokens.to_array([IDX, LENGTH]).astype("int64")
            self._starts.frombytes(table[:, 0].tobytes())
            self._lengths.frombytes(table[:, 1].tobytes())

    def start(self, i: int) -> int:
        return self._starts[i]

    def end(self, i: int) -> int:
        return self._starts[i] + self._lengths[i]


def _gazetteer_mentions(doc: Document, offsets: _Offsets) -> tuple[list[Mention], list[int]]:
    """Return the gazetteer mentions, and the token positions of count anchors for the Matcher."""
    compiled = doc.compiled
    labels = compiled.labels
    found: list[Mention] = []
    anchors: list[int] = []
    for matcher in (compiled.phrases_exact, compiled.phrases_lower):
        for match_id, start, end in matcher(doc.tokens):
            kind, value = labels[match_id]
            if value == "count_anchor":
                anchors.append(start)
                continue
            if value == "comparator" and start and doc.tokens[start - 1].text == "-":
                continue  # "graft-versus-host disease" compares nothing
            found.append(Mention(kind, value, offsets.start(start), offsets.end(end - 1), rule=f"{kind}:{value}"))
    return _longest_per_kind(found), anchors


def _longest_per_kind(mentions: list[Mention]) -> list[Mention]:
    """Drop an exclusive-kind mention overlapping a longer one of the same family (spaCy's `filter_spans` rule)."""
    exclusive = sorted(
        (m for m in mentions if m.kind in _EXCLUSIVE), key=lambda m: (-(m.end - m.start), m.start)
    )
    kept: list[Mention] = []
    occupied: dict[str, set[int]] = {}
    for mention in exclusive:
        family = "cell_type" if mention.kind in ("cell_type", "product") else mention.kind
        taken = occupied.setdefault(family, set())
        if mention.start in taken or (mention.end - 1) in taken:
            continue
        if any(p in taken for p in range(mention.start, mention.end)):
            continue
        taken.update(range(mention.start, mention.end))
        kept.append(mention)
    return kept + [m for m in mentions if m.kind not in _EXCLUSIVE]


def _number(text: str) -> int | None:
    """Return the integer a number token spells ("1,000", "thirty", "12"), or None."""
    cleaned = text.replace(",", "").strip().lower()
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned)


def _token_matches(doc: Document, anchors: list[int]) -> list[tuple[int, int, int]]:
    """Run the token Matcher only around count and time words: every pattern ends or starts at one.

    The Matcher's cost grows with the tokens it reads, so it reads a few tokens either side of each
    anchor ("12 elderly patients", "n = 30", "18 months") instead of the whole text.
    """
    tokens = doc.tokens
    if len(anchors) > 400:
        return list(doc.compiled.matcher(tokens))  # anchors everywhere: one pass beats many small ones
    found: set[tuple[int, int, int]] = set()
    covered = -1
    for position in sorted(set(anchors)):
        low, high = max(0, position - 6, covered - 6), min(len(tokens), position + 4)
        if high <= low:
            continue
        window = tokens[low:high]
        for match_id, first, last in doc.compiled.matcher(window):
            found.add((match_id, first + low, last + low))
        covered = high
    return sorted(found, key=lambda m: (m[1], m[2]))


def _token_mentions(doc: Document, anchors: list[int], offsets: _Offsets) -> list[Mention]:
    compiled = doc.compiled
    tokens = doc.tokens
    found: list[Mention] = []
    for match_id, start, end in _token_matches(doc, anchors):
        kind, value = compiled.labels[match_id]
        char_start, char_end = offsets.start(start), offsets.end(end - 1)
        if kind == "count":
            number_at = next((k for k in range(start, end) if tokens[k].like_num), None)
            amount = _number(tokens[number_at].text) if number_at is not None else None
            if value == "one_person":
                amount, number_at = 1, None
            if amount is None or amount == 0:
                continue
            # "600 million people" is a population, not a sample.
            if number_at is not None:
                after = offsets.end(number_at)
                following = doc.view[after:after + 9].lstrip()
                if following.startswith(("million", "billion", "percent", "%")):
                    continue
            found.append(Mention("sample_size", str(amount), char_start, char_end, rule=f"count:{value}"))
        else:
            found.append(Mention("duration", doc.text[char_start:char_end], char_start, char_end, rule="duration"))
    return _drop_nested(found)


def _drop_nested(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping token-pattern matches of the same kind."""
    ordered = sorted(mentions, key=lambda m: (m.kind, m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in ordered:
        if kept and kept[-1].kind == mention.kind and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _phase_value(first: str, second: str | None, early: bool) -> list[str]:
    a = _ROMAN.get(first)
    b = _ROMAN.get(second) if second else None
    if a is None or a == "0":
        return []
    if early and a == "1" and b is None:
        return ["early_1"]
    if b is None or b == a:
        return [a]
    pair = f"{a}/{b}"
    if pair in ("1/2", "2/3"):
        return [pair]
    return [a, b]


def _registry_mentions(doc: Document) -> list[Mention]:
    """Return registry ids found by the knowledge base's id patterns, normalized by the registry module."""
    candidates = []
    for registry, pattern in doc.compiled.registry_patterns:
        for match in pattern.finditer(doc.text, doc.view):
            candidates.append((match.start(), -(match.end() - match.start()), registry, match.group(0)))
    found: list[Mention] = []
    end = -1
    for start, negative_length, registry, raw in sorted(candidates):
        if start < end:
            continue
        identified = doc.compiled.registry_ids.identify(raw)
        if identified is None:
            continue
        end = start - negative_length
        found.append(Mention("registry_id", identified.id, start, end, rule=f"registry:{identified.registry}"))
    return found


def _regex_mentions(doc: Document) -> list[Mention]:
    text, view = doc.text, doc.view
    found: list[Mention] = []
    found.extend(_registry_mentions(doc))
    for match in PHASE.finditer(text, view):
        for value in _phase_value(match.group(2).lower(), match.group(3) and match.group(3).lower(), bool(match.group(1))):
            found.append(Mention("phase", value, match.start(), match.end(), rule="phase"))
    scientific = _TIMES_TEN.search(view) is not None
    for dose in DOSES if scientific else DOSES[:1]:
        for match in dose.finditer(text, view):
            found.append(Mention("dose", match.group(0), match.start(), match.end(), rule="dose"))
    for match in PERCENT.finditer(text, view):
        found.append(Mention("percent", match.group(0), match.start(), match.end(), rule="percent"))
    for ending in CELL_NAME_ENDING.finditer(view):
        stem = CELL_NAME_START.search(view, max(0, ending.start() - 40), ending.start())
        if stem is None or (stem.start() and view[stem.start() - 1].isalnum()):
            continue
        found.append(Mention("product_name", text[stem.start():ending.end()], stem.start(), ending.end(), rule="inn:-cel"))
    for match in PRODUCT_CODE.finditer(text):
        if not _NOT_PRODUCT_CODES.match(match.group(0)):
            found.append(Mention("product_name", match.group(0).strip(), match.start(), match.end(), rule="product code"))
    # An organisation name holds a kind-of-body word ("University", "Ltd"); read names only around those.
    seen: set[tuple[int, int]] = set()
    org_words = [at for word in _ORG_WORDS for at in _occurrences(view, word)]
    for low, high in _windows(org_words, before=160, after=90, size=len(text)):
        for match in ORGANISATION.finditer(text, low, high):
            if match.span() in seen or (match.end() == high and high < len(text)):
                continue
            seen.add(match.span())
            if _is_named(match.group(0)):
                found.append(Mention("maker", match.group(0).strip(), match.start(), match.end(), rule="organisation name"))
    if "(" in text and _EXCHANGE.search(view):
        for match in _TICKER.finditer(text):
            found.append(Mention("maker", match.group(1), match.start(1), match.end(1), rule="listed company"))
    leads = [at for word in _LEAD_WORDS for at in _occurrences(view, word)]
    seen_leads: set[tuple[int, int]] = set()
    for low, high in _windows(leads, before=60, after=60, size=len(text)):
        for match in _ACADEMIC_LEAD.finditer(text, low, high):
            if match.span() not in seen_leads:
                seen_leads.add(match.span())
                found.append(Mention("maker", match.group(0), match.start(), match.end(), rule="named research lead"))
    return found


@step("recognize", needs=("text", "view", "tokens"), adds=("mentions",))
def recognize(doc: Document) -> Document:
    """Collect every mention the gazetteers, token patterns and id patterns find, in text order."""
    offsets = _Offsets(doc)
    gazetteer, anchors = _gazetteer_mentions(doc, offsets)
    mentions = gazetteer + _token_mentions(doc, anchors, offsets) + _regex_mentions(doc)
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start), m.kind))
    doc.mentions = mentions
    return doc
