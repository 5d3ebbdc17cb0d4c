"""The public API: `read(text, *, knowledge, trial_lookup) -> Reading`, its JSON form and its errors."""

from __future__ import annotations

import time

import pytest

from celldecide.reader import (
    MAX_CHARS,
    EmptyTextError,
    ReaderInputError,
    TextTooLongError,
    UndecodableInputError,
    read,
)
from tests.reader.conftest import SCHEMA_FIXTURE, SHARED_SCHEMA, assert_spans_consistent

CLAIM = (
    "Our clinic offers stem cell therapy for arthritis, autism, MS, COPD and anti-aging. "
    "No side effects, because they are your own cells. Book your consultation today: $5,000 per session."
)
TRIAL = (
    "NCT04786262: A Phase 1/2 Study of Zimislecel in Type 1 Diabetes\n\n"
    "Twelve participants will receive a single infusion into the portal vein. The primary endpoint is "
    "insulin independence at 12 months; adverse events are recorded for 2 years."
)


def test_it_returns_a_schema_valid_reading(read_text, schema_validator):
    reading = read_text(CLAIM)
    schema_validator.validate(reading)
    assert reading["schema"] == "celldecide.reading/1"
    assert [c["id"] for c in reading["checklist"]][0] == "product"
    assert len(reading["checklist"]) == 9 and len(reading["layers"]) == 6


def test_it_lists_checklist_and_layers_in_the_contract_order(read_text):
    from celldecide.knowledge.spec import CHECKLIST_IDS, LAYER_IDS

    reading = read_text(TRIAL)
    assert [c["id"] for c in reading["checklist"]] == list(CHECKLIST_IDS)
    assert [layer["id"] for layer in reading["layers"]] == list(LAYER_IDS)


def test_it_quotes_the_normalized_text_in_every_span(read_text):
    assert_spans_consistent(read_text(CLAIM))
    assert_spans_consistent(read_text(TRIAL))


def test_it_gives_a_reason_whenever_a_finding_has_no_span(read_text):
    reading = read_text(CLAIM)
    for finding in reading["checklist"] + reading["layers"]:
        assert finding["evidence"] or finding["note"]


def test_it_is_deterministic_for_the_same_text_and_knowledge(read_text):
    assert read_text(CLAIM) == read_text(CLAIM)


def test_it_hashes_the_normalized_text(read_text):
    import hashlib

    reading = read_text("  Stem   cells\r\nfor knees  ")
    assert reading["text"] == "Stem cells\nfor knees"
    assert reading["text_sha256"] == hashlib.sha256(b"Stem cells\nfor knees").hexdigest()


def test_it_reads_utf8_bytes(knowledge):
    reading = read("Exosome facials for hair loss in Zürich.".encode(), knowledge=knowledge)
    assert "Zürich" in reading.text


@pytest.mark.parametrize(
    ("given", "error", "words"),
    [
        ("", EmptyTextError, "empty"),
        ("   \n\t  ", EmptyTextError, "empty"),
        ("<script>alert('x')</script><style>p{}</style>", EmptyTextError, "empty"),
        ("a" * (MAX_CHARS + 1), TextTooLongError, "200,000"),
        (b"stem cells \xff\xfe for knees", UndecodableInputError, "UTF-8"),
    ],
)
def test_it_refuses_bad_input_with_a_typed_error(knowledge, given, error, words):
    with pytest.raises(error) as caught:
        read(given, knowledge=knowledge)
    assert isinstance(caught.value, ReaderInputError)
    assert words in str(caught.value)


