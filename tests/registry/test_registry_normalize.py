"""One vocabulary for every registry's wording (tables taken from values seen in the real exports)."""

from __future__ import annotations

import pytest

from celldecide.registry import normalize as n
from celldecide.registry.records import PartialDate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("RECRUITING", "RECRUITING"),
        ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
        ("Unknown status", "UNKNOWN"),
        ("Not yet recruiting", "NOT_YET_RECRUITING"),
        ("Enrolling by invitation", "ENROLLING_BY_INVITATION"),
        ("Not Recruiting", "NOT_RECRUITING"),
        ("Not recruiting", "NOT_RECRUITING"),
        ("Authorised", "UNKNOWN"),
        ("", None),
    ],
)
def test_it_maps_statuses_to_the_v2_vocabulary(raw: str, expected: str | None) -> None:
    assert n.status(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["PHASE3"], ("3",)),
        (["PHASE1", "PHASE2"], ("1/2",)),
        (["PHASE2", "PHASE3"], ("2/3",)),
        (["EARLY_PHASE1"], ("early_1",)),
        (["NA"], ()),
        ("Phase 1/Phase 2", ("1/2",)),
        ("Early Phase 1", ("early_1",)),
        ("N/A", ()),
        ("Not Applicable", ()),
        ("Phase III", ("3",)),
        ("Phase II/III", ("2/3",)),
        ("1-2", ("1/2",)),
        ("2-3", ("2/3",)),
        ("4", ("4",)),
        ("0", ()),
        ("Retrospective study", ()),
        ("New Treatment Measure Clinical Study", ()),
        (
            "Human pharmacology (Phase I): no\nTherapeutic exploratory (Phase II): yes\n"
            "Therapeutic confirmatory - (Phase III): yes\nTherapeutic use (Phase IV): no\n",
            ("2/3",),
        ),
        (
            "Human pharmacology (Phase I): no\nTherapeutic exploratory (Phase II): no\n"
            "Therapeutic confirmatory - (Phase III): yes\nTherapeutic use (Phase IV): yes\n",
            ("3", "4"),
        ),
    ],
)
def test_it_maps_phases_to_the_spec_ids(raw: object, expected: tuple[str, ...]) -> None:
    assert n.phases(raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        ("2024-07-03", "2024-07-03", "day"),
        ("2026-10", "2026-10", "month"),
        ("August 2015", "2015-08", "month"),
        ("July 29, 2015", "2015-07-29", "day"),
        ("January 25, 2020", "2020-01-25", "day"),
        ("17 February 2020", "2020-02-17", "day"),
        ("27/01/2020", "2020-01-27", "day"),
        ("2020/03/01", "2020-03-01", "day"),
    ],
)
def test_it_reads_every_date_format_of_the_exports(raw: str, value: str, precision: str) -> None:
    assert n.partial_date(raw) == PartialDate(value=value, precision=precision)


@pytest.mark.parametrize("raw", ["Smarch 3, 2020", "3/18/2020 6:53:35 PM", "soon"])
def test_it_refuses_a_date_it_cannot_read(raw: str) -> None:
    with pytest.raises(ValueError):
        n.partial_date(raw)


@pytest.mark.parametrize(
    ("function", "raw", "expected"),
    [
        (n.masking, "None (Open Label)", "NONE"),
        (n.masking, "Double Blind (Subject, Investigator)", "DOUBLE"),
        (n.masking, "QUADRUPLE", "QUADRUPLE"),
        (n.allocation, "Non-Randomized", "NON_RANDOMIZED"),
        (n.allocation, "Randomized", "RANDOMIZED"),
        (n.allocation, "N/A", "NA"),
        (n.intervention_model, "Single Group Assignment", "SINGLE_GROUP"),
        (n.intervention_model, "Parallel Assignment", "PARALLEL"),
        (n.enrollment_type, "Anticipated", "ESTIMATED"),
        (n.enrollment_type, "Actual", "ACTUAL"),
        (n.sponsor_class, "U.S. Fed", "FED"),
        (n.sponsor_class, "Industry", "INDUSTRY"),
        (n.sponsor_class, "Individual", "INDIV"),
        (n.study_type, "Interventional clinical trial of medicinal product", "INTERVENTIONAL"),
        (n.study_type, "Observational [Patient Registry]", "OBSERVATIONAL"),
        (n.study_type, "Diagnostic test", "OTHER"),
        (n.intervention_type, "Biological", "BIOLOGICAL"),
        (n.intervention_type, "Procedure/Surgery", "PROCEDURE"),
    ],
)
def test_it_maps_design_words_to_one_vocabulary(function, raw: str, expected: str) -> None:
    assert function(raw) == expected


def test_it_unwraps_hard_wrapped_paragraphs_and_keeps_paragraph_breaks() -> None:
    text = "\n      This is a prospective\n      study.\n\n      The purpose is\n      stated.\n    "
    assert n.clean_block(text) == "This is a prospective study.\n\nThe purpose is stated."


def test_a_remembered_spelling_gives_the_same_answer_and_other_input_its_own_error() -> None:
    assert n.status("Active, not recruiting") == n.status("Active, not recruiting") == "ACTIVE_NOT_RECRUITING"
    assert n.status(None) is None and n.phases(["Phase 1", "Phase 2"]) == n.phases(["Phase 1", "Phase 2"]) == ("1/2",)
    with pytest.raises(TypeError, match="expected text, got list"):
        n.status(["RECRUITING"])


@pytest.mark.parametrize(
    "raw",
    ["June 15, 2018", "Sept. 2019", "sept 2019", "15 June 2018", "27/01/2020", "Junly 2019", "Jun 31 2018", "x 2018"],
)
def test_it_reads_a_date_opening_with_a_word_only_with_the_month_formats(raw: str) -> None:
    # The word-first shortcut gives what trying every format in order gives.
    def every_format(text: str):
        for pattern, order in n._DATE_FORMATS:
            match = pattern.match(text)
            if match:
                return n._build_date(dict(zip(order, match.groups())), text)
        raise ValueError(f"unrecognized date: {text!r}")

    expected: object
    try:
        expected = every_format(raw)
    except ValueError as error:
        expected = str(error)
    try:
        found: object = n.partial_date(raw)
    except ValueError as error:
        found = str(error)
    assert found == expected


@pytest.mark.parametrize(
    "text",
    ["One paragraph, spaced singly.", "  ends spaced  ", "no\u00a0break space", "line\u2028separator", "tab\there",
     "two  spaces", "zero\u200bwidth", "", "   ", "a\r\nb\n\n c ", "\x85next line", "ideographic\u3000space"],
)  # fmt: skip
def test_a_single_spaced_paragraph_is_cleaned_as_the_general_rule_cleans_it(text: str) -> None:
    paragraphs = n._PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    assert n.clean_block(text) == ("\n\n".join(" ".join(p.split()) for p in paragraphs).strip() or None)
