"""Classify a registered trial: does it test a cell or cell-derived product, and could it be pay-to-participate?

The cell vocabulary (cell-type ids, their synonyms and frontiers; products and
their aliases) is the knowledge base's; this module only applies it. The
pay-to-participate result is a hint with its reasons, never a verdict: a
registration can be patient-funded without saying so, and an open-label,
single-arm, phase-less study can be perfectly legitimate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from celldecide.registry.records import TrialRecord

UNSPECIFIED = "unspecified_stem_cell"

# Nonproprietary names of cell therapies end in "-cel" under the USAN/INN scheme
# (remestemcel-L, tisagenlecleucel, axicabtagene ciloleucel).
_CEL_STEM = re.compile(r"(?<![A-Za-z])([A-Za-z]{5,}cel)(?:-[A-Za-z])?(?![A-Za-z])", re.IGNORECASE)
_NOT_CEL_NAMES = frozenset({"hydrocel", "vitacel"})
_CEL_END = re.compile(r"cel(?![a-z])")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a cell type was assigned: which phrase, found in which field of the record."""

    cell_type: str | None
    field: str
    phrase: str


@dataclass(frozen=True, slots=True)
class CellClassification:
    """Whether a trial tests a cell or cell-derived product: cell types, frontiers, named products and their areas."""

    is_cell_therapy: bool
    cell_types: tuple[str, ...]
    frontiers: tuple[str, ...]
    products: tuple[str, ...]
    areas: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class _Term:
    cell_type: str | None
    product: str | None
    frontiers: tuple[str, ...]
    area: str | None
    pattern: re.Pattern[str]
    # The first word of each phrase, case-folded; None when a phrase has no plain first word to look for.
    first_words: frozenset[str] | None = None


_WORDS = re.compile(r"[a-z0-9]+")


def _first_words(phrases: Iterable[str]) -> frozenset[str] | None:
    """Return the word each phrase must start with, as the text's words are split; None if unknown.

    A phrase matches only as a whole word at its start (see `_phrase_pattern`), so
    its first run of ASCII letters and digits is a whole word of any text it is
    found in: a text without any of these words cannot match the term.
    """
    words = set()
    for phrase in phrases:
        folded = phrase.strip().casefold()
        first = _WORDS.match(folded)
        if first is None:
            return None
        words.add(first.group(0))
    return frozenset(words) or None


