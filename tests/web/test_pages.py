"""The evidence map's pages: each returns 200 and shows its key facts."""

from __future__ import annotations

import json
import re

import pytest
from django.utils.html import escape

from celldecide.knowledge import spec


def test_it_shows_all_seven_stages_and_nine_questions_on_the_hub(get, kb):
    html = get("/")
    for stage in kb.stages:
        assert escape(stage.name) in html, stage.id
    for question in kb.checklist:
        assert escape(question.question) in html, question.id


def test_it_shows_every_hub_section(get, kb):
    html = get("/")
    for frontier in kb.all("frontiers"):
        assert f'href="/frontiers/{frontier.slug}/"' in html
    for institution in kb.all("institutions"):
        assert escape(institution.name) in html
    for tier in kb.all("source_tiers"):
        assert tier.name in html
    for signal in kb.all("signals"):
        assert escape(signal.area) in html
    for way in kb.all("borrowing"):
        assert way.name in html
    for faq in kb.all("faqs"):
        assert escape(faq.question) in html
    for page in kb.all("planned_pages"):
        assert escape(page.title) in html
    assert "What this means for patients" in html
    assert "What this page is not" in html


def test_it_links_footnote_markers_to_the_sources_page(get, kb):
    html = get("/")
    marks = set(re.findall(r'href="/sources/#src-([a-z0-9_]+)"', html))
    assert marks and marks <= set(kb.by_id("sources"))
    sources_page = get("/sources/")
    for source_id in marks:
        assert f'id="src-{source_id}"' in sources_page


def test_it_shows_verified_on_dates_on_the_sources_page(get, kb):
    html = get("/sources/")
    for source in kb.sources:
        assert source.verified_on.isoformat() in html


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/stages/", "Regulator review"),
        ("/checklist/", "What exact cell, what exact product?"),
        ("/mechanisms/", "Paracrine signaling"),
        ("/methodology/", "How a reading is made"),
        ("/disclosures/", "Not medical advice"),
        ("/faq/", "Are any stem cell treatments actually approved?"),
        ("/frontiers/islet-cells/", "type 1 diabetes"),
        ("/frontiers/dopamine-neurons/", "Parkinson"),
    ],
)
def test_it_renders_each_page(get, path, needle):
    assert needle in get(path)


def test_it_marks_pages_as_medical_web_pages_and_the_faq_as_faq_page(get):
    def blocks(html: str) -> list[dict]:
        return [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]

    assert blocks(get("/"))[0]["@type"] == "MedicalWebPage"
    faq = blocks(get("/faq/"))[0]
    assert faq["@type"] == "FAQPage"
    assert len(faq["mainEntity"]) == 5


def test_it_says_not_medical_advice_on_every_page(get):
    for path in ("/", "/stages/", "/sources/", "/faq/"):
        assert "Not medical advice" in get(path)


def test_it_serves_a_sitemap_and_robots(get, kb):
    sitemap = get("/sitemap.xml")
    assert "/stages/" in sitemap and "/frontiers/islet-cells/" in sitemap
    robots = get("/robots.txt")
    assert "Disallow: /admin/" in robots and "sitemap.xml" in robots


def test_it_answers_an_unknown_page_with_a_helpful_404(get):
    html = get("/no-such-page/", status=404)
    assert "Page not found" in html and 'href="/checklist/"' in html
    get("/frontiers/no-such-frontier/", status=404)


def test_it_refuses_to_change_pages_with_post(client):
    assert client.post("/").status_code == 405


def test_it_has_ids_for_every_stage_on_the_map(get):
    html = get("/stages/")
    for stage_id in spec.STAGE_IDS:
        assert f'id="{stage_id}"' in html