def test_it_accepts_text_exactly_at_the_limit(knowledge):
    reading = read("stem cells " * (MAX_CHARS // 11), knowledge=knowledge)
    assert reading.text.startswith("stem cells")


def test_it_ignores_scripts_styles_navigation_and_event_handlers(read_text):
    page = (
        "<html><head><title>Clinic</title><script>var promo = 'miracle cure guaranteed';</script>"
        "<style>.x{content:'breakthrough'}</style></head><body>"
        "<nav>Home | Book now | Prices</nav><header>Miracle Clinic</header>"
        "<p onclick=\"alert('no side effects')\" onmouseover='steal()'>Umbilical cord MSCs for knee "
        "osteoarthritis.</p><noscript>revolutionary</noscript><template>guaranteed</template>"
        "<footer>© Miracle Clinic</footer></body></html>"
    )
    reading = read_text(page)
    assert reading["text"] == "Umbilical cord MSCs for knee osteoarthritis."
    assert not {"hype_language", "guaranteed_outcome", "no_risk_claim"} & {f["id"] for f in reading["red_flags"]}


def test_it_keeps_inline_markup_inside_one_line(read_text):
    reading = read_text("<p>Phase <b>3</b> trial of <i>remestemcel-L</i></p><p>Second paragraph.</p>")
    assert reading["text"] == "Phase 3 trial of remestemcel-L\nSecond paragraph."


@pytest.mark.parametrize(
    "pathological",
    [
        "a" * MAX_CHARS,
        ("stem " * (MAX_CHARS // 5))[:MAX_CHARS],
        "<div>" * 15_000 + "stem cells cure everything" + "</div>" * 15_000,
        "<b>" * 60_000 + "stem cells",
        "1" * MAX_CHARS,
        ("NCT" + "1" * 7 + " ") * (MAX_CHARS // 11),
        "$" * MAX_CHARS,
        "no " * (MAX_CHARS // 3),
    ],
    ids=["one-letter", "one-word", "nested-divs", "open-tags", "digits", "near-ids", "dollars", "negations"],
)
def test_it_reads_pathological_input_in_under_a_second(read_text, pathological):
    read_text("warm up the matchers")
    # CPU time of this process, not wall time: a busy machine (CI runs tests in parallel) must not fail it.
    started = time.process_time()
    read_text(pathological)
    assert time.process_time() - started < 1.0


def test_it_lists_found_trials_with_their_registry_url_without_a_lookup(read_text):
    trials = read_text(TRIAL)["matches"]["trials"]
    assert trials == [{"registry": "ctgov", "id": "NCT04786262", "url": "https://clinicaltrials.gov/study/NCT04786262"}]


def test_it_asks_the_injected_lookup_for_each_registration(knowledge):
    asked = []

    def lookup(registry_id: str, trial_id: str):
        asked.append((registry_id, trial_id))
        return {"title": "A phase 1/2 study", "phase": "1/2"}

    reading = read(TRIAL, knowledge=knowledge, trial_lookup=lookup).to_json()
    assert asked == [("ctgov", "NCT04786262")]
    assert reading["matches"]["trials"][0]["found"] is True
    assert reading["matches"]["trials"][0]["record"]["phase"] == "1/2"


def test_it_reports_a_registration_the_lookup_does_not_hold(knowledge):
    reading = read(TRIAL, knowledge=knowledge, trial_lookup=lambda registry, trial: None).to_json()
    assert reading["matches"]["trials"][0]["found"] is False


def test_it_names_the_gap_between_claimed_and_evidenced_stage_in_the_summary(read_text):
    reading = read_text(
        "Stem cells reversed diabetes in mice. Our clinic now offers this stem cell treatment to patients; "
        "book a consultation."
    )
    assert reading["stage"]["evidenced"] == 2 and reading["stage"]["claimed"] == 7
    assert "stage 2" in reading["summary"] and "stage 7" in reading["summary"]
    assert 2 <= reading["summary"].count(". ") + 1 <= 4


def test_it_asks_red_flag_questions_first(read_text, knowledge):
    reading = read_text(CLAIM)
    flag_questions = {f.question for f in knowledge.red_flags}
    assert reading["questions_to_ask"][0] in flag_questions


def test_the_schema_fixture_is_the_shared_contract():
    if not SHARED_SCHEMA.exists():
        pytest.skip("the shared contract folder is not present")
    assert SCHEMA_FIXTURE.read_bytes() == SHARED_SCHEMA.read_bytes()
