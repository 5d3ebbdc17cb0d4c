"""Reading a clinic's answer to one of the questions to ask before paying: specific, vague or missing, and why."""

from __future__ import annotations

import re

import pydantic
import pytest

from celldecide.knowledge.schemas import ANSWER_ELEMENTS, ClinicQuestion
from celldecide.reader import TextTooLongError
from celldecide.reader.answers import ELEMENTS, assess_answer, assess_answers

# (question, what a clinic said, expected status): a checkable answer and a hedge for every question.
ANSWERS = [
    ("product_name", "It is remestemcel-L, made by Mesoblast Ltd.", "specific"),
    ("product_name", "Temcell, made by JCR Pharmaceuticals.", "specific"),
    ("product_name", "Our proprietary stem cell protocol, made in our own lab.", "vague"),
    ("product_name", "It's our own StemVital® blend, made in our lab.", "vague"),
    ("cell_type_and_tissue", "Allogeneic mesenchymal stromal cells from donated umbilical cord tissue, expanded in culture.",
     "specific"),
    ("cell_type_and_tissue", "Autologous stromal vascular fraction, taken from your belly the same day.", "specific"),
    ("cell_type_and_tissue", "Young, powerful stem cells from the most potent source.", "vague"),
    ("cell_type_and_tissue", "We use exosomes from umbilical cord.", "vague"),
    ("dose_and_route", "About 2 million cells per kilogram, by intravenous infusion over 30 minutes, once.", "specific"),
    ("dose_and_route", "Millions and millions of cells, as many as your body needs.", "vague"),
    ("cells_or_cell_free", "It contains living cells: the viable cell count is 50 million per vial.", "specific"),
    ("cells_or_cell_free", "It is an exosome product; it contains no living cells.", "specific"),
    ("cells_or_cell_free", "It is the active part of stem cells, without the cells.", "vague"),
    ("who_manufactures", "At Cryo-Cell Laboratories, under manufacturing licence no. MIA-12345 from the MHRA.", "specific"),
    ("who_manufactures", "In our FDA-registered, cGMP-certified lab.", "vague"),
    ("certificate_of_analysis", "Yes, here is the certificate of analysis for lot 2031: viability 91%, sterility negative, "
     "endotoxin below 0.5 EU/mL.", "specific"),
    ("certificate_of_analysis", "All our products are tested, but the results are confidential.", "vague"),
    ("certificate_of_analysis", "There is no certificate of analysis, but every lot is tested for sterility and endotoxin.",
     "vague"),
    ("viability", "Viability was 88% by trypan blue after thawing, against a release specification of at least 70%.",
     "specific"),
    ("viability", "The cells are fresh and active.", "vague"),
    ("sterility_endotoxin", "Yes: sterility negative by BacT/ALERT, endotoxin below the limit, mycoplasma negative by PCR.",
     "specific"),
    ("sterility_endotoxin", "Our lab is very clean, we have never had a problem.", "vague"),
    ("identity_potency", "Identity by flow cytometry for CD73, CD90 and CD105, and a potency assay of T-cell suppression.",
     "specific"),
    ("identity_potency", "Our cells are the highest quality; potency is proven by our patients' results.", "vague"),
    ("donor_screening", "The donor was tested for HIV, hepatitis B and C, syphilis and HTLV; the donor eligibility "
     "record is on file.", "specific"),
    ("donor_screening", "They are your own cells, taken from your hip, so there is no donor.", "specific"),
    ("donor_screening", "Cord tissue is sterile and comes from healthy babies.", "vague"),
    ("my_diagnosis", "For severe knee osteoarthritis on your X-ray; we reviewed your specialist's report.", "specific"),
    ("my_diagnosis", "Stem cells treat inflammation, so they help most chronic conditions.", "vague"),
    ("standard_options", "Physiotherapy, weight loss and painkillers first; a knee replacement if those fail.", "specific"),
    ("standard_options", "Conventional medicine only treats symptoms.", "vague"),
    ("who_should_not", "People with active infection or cancer in the last five years are excluded; we have declined "
     "patients.", "specific"),
    ("who_should_not", "Anyone can benefit, everyone is a candidate.", "vague"),
    ("who_should_not", "No one is excluded; we never turn anyone away.", "vague"),
    ("authorization_number", "It is studied under FDA IND number 17654, which you can confirm with the FDA.", "specific"),
    ("authorization_number", "It was approved by the EMA in 2018 for Crohn's fistulas.", "specific"),
    ("authorization_number", "We are FDA-registered and it is legal here.", "vague"),
    ("authorization_number", "It is approved internationally.", "vague"),
    ("authorization_number", "It is your own cells, so no approval is needed.", "vague"),
    ("trial_registration", "It is NCT04216238; participants do not pay for the study product.", "specific"),
    ("trial_registration", "Our patients take part in our registry study; the program fee is $15,000.", "vague"),
    ("ethics_committee", "The Western Institutional Review Board approved protocol version 3; here is the consent form.",
     "specific"),
    ("ethics_committee", "We do not need that for a treatment.", "vague"),
    ("ethics_committee", "Trust us, it's all approved.", "vague"),
    ("japan_notified_plan", "Plan number PB3150012, reviewed by the certified special committee for regenerative "
     "medicine; listed in jRCT.", "specific"),
    ("japan_notified_plan", "Approved by the Japanese government.", "vague"),
    ("published_controlled_trial", "A randomized, placebo-controlled trial published in JAMA in 2021 (NCT03818737).",
     "specific"),
    ("published_controlled_trial", "Thousands of studies show stem cells work.", "vague"),
    ("published_controlled_trial", "Harvard researchers published it in top journals.", "vague"),
    ("same_product_evidence", "Yes, the same product and dose as in the trial.", "specific"),
    ("same_product_evidence", "It is the same kind of cells.", "vague"),
    ("your_own_results", "Of 120 patients we followed for a year, a third improved and half did not change.", "specific"),
    ("your_own_results", "Our success rate is 90%. Watch our patient testimonials.", "vague"),
    ("your_own_results", "Many patients improve, results vary.", "vague"),
    ("risks_known", "Pain and swelling at the injection site are common; infection occurs in about 1 in 200.", "specific"),
    ("risks_known", "No side effects, because they are your own cells. Completely safe.", "vague"),
    ("risks_known", "It is completely safe, we have never had a problem.", "vague"),
    ("total_cost", "The total is $14,500, which includes the cells, two follow-up visits and imaging.", "specific"),
    ("total_cost", "About 8,000 euros, which covers two injections, the MRI and one follow-up visit; travel is extra.",
     "specific"),
    ("total_cost", "It depends on your package; book today for 20% off.", "vague"),
    ("insurance_coverage", "It is not covered because it is investigational.", "specific"),
    ("insurance_coverage", "Insurers are behind the times; they don't want you to get better.", "vague"),
    ("refund_policy", "Full refund if our medical review finds the treatment unsuitable; here is the written policy.",
     "specific"),
    ("refund_policy", "Deposits are non-refundable.", "vague"),
    ("how_measured", "A WOMAC score before treatment and at 6 and 12 months, measured by your own doctor.", "specific"),
    ("how_measured", "You will feel the difference.", "vague"),
    ("how_measured", "Results can take a year or more to show.", "vague"),
    ("if_no_effect", "If there is no improvement at 12 months we stop and refer you back to your specialist.", "specific"),
    ("if_no_effect", "Some patients need two or three treatments.", "vague"),
    ("complications_plan", "Dr. Alvarez is on call 24/7 at +52 664 123 4567, and we send your doctor the full treatment "
     "record.", "specific"),
    ("complications_plan", "Complications do not happen.", "vague"),
    ("complications_plan", "Contact us by email.", "vague"),
    ("records_to_doctor", "Yes, a discharge letter with the product, lot, dose, route and date.", "specific"),
    ("records_to_doctor", "We keep records here; the details are proprietary.", "vague"),
    ("long_term_follow_up", "Visits at 1, 3, 6 and 12 months, then yearly for five years, with imaging and blood tests.",
     "specific"),
    ("long_term_follow_up", "Call us if you have any questions.", "vague"),
    ("report_harm", "We report adverse events to the FDA through MedWatch, and you can report directly too.", "specific"),
    ("report_harm", "There is nothing to report.", "vague"),
]


