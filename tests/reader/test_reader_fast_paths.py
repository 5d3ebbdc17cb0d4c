"""The reader's fast paths give exactly what the plain ways of computing the same thing give.

Each shortcut (the sentencizer rule applied to the token table, the gated regexes, tidying without regex
passes, regexes rewritten to start with a capital, the token patterns tried around numbers) is checked against
the straightforward computation on generated texts, and the inputs that used to cost quadratic time are read
in well under a second.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from celldecide.reader import MAX_CHARS
from celldecide.reader.compiled import _SUFFIX, TokenPatterns, _suffix_search, compiled_for, nlp, token_patterns
from celldecide.reader.fastre import GatedPattern, GateSet, _char_class, required_literals
from celldecide.reader.normalize import _INVISIBLE, _MANY_NEWLINES, _SPACES, html_to_text, limit_nesting, tidy
from celldecide.reader.recognize import ORGANISATION, PRODUCT_CODE
from celldecide.reader.segment import sentence_spans

PIECES = [
    "Stem cells", "cure", "MSCs", "no side effects", "FDA-approved", "Phase 1/2", "12 patients", "U.S.", "Dr.",
    "e.g.", "?!", "...", "(Reuters)", "“quoted”", "it’s", "Inc.", "Kyoto University", "Mayo Clinic", "CiRA",
    "ABC-123", "Namecel-T", "Brand®", "CamelCase cells", "University of Kyoto", "$5,000", "€", "85% of patients",
    "5 x 10^6 cells", "NCT04786262", "2020-001234-56", "。", "！", "‼", "؟", "_x", "é", "İ", "\u00a0", "\u200b", "\t",
    " ", "  ", "\n", "\n\n", "\n\n\n", ".", ",", ";", ":", "-", "—", "(", ")", "'s", "x", "A",
    "٣٠ patients", "_NCT04786262", "éNCT04786262", "\u212aNCT04786262", "more than 30 diseases", "n = 30",
    "a 25-year-old woman", "18 months", "12 elderly patients", "one",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=40).map("".join)
spaced = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_sentences_are_those_of_spacys_sentencizer_and_tokens_keep_their_offsets(text):
    tokens = nlp()(text)
    spans, table = sentence_spans(nlp().make_doc(text))
    assert spans == [(s.start_char, s.end_char) for s in tokens.sents]
    assert table[:, :2].tolist() == [[t.idx, t.idx + len(t)] for t in tokens]


def reference_tidy(text: str) -> str:
    """Tidy as four plain regex passes (what `tidy` did before it skipped the passes with nothing to do)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(texts, st.text(alphabet=" \n\t\r\u00a0\u200bab", max_size=30)))
def test_tidy_gives_what_four_regex_passes_give(text):
    assert tidy(text) == reference_tidy(text)


@settings(max_examples=300, deadline=None)
@given(word=st.text(min_size=0, max_size=12))
def test_the_suffix_search_reads_only_the_end_of_a_word_and_finds_the_same_suffix(word):
    expected = _SUFFIX.search(word)
    found = _suffix_search(word)
    assert (found and found.span()) == (expected and expected.span())


