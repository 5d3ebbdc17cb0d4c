"""Products, conditions, regulators, registries, field guide and red flags: every page answers 200 with its facts."""

from __future__ import annotations

import pytest
from django.utils.html import escape


def test_it_lists_every_product_with_its_authorizations(get, kb):
    html = get("/products/")
    for product in kb.products:
        assert f'href="/products/{product.id}/"' in html


def test_it_shows_every_product_page_with_six_layers_and_dated_authorizations(get, kb):
    for product in kb.products:
        html = get(f"/products/{product.id}/")
        for layer in kb.layers:
            assert f"<th scope=\"row\">{escape(layer.name)}</th>" in html, (product.id, layer.id)
        for auth in product.authorizations:
            assert f'<time datetime="{auth.date}">' in html, product.id
            assert f'href="/regulators/{auth.regulator}/"' in html


def test_it_shows_kymriahs_first_fda_approval(get):
    html = get("/products/tisagenlecleucel/")
    assert "Kymriah" in html and "2017-08-30" in html and "FDA" in html


def test_it_says_how_to_receive_an_investigational_product(get, kb):
    investigational = next(
        p for p in kb.products if all(a.status == "investigational" for a in p.authorizations)
    )
    assert "enrol in one of its registered trials" in get(f"/products/{investigational.id}/")


def test_it_links_a_products_trials_to_the_local_registry_and_the_registry_record(get):
    html = get("/products/zimislecel/")
    assert 'href="/trials/ctgov/NCT04786262/"' in html
    assert 'href="https://clinicaltrials.gov/study/NCT04786262"' in html


def test_it_lists_conditions_with_their_evidence_status(get, kb):
    html = get("/conditions/")
    for condition in kb.conditions:
        assert f'href="/conditions/{condition.id}/"' in html
    assert "Marketed without evidence" in html


@pytest.mark.parametrize("condition_id", ["type_1_diabetes", "parkinsons_disease", "autism", "aging", "knee_osteoarthritis"])
def test_it_shows_what_the_evidence_shows_and_does_not_show(get, kb, condition_id):
    condition = kb.get("conditions", condition_id)
    html = get(f"/conditions/{condition_id}/")
    assert escape(condition.shows) in html and escape(condition.does_not_show) in html
    for product_id in condition.products:
        assert f'href="/products/{product_id}/"' in html


def test_it_compares_every_regulator(get, kb):
    html = get("/regulators/")
    assert len(kb.regulators) >= 12
    for regulator in kb.regulators:
        assert f'href="/regulators/{regulator.id}/"' in html


@pytest.mark.parametrize("regulator_id", ["fda", "ema", "pmda", "mfds", "nmpa", "thai_fda", "cofepris", "minsa"])
def test_it_shows_each_regulator_as_a_country_page(get, kb, regulator_id):
    regulator = kb.get("regulators", regulator_id)
    html = get(f"/regulators/{regulator_id}/")
    for field in ("framework", "outside_trials", "how_to_check", "elsewhere"):
        assert escape(getattr(regulator, field)) in html
    assert f'href="{escape(regulator.check_url)}"' in html


def test_it_lists_the_products_a_regulator_decided_on(get):
    html = get("/regulators/pmda/")
    assert 'href="/products/heartsheet/"' in html


def test_it_lists_registries_with_id_formats_and_caveats(get, kb):
    html = get("/registries/")
    assert len(kb.registries) >= 8
    for registry in kb.registries:
        assert escape(registry.caveats) in html
    assert "self-pay" in html  # the jRCT caveat about notified regenerative-medicine plans


def test_it_describes_every_cell_type_in_the_field_guide(get, kb):
    html = get("/field-guide/")
    for cell_type in kb.cell_types:
        assert f'id="{cell_type.id}"' in html
    assert "CD105" in html  # ISCT's minimal criteria for MSCs


def test_it_lists_all_sixteen_red_flags_with_a_question(get, kb):
    html = get("/red-flags/")
    for flag in kb.red_flags:
        assert f'id="{flag.id}"' in html and escape(flag.question) in html


@pytest.mark.parametrize("path", ["/products/no-such-product/", "/conditions/nothing/", "/regulators/xyz/"])
def test_it_answers_unknown_entries_with_404(get, path):
    get(path, status=404)