def _field(entry: Any, name: str) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name)
    return getattr(entry, name, None)


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Compile whole-phrase alternatives; a phrase without lowercase letters (an acronym) keeps its case.

    Acronyms are matched as written so that "NK" or "MSC" is not found in
    ordinary words or degree names.
    """
    sensitive, insensitive = [], []
    for phrase in sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True):
        escaped = re.escape(phrase).replace(r"\ ", r"[\s-]+")
        (sensitive if not re.search(r"[a-z]", phrase) else insensitive).append(escaped)
    parts = []
    if insensitive:
        parts.append(rf"(?i:{'|'.join(insensitive)})")
    if sensitive:
        parts.append("|".join(sensitive))
    if not parts:
        return None
    return re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(parts)})(?![A-Za-z0-9])")


class CellVocabulary:
    """The knowledge base's cell types (and optionally products) compiled for matching trial text."""

    def __init__(self, terms: Iterable[_Term], frontiers_of: Mapping[str, tuple[str, ...]]) -> None:
        self._terms = tuple(terms)
        self._frontiers_of = dict(frontiers_of)
        # Index terms by their first words so a text is matched only against terms it could contain.
        self._always = tuple(i for i, term in enumerate(self._terms) if term.first_words is None)
        self._by_word: dict[str, list[int]] = {}
        for index, term in enumerate(self._terms):
            for word in term.first_words or ():
                self._by_word.setdefault(word, []).append(index)

    @classmethod
    def from_knowledge(
        cls,
        *,
        cell_types: Iterable[Any],
        frontiers: Iterable[Any] = (),
        products: Iterable[Any] = (),
    ) -> CellVocabulary:
        """Build the vocabulary from knowledge entries: cell types, frontiers and products.

        A cell type belongs to the frontiers its own `frontiers` field names and
        to every frontier whose `cell_types` lists it. Products contribute their
        name, nonproprietary name and aliases, with their own cell types,
        frontier and therapeutic area.
        """
        cell_entries = list(cell_types)
        frontiers_of: dict[str, dict[str, None]] = {
            _field(e, "id"): dict.fromkeys(_field(e, "frontiers") or ()) for e in cell_entries
        }
        for frontier in frontiers:
            for type_id in _field(frontier, "cell_types") or ():
                frontiers_of.setdefault(type_id, {})[_field(frontier, "id")] = None
        terms: list[_Term] = []
        for entry in cell_entries:
            type_id = _field(entry, "id")
            synonyms = _field(entry, "synonyms") or ()
            pattern = _phrase_pattern(synonyms)
            if pattern is not None:
                terms.append(
                    _Term(
                        cell_type=type_id,
                        product=None,
                        frontiers=(),
                        area=None,
                        pattern=pattern,
                        first_words=_first_words(s for s in synonyms if s and s.strip()),
                    )
                )
        for entry in products:
            names = [_field(entry, "name"), _field(entry, "nonproprietary_name"), *(_field(entry, "aliases") or ())]
            pattern = _phrase_pattern(n for n in names if n)
            if pattern is None:
                continue
            frontier = _field(entry, "frontier")
            for type_id in _field(entry, "cell_types") or [None]:
                terms.append(
                    _Term(
                        cell_type=type_id,
                        product=_field(entry, "id"),
                        frontiers=(frontier,) if frontier else (),
                        area=_field(entry, "area"),
                        pattern=pattern,
                        first_words=_first_words(n for n in names if n and n.strip()),
                    )
                )
        return cls(terms, {k: tuple(v) for k, v in frontiers_of.items()})

    def matches(self, text: str, *, field: str) -> Iterator[tuple[_Term, Evidence]]:
        """Yield every vocabulary term found in one field's text, with its evidence.

        In ASCII text a term is tried only where one of its first words starts (`pattern.match` there), which
        finds the same leftmost match as `pattern.search` without scanning the whole text once per term: a
        phrase starts at a word boundary with its first word, and ASCII lower-casing keeps every character in
        place. The starts of all the words found are walked once, in order, so each term's first match is its
        leftmost one; a pattern that several terms share (a product of two cell types) is tried once per start.
        Other text is searched whole.
        """
        folded = text.casefold()
        words = self._by_word.keys() & set(_WORDS.findall(folded))
        if not words and not self._always:
            return
        found: dict[int, re.Match[str]] = {}
        if text.isascii():
            self._match_at_starts(text, folded, words, found)
            searched: Iterable[int] = self._always
        else:
            searched = {index for word in words for index in self._by_word[word]}.union(self._always)
        for index in searched:
            match = self._terms[index].pattern.search(text)
            if match:
                found[index] = match
        for index in sorted(found):
            term = self._terms[index]
            yield term, Evidence(cell_type=term.cell_type, field=field, phrase=found[index].group(0))

    def _match_at_starts(self, text: str, folded: str, words: set[str], found: dict[int, re.Match[str]]) -> None:
        """Record in `found` the leftmost match of each term starting where one of its first words stands."""
        starts = sorted((position, word) for word in words for position in _starts(folded, word))
        tried: dict[tuple[int, int], re.Match[str] | None] = {}
        for position, word in starts:
            for index in self._by_word[word]:
                if index in found:
                    continue
                pattern = self._terms[index].pattern
                key = (id(pattern), position)
                if key not in tried:
                    tried[key] = pattern.match(text, position)
                if tried[key] is not None:
                    found[index] = tried[key]

    def frontiers_of(self, cell_type: str) -> tuple[str, ...]:
        """Return the frontiers the knowledge base assigns to a cell type."""
        return self._frontiers_of.get(cell_type, ())


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _starts(folded: str, word: str) -> list[int]:
    """Return where `word` stands as a whole `_WORDS` token in the folded text."""
    found = []
    index = folded.find(word)
    while index >= 0:
        end = index + len(word)
        if (index == 0 or folded[index - 1] not in _ALNUM) and (end == len(folded) or folded[end] not in _ALNUM):
            found.append(index)
        index = folded.find(word, end)
    return found