# The forms these two had when they were written with a leading \b (same matches, slower to search).
ORGANISATION_AS_WRITTEN = re.compile(
    r"\b(?:University of (?:[A-Z][\w'’.-]+ ?){1,3}|(?:[A-Z][\w&'’.-]*[ -](?:(?:of|and|for|de|&) )?){1,6}(?:University|"
    r"Institute|Hospital|Clinic|Therapeutics|Biosciences|Biotech|Biotherapeutics|Pharmaceuticals?|Pharma|Inc\.?|"
    r"Ltd\.?|LLC|GmbH|Corporation|Corp\.?|Technologies|Technology|Laboratories|Medical Center|Medical Centre|"
    r"Foundation|Sciences|Biologics|Co\.|Research Institute|Cell Technology|CiRA|College|NHS Trust)|"
    r"[A-Z][a-z]+ (?:Clinic|Institute)|CiRA)(?![\w])"
)
PRODUCT_CODE_AS_WRITTEN = re.compile(
    r"\b(?:[A-Z][A-Za-z]+\s?[®™]|[A-Z]{2,6}[- ]\d{2,4}\b|[A-Z]{2,}-[A-Z]\b|[A-Z][a-z]+cel-[A-Z]\b|"
    r"[A-Z][a-z]+[A-Z][a-z]+\b(?= (?:cells?|therapy|product)))"
)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(texts, spaced), cut=st.integers(min_value=0, max_value=40))
def test_names_and_codes_written_capital_first_match_as_written(text, cut):
    for fast, written in ((ORGANISATION, ORGANISATION_AS_WRITTEN), (PRODUCT_CODE, PRODUCT_CODE_AS_WRITTEN)):
        for low in (0, min(cut, len(text))):
            assert [m.span() for m in fast.finditer(text, low)] == [m.span() for m in written.finditer(text, low)]


GATED = [
    r"\b(?:breakthroughs?|miracles?|game[- ]chang\w*)\b",
    r"\bno (?:known )?(?:side[- ]effects|risks?)\b",
    r"[$€£]\s?\d[\d,.]*",
    r"\b\d{2,3}(?:\.\d)? ?(?:%|percent) (?:of (?:our )?patients|success)",
    r"\b\d[\d,.]{0,12} ?(?:USD|dollars|euros?)\b",
    r"(?<![A-Za-z0-9])(?:NCT\s?\d{8})(?![A-Za-z0-9])",
    r"\b(?:\(reuters\)|, md|stem[- ]cells?)\b",
    r"\b(?:no|not)\b[^.]{0,25}\b(?:cure|reverse)|\?|\bno known cure\b",
    r"\b\d{1,4}\s{0,2}[x×*]\s{0,2}10\^?\d{1,2} cells",
    r"\bthe (?:[\w.]+ ){0,5}?(?:fda|agency) approved",
    r"\b(?:\d{2,4}|more than \d{1,4}) (?:diseases|conditions)",
    r"\b\d{1,3}(?:\.\d{1,3})?\s?(?:%|percent)",
    r"(?<![A-Za-z0-9])(?:ISRCTN\s?\d{8}|NL\d{4,5})(?![A-Za-z0-9])",
]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.one_of(st.sampled_from([
    "miracle", "no side effects", "$5,000", "85% of patients", "5 euros", "NCT04786262", "stem cell", "Stem-Cells",
    "(Reuters)", "Smith, MD", "no cure", "?", "not reverse", "5 x 10^6 cells", "the US FDA approved", "no", " ", ".",
    "more than 30 diseases", "٣٠ conditions", "_", "é", "\u212a", "ISRCTN12345678", "NL12345", "x",
]), st.text(max_size=4)), max_size=30).map("".join))
def test_one_scan_gates_every_pattern_to_exactly_its_matches(text):
    patterns = [GatedPattern.compile(source) for source in GATED]
    gates = GateSet(patterns)
    lower = text.lower()
    if len(lower) != len(text):
        return  # a character that lower-cases to two: the reader's view keeps it, this test cannot
    positions = gates.candidates(lower)
    for slot, gated in enumerate(patterns):
        expected = [m.span() for m in gated.regex.finditer(text)]
        assert [m.span() for m in gates.finditer(slot, text, lower, positions[slot])] == expected, gated.source
        assert [m.span() for m in gated.finditer(text, lower)] == expected, gated.source


