"""Every page template passes axe-core with no serious or critical violations, and works at 320 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/stages/",
    "/checklist/",
    "/frontiers/islet-cells/",
    "/mechanisms/",
    "/sources/",
    "/methodology/",
    "/faq/",
    "/products/",
    "/products/tisagenlecleucel/",
    "/conditions/",
    "/conditions/type_1_diabetes/",
    "/regulators/",
    "/regulators/pmda/",
    "/registries/",
    "/field-guide/",
    "/red-flags/",
    "/clinic-questions/",
    "/evidence-ladder/",
    "/glossary/",
    "/source-map/",
    "/islet-cells-type-1-diabetes/",
    "/ips-cell-therapy-parkinsons/",
    "/exosomes-extracellular-vesicles/",
    "/engineered-cell-therapy-autoimmune/",
    "/manufacturing-quality-control/",
    "/global-regulation/",
    "/autoimmune/",
    "/corrections/",
    "/corrections/report/?page=/faq/",
    "/consult/",
    "/api/v1/docs",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PAGES)
def test_it_has_no_serious_accessibility_violations(page, site, path):
    response = page.goto(site + path)
    assert response is not None and response.status in (200, 404)
    assert axe_violations(page) == []


def test_it_fits_the_hub_in_320_pixels(page, site):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(site + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert screenshot(page, "hub-320").stat().st_size > 10_000


def test_it_lets_a_keyboard_user_skip_to_the_content(page, site):
    page.goto(site + "/checklist/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
