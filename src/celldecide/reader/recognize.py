"""Step `recognize`: find what the text names, each as a `Mention` with its span.

Gazetteers (cell types, conditions, regulators, products, makers and the reader's lexicon) run as spaCy
PhraseMatchers; counted people and durations as token patterns (`compiled.TokenPatterns`, what a spaCy
Matcher of `compiled.token_patterns()` finds); registry ids through the knowledge
base's own `id_pattern`s; phases, doses, organisation names and nonproprietary cell-product names as
small regular expressions below. Overlapping gazetteer matches of the same kind keep the longest, so
"mesenchymal stem cells" is an MSC and not also an unspecified stem cell.
"""

from __future__ import annotations

import bisect
import operator
import re
from functools import partial

from celldecide.reader.document import Document, Mention
from celldecide.reader.fastre import GatedPattern
from celldecide.reader.lexicon import NUMBER_WORDS
from celldecide.reader.pipeline import step

# Kinds whose overlapping matches are resolved to the longest one, each within its family (a named product
# and a cell type compete for the same words).
_FAMILY = {"cell_type": "cell_type", "product": "cell_type", "condition": "condition", "regulator": "regulator"}

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "1": "1", "2": "2", "3": "3", "4": "4", "0": "0"}
PHASE = GatedPattern.compile(
    r"\b(early[ -])?phases?[ :]*(iv|i{1,3}|[0-4])[ab]?\b"
    r"(?:\s*(?:/|-|and|or|to|,)\s*(?:phase\s*)?(iv|i{1,3}|[1-4])[ab]?\b)?"
)
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
# A named organisation: capitalised words ending in a word that says what kind of body it is. Every form starts
# with a capital at the start of a word ("University of …", "Kyoto … Institute", "Mayo Clinic", "CiRA"), so the
# capital is matched first (then "not after a word character"), which lets the regex engine skip to capitals.
ORGANISATION = re.compile(
    r"[A-Z](?<!\w[A-Z])(?:(?<=U)niversity of (?:[A-Z][\w'’.-]+ ?){1,3}|"
    r"[\w&'’.-]*[ -](?:(?:of|and|for|de|&) )?(?:[A-Z][\w&'’.-]*[ -](?:(?:of|and|for|de|&) )?){0,5}(?:University|"
    r"Institute|Hospital|Clinic|Therapeutics|Biosciences|Biotech|Biotherapeutics|Pharmaceuticals?|Pharma|Inc\.?|"
    r"Ltd\.?|LLC|GmbH|Corporation|Corp\.?|Technologies|Technology|Laboratories|Medical Center|Medical Centre|"
    r"Foundation|Sciences|Biologics|Co\.|Research Institute|Cell Technology|CiRA|College|NHS Trust)|"
    r"[a-z]+ (?:Clinic|Institute)|(?<=C)iRA)(?![\w])"
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


# Words a named organisation or research lead holds, where a name is looked for around (in the view).
ORGANISATION_WORD = GatedPattern.compile(
    r"\b(?:univers|institut|hospital|clinic|therapeut|bio|pharma|inc|ltd|llc|gmbh|corp|technolog|laborator|"
    r"medical cent|foundation|scienc|co\.|cira|college|trust)", 0)
RESEARCH_LEAD_WORD = GatedPattern.compile(
    r"\b(?:prof|phd|ph\.d|, md|led by|group of|lab of|team of|lead researcher)", 0)
# International nonproprietary names of cell products end in -cel (remestemcel-L, tisagenlecleucel): find the
# ending (a literal, found fast), then read the word back to its start.
CELL_NAME_ENDING = re.compile(r"cel(?:-[a-z])?\b")
CELL_NAME_START = re.compile(r"[a-z]{3,}$")
# A product code or brand: "Name®", "ABC-123", "AB-C", "Namecel-T", "CamelCase cells". Every form starts with
# a capital at the start of a word; written as that capital first (then "not after a word character"), the
# regex engine skips straight to capitals instead of trying every position.
#
# The runs of letters and digits are possessive (`++`): what follows each one can never be a letter or digit
# of the same run, so giving characters back could not make a match, and the engine no longer tries to. The
# "-cel" ending is the one place a run must give back: `[a-z]+cel-` becomes the whole run, then a look back
# at its last four letters.
PRODUCT_CODE = re.compile(
    r"[A-Z](?<!\w[A-Z])(?:[A-Za-z]++\s?[®™]|[A-Z]{1,5}+[- ]\d{2,4}+\b|[A-Z]++-[A-Z]\b|"
    r"[a-z]++(?<=[a-z]cel)-[A-Z]\b|[a-z]++[A-Z][a-z]++\b(?= (?:cells?|therapy|product)))"
)
_NOT_PRODUCT_CODES = re.compile(r"^(?:COVID|SARS|HLA|CD|IL|TNF|VEGF|ICD|ISO|UPDRS|ALSFRS|EQ|SF|VABS|SRS|EDSS|HPV|HIV|NCT|M\d)")


# Build a mention from a tuple with `tuple.__new__` itself: the named tuple's constructor is a Python function,
# and a page makes hundreds of gazetteer mentions.
_mention = partial(tuple.__new__, Mention)


def _gazetteer_mentions(doc: Document) -> tuple[list[Mention], list[int]]:
    """Return the gazetteer mentions, and the token positions of count anchors for the Matcher."""
    compiled = doc.compiled
    info = compiled.phrase_info
    tokens, starts, ends = doc.tokens, doc.token_starts, doc.token_ends
    found: list[Mention] = []
    add = found.append
    anchors: list[int] = []
    for matcher in (compiled.phrases_exact, compiled.phrases_lower):
        for match_id, start, end in matcher(tokens):
            kind, value, rule, special = info[match_id]
            if not special:
                add(_mention((kind, value, starts[start], ends[end - 1], rule)))
            elif special == 1:
                anchors.append(start)
            elif not (start and tokens[start - 1].text == "-"):  # "graft-versus-host disease" compares nothing
                add(_mention((kind, value, starts[start], ends[end - 1], rule)))
    return _longest_per_kind(found), anchors


def _longest_per_kind(mentions: list[Mention]) -> list[Mention]:
    """Drop an exclusive-kind mention overlapping a longer one of the same family (spaCy's `filter_spans` rule).

    The kept spans of a family never overlap, so they are kept sorted and one bisection finds the only
    kept span that could overlap a new one: the last one starting before the new one ends.
    """
    exclusive = [m for m in mentions if m[0] in _FAMILY]
    exclusive.sort(key=lambda m: (m[2] - m[3], m[2]))  # longest first, then by start
    kept: list[Mention] = []
    occupied: dict[str, tuple[list[int], list[int]]] = {}
    bisect_left = bisect.bisect_left
    for mention in exclusive:
        kind, _value, start, end, _rule = mention
        family = _FAMILY[kind]
        taken = occupied.get(family)
        if taken is None:
            taken = occupied[family] = ([], [])
        taken_starts, taken_ends = taken
        at = bisect_left(taken_starts, end)
        if at and taken_ends[at - 1] > start:
            continue
        taken_starts.insert(at, start)
        taken_ends.insert(at, end)
        kept.append(mention)
    kept.extend(m for m in mentions if m[0] not in _FAMILY)
    return kept


def _number(text: str) -> int | None:
    """Return the integer a number token spells ("1,000", "thirty", "12"), or None."""
    cleaned = text.replace(",", "").strip().lower()
    if cleaned.isdecimal():  # not isdigit(): "²" and "①" are digits that int() refuses
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned)