def test_it_tells_the_gate_where_numbers_registry_ids_and_mixed_alternations_start():
    assert GatedPattern.compile(r"\b\d{1,3} ?%").digit_gate == ()
    assert GatedPattern.compile(r"\b(?:\d+|over \d+) ?%").digit_gate == ("over ",)
    assert GatedPattern.compile(r"\d{1,3} ?%").digit_gate is None  # not at a word start: no gate
    assert GatedPattern.compile(r"(?<![A-Za-z0-9])(?:NCT\d{8})").not_after_alnum
    assert not GatedPattern.compile(r"(?<![A-Za-z0-9])(?:NCT\d{8})", 0).not_after_alnum  # case matters then
    assert GatedPattern.compile(r"\bno cure|\?").split == (("no cure",), ("?",))


def test_every_character_the_view_shows_as_an_ascii_letter_or_digit_is_one_the_registry_look_behind_refuses():
    """Why a registry id is looked for only where a word starts or after "_" or a non-ASCII letter."""
    from celldecide.reader.normalize import matching_view

    look_behind = re.compile(r"[A-Za-z0-9]", re.IGNORECASE)
    shown = [chr(code) for code in range(0x110000) if len(chr(code).lower()) == 1]
    view = matching_view("".join(shown))
    odd = [ch for ch, seen in zip(shown, view, strict=True) if seen.isascii() and seen.isalnum() and not look_behind.match(ch)]
    assert odd == []


def test_the_word_and_digit_tables_are_what_the_regex_engine_matches():
    import numpy as np

    codes = np.array([*range(0x10000), 0x1D7CE, 0x1F600, 0x10400, 0x104A0], dtype=np.uint32)
    text = "".join(map(chr, codes.tolist()))
    for category in (r"\w", r"\d"):
        expected = [re.match(category, ch) is not None for ch in text]
        assert _char_class(codes, category).tolist() == expected


def test_the_fast_paths_worked_examples_hold():
    import doctest

    from celldecide.reader import fastre

    failures, attempted = doctest.testmod(fastre)
    assert attempted and not failures


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES + ["12", "1", "patients", "year", "old", "-", "=", "n", "days", "months",
                                               "elderly", "very", "of", "the", "a", "an", "man", "hours", "thirty"]),
                     max_size=30).map(" ".join), cut=st.integers(min_value=0, max_value=60))
def test_the_token_patterns_find_what_a_spacy_matcher_finds(text, cut):
    from spacy.matcher import Matcher

    pipeline = nlp()
    matcher = Matcher(pipeline.vocab)
    for label, patterns in token_patterns().items():
        matcher.add(label, patterns)
    fast = TokenPatterns(pipeline.vocab.strings)
    doc = pipeline.make_doc(text)
    for doclike in (doc, doc[min(cut, len(doc)):], doc[: min(cut, len(doc))]):
        found = fast(doclike)
        assert sorted(set(matcher(doclike)), key=lambda match: (match[1], match[2], match[0])) == found


@settings(max_examples=100, deadline=None)
@given(text=st.lists(st.sampled_from(["no", "not", "cure", "reverse", "can't", "whether", "aim to", "need for", "?", "x",
                                      "never", "guarantee", "receive", "privacy", "rejection", "Not", " ", ".", "é"]),
                     max_size=25).map(" ".join))
def test_an_unless_pattern_is_tried_only_where_the_gate_says_and_finds_what_a_search_finds(knowledge, text):
    from celldecide.reader.assess import _cancels
    from celldecide.reader.normalize import matching_view

    compiled = compiled_for(knowledge)
    view = matching_view(text)
    positions = compiled.gates.candidates(view)
    for rule in compiled.flags:
        if rule.unless is None or rule.unless_slot is None:
            continue
        for start in range(0, len(view) + 1, 5):
            expected = rule.unless.search(view, start, len(view)) is not None
            assert _cancels(rule.unless, view, start, len(view), positions[rule.unless_slot]) == expected


def test_it_gates_a_pattern_by_a_literal_near_the_start_of_every_match():
    gated = GatedPattern.compile(r"\b\d{1,4} ?[x*] ?10\^?\d")
    assert gated.prefixes is None and gated.required == ("10",) and gated.lead == 7
    assert required_literals(r"\d{1,3} ?(?:%|percent)") == ("%", "percent")


