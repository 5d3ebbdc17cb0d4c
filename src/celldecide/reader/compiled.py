"""Compile the knowledge base into matchers, once per knowledge version.

One spaCy blank English pipeline (a light rule tokenizer and the sentencizer, whose rule `segment` applies)
is shared by the process. For each knowledge version the gazetteers (cell types, conditions, regulators,
products and makers, plus the reader's lexicon) become two PhraseMatchers: short acronyms written in
capitals match exactly ("MS", "ALS", "IV"), everything else by lower case. Registry ids come from
`knowledge.registries` through `celldecide.registry.ids`. The red-flag rules, the reader's cues and
whole-text patterns and the registries' id patterns share one `GateSet`: one pass over a text finds
where any of them can match (`Document.find`, `Document.gate_positions`). What compiling derives from the
reader's own code alone (the phrases' tokens, the patterns' gates) is remembered between processes
(`celldecide.reader.memo`).
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.lang.en import English
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.vocab import Vocab

from celldecide.reader.assess import WHOLE_TEXT as ASSESSED_WHOLE_TEXT
from celldecide.reader.cues import CUES
from celldecide.reader.fastre import NOT_AFTER_ALNUM, GatedPattern, GateSet
from celldecide.reader.lexicon import COUNTED_PEOPLE, LEXICON, TIME_UNITS
from celldecide.reader.memo import MEMO
from celldecide.reader.recognize import WHOLE_TEXT as RECOGNIZED_WHOLE_TEXT
from celldecide.registry.ids import IdMatcher

# A light tokenizer: split off quotes and brackets, split on hyphens, slashes and dashes inside words.
# spaCy's default English rules are far slower and their special cases buy nothing for phrase lookup.
_PREFIX = re.compile(r"""^[\[\(\{"'“‘’”«<*•·]""")
_SUFFIX = re.compile(r"""(?:'s|’s|[\]\)\}"'“‘’”»>,.;:!?%*®™])$""")
_INFIX = re.compile(r"""[-/–—:;()\[\]"“”=+×®™]|(?<![0-9]),|,(?![0-9])|\.(?=[A-Za-z]{2})""")

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = ("U.S.", "U.K.", "E.U.", "Dr.", "Drs.", "Prof.", "Mr.", "Mrs.", "Ms.", "St.", "Inc.", "Ltd.", "Co.",
                  "Corp.", "e.g.", "i.e.", "vs.", "No.", "approx.", "et al.", "Fig.", "Jan.", "Feb.", "Aug.", "Sept.",
                  "Oct.", "Nov.", "Dec.", "U.S.A.", "D.C.", "Ph.D.", "M.D.")
_ABBREVIATION = re.compile("^(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS if " " not in a) + ")$")
_ACRONYM = re.compile(r"^[A-Za-z0-9+\-]{1,6}s?$")
# spaCy strips one prefix or suffix at a time and copies the rest of the string each time, so a run of
# thousands of brackets or full stops without a space costs time quadratic in its length; split at every
# bracket, it would also make a token of each. No word is that long: a run longer than this is not split
# at all (it becomes one token).
_AFFIX_MAX = 1_000


def _prefix_search(string: str) -> re.Match[str] | None:
    """Return the prefix spaCy should split off `string` (none for a run longer than `_AFFIX_MAX`)."""
    return _PREFIX.match(string) if len(string) <= _AFFIX_MAX else None


def _suffix_search(string: str) -> re.Match[str] | None:
    """Return the suffix spaCy should split off `string`, looking at its last two characters only.

    Every suffix is one or two characters, so searching from there finds what a search of the whole
    string finds, without reading the string (which would make a long run quadratic).
    """
    length = len(string)
    return _SUFFIX.search(string, length - 2 if length > 2 else 0) if length <= _AFFIX_MAX else None


def _infix_finditer(string: str) -> Iterator[re.Match[str]] | tuple[()]:
    """Return where spaCy should split `string` inside (nowhere in a run longer than `_AFFIX_MAX`)."""
    return _INFIX.finditer(string) if len(string) <= _AFFIX_MAX else ()


def _light_tokenizer(vocab: Vocab) -> Tokenizer:
    """Return the reader's rule tokenizer over `vocab` (see `_PREFIX`, `_SUFFIX`, `_INFIX`)."""
    return Tokenizer(
        vocab,
        rules={},
        # A token_match keeps "U.S." whole without special-case rules, which would disable the token cache.
        token_match=_ABBREVIATION.match,
        prefix_search=_prefix_search,
        suffix_search=_suffix_search,
        infix_finditer=_infix_finditer,
    )


@lru_cache(maxsize=1)
def nlp() -> Language:
    """Return the shared blank English pipeline: the rule tokenizer and the sentencizer.

    English is given the light tokenizer directly: building spaCy's default English tokenizer, with its
    thousands of special cases, only to replace it takes a good part of a second, and building the pipeline
    from a config (`spacy.blank`) resolves and validates spaCy's whole default config first.
    """
    pipeline = English(create_tokenizer=lambda language: _light_tokenizer(language.vocab))
    pipeline.add_pipe("sentencizer")
    return pipeline


@dataclass(frozen=True)
class FlagRule:
    """One compiled red-flag pattern."""

    flag: str
    index: int
    regex: GatedPattern
    near: GatedPattern | None
    window: int
    unless: re.Pattern[str] | None
    kinds: frozenset[str]
    # Where `unless` may match is found with the rules' one scan: a sentence holding no such place is not searched.
    # Only for an `unless` whose every alternative starts at a word boundary (found by the scan for words).
    unless_slot: int | None = None
    regex_slot: int = 0  # positions of this rule's patterns in `Compiled.gates`
    near_slot: int | None = None


@dataclass(frozen=True)
class Compiled:
    """Everything the reader derives from one knowledge version."""

    version: str
    phrases_exact: PhraseMatcher
    phrases_lower: PhraseMatcher
    matcher: TokenPatterns
    labels: dict[int, tuple[str, str]]
    rules: dict[int, str]  # the rule a gazetteer match cites: its label, "kind:value"
    # Per gazetteer match id: (kind, value, rule, what to do), 0 a mention, 1 a count anchor, 2 a comparator.
    phrase_info: dict[int, tuple[str, str, str, int]]
    registry_ids: IdMatcher
    registry_patterns: tuple[tuple[str, GatedPattern], ...]
    flags: tuple[FlagRule, ...]
    gates: GateSet  # every gated pattern: red-flag rules, cues and the reader's whole-text patterns
    slots: dict[str, int]  # where each cue ("cue:offer") and whole-text pattern ("phase") sits in `gates`
    flag_entries: dict[str, Any]
    products: dict[str, Any]
    cell_type_ids: frozenset[str]
    condition_categories: dict[str, str]
    stage_names: dict[int, str]
    checklist: dict[str, Any]


def _is_exact(phrase: str) -> bool:
    """Return True for short phrases written with capitals ("MS", "iPSC"): matched case-sensitively."""
    return bool(_ACRONYM.match(phrase)) and any(ch.isupper() for ch in phrase)


def _variants(phrase: str) -> set[str]:
    """Return a phrase with its simple singular/plural partner and both apostrophes."""
    out = {phrase}
    if phrase.endswith(" cells"):
        out.add(phrase[:-1])
    elif phrase.endswith(" cell"):
        out.add(phrase + "s")
    for form in list(out):
        # "iPS-derived" and "iPS derived", "cord-blood" and "cord blood" are the same phrase.
        if "-" in form and len(form) > 6:
            out.add(form.replace("-", " "))
        elif " " in form and len(form.split()) == 2 and len(form) > 8:
            out.add(form.replace(" ", "-"))
    for form in list(out):
        if "'" in form:
            out.add(form.replace("'", "’"))
        if "’" in form:
            out.add(form.replace("’", "'"))
    return out


def _gazetteer(knowledge: Any) -> dict[str, set[str]]:
    """Return label -> phrases from the knowledge base and the lexicon."""
    entries: dict[str, set[str]] = {}

    def add(label: str, phrases) -> None:
        bucket = entries.setdefault(label, set())
        for phrase in phrases:
            if phrase and phrase.strip():
                bucket |= _variants(phrase.strip())

    for cell in knowledge.cell_types:
        add(f"cell_type:{cell.id}", cell.synonyms)
    for condition in knowledge.conditions:
        add(f"condition:{condition.id}", [condition.name, *condition.synonyms])
    for regulator in knowledge.regulators:
        add(f"regulator:{regulator.id}", [regulator.short_name, *regulator.aliases])
    for product in knowledge.products:
        names = [product.name, *product.aliases]
        if product.nonproprietary_name:
            names.append(product.nonproprietary_name)
        add(f"product:{product.id}", names)
        add("maker:named", [product.maker])
    for label, phrases in LEXICON.items():
        add(f"lex:{label}", phrases)
    # Words that can end a count or a duration: the token Matcher only runs on sentences holding one.
    add("lex:count_anchor", [*COUNTED_PEOPLE, *TIME_UNITS, "n", "n="])
    return entries


def _registry_patterns(knowledge: Any) -> tuple[tuple[str, GatedPattern], ...]:
    """Compile each registry's `id_pattern` as `celldecide.registry.ids` does, with a literal gate."""
    return tuple(
        (registry.id, GatedPattern.compile(rf"{NOT_AFTER_ALNUM}(?:{registry.id_pattern})(?![A-Za-z0-9])"))
        for registry in knowledge.registries
        if registry.id_pattern
    )


# Words allowed between a number and the people it counts ("12 elderly patients"), not "one day help patients".
_NOT_BETWEEN = ("of", "and", "or", "per", "million", "billion", "day", "days", "week", "weeks", "month", "months",
                "year", "years", "time", "times", "help", "helps", "helped", "could", "may", "will", "in", "for",
                "to", "the")
_ONE_PERSON_BEFORE = ("a", "an", "one")
_ONE_PERSON = ("man", "woman", "boy", "girl", "patient", "father", "mother")
_N_WORDS = ("n", "n=")
_PLURAL_UNITS = ("days", "weeks", "months", "years")
TOKEN_LABELS = ("count:people", "count:one_person", "count:n", "duration")
# The same words as sets, for `TokenPatterns`.
_COUNTED, _UNITS, _NOT_BETWEEN_SET = frozenset(COUNTED_PEOPLE), frozenset(TIME_UNITS), frozenset(_NOT_BETWEEN)
_AGED = ["-", "year", "-", "old"]  # what follows the age in "a 25-year-old woman" (ORTH "-" is its lower case)


def token_patterns() -> dict[str, list[list[dict[str, Any]]]]:
    """Return the token patterns as spaCy `Matcher` patterns: their definition, which `TokenPatterns` follows.

    Counted people ("12 patients", "12 elderly patients", "n = 30"), one described person ("a 25-year-old
    woman", where the number is an age) and durations ("18 months", "6-month").
    """
    number = {"LIKE_NUM": True}
    between = {"IS_ALPHA": True, "OP": "?", "LOWER": {"NOT_IN": list(_NOT_BETWEEN)}}
    return {
        "count:people": [[number, between, between, {"LOWER": {"IN": list(COUNTED_PEOPLE)}}]],
        "count:one_person": [[{"LOWER": {"IN": list(_ONE_PERSON_BEFORE)}}, number, {"ORTH": "-"}, {"LOWER": "year"},
                              {"ORTH": "-"}, {"LOWER": "old"}, {"LOWER": {"IN": list(_ONE_PERSON)}}]],
        "count:n": [[{"LOWER": "n"}, {"ORTH": "="}, number],
                    [{"LOWER": {"IN": list(_N_WORDS)}}, {"ORTH": "=", "OP": "?"}, number]],
        "duration": [[number, {"ORTH": "-", "OP": "?"}, {"LOWER": {"IN": list(TIME_UNITS)}}],
                     [{"LOWER": {"IN": list(_PLURAL_UNITS)}}, number]],
    }


class TokenPatterns:
    """Find the spans `token_patterns()` describes, exactly as a spaCy `Matcher` holding them finds them.

    Called with a `Doc` or a `Span`, return `(match_id, start, end)` for every matching span (overlapping
    ones too, each once), offsets relative to what it was given. The Matcher checks its `IN` and `NOT_IN`
    predicates in Python at every token, which made it the slowest of the recognizers; every one of these
    patterns holds a number at a fixed place, so they are tried only around the tokens that look like one.
    """

    def __init__(self, strings: Any) -> None:
        self.people, self.one_person, self.n, self.duration = (strings.add(label) for label in TOKEN_LABELS)

    def __call__(self, doclike: Any) -> list[tuple[int, int, int]]:
        tokens = list(doclike)
        lower = [token.lower_ for token in tokens]
        count = len(tokens)
        found: set[tuple[int, int, int]] = set()
        for k, token in enumerate(tokens):
            if not token.like_num:
                continue
            for gap in range(3):  # count:people, with up to two words between the number and the people
                last = k + gap + 1
                if last >= count:
                    break
                if lower[last] in _COUNTED:
                    found.add((self.people, k, last + 1))
                if gap == 2 or not (tokens[last].is_alpha and lower[last] not in _NOT_BETWEEN_SET):
                    break
            if 0 < k and k + 5 < count and lower[k - 1] in _ONE_PERSON_BEFORE and lower[k + 1:k + 5] == _AGED \
                    and lower[k + 5] in _ONE_PERSON:
                found.add((self.one_person, k - 1, k + 6))
            if k >= 1 and lower[k - 1] in _N_WORDS:
                found.add((self.n, k - 1, k + 1))
            if k >= 2 and lower[k - 1] == "=" and lower[k - 2] in _N_WORDS:
                found.add((self.n, k - 2, k + 1))
            if k + 1 < count and lower[k + 1] in _UNITS:
                found.add((self.duration, k, k + 2))
            if k + 2 < count and lower[k + 1] == "-" and lower[k + 2] in _UNITS:
                found.add((self.duration, k, k + 3))
            if k >= 1 and lower[k - 1] in _PLURAL_UNITS:
                found.add((self.duration, k - 1, k + 1))
        return sorted(found, key=lambda match: (match[1], match[2], match[0]))


def _unless_slot(unless: str | None, slot: Callable[[GatedPattern], int]) -> int | None:
    """Return the gate slot of an `unless` pattern with literal prefixes that start at word boundaries (all of
    them, or all but a few the gate finds anywhere, such as "?")."""
    if not unless:
        return None
    gated = GatedPattern.compile(unless)
    return slot(gated) if gated.prefixes and (gated.at_words or gated.split is not None) else None


def _gates(knowledge: Any, registry_patterns: tuple[tuple[str, GatedPattern], ...]
           ) -> tuple[tuple[FlagRule, ...], GateSet, dict[str, int]]:
    """Compile every red-flag pattern, the reader's cues, its whole-text patterns and the registries' id
    patterns into one gate set that finds all their candidate positions with one scan of a text; return the
    rules, the gate set and where each named pattern ("cue:offer", "phase", "registry:ctgov") sits in it."""
    rules: list[FlagRule] = []
    gated: list[GatedPattern] = []

    def slot(pattern: GatedPattern) -> int:
        gated.append(pattern)
        return len(gated) - 1

    for flag in knowledge.red_flags:
        for index, pattern in enumerate(flag.patterns):
            regex = GatedPattern.compile(pattern.regex)
            near = GatedPattern.compile(pattern.near) if pattern.near else None
            rules.append(
                FlagRule(
                    flag=flag.id,
                    index=index,
                    regex=regex,
                    near=near,
                    window=pattern.window,
                    unless=re.compile(pattern.unless, re.IGNORECASE) if pattern.unless else None,
                    kinds=frozenset(getattr(pattern, "kinds", ()) or ()),
                    unless_slot=_unless_slot(pattern.unless, slot),
                    regex_slot=slot(regex),
                    near_slot=slot(near) if near is not None else None,
                )
            )
    slots = {f"cue:{name}": slot(GatedPattern.compile(pattern.pattern)) for name, pattern in CUES.items()}
    for name, pattern in {**RECOGNIZED_WHOLE_TEXT, **ASSESSED_WHOLE_TEXT}.items():
        slots[name] = slot(pattern)
    slots.update({f"registry:{registry}": slot(pattern) for registry, pattern in registry_patterns})
    return tuple(rules), GateSet(gated), slots


def _phrase_keys(pipeline: Language, phrase: str, attr: str) -> tuple[int, ...]:
    """Return what a PhraseMatcher on `attr` ("ORTH" or "LOWER") keeps of a gazetteer phrase: the ids of
    that attribute of its tokens, as `pipeline.make_doc` tokenizes it.

    `PhraseMatcher.add` takes these ids in place of a `Doc` (spaCy rebuilds a pickled matcher that way), and
    tokenizing thousands of phrases for the first time takes a good part of a new process's first reading,
    so they are remembered (`memo.MEMO`, whose key holds this module's code and the spaCy version).
    """
    keys = MEMO.get("phrases", (phrase, attr))
    if keys is None:
        doc = pipeline.make_doc(phrase)
        keys = tuple(token.orth if attr == "ORTH" else token.lower for token in doc)
        MEMO.put("phrases", (phrase, attr), keys)
    return keys


def compile_knowledge(knowledge: Any) -> Compiled:
    """Build the matchers for one knowledge base (use `compiled_for`, which caches)."""
    pipeline = nlp()
    exact = PhraseMatcher(pipeline.vocab, attr="ORTH")
    lower = PhraseMatcher(pipeline.vocab, attr="LOWER")
    labels: dict[int, tuple[str, str]] = {}
    for label, phrases in _gazetteer(knowledge).items():
        kind, _, value = label.partition(":")
        key = pipeline.vocab.strings.add(label)
        labels[key] = (kind, value)
        exact_keys = [_phrase_keys(pipeline, p, "ORTH") for p in sorted(phrases) if _is_exact(p)]
        lower_keys = [_phrase_keys(pipeline, p, "LOWER") for p in sorted(phrases) if not _is_exact(p)]
        if exact_keys:
            exact.add(label, exact_keys)
        if lower_keys:
            lower.add(label, lower_keys)
    registry_patterns = _registry_patterns(knowledge)
    flag_rules, gates, slots = _gates(knowledge, registry_patterns)
    matcher = TokenPatterns(pipeline.vocab.strings)
    for label in TOKEN_LABELS:
        kind, _, value = label.partition(":")
        labels[pipeline.vocab.strings[label]] = (kind, value or kind)
    MEMO.save()
    return Compiled(
        version=knowledge.version,
        phrases_exact=exact,
        phrases_lower=lower,
        matcher=matcher,
        labels=labels,
        rules={key: f"{kind}:{value}" for key, (kind, value) in labels.items()},
        phrase_info={key: (kind, value, f"{kind}:{value}", {"count_anchor": 1, "comparator": 2}.get(value, 0))
                     for key, (kind, value) in labels.items()},
        registry_ids=IdMatcher.from_registries(knowledge.registries),
        registry_patterns=registry_patterns,
        flags=flag_rules,
        gates=gates,
        slots=slots,
        flag_entries={f.id: f for f in knowledge.red_flags},
        products={p.id: p for p in knowledge.products},
        cell_type_ids=frozenset(c.id for c in knowledge.cell_types),
        condition_categories={c.id: c.category for c in knowledge.conditions},
        stage_names={s.n: s.name for s in knowledge.stages},
        checklist={q.id: q for q in knowledge.checklist},
    )


_cache: dict[str, Compiled] = {}
_lock = threading.Lock()


def compiled_for(knowledge: Any) -> Compiled:
    """Return the compiled matchers for `knowledge`, building them once per knowledge version.

    Building them makes tens of thousands of objects that live as long as the process, none of them
    garbage: the cyclic garbage collector is paused meanwhile (`collector_paused`), then `gc.freeze()` moves
    everything alive (the modules, the knowledge base, the matchers) out of its sight, so that its later
    collections, those at exit included, stop walking them (a new process spends a fifth of its time there
    otherwise). The price: an object alive at that moment that later becomes part of a reference cycle is
    freed only with the process, once.
    """
    key = knowledge.version
    found = _cache.get(key)
    if found is not None:
        return found
    with _lock:
        found = _cache.get(key)
        if found is None:
            if len(_cache) > 8:  # a long-lived process that reloads knowledge keeps only recent versions
                _cache.clear()
            with collector_paused():
                found = _cache[key] = compile_knowledge(knowledge)
            gc.freeze()
        return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while long-lived objects are made, then restore it as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