@pytest.mark.parametrize(("question", "answer", "status"), ANSWERS, ids=[f"{q}-{s}-{i}" for i, (q, _, s) in enumerate(ANSWERS)])
def test_it_reads_a_clinic_answer(knowledge, question, answer, status):
    assessment = assess_answer(question, answer, knowledge=knowledge)
    assert assessment.status == status, assessment.reason
    unquoted = re.sub(r"“[^”]*”", "“…”", assessment.reason)
    assert unquoted.endswith(".") and ". " not in unquoted  # one sentence
    for quote in [f.quote for f in assessment.found] + [e.quote for e in assessment.evasions] + [
            q for flag in assessment.red_flags for q in flag.quotes]:
        assert assessment.text[quote.start:quote.end] == quote.text


def test_every_question_has_a_specific_and_a_vague_example_here(knowledge):
    covered = {(q, s) for q, _, s in ANSWERS}
    for question in knowledge.all("clinic_questions"):
        assert {(question.id, "specific"), (question.id, "vague")} <= covered, question.id


@pytest.mark.parametrize("answer", ["", "   \n ", "n/a", "N/A.", "-", "?", "They did not answer.", "none"])
def test_it_calls_an_empty_or_placeholder_answer_missing(knowledge, answer):
    assessment = assess_answer("total_cost", answer, knowledge=knowledge)
    assert assessment.status == "missing"
    assert assessment.reason == "No answer was written down for this question."
    assert assessment.red_flags == () and assessment.found == ()