def _token_matches(doc: Document, anchors: list[int]) -> list[tuple[int, int, int]]:
    """Run the token Matcher only around count and time words that have a number nearby.

    Every pattern ends or starts at an anchor ("12 elderly patients", "n = 30", "18 months") and holds a
    token that looks like a number, so only the matches inside a few tokens either side of such an anchor
    count, and only windows holding such a token are read. Overlapping windows are read by one Matcher
    call (a call costs far more than a token), keeping the matches that fit inside one window: the
    patterns look at nothing but their own tokens, so these are the matches each window would give alone.
    """
    tokens = doc.tokens
    if len(anchors) > 400:
        return list(doc.compiled.matcher(tokens))  # anchors everywhere: one pass beats many small ones
    numbers = doc.number_tokens
    if not numbers:
        return []
    lows: list[int] = []
    highs: list[int] = []
    covered = -1
    for position in sorted(set(anchors)):
        low, high = max(0, position - 6, covered - 6), min(len(tokens), position + 4)
        if high <= low:
            continue
        covered = high
        first_number = bisect.bisect_left(numbers, low)
        if first_number == len(numbers) or numbers[first_number] >= high:
            continue  # no number in the window: no pattern can match in it
        lows.append(low)
        highs.append(high)
    # Windows come in order, their starts and ends both rising; merge those that overlap or touch.
    regions: list[list[int]] = []
    for low, high in zip(lows, highs):
        if regions and low <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], high)
        else:
            regions.append([low, high])
    found: set[tuple[int, int, int]] = set()
    for region_low, region_high in regions:
        for match_id, first, last in doc.compiled.matcher(tokens[region_low:region_high]):
            start, end = first + region_low, last + region_low
            window = bisect.bisect_right(lows, start) - 1  # the window starting last at or before the match
            if window >= 0 and end <= highs[window]:
                found.add((match_id, start, end))
    return sorted(found, key=lambda m: (m[1], m[2], m[0]))