def _intervention_texts(record: TrialRecord) -> Iterator[tuple[str, str]]:
    for index, intervention in enumerate(record.interventions):
        yield f"interventions[{index}].name", intervention.name
        for other in intervention.other_names:
            yield f"interventions[{index}].other_names", other
        if intervention.description:
            yield f"interventions[{index}].description", intervention.description


def _title_texts(record: TrialRecord) -> Iterator[tuple[str, str]]:
    if record.title:
        yield "title", record.title
    if record.official_title:
        yield "official_title", record.official_title


def classify_cells(record: TrialRecord, *, vocabulary: CellVocabulary) -> CellClassification:
    """Return which cell or cell-derived products a trial tests, read from its interventions.

    Titles are read only when the record lists no interventions (field-limited
    exports): a title often names the setting ("after HSCT") rather than the
    product tested.
    """
    texts = list(_intervention_texts(record)) or list(_title_texts(record))
    evidence: list[Evidence] = []
    cell_types: dict[str, None] = {}
    frontiers: dict[str, None] = {}
    products: dict[str, None] = {}
    areas: dict[str, None] = {}
    for field, text in texts:
        for term, found in vocabulary.matches(text, field=field):
            evidence.append(found)
            if term.product:
                products[term.product] = None
                frontiers.update(dict.fromkeys(term.frontiers))
                if term.area:
                    areas[term.area] = None
            if term.cell_type:
                cell_types[term.cell_type] = None
        for name in _cel_names(text):
            evidence.append(Evidence(cell_type=None, field=field, phrase=name))
    # "Stem cells" inside "mesenchymal stem cells" says nothing beyond the specific type.
    if len(cell_types) > 1:
        cell_types.pop(UNSPECIFIED, None)
    for type_id in cell_types:
        frontiers.update(dict.fromkeys(vocabulary.frontiers_of(type_id)))
    return CellClassification(
        is_cell_therapy=bool(evidence),
        cell_types=tuple(cell_types),
        frontiers=tuple(frontiers),
        products=tuple(products),
        areas=tuple(areas),
        evidence=tuple(evidence),
    )


def _cel_names(text: str) -> list[str]:
    """Return nonproprietary cell-therapy names (the "-cel" stem) in a text.

    A name ends a run of letters with "cel", so ASCII text without "cel" before a non-letter (most text
    that says "cel" says "cells") has none; only other text is searched whole.
    """
    folded = text.casefold()
    if "cel" not in folded or (text.isascii() and not _CEL_END.search(folded)):
        return []
    return [m.group(0) for m in _CEL_STEM.finditer(text) if m.group(1).lower() not in _NOT_CEL_NAMES]


HintCode = Literal[
    "self_pay_wording",
    "individual_sponsor",
    "clinic_sponsor",
    "no_phase",
    "single_group_open_label",
    "many_unrelated_conditions",
]


@dataclass(frozen=True, slots=True)
class HintReason:
    """One observation behind a pay-to-participate hint, in plain words."""

    code: HintCode
    detail: str


@dataclass(frozen=True, slots=True)
class PayToParticipateHint:
    """How strongly the registration suggests patients pay to take part, and why.

    `level` is "strong" only when the record itself says patients pay;
    "weak" when two or more circumstantial signs coincide; else "none".
    """

    level: Literal["none", "weak", "strong"]
    reasons: tuple[HintReason, ...]


