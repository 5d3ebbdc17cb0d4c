"""The consult worksheet in Chromium: fill two answers, submit, see them read; accessible and usable at 320 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SPECIFIC = "It is studied under FDA IND number 17654, which you can confirm with the FDA."
VAGUE = "Our proprietary stem cell protocol, made in our own FDA-registered lab."


def _fill_two_answers(page, kb) -> None:
    questions = kb.by_id("clinic_questions")
    page.get_by_label(questions["authorization_number"].question).fill(SPECIFIC)
    page.get_by_label(questions["product_name"].question).fill(VAGUE)
    page.get_by_label("Clinic name (optional)").fill("Clinic A")


def test_a_patient_fills_two_answers_and_sees_them_read(page, site, kb):
    page.goto(site + "/consult/")
    _fill_two_answers(page, kb)
    page.get_by_role("button", name="Read the answers").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your consult sheet", level=1).is_visible()
    specific = page.locator("#answer-authorization_number")
    assert specific.locator(".status").inner_text() == "Specific."
    assert "IND number 17654" in specific.inner_text()
    vague = page.locator("#answer-product_name")
    assert vague.locator(".status").inner_text() == "Vague."
    assert "keeps the information back" in vague.inner_text()
    assert vague.locator("mark").count() >= 1
    assert page.locator(".counts").inner_text().replace("\n", " ").startswith("Specific: 1 Vague: 1 Missing: 28")
    assert axe_violations(page) == []
    screenshot(page, "consult-sheet")


def test_the_sheet_can_be_sent_back_to_edit_and_printed(page, site, kb):
    page.goto(site + "/consult/")
    _fill_two_answers(page, kb)
    page.get_by_role("button", name="Read the answers").click()
    page.get_by_role("button", name="Change the answers").click()
    questions = kb.by_id("clinic_questions")
    assert page.get_by_label(questions["authorization_number"].question).input_value() == SPECIFIC
    page.get_by_role("button", name="Read the answers").click()
    page.get_by_role("button", name="Print view").click()
    assert "IND number 17654" in page.locator("main").inner_text()
    assert page.locator(".blank").count() == 28


@pytest.mark.parametrize("width", [320, 1024])
def test_the_worksheet_and_its_sheet_fit_the_screen(page, site, kb, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site + "/consult/")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert axe_violations(page) == []
    _fill_two_answers(page, kb)
    page.get_by_role("button", name="Read the answers").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert screenshot(page, f"consult-sheet-{width}").stat().st_size > 10_000
