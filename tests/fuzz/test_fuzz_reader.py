"""Fuzz the reader: any text or bytes give a schema-valid reading whose quotes are exact spans, or a typed refusal.

The inputs mix the words the reader reacts to, HTML that tries to hide or inject text (scripts, styles, event
handlers, comments, entities of invalid code points), every Unicode category including lone surrogates and
controls, and raw bytes in the wrong encoding. The only exceptions allowed are the reader's own
`ReaderInputError` subclasses (celldecide.reader.errors).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from celldecide.reader import MAX_CHARS, read
from celldecide.reader.errors import ReaderInputError, TextTooLongError
from tests.fuzz.conftest import READER_EXAMPLES

WORDS = [
    "stem cells", "stem-cell", "MSCs", "mesenchymal", "umbilical cord", "exosomes", "PRP", "bone marrow",
    "Phase 1/2", "phase III", "NCT04786262", "NCT0478626", "ISRCTN12345678", "ChiCTR2000029990", "12 patients",
    "n = 30", "mice", "in vitro", "no side effects", "cure", "cures everything", "FDA-approved", "FDA registered",
    "not approved", "$5,000", "€12.000", "book now", "only 3 spots left", "randomized", "placebo",
    "double-blind", "Parkinson’s", "type 1 diabetes", "knee osteoarthritis", "autism", "breakthrough",
    "remestemcel-L", "tisagenlecleucel", "MACI", "1×10^6 cells/kg", "100 million cells", "IV drip",
    "our clinic", "we", "Mexico", "Panama", "testimonial", "patients report", "?", ".", ",", ";", "“", "”", "’",
    "\n", "\n\n", "\t", "\r\n", " ", "\u00a0", "\u200b", "\u2028", "\ufeff", "İ", "ß", "ﬁ", "ǅ", "e\u0301",
    "\U0001f9ec", "\u202e", "\x00", "\x7f", "\x85",
]
HTML = [
    "<p>", "</p>", "<br>", "<br/>", "<div>", "</div>", "<li>", "<ul>", "</ul>", "<h1>", "</h1>", "<title>",
    "</title>", "<html>", "<head>", "<body>", "</body>", "<script>", "</script>", "<script>alert(1)</script>",
    "<style>", "</style>", "<style>p{display:none}</style>", "<noscript>", "<template>", "<textarea>",
    "<plaintext>", "<xmp>", "<iframe srcdoc='<p>cure</p>'>", "<svg onload=alert(1)>", "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\" onclick=\"x()\">", "</a>", "<!--", "-->", "<!-- stem cells -->",
    "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml version='1.0'?>", "<meta charset=utf-16>", "&amp;", "&lt;",
    "&gt;", "&nbsp;", "&#0;", "&#xD800;", "&#xDFFF;", "&#x10FFFF;", "&#x110000;", "&#99999999;", "&#x1F9EC;",
    "&notanentity;", "&", "<", ">", "</", "<p", "=\"", "'",
]
ANY_CHAR = st.characters(exclude_categories=())  # every category, lone surrogates included
PIECES = st.one_of(st.sampled_from(WORDS), st.sampled_from(HTML), st.text(ANY_CHAR, min_size=1, max_size=16))
TEXTS = st.lists(PIECES, max_size=60).flatmap(lambda parts: st.sampled_from(["", " "]).map(lambda sep: sep.join(parts)))
BYTES = st.one_of(
    st.binary(max_size=400),
    TEXTS.map(lambda text: text.encode("utf-8", "surrogatepass")),
    TEXTS.map(lambda text: text.encode("utf-16", "surrogatepass")),
    TEXTS.map(lambda text: text.encode("latin-1", "replace")),
    TEXTS.map(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8", "replace")),
)
INPUTS = st.one_of(TEXTS, TEXTS, TEXTS, BYTES)


def spans(value: Any) -> list[dict]:
    """Return every `{start, end, quote}` object anywhere in a reading."""
    found: list[dict] = []
    if isinstance(value, dict):
        if {"start", "end", "quote"} <= value.keys():
            found.append(value)
        for item in value.values():
            found.extend(spans(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(spans(item))
    return found


def assert_reading_is_sound(reading: dict, validator) -> None:
    """Assert the reading validates against the schema and every quote is exactly its span of the text."""
    validator.validate(reading)
    text = reading["text"]
    for span in spans(reading):
        assert 0 <= span["start"] <= span["end"] <= len(text), span
        assert text[span["start"]:span["end"]] == span["quote"], span


SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_it_reads_any_input_or_refuses_it_with_a_typed_error(knowledge, schema_validator):
    # The property is a closure, so a failure report shows the generated input and not the fixtures.
    @settings(SETTINGS, max_examples=READER_EXAMPLES)
    @given(data=INPUTS)
    def reads_or_refuses(data: str | bytes) -> None:
        try:
            reading = read(data, knowledge=knowledge).to_json()
        except ReaderInputError as refusal:
            assert refusal.code and str(refusal)
            return
        assert_reading_is_sound(reading, schema_validator)

    reads_or_refuses()


FILLER = ["Our clinic treats autism with stem cells. ", "<p>Phase 2, 48 patients.</p>", "x", "\u00e9", "\U0001f9ec"]


def test_it_reads_up_to_the_limit_and_refuses_one_character_more(knowledge, schema_validator):
    @settings(SETTINGS, max_examples=max(3, READER_EXAMPLES // 2000))
    @given(length=st.integers(MAX_CHARS - 3, MAX_CHARS + 3), filler=st.sampled_from(FILLER))
    def at_the_limit(length: int, filler: str) -> None:
        text = (filler * (length // len(filler) + 1))[:length]
        if length > MAX_CHARS:
            try:
                read(text, knowledge=knowledge)
            except TextTooLongError as refusal:
                assert refusal.length == length
                return
            raise AssertionError(f"a text of {length} characters was read")
        assert_reading_is_sound(read(text, knowledge=knowledge).to_json(), schema_validator)

    at_the_limit()