_SELF_PAY = re.compile(
    r"patient[-\s]funded|self[-\s]?pay(?:ing|ment)?|self[-\s]funded|out[-\s]of[-\s]pocket"
    r"|(?:patients?|participants?|subjects?)\s+(?:will\s+)?(?:pay|be\s+charged|cover\s+the\s+cost)"
    r"|at\s+(?:the\s+)?(?:patient|participant|subject)'?s'?\s+(?:own\s+)?(?:cost|expense)"
    r"|(?:treatment|procedure|participation)\s+fee"
    r"|cost\s+of\s+(?:the\s+)?(?:treatment|procedure|therapy)\s+(?:is|will\s+be)\s+(?:borne|paid|covered)\s+by\s+"
    r"(?:the\s+)?(?:patient|participant|subject)",
    re.IGNORECASE,
)
# The same alternatives, all in lower case, matched with case: for lower-cased ASCII text (`_self_pay_wording`).
_SELF_PAY_LOWER = re.compile(_SELF_PAY.pattern)
# Every alternative of _SELF_PAY contains one of these words; a text without them is not searched.
_SELF_PAY_WORDS = ("fund", "pay", "pocket", "charge", "cost", "expense", "fee")
_CLINIC_SPONSOR = re.compile(
    r"(?:stem\s+cell|regenerative|wellness|anti-?aging|longevity|cellular\s+medicine)"
    r"[\w\s&,.'-]{0,40}?\b(?:clinic|center|centre|institute|group|llc|inc|ltd|s\.?a\.?|lab)\b",
    re.IGNORECASE,
)
# A person registered as sponsor: "Joanne Kurtzberg, MD", "Dr. …"; not "M.D. Anderson Cancer Center".
_PERSON_SPONSOR = re.compile(r",\s*(?:M\.?D|Ph\.?D|D\.?O|MBBS|FRCS)\b\.?|^(?:Dr|Prof)\.?\s", re.IGNORECASE)
_CONDITION_STOPWORDS = frozenset(
    {"disease", "diseases", "disorder", "disorders", "syndrome", "chronic", "acute", "injury", "injuries",
     "failure", "severe", "other", "patients", "primary", "secondary", "type", "stage", "degenerative"}
)  # fmt: skip
MANY_UNRELATED_CONDITIONS = 4
_CONDITION_WORD = re.compile(r"[a-z]{4,}")


def _condition_groups(conditions: Iterable[str]) -> int:
    """Count groups of conditions that share no meaningful word ("knee osteoarthritis" ~ "hip osteoarthritis")."""
    groups: list[set[str]] = []
    for condition in conditions:
        words = {w for w in _CONDITION_WORD.findall(condition.lower()) if w not in _CONDITION_STOPWORDS}
        words = words or {condition.lower()}
        touching = [g for g in groups if g & words]
        merged = set(words).union(*touching)
        groups = [g for g in groups if not (g & words)] + [merged]
    return len(groups)


def _self_pay_wording(texts: list[str]) -> str | None:
    """Return the first self-pay wording found in the texts, in their order, or None.

    The texts are folded and looked through for `_SELF_PAY_WORDS` once together (no word spans the line
    break that joins them), so a registration without any, the usual case, costs one pass. An ASCII text
    is searched lower-cased with the case-sensitive twin of the regex, which is several times faster than
    ignoring case and finds the same span: lower-casing ASCII keeps every character in place.
    """
    joined = "\n".join(texts).casefold()
    if not any(map(joined.__contains__, _SELF_PAY_WORDS)):
        return None
    for text in texts:
        folded = text.casefold()
        if not any(map(folded.__contains__, _SELF_PAY_WORDS)):
            continue
        found = _SELF_PAY_LOWER.search(text.lower()) if text.isascii() else _SELF_PAY.search(text)
        if found:
            return text[found.start() : found.end()]
    return None