def test_it_names_what_a_specific_answer_gives_with_quotes(knowledge):
    assessment = assess_answer("product_name", "It is remestemcel-L, made by Mesoblast Ltd.", knowledge=knowledge)
    assert [(f.id, f.quote.text) for f in assessment.found] == [("product_name", "remestemcel-L"), ("maker", "Mesoblast Ltd.")]
    assert assessment.reason == "It gives the product's name (“remestemcel-L”) and the maker's name (“Mesoblast Ltd.”)."


def test_it_quotes_the_hedge_in_the_reason_of_a_vague_answer(knowledge):
    assessment = assess_answer("total_cost", "It depends on your package.", knowledge=knowledge)
    assert assessment.status == "vague"
    assert assessment.reason.startswith("“It depends” gives no fixed answer")
    assert "a total amount in a currency" in assessment.reason
    assert [e.id for e in assessment.evasions] == ["it_depends"]


def test_a_hedge_takes_back_an_otherwise_complete_answer(knowledge):
    answer = "The total is $14,500, including follow-up, but it depends on how many injections you need."
    assessment = assess_answer("total_cost", answer, knowledge=knowledge)
    assert assessment.status == "vague" and assessment.lacking == ()
    assert assessment.reason.endswith("but “it depends” gives no fixed answer.")


def test_it_finds_red_flags_inside_an_answer_with_offsets(knowledge):
    answer = "Our cells come from an FDA-registered lab and are completely safe. Book now: 20% off this month."
    assessment = assess_answer("who_manufactures", answer, knowledge=knowledge)
    flags = {f.id: f for f in assessment.red_flags}
    assert {"lab_credential", "no_risk_claim", "sales_pressure"} <= set(flags)
    lab = flags["lab_credential"]
    assert lab.name == "A lab credential shown as product approval"
    assert [q.text for q in lab.quotes] == ["FDA-registered lab"]  # nested quotes of the same flag are merged
    quote = lab.quotes[0]
    assert answer[quote.start:quote.end] == "FDA-registered lab"
    assert lab.question.endswith("?")
    assert assessment.status == "vague"


