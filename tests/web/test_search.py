"""Site search /search?q=: one box over products, conditions, regulators, guides, pages and registered trials."""

from __future__ import annotations

import pytest

from celldecide.web.pages.knowledge import current_knowledge
from celldecide.web.pages.search import site_search

pytestmark = pytest.mark.django_db


def _titles(query: str) -> list[tuple[str, str]]:
    return [(h.kind, h.title) for h in site_search(kb=current_knowledge(), query=query)]


def test_a_product_is_found_by_brand_and_by_nonproprietary_name():
    assert ("product", "Kymriah") in _titles("kymriah")
    assert ("product", "Kymriah") in _titles("tisagenlecleucel")


def test_a_word_prefix_finds_the_condition_first():
    hits = _titles("parkin")
    assert hits[0] == ("condition", "Parkinson's disease")


def test_a_regulator_is_found_by_its_country():
    assert any(kind == "regulator" and "PMDA" in title for kind, title in _titles("japan"))


def test_glossary_terms_and_clinic_questions_are_searchable():
    assert ("glossary", "Hospital exemption") in [(k, t.capitalize()) for k, t in _titles("hospital exemption")]
    assert any(kind == "question to ask" for kind, _ in _titles("certificate of analysis"))


def test_every_word_must_match():
    assert _titles("kymriah zebrafish") == []


def test_the_page_lists_knowledge_hits_and_matching_trials(client):
    from tests.trials.conftest import FIXTURES, import_files

    import_files(FIXTURES / "v2_array_cell_therapy.json")
    html = client.get("/search", {"q": "mesenchymal"}).content.decode()
    assert 'href="/trials/ctgov/' in html
    assert "registered trial" in html
    assert 'href="/trials/?q=mesenchymal"' in html


def test_an_empty_query_shows_the_form_without_results(client):
    response = client.get("/search", {"q": "  "})
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_a_hostile_query_is_shown_escaped(client):
    html = client.get("/search", {"q": '<script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
