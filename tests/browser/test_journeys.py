"""What a patient does on the site, in Chromium: read a claim, follow a trial, print, report an error, search."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

# Wording of the kind FDA warning letters quote from clinic pages, with a real registration cited.
CLAIM = (
    "Our stem cell therapy treats Parkinson's disease, multiple sclerosis, autism and COPD. "
    "Patients see a 95% success rate with no side effects. Book your consultation today: "
    "the full protocol costs $15,000. Our program is registered as NCT06325566."
)


@pytest.fixture
def trials():
    from tests.trials.conftest import FIXTURES, import_files

    return import_files(FIXTURES / "v2_array_cell_therapy.json")


def _read(page, site, text: str) -> None:
    page.goto(site + "/read/")
    page.get_by_label("Paste the claim").fill(text)
    page.get_by_role("button", name="Read it").click()
    page.wait_for_selector("#summary-h")


def test_a_pasted_claim_shows_its_red_flags_highlighted(page, site):
    _read(page, site, CLAIM)
    marks = page.locator(".read-text mark")
    assert marks.count() >= 3
    marked = " ".join(marks.all_inner_texts())
    assert "95% success" in marked
    assert page.locator("#flag-guaranteed_outcome").is_visible()
    assert page.get_by_text("Not medical advice.").first.is_visible()
    assert axe_violations(page) == []


def test_a_cited_trial_appears_with_its_links(page, site, trials):
    _read(page, site, CLAIM)
    local = page.locator('.trials a[href="/trials/ctgov/NCT06325566/"]')
    assert local.is_visible()
    assert page.locator('.trials a[href="https://clinicaltrials.gov/study/NCT06325566"]').count() == 1
    local.click()
    page.wait_for_load_state()
    assert "NCT06325566" in page.locator("h1").inner_text() + page.content()
    assert "a record, not a recommendation" in page.content()


def test_the_print_view_opens_with_the_reading(page, site):
    _read(page, site, CLAIM)
    page.get_by_role("button", name="Print view").click()
    page.wait_for_load_state()
    assert "95% success" in page.content()
    page.emulate_media(media="print")
    assert page.locator("form").count() == 0 or not page.locator("form").first.is_visible()


def test_the_reader_form_works_from_the_keyboard(page, site):
    page.goto(site + "/read/")
    page.locator("#id_text").focus()
    page.keyboard.type("Exosome therapy reverses aging. Guaranteed results, book today.")
    page.keyboard.press("Tab")  # the URL field
    page.keyboard.press("Tab")  # the submit button
    assert page.evaluate("document.activeElement.textContent").strip() == "Read it"
    page.keyboard.press("Enter")
    page.wait_for_selector("#summary-h")
    assert page.locator(".read-text mark").count() >= 1


def test_a_reading_fits_a_320_pixel_screen(page, site):
    page.set_viewport_size({"width": 320, "height": 800})
    _read(page, site, CLAIM)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert screenshot(page, "reading-320").stat().st_size > 10_000


def test_a_reported_error_reaches_the_editors_in_the_admin(page, site, django_user_model):
    page.goto(site + "/faq/")
    page.get_by_role("link", name="Report an error on this page").click()
    page.get_by_label("What is wrong").fill("The FAQ gives the wrong year for the first approval.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    assert "Thank" in page.content()

    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password-1")
    page.goto(site + "/admin/login/?next=/admin/corrections/correction/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "The FAQ gives the wrong year" in page.content()
    assert "/faq/" in page.content()


def test_the_site_search_finds_products_conditions_and_trials(page, site, trials):
    page.goto(site + "/")
    page.get_by_label("Search CellDecide").fill("Parkinson")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    results = page.locator("main")
    assert results.get_by_role("link", name="Parkinson's disease").first.is_visible()
    assert axe_violations(page) == []
