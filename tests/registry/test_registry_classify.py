"""Cell-therapy classification and the pay-to-participate hint, on real registrations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from celldecide.registry.classify import (
    CellVocabulary,
    classify_cells,
    pay_to_participate_hint,
)
from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers import Rejection, parse_path
from celldecide.registry.records import TrialRecord


@pytest.fixture(scope="module")
def trials(fixtures_dir: Path, ids: IdMatcher) -> dict[str, TrialRecord]:
    names = ["v2_array_cell_therapy.json", "v1_remestemcel_l_first3.json", "classic_NCT02513394.xml",
             "ictrp_covid_sample.csv"]  # fmt: skip
    return {r.id: r for n in names for r in parse_path(fixtures_dir / n, ids=ids) if not isinstance(r, Rejection)}


@pytest.mark.parametrize(
    ("trial_id", "is_cell", "types", "expected_frontiers"),
    [
        ("NCT06589271", True, ("msc",), ("cell_free_signaling",)),  # umbilical-cord MSCs
        ("NCT04042844", True, ("msc",), ("cell_free_signaling",)),  # BRTX-100
        ("NCT01640457", True, ("chondrocyte",), ()),  # NOVOCART Disc
        ("NCT06325566", True, (), ()),  # rexlemestrocel-L: known by its -cel name only
        ("NCT02652130", True, (), ()),  # remestemcel-L follow-up
        ("NCT02513394", False, (), ()),  # palbociclib
        ("NCT04246242", False, (), ()),  # arbidol
    ],
)
def test_it_classifies_real_trials(
    trials: dict[str, TrialRecord],
    vocabulary: CellVocabulary,
    trial_id: str,
    is_cell: bool,
    types: tuple[str, ...],
    expected_frontiers: tuple[str, ...],
) -> None:
    result = classify_cells(trials[trial_id], vocabulary=vocabulary)
    assert (result.is_cell_therapy, result.cell_types, result.frontiers) == (is_cell, types, expected_frontiers)


def test_it_says_where_each_cell_type_was_found(trials: dict[str, TrialRecord], vocabulary: CellVocabulary) -> None:
    result = classify_cells(trials["NCT04042844"], vocabulary=vocabulary)
    assert any(e.cell_type == "msc" and e.field.startswith("interventions[") for e in result.evidence)
    assert all(e.phrase for e in result.evidence)


def test_it_recognizes_a_cell_therapy_by_its_nonproprietary_name(
    trials: dict[str, TrialRecord], vocabulary: CellVocabulary
) -> None:
    result = classify_cells(trials["NCT06325566"], vocabulary=vocabulary)
    assert [e.phrase for e in result.evidence][0] == "Rexlemestrocel-L"


def test_it_takes_cell_types_and_area_from_a_knowledge_product(
    trials: dict[str, TrialRecord], cell_types: list, frontiers: list
) -> None:
    product = {"id": "rexlemestrocel_l", "name": "Rexlemestrocel-L", "nonproprietary_name": "rexlemestrocel-L",
               "aliases": [], "cell_types": ["msc"], "area": "tissue_and_stromal_repair", "frontier": None}  # fmt: skip
    vocabulary = CellVocabulary.from_knowledge(cell_types=cell_types, frontiers=frontiers, products=[product])
    result = classify_cells(trials["NCT06325566"], vocabulary=vocabulary)
    assert (result.cell_types, result.products, result.areas, result.frontiers) == (
        ("msc",),
        ("rexlemestrocel_l",),
        ("tissue_and_stromal_repair",),
        ("cell_free_signaling",),
    )


def test_it_joins_frontiers_named_by_cell_types_and_by_frontiers(cell_types: list, frontiers: list) -> None:
    vocabulary = CellVocabulary.from_knowledge(cell_types=cell_types, frontiers=frontiers)
    assert set(vocabulary.frontiers_of("ipsc_derived")) == {"islet_cells", "dopamine_neurons"}
    assert vocabulary.frontiers_of("msc") == ("cell_free_signaling",)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Stem cells are patient-funded in this study.", "patient-funded"),
        ("Participants will pay for the cell preparation.", "Participants will pay"),
        ("The treatment is self-pay.", "self-pay"),
        ("Costs are out of pocket for each subject.", "out of pocket"),
        ("Cells are given at the patient's own expense.", "at the patient's own expense"),
    ],
)
def test_it_gives_a_strong_hint_when_the_registration_says_patients_pay(
    trials: dict[str, TrialRecord], text: str, phrase: str
) -> None:
    record = dataclasses.replace(trials["NCT04042844"], brief_summary=text)
    hint = pay_to_participate_hint(record)
    assert hint.level == "strong"
    assert hint.reasons[0].code == "self_pay_wording" and phrase in hint.reasons[0].detail


def test_it_gives_no_hint_for_a_randomized_blinded_industry_phase_3(trials: dict[str, TrialRecord]) -> None:
    assert pay_to_participate_hint(trials["NCT06325566"]).reasons == ()


def test_it_adds_up_circumstantial_signs_into_a_weak_hint(trials: dict[str, TrialRecord]) -> None:
    record = dataclasses.replace(
        trials["NCT06589271"],
        lead_sponsor_name="Joanne Example, MD",
        lead_sponsor_class="OTHER",
        phases=(),
        intervention_model="SINGLE_GROUP",
        masking="NONE",
        conditions=("Autism", "Knee Osteoarthritis", "Multiple Sclerosis", "Erectile Dysfunction"),
    )
    hint = pay_to_participate_hint(record)
    assert hint.level == "weak"
    assert [r.code for r in hint.reasons] == [
        "individual_sponsor",
        "no_phase",
        "single_group_open_label",
        "many_unrelated_conditions",
    ]


@pytest.mark.parametrize(
    ("sponsor", "code"),
    [
        ("Joanne Kurtzberg, MD", "individual_sponsor"),
        ("William A. Faubion, M.D.", "individual_sponsor"),
        ("Dr. Someone", "individual_sponsor"),
        ("Regenerative Medicine Clinic LLC", "clinic_sponsor"),
        ("Stem Cell Institute of Somewhere", "clinic_sponsor"),
        ("M.D. Anderson Cancer Center", None),
        ("Mesoblast, Ltd.", None),
        ("Hospital e Maternidade Dr. Christóvão da Gama", None),
    ],
)
def test_it_tells_individual_and_clinic_sponsors_apart_from_institutions(
    trials: dict[str, TrialRecord], sponsor: str, code: str | None
) -> None:
    record = dataclasses.replace(trials["NCT06325566"], lead_sponsor_name=sponsor)
    codes = [r.code for r in pay_to_participate_hint(record).reasons]
    assert codes == ([code] if code else [])


@pytest.mark.parametrize(
    ("conditions", "flagged"),
    [
        (("Knee Osteoarthritis", "Hip Osteoarthritis", "Shoulder Osteoarthritis", "Ankle Osteoarthritis"), False),
        (("Autism", "Knee Osteoarthritis", "Multiple Sclerosis", "Erectile Dysfunction"), True),
        (("Degenerative Disc Disease",), False),
    ],
)
def test_it_counts_only_unrelated_conditions(
    trials: dict[str, TrialRecord], conditions: tuple[str, ...], flagged: bool
) -> None:
    record = dataclasses.replace(trials["NCT06325566"], conditions=conditions)
    codes = [r.code for r in pay_to_participate_hint(record).reasons]
    assert ("many_unrelated_conditions" in codes) is flagged


@pytest.mark.parametrize(
    "text",
    ["Costs are OUT OF POCKET for each subject.", "Les patients paient: out of pocket, café",
     "Patient-Funded  ſelf-pay", "A treatment fee of 1×10^6 cells", "no wording that counts, at no cost",
     "Patients\nwill\tpay"],
)  # fmt: skip
def test_it_finds_the_self_pay_wording_the_case_insensitive_regex_finds(text: str) -> None:
    from celldecide.registry.classify import _SELF_PAY, _SELF_PAY_LOWER, _self_pay_wording

    assert _SELF_PAY_LOWER.pattern == _SELF_PAY.pattern.lower()  # the twin is the same regex, in lower case
    found = _SELF_PAY.search(text)
    assert _self_pay_wording(["A title", text]) == (found.group(0) if found else None)


@pytest.mark.parametrize(
    "text",
    ["Mesenchymal stem cells, cell therapy", "remestemcel-L and Tisagenlecleucel", "Hydrocel gel; abcdecel-x y",
     "REXLEMESTROCEL-Lz, cellcel", "ᴀbcdecel or Kelvincel (K)"],
)  # fmt: skip
def test_it_finds_every_cel_name_the_stem_regex_finds(text: str) -> None:
    from celldecide.registry.classify import _CEL_STEM, _NOT_CEL_NAMES, _cel_names

    expected = [m.group(0) for m in _CEL_STEM.finditer(text) if m.group(1).lower() not in _NOT_CEL_NAMES]
    assert _cel_names(text) == expected


def test_it_finds_each_terms_leftmost_phrase_and_a_shared_pattern_for_each_cell_type(
    cell_types: list, frontiers: list
) -> None:
    product = {"id": "twocell", "name": "Twocel Graft", "nonproprietary_name": None, "aliases": ["TCG"],
               "cell_types": ["msc", "chondrocyte"], "area": None, "frontier": None}  # fmt: skip
    vocabulary = CellVocabulary.from_knowledge(cell_types=cell_types, frontiers=frontiers, products=[product])
    text = "TCG then mesenchymal stem cells, then Twocel graft and MSCs"
    found = [(term.product, found.cell_type, found.phrase) for term, found in vocabulary.matches(text, field="f")]
    # Each term's leftmost match, in the vocabulary's order: what searching the whole text term by term gives.
    assert found == [(t.product, t.cell_type, m.group(0)) for t in vocabulary._terms if (m := t.pattern.search(text))]
    assert ("twocell", "msc", "TCG") in found and ("twocell", "chondrocyte", "TCG") in found