def _token_mentions(doc: Document, anchors: list[int]) -> list[Mention]:
    compiled = doc.compiled
    tokens = doc.tokens
    starts, ends = doc.token_starts, doc.token_ends
    numbers = set(doc.number_tokens)
    found: list[Mention] = []
    for match_id, start, end in _token_matches(doc, anchors):
        kind, value = compiled.labels[match_id]
        char_start, char_end = starts[start], ends[end - 1]
        if kind == "count":
            number_at = next((k for k in range(start, end) if k in numbers), None)
            amount = _number(tokens[number_at].text) if number_at is not None else None
            if value == "one_person":
                amount, number_at = 1, None
            if amount is None or amount == 0:
                continue
            # "600 million people" is a population, not a sample.
            if number_at is not None:
                after = ends[number_at]
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
    for registry, _pattern in doc.compiled.registry_patterns:
        for match in doc.find(f"registry:{registry}"):
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
    for match in doc.find("phase"):
        for value in _phase_value(match.group(2).lower(), match.group(3) and match.group(3).lower(), bool(match.group(1))):
            found.append(Mention("phase", value, match.start(), match.end(), rule="phase"))
    # A dose in scientific notation holds "10"; both patterns start with a number, so the gate tries them
    # only where a word starts with a digit.
    for dose in ("dose", "dose_scientific") if "10" in view else ("dose",):
        for match in doc.find(dose):
            found.append(Mention("dose", match.group(0), match.start(), match.end(), rule="dose"))
    for match in doc.find("percent"):
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
    org_words = [match.start() for match in doc.find("organisation_word", in_view=True)]
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
    leads = [match.start() for match in doc.find("research_lead_word", in_view=True)]
    seen_leads: set[tuple[int, int]] = set()
    for low, high in _windows(leads, before=60, after=60, size=len(text)):
        for match in _ACADEMIC_LEAD.finditer(text, low, high):
            if match.span() not in seen_leads:
                seen_leads.add(match.span())
                found.append(Mention("maker", match.group(0), match.start(), match.end(), rule="named research lead"))
    return found


_KIND, _START, _END = (operator.itemgetter(Mention._fields.index(name)) for name in ("kind", "start", "end"))


# Patterns read over the whole text, gated by the compiled knowledge's one scan (`Document.find`).
WHOLE_TEXT: dict[str, GatedPattern] = {
    "phase": PHASE,
    "dose": DOSES[0],
    "dose_scientific": DOSES[1],
    "percent": PERCENT,
    "organisation_word": ORGANISATION_WORD,
    "research_lead_word": RESEARCH_LEAD_WORD,
}


@step("recognize", needs=("text", "view", "tokens", "token_starts", "token_ends", "number_tokens"),
      adds=("mentions",))
def recognize(doc: Document) -> Document:
    """Collect every mention the gazetteers, token patterns and id patterns find, in text order."""
    gazetteer, anchors = _gazetteer_mentions(doc)
    mentions = gazetteer + _token_mentions(doc, anchors) + _regex_mentions(doc)
    # By start, longer first, then kind: three stable sorts on tuple fields run in C, unlike one key function.
    mentions.sort(key=_KIND)
    mentions.sort(key=_END, reverse=True)
    mentions.sort(key=_START)
    doc.mentions = mentions
    return doc
