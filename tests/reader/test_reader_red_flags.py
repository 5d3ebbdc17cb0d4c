"""Red flags: the rules live in `knowledge/red_flags.yaml`; these tables say what each must and must not mark."""

from __future__ import annotations

import pytest
import yaml

from celldecide.knowledge import schemas
from celldecide.knowledge.spec import RED_FLAG_IDS
from tests.conftest import KNOWLEDGE_DIR


def flags_of(read_text, text: str) -> set[str]:
    return {flag["id"] for flag in read_text(text)["red_flags"]}


def test_every_red_flag_of_the_contract_has_a_rule():
    entries = yaml.safe_load((KNOWLEDGE_DIR / "red_flags.yaml").read_text(encoding="utf-8"))
    flags = [schemas.RedFlag.model_validate(entry) for entry in entries]
    assert [f.id for f in flags] == list(RED_FLAG_IDS)
    assert all(flag.patterns for flag in flags)


def test_every_knowledge_example_fires_its_own_flag(knowledge, read_text):
    for flag in knowledge.red_flags:
        for example in flag.examples:
            assert flag.id in flags_of(read_text, example), example


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("We treat arthritis, autism, MS, COPD, lupus and erectile dysfunction with stem cells.", "cure_all"),
        ("Our stem cells help a wide range of conditions, from joints to the brain.", "cure_all"),
        ("We use intrathecal stem cell injections for MS, Parkinson's and stroke patients.", "cure_all"),
        ("Book a stem cell IV drip for anti-aging and more energy.", "wellness_iv"),
        ("Our exosome infusion restores youthful skin and hair.", "unapproved_exosomes"),
        ("Exosome therapy for hair restoration at our clinic. Book today.", "unapproved_exosomes"),
        ("This therapy is approved in Japan and used around the world.", "international_use"),
        ("Our cells are processed in an FDA-registered laboratory.", "lab_credential"),
        ("Our lab follows strict cGMP and ISO standards.", "lab_credential"),
        ("As seen on CNN, our clinic is trusted by athletes.", "authority_halo"),
        ("Our founder is a member of the International Society for Stem Cell Application.", "authority_halo"),
        ("Studies show stem cells repair cartilage, so our knee treatment works.", "borrowed_science"),
        ("Read our patient testimonials and success stories.", "testimonial_evidence"),
        ("After my stem cell treatment I can walk again without a cane.", "testimonial_evidence"),
        ("The procedure is completely safe with no side effects.", "no_risk_claim"),
        ("There is no rejection because we use your own cells.", "no_risk_claim"),
        ("We reverse diabetes with stem cells.", "guaranteed_outcome"),
        ("92% of our patients improve within three months.", "guaranteed_outcome"),
        ("Join our patient-funded study of stem cells for autism.", "pay_to_participate"),
        ("Stem cell packages start at $9,500, financing available.", "sales_pressure"),
        ("We welcome you at the airport and take you to your hotel for your stem cell treatment.", "sales_pressure"),
        ("Same-day procedures use your own minimally manipulated cells.", "regulatory_loophole"),
        ("Stem cell treatments are legal and do not fall under the drug category.", "regulatory_loophole"),
        ("A revolutionary breakthrough in regenerative medicine is here.", "hype_language"),
        ("Stem cells cured diabetes in mice, so our therapy can help you too.", "animal_leap"),
        ("Our stem cell therapy for multiple sclerosis is offered at our clinic.", "vague_cell_source"),
    ],
)
def test_it_marks_a_seller_text_with_the_flag_it_shows(read_text, text, flag):
    assert flag in flags_of(read_text, text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Currently, there are no FDA-approved exosome products.", "unapproved_exosomes"),
        ("There is no cure for COPD yet; our program manages symptoms.", "guaranteed_outcome"),
        ("Our umbilical cord MSCs are cultured and tested before each knee injection.", "vague_cell_source"),
        ("Call the office or book an appointment online.", "sales_pressure"),
        ("Our knee clinic treats knee osteoarthritis, cartilage defects and rotator cuff tears.", "cure_all"),
        ("Our stem cell therapy is not a cure for any disease.", "cure_all"),
        ("We cannot guarantee results; outcomes vary between patients.", "guaranteed_outcome"),
        ("The drug was tested in mice; more research is needed before it can be tested in humans.", "animal_leap"),
    ],
)
def test_it_does_not_mark_what_the_text_denies_or_defines(read_text, text, flag):
    assert flag not in flags_of(read_text, text)


@pytest.mark.parametrize(
    "text",
    [
        "NCT04786262: A Phase 1/2 Study of Allogeneic Mesenchymal Stromal Cells in Knee Osteoarthritis. "
        "Participants will receive a single intra-articular injection; no serious adverse events are expected.",
        "Researchers at Kyoto University reported that dopaminergic progenitors derived from iPS cells were "
        "transplanted into seven patients with Parkinson's disease; no serious adverse events were observed.",
    ],
)
def test_it_does_not_read_a_trial_record_or_a_sober_report_as_a_sales_page(read_text, text):
    seller_flags = {"sales_pressure", "no_risk_claim", "vague_cell_source", "unapproved_exosomes", "lab_credential"}
    assert not seller_flags & flags_of(read_text, text)


def test_it_says_which_rule_fired_and_quotes_it(read_text):
    reading = read_text("Our miracle stem cell therapy is completely safe. Book now!")
    flag = next(f for f in reading["red_flags"] if f["id"] == "no_risk_claim")
    assert "completely safe" in flag["why"] and "rule" in flag["why"]
    assert flag["evidence"][0]["quote"] == "completely safe"
