"""Properties: for any text within the limit, a schema-valid reading whose quotes are exact spans."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from celldecide.reader.fastre import GatedPattern
from tests.reader.conftest import assert_spans_consistent

# Words the reader reacts to, so generated texts exercise its rules and not only its tokenizer.
VOCABULARY = [
    "stem cells", "MSCs", "umbilical cord", "exosomes", "Phase 1/2", "NCT04786262", "12 patients", "mice",
    "no side effects", "cure", "FDA-approved", "not approved", "$5,000", "book now", "randomized", "placebo",
    "Parkinson’s", "type 1 diabetes", "breakthrough", "<p>", "</p>", "<script>x()</script>", "\n", "\n\n",
    ".", ",", "?", "“", "”", "İ", "ß", "\u00a0", "\u200b", "n = 30", "1×10^6 cells/kg", "we", "our clinic",
]

texts = st.lists(
    st.one_of(st.sampled_from(VOCABULARY), st.text(min_size=1, max_size=12)), min_size=1, max_size=40
).map(" ".join).filter(lambda t: t.strip() and re.search(r"\w", t))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_any_text_gives_a_schema_valid_reading_with_exact_quotes(knowledge, schema_validator, text):
    from celldecide.reader import EmptyTextError, read

    try:
        reading = read(text, knowledge=knowledge).to_json()
    except EmptyTextError:
        return  # markup or invisible characters only: refusing is the specified answer
    schema_validator.validate(reading)
    assert_spans_consistent(reading)


PATTERNS = [
    r"\b(?:breakthroughs?|miracles?|game[- ]chang\w*)\b",
    r"\bno (?:known )?(?:side[- ]effects|risks?)\b",
    r"[$€£]\s?\d[\d,.]*",
    r"\b\d{2,3}(?:\.\d)? ?(?:%|percent) of (?:our )?patients",
    r"(?<![A-Za-z0-9])(?:NCT\s?\d{8})(?![A-Za-z0-9])",
    r"\b(?:stem[- ]cells?|exosomes?)\b",
]


@settings(max_examples=200, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), text=st.lists(st.one_of(
    st.sampled_from(["miracle", "no side effects", "$5,000", "85% of patients", "NCT04786262", "stem cell",
                     "Stem-Cells", "exosomes", "NO RISK", " ", ".", "x"]),
    st.text(max_size=6)), max_size=30).map("".join))
def test_gated_patterns_find_exactly_what_finditer_finds(pattern, text):
    gated = GatedPattern.compile(pattern)
    assert [m.span() for m in gated.finditer(text)] == [m.span() for m in gated.regex.finditer(text)]
