"""The trial pages: search with facets and paging, and one registration in plain words."""

from __future__ import annotations

import pytest
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def test_it_shows_the_search_form_count_facets_and_results(get, imported):
    html = get("/trials/")
    assert '<form method="get" action="/trials/" role="search">' in html
    assert "<strong>5</strong> registered trials" in html
    assert 'href="/trials/ctgov/NCT06325566/"' in html
    assert 'href="/trials/?cell_type=msc"' in html
    assert "<caption>" in html and "a record, not a recommendation" in html


def test_it_searches_by_words_and_keeps_them_in_facet_links(get, imported):
    html = get("/trials/?q=umbilical")
    assert "matching “umbilical”" in html
    assert 'href="/trials/?q=umbilical&amp;cell_type=msc"' in html
    assert "NCT06589271" in html and "NCT06325566" not in html


def test_it_links_an_active_filter_to_its_removal(get, imported):
    html = get("/trials/?q=cells&phase=3")
    assert 'href="/trials/?q=cells"' in html and "Phase: 3" in html


def test_it_pages_with_links_that_keep_the_search(get, exports):
    from tests.trials.conftest import import_files

    import_files(*exports)
    html = get("/trials/?q=disc&page=2")
    assert 'rel="prev"' in html and 'href="/trials/?q=disc&amp;page=1"' in html


def test_it_says_when_the_count_is_an_estimate_and_the_facet_counts_lower_bounds(get, exports, monkeypatch):
    from celldecide.web.trials import selectors
    from tests.trials.conftest import import_files

    import_files(*exports)
    assert "About <strong>" not in get("/trials/?q=disc")
    monkeypatch.setattr(selectors, "WINDOW", 40)
    html = get("/trials/?q=disc")
    assert "About <strong>" in html and "the count is an estimate" in html and "+)</li>" in html
    assert 'rel="next"' in html


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999999999"])
def test_it_accepts_any_page_number(get, imported, page):
    assert "registered trial" in get(f"/trials/?page={page}")


def test_it_shows_a_registration_in_plain_words(get, imported, kb):
    html = get("/trials/ctgov/NCT06325566/")
    assert "A registration is a record, not a recommendation." in html
    assert 'href="https://clinicaltrials.gov/study/NCT06325566"' in html
    for layer in kb.layers:
        assert f'<th scope="row">{escape(layer.name)}</th>' in html
    for fact in ("Phase 3", "Rexlemestrocel-L", "Recruiting", "Mesoblast"):
        assert fact in html, fact
    assert "Could patients be paying to take part?" in html


def test_it_states_the_pay_to_participate_hint_with_its_reasons(get, exports):
    from celldecide.web.trials.models import Trial
    from tests.trials.conftest import import_files

    import_files(*exports)
    trial = next(t for t in Trial.objects.order_by("trial_id") if t.pay_hint_level == "weak")
    html = get(trial.get_absolute_url())
    for reason in trial.pay_hint_reasons:
        assert escape(reason["detail"][:1].upper() + reason["detail"][1:]) in html


def test_it_answers_404_for_a_trial_not_stored(get, imported):
    get("/trials/ctgov/NCT00000000/", status=404)