def pay_to_participate_hint(record: TrialRecord) -> PayToParticipateHint:
    """Return the pay-to-participate hint for a registration, with each reason spelled out."""
    reasons: list[HintReason] = []
    texts = [record.title, record.official_title, record.brief_summary] + [
        t for i in record.interventions for t in (i.name, i.description)
    ]
    wording = _self_pay_wording([text for text in texts if text])
    if wording is not None:
        reasons.append(HintReason("self_pay_wording", f"the registration says {wording!r}"))
    sponsor = record.lead_sponsor_name or ""
    if record.lead_sponsor_class == "INDIV" or _PERSON_SPONSOR.search(sponsor):
        reasons.append(HintReason("individual_sponsor", f"the lead sponsor is an individual ({sponsor or 'unnamed'})"))
    elif _CLINIC_SPONSOR.search(sponsor):
        reasons.append(HintReason("clinic_sponsor", f"the lead sponsor looks like a clinic ({sponsor})"))
    if record.study_type == "INTERVENTIONAL" and not record.phases:
        reasons.append(HintReason("no_phase", "an interventional study registered without a trial phase"))
    if record.intervention_model == "SINGLE_GROUP" and record.masking == "NONE":
        reasons.append(HintReason("single_group_open_label", "one group, everyone treated, nobody blinded"))
    groups = _condition_groups(record.conditions)
    if groups >= MANY_UNRELATED_CONDITIONS:
        reasons.append(
            HintReason("many_unrelated_conditions", f"{groups} unrelated conditions in one registration")
        )
    if any(r.code == "self_pay_wording" for r in reasons):
        level: Literal["none", "weak", "strong"] = "strong"
    elif len(reasons) >= 2:
        level = "weak"
    else:
        level = "none"
    return PayToParticipateHint(level=level, reasons=tuple(reasons))


class ConditionVocabulary:
    """The knowledge base's conditions (names and synonyms) compiled for matching registered condition names."""

    def __init__(
        self,
        patterns: Iterable[tuple[str, re.Pattern[str]]],
        first_words: Iterable[frozenset[str] | None] | None = None,
    ) -> None:
        self._patterns = tuple(patterns)
        words = tuple(first_words) if first_words is not None else (None,) * len(self._patterns)
        # As for cell types: a condition is searched for only in a text holding one of its phrases' first words.
        self._always = tuple(i for i, w in enumerate(words) if w is None)
        self._by_word: dict[str, list[int]] = {}
        for index, found in enumerate(words):
            for word in found or ():
                self._by_word.setdefault(word, []).append(index)

    @classmethod
    def from_knowledge(cls, conditions: Iterable[Any]) -> ConditionVocabulary:
        """Compile each condition's name and synonyms as whole phrases (acronyms keep their case)."""
        patterns = []
        first_words = []
        for entry in conditions:
            phrases = [p for p in (_field(entry, "name"), *(_field(entry, "synonyms") or ())) if p]
            pattern = _phrase_pattern(phrases)
            if pattern is not None:
                patterns.append((_field(entry, "id"), pattern))
                first_words.append(_first_words(p for p in phrases if p.strip()))
        return cls(patterns, first_words)

    def ids_in(self, text: str) -> tuple[str, ...]:
        """Return the ids of the knowledge conditions a registered condition names, in knowledge order.

        >>> vocabulary = ConditionVocabulary.from_knowledge(
        ...     [{"id": "knee_osteoarthritis", "name": "Knee osteoarthritis", "synonyms": ["knee OA"]}])
        >>> vocabulary.ids_in("Knee Osteoarthritis, Grade 2"), vocabulary.ids_in("Hip osteoarthritis")
        (('knee_osteoarthritis',), ())
        """
        candidates = set(self._always)
        for word in self._by_word.keys() & _WORDS.findall(text.casefold()):
            candidates.update(self._by_word[word])
        found = []
        for index in sorted(candidates):
            condition, pattern = self._patterns[index]
            if pattern.search(text):
                found.append(condition)
        return tuple(found)
