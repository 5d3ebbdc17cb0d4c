"""The patient guides: consult checklist, evidence ladder, glossary, source map, field guide and deeper pages."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from celldecide.cli import main
from celldecide.knowledge import schemas

PATIENT_PAGES = (
    "islet-cells-type-1-diabetes",
    "ips-cell-therapy-parkinsons",
    "exosomes-extracellular-vesicles",
    "engineered-cell-therapy-autoimmune",
    "manufacturing-quality-control",
    "global-regulation",
    "autoimmune",
)
CLINIC_CATEGORIES = (
    "product", "source_quality", "condition", "oversight", "evidence", "cost", "if_it_fails", "records_aftercare"
)
LADDER = (
    "lab_idea", "animal_study", "case_report", "small_human_trial", "controlled_trial", "outcome_registry", "guideline",
    "regulator_decision",
)
GLOSSARY_REQUIRED = (
    "autologous", "allogeneic", "gmp", "certificate_of_analysis", "ind", "bla", "hctp_351_361", "registered_vs_approved",
    "atmp", "hospital_exemption", "conditional_time_limited_approval", "minimal_manipulation", "homologous_use", "msc",
    "ipsc", "esc", "exosome", "secretome", "prp", "bmac", "svf", "engraftment", "potency_assay", "endotoxin",
    "placebo", "sham", "randomized", "blinded_open_label", "phase_1", "phase_2", "phase_3", "primary_endpoint",
    "adverse_event", "expanded_access", "right_to_try", "notified_treatment_plan", "car_t", "gvhd",
)
SOURCE_KINDS = (
    "regulator_database", "approval_letter_label", "trial_registry", "peer_reviewed_trial", "case_report",
    "review_guideline", "press_release", "news_story", "clinic_website", "testimonial", "lab_accreditation", "patent",
    "conference_abstract", "preprint",
)
FIELD_GUIDE_ASPECTS = (
    "what_it_is", "contains_stem_cells", "how_made", "how_long", "typical_marketing", "proven", "us_status",
    "main_risks", "question_to_ask",
)
# A Markdown link target; URLs may hold balanced parentheses, as in "S2213-6711(21)00212-5".
_LINK = re.compile(r"\]\((https?://(?:[^()\s]|\([^()\s]*\))+)\)")


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_marks_exactly_three_clinic_questions_to_start_with(kb):
    start = [q.id for q in kb.all("clinic_questions") if q.start_here]
    assert start == ["product_name", "authorization_number", "published_controlled_trial"]


def test_it_keeps_the_consult_checklist_between_25_and_35_questions(kb):
    assert 25 <= len(kb.all("clinic_questions")) <= 35


@pytest.mark.parametrize("category", CLINIC_CATEGORIES)
def test_it_asks_at_least_two_questions_in_every_category(kb, category):
    counts = Counter(q.category for q in kb.all("clinic_questions"))
    assert counts[category] >= 2


def test_it_asks_for_the_lots_certificate_of_analysis_with_its_release_tests(kb):
    coa = kb.get("clinic_questions", "certificate_of_analysis")
    for test in ("viab", "sterility", "endotoxin", "identity"):
        assert test in coa.clear_answer.casefold()


def test_it_climbs_the_evidence_ladder_in_order(kb):
    rungs = kb.all("evidence_ladder")
    assert [r.id for r in rungs] == list(LADDER)
    assert [r.n for r in rungs] == list(range(1, 9))


def test_it_maps_every_evidence_rung_to_a_stage_of_the_translation_map(kb):
    stages = kb.by_id("stages")
    for rung in kb.all("evidence_ladder"):
        assert rung.stage in stages, rung.id


@pytest.mark.parametrize(
    ("rung", "stage"),
    [("lab_idea", "discovery"), ("animal_study", "lab_model"), ("small_human_trial", "early_human"),
     ("controlled_trial", "controlled_trial"), ("regulator_decision", "regulator_review")],
)
def test_it_places_the_rungs_that_match_a_stage_exactly(kb, rung, stage):
    assert kb.get("evidence_ladder", rung).stage == stage


def test_it_refuses_an_evidence_rung_pointing_at_an_unknown_stage(knowledge_copy, capsys):
    _break(knowledge_copy / "evidence_ladder.yaml", "  stage: lab_model\n", "  stage: mouse_model\n")
    assert main(["kb", "check", "--root", str(knowledge_copy)]) == 1
    assert "evidence_ladder.yaml:animal_study:stage" in capsys.readouterr().err


def test_it_refuses_a_clinic_question_in_an_unknown_category(knowledge_copy, capsys):
    _break(knowledge_copy / "clinic_questions.yaml", "  category: cost\n", "  category: price\n")
    assert main(["kb", "check", "--root", str(knowledge_copy)]) == 1
    assert "clinic_questions.yaml:total_cost:category" in capsys.readouterr().err


def test_it_refuses_a_glossary_term_without_a_source(knowledge_copy, capsys):
    _break(knowledge_copy / "glossary.yaml", "  sources: [fda_maci, nejm_kuriyan_blindness_2017]\n", "")
    assert main(["kb", "check", "--root", str(knowledge_copy)]) == 1
    assert "glossary.yaml:autologous:sources: Field required" in capsys.readouterr().err


def test_it_defines_at_least_35_glossary_terms(kb):
    assert len(kb.all("glossary")) >= 35


@pytest.mark.parametrize("term", GLOSSARY_REQUIRED)
def test_it_defines_each_term_a_clinic_offer_leans_on(kb, term):
    entry = kb.get("glossary", term)
    assert entry is not None and entry.definition and entry.sources


@pytest.mark.parametrize("kind", SOURCE_KINDS)
def test_it_says_what_each_kind_of_source_can_and_cannot_answer(kb, kind):
    entry = kb.get("source_map", kind)
    assert entry is not None
    assert entry.can_answer != entry.cannot_answer


def test_it_compares_prp_bmac_msc_and_exosomes_on_every_aspect(kb):
    assert [row.id for row in kb.all("field_guide")] == list(FIELD_GUIDE_ASPECTS)
    assert set(schemas.FieldGuideRow.model_fields) >= {"prp", "bmac", "msc", "exosome"}


@pytest.mark.parametrize(
    ("aspect", "product", "phrase"),
    [
        ("contains_stem_cells", "prp", "no"),
        ("contains_stem_cells", "exosome", "no living cells"),
        ("proven", "prp", "no better than saline"),
        ("us_status", "exosome", "premarket review"),
        ("proven", "msc", "ryoncil"),
    ],
)
def test_it_states_the_key_facts_side_by_side(kb, aspect, product, phrase):
    assert phrase in getattr(kb.get("field_guide", aspect), product).casefold()


@pytest.mark.parametrize("slug", PATIENT_PAGES)
def test_it_has_each_patient_page_with_sources_and_headings(kb, slug):
    page = kb.pages[slug]
    assert page.sources
    assert len(re.findall(r"^## ", page.body, flags=re.M)) >= 4
    assert 600 <= len(page.body.split()) <= 1200


@pytest.mark.parametrize("slug", PATIENT_PAGES)
def test_it_links_each_page_only_to_sources_it_cites(kb, slug):
    page = kb.pages[slug]
    cited = {kb.get("sources", s).url for s in page.sources}
    links = _LINK.findall(page.body)
    assert links, "a page that states facts links to at least one source"
    assert set(links) <= cited


def test_it_has_a_page_for_every_planned_deeper_page(kb):
    assert {p.slug for p in kb.all("planned_pages")} <= set(kb.pages)


def test_it_dates_every_new_source_with_the_day_it_was_verified(kb):
    path = kb.root / "sources" / "guides.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert entries
    assert {e["verified_on"] for e in entries} == {dt.date(2026, 11, 26)}