@settings(max_examples=60, deadline=None)
@given(text=spaced)
def test_every_compiled_pattern_finds_through_the_gate_what_a_full_search_finds(knowledge, text):
    """All red-flag rules, cues, whole-text patterns and registry ids, on the reader's own view of a text."""
    from celldecide.reader.normalize import matching_view

    compiled = compiled_for(knowledge)
    view = matching_view(text)
    positions = compiled.gates.candidates(view)
    for slot, gated in enumerate(compiled.gates.patterns):
        expected = [m.span() for m in gated.regex.finditer(view)]
        assert [m.span() for m in compiled.gates.finditer(slot, view, view, positions[slot])] == expected, gated.source


def test_it_drops_only_the_tags_nested_deeper_than_the_limit():
    deep = "<div>" * 3 + "x" + "</div>" * 3
    assert limit_nesting(deep, max_depth=2, min_tags=0) == "<div><div>x</div></div></div>"
    assert limit_nesting(deep, max_depth=3, min_tags=0) == deep
    assert limit_nesting("<p>" * 10 + "<br>" * 10 + "x", max_depth=2, min_tags=0) == "<p>" * 10 + "<br>" * 10 + "x"
    page = "<ul>" + "<li>item</li>" * 3000 + "</ul>"
    assert limit_nesting(page) is page


def test_a_deeply_nested_page_keeps_its_text():
    deep = "<div>" * 20_000 + "<p>Stem cells cure all</p>" + "</div>" * 20_000
    assert html_to_text(deep).strip() == "Stem cells cure all"


@pytest.mark.parametrize(
    "pathological",
    [
        "." * MAX_CHARS,
        "(" * MAX_CHARS,
        "!" * (MAX_CHARS // 2) + " stem cells",
        "12 patients " * 8_000,
        "95% " * 25_000,
        "<ul><li>" * 20_000,
        "<dl><dd>" * 20_000,
        ("<span>" * 20_000 + "</div>" * 20_000)[:MAX_CHARS],
        ("<b>" * 30_000 + "</p>" * 30_000)[:MAX_CHARS],
    ],
    ids=["full-stops", "brackets", "exclamations", "counted-people", "percents", "nested-lists", "nested-terms",
         "spans-closed-by-divs", "bold-closed-by-paragraphs"],
)
def test_it_reads_inputs_that_used_to_take_quadratic_time_in_under_a_second(read_text, pathological):
    read_text("warm up the matchers")
    started = time.perf_counter()
    try:
        read_text(pathological)
    except Exception as exc:  # noqa: BLE001 - only the time matters here; an empty reading may be refused
        from celldecide.reader import EmptyTextError

        assert isinstance(exc, EmptyTextError)
    assert time.perf_counter() - started < 1.0


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from([
    "the", "The", "US", "FDA", "fda", "Food and Drug Administration", "agency", "ema", "ministry", "has", "approved",
    "cleared", "authorised", "granted", "on", "Monday", "last", "year", "lab", "?", "journal", "study", "said",
    "January 5, 2020", "Reuters", "(Reuters)", "the company", "researchers", ".", ",", "\n", "x", "é", "ſ",
]), max_size=25).map(" ".join))
def test_the_news_cue_without_its_approval_alternative_finds_the_same_where_no_agency_decides(text):
    from celldecide.reader.cues import AGENCY_DECISION, NEWS, NEWS_WITHOUT_APPROVAL

    full = [m.span() for m in re.compile(NEWS.pattern, re.IGNORECASE).finditer(text)]
    if re.compile(AGENCY_DECISION.pattern, re.IGNORECASE).search(text) is None:
        without = re.compile(NEWS_WITHOUT_APPROVAL.pattern, re.IGNORECASE)
        assert [m.span() for m in without.finditer(text)] == full