def test_a_price_asked_for_is_the_answer_not_sales_pressure(knowledge):
    asked = assess_answer("total_cost", "The total is $14,500, which includes follow-up.", knowledge=knowledge)
    assert "sales_pressure" not in [f.id for f in asked.red_flags]
    pushed = assess_answer("total_cost", "$14,500, which includes follow-up. Book now, spots are limited!", knowledge=knowledge)
    pressure = next(f for f in pushed.red_flags if f.id == "sales_pressure")
    assert [q.text for q in pressure.quotes] == ["Book now", "spots are limited"]
    unasked = assess_answer("product_name", "Remestemcel-L by Mesoblast Ltd, $14,500.", knowledge=knowledge)
    assert "sales_pressure" in [f.id for f in unasked.red_flags]


def test_a_lab_credential_does_not_count_as_a_regulators_decision(knowledge):
    assessment = assess_answer("authorization_number", "It is made in an FDA-registered facility.", knowledge=knowledge)
    assert assessment.status == "vague"
    assert "regulator" not in [f.id for f in assessment.found]
    assert assessment.reason.startswith("“FDA-registered facility” is a red flag (a lab credential shown as product approval)")


def test_a_negated_element_does_not_count(knowledge):
    assessment = assess_answer("records_to_doctor", "We do not send a discharge letter, the product or the lot.",
                               knowledge=knowledge)
    assert assessment.status == "vague"
    assert assessment.found == ()


def test_an_unexpected_answer_names_what_is_lacking(knowledge):
    assessment = assess_answer("dose_and_route", "We give 100 million cells.", knowledge=knowledge)
    assert assessment.status == "vague"
    assert assessment.lacking == ("how it is given (the route)",)
    assert assessment.reason == ("It gives a cell dose (“100 million cells”), but it does not give how it is given "
                                 "(the route).")


def test_it_keeps_the_answer_as_written_never_as_html(knowledge):
    answer = "<b>Lot 2031</b> certificate of analysis: sterility and endotoxin passed. <script>x()</script>"
    assessment = assess_answer("certificate_of_analysis", answer, knowledge=knowledge)
    assert assessment.text == answer
    assert assessment.status == "specific"


def test_it_accepts_a_question_object_and_refuses_an_overlong_answer(knowledge):
    question = knowledge.by_id("clinic_questions")["viability"]
    assert assess_answer(question, "Viability was 88%.", knowledge=knowledge).status == "specific"
    with pytest.raises(TextTooLongError):
        assess_answer(question, "x" * 200_001, knowledge=knowledge)


def test_a_whole_sheet_is_read_in_question_order(knowledge):
    sheet = assess_answers({"viability": "Viability was 88%."}, knowledge=knowledge)
    assert [a.question_id for a in sheet] == [q.id for q in knowledge.all("clinic_questions")]
    assert sum(a.status == "missing" for a in sheet) == len(sheet) - 1
    assert sheet[[a.question_id for a in sheet].index("viability")].to_json()["found"][0]["quote"] == "Viability"


def test_every_answer_element_has_a_recognizer_and_every_question_expects_some(knowledge):
    assert set(ELEMENTS) == ANSWER_ELEMENTS
    for question in knowledge.all("clinic_questions"):
        assert question.expects, question.id


def test_the_knowledge_schema_refuses_an_unknown_element():
    base = {"id": "q", "category": "cost", "question": "?", "why": "w", "clear_answer": "c", "vague_answer": "v"}
    assert ClinicQuestion.model_validate({**base, "expects": ["amount|cost_scope"]}).expects == ["amount | cost_scope"]
    with pytest.raises(pydantic.ValidationError, match="unknown answer element"):
        ClinicQuestion.model_validate({**base, "expects": ["amount | price_tag"]})
