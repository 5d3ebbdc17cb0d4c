"""The guides (clinic questions, evidence ladder, glossary, source map, field guide) and the deeper pages: each
answers 200 with its key facts, its anchors and its dated sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils.html import escape

from celldecide.cli import main
from celldecide.web.pages.directory import GUIDES

DEEPER_FACTS = [
    ("islet-cells-type-1-diabetes", "NCT04786262"),
    ("ips-cell-therapy-parkinsons", "jRCT2090220384"),
    ("exosomes-extracellular-vesicles", "MISEV2023"),
    ("engineered-cell-therapy-autoimmune", "KYV-101"),
    ("manufacturing-quality-control", "Mycoplasma"),
    ("global-regulation", "Committee for Advanced Therapies"),
    ("autoimmune", "randomized MIST trial of 110 people"),
]
DEEPER_SLUGS = [slug for slug, _ in DEEPER_FACTS]


def _main(html: str) -> str:
    return html[html.index('<main id="main">'):html.index("</main>")]


def _jsonld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


# The consult checklist


def test_it_puts_the_three_start_here_questions_first(get, kb):
    html = get("/clinic-questions/")
    start = [q for q in kb.all("clinic_questions") if q.start_here]
    assert len(start) == 3
    section = html[html.index('id="start-here"'):html.index("</section>", html.index('id="start-here"'))]
    for question in start:
        assert escape(question.question) in section
    assert "What is the exact name of the product you would give me, and who makes it?" in section
    first_category = html.index('id="cat-')
    assert html.index('id="start-here"') < first_category


def test_it_lists_every_clinic_question_once_with_a_clear_and_a_vague_answer(get, kb):
    html = get("/clinic-questions/")
    for question in kb.all("clinic_questions"):
        assert html.count(f'id="q-{question.id.replace("_", "-")}"') == 1, question.id
        assert escape(question.clear_answer) in html and escape(question.vague_answer) in html, question.id
    assert html.count("A clear answer sounds like") == len(kb.all("clinic_questions"))


def test_it_numbers_the_questions_straight_through_the_categories(get, kb):
    html = get("/clinic-questions/")
    starts = [int(n) for n in re.findall(r'<ol class="questions" start="(\d+)">', html)]
    sizes = [len(block.split('class="question"')) - 1 for block in html.split('<ol class="questions"')[1:]]
    assert starts[0] == 1
    assert [s + n for s, n in zip(starts, sizes)][:-1] == starts[1:]
    assert sum(sizes) == len(kb.all("clinic_questions"))


def test_it_groups_the_other_questions_under_each_category(get, kb):
    html = get("/clinic-questions/")
    for category in {q.category for q in kb.all("clinic_questions") if not q.start_here}:
        assert f'id="cat-{category}"' in html and f'href="#cat-{category}"' in html


def test_it_links_the_consult_worksheet_and_prints_lines_to_write_on(get, kb):
    html = get("/clinic-questions/")
    assert 'href="/consult/"' in html
    assert html.count('<div class="write-lines" aria-hidden="true">') == len(kb.all("clinic_questions"))
    stylesheet = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", stylesheet, re.S))
    assert "body:has(.sheet) .site-header, body:has(.sheet) .site-footer { display: none; }" in print_rules
    assert ".write-lines { display: block; }" in print_rules


# The evidence ladder


def test_it_shows_the_eight_rungs_in_order_as_an_ordered_list(get, kb):
    html = get("/evidence-ladder/")
    ladder = html[html.index('<ol class="ladder">'):html.index("</ol>", html.index('<ol class="ladder">'))]
    ids = re.findall(r'<li id="rung-([a-z-]+)" class="rung">', ladder)
    assert ids == [r.id.replace("_", "-") for r in sorted(kb.all("evidence_ladder"), key=lambda r: r.n)]
    assert len(ids) == 8


def test_it_says_what_each_rung_can_and_cannot_show(get, kb):
    html = get("/evidence-ladder/")
    for rung in kb.all("evidence_ladder"):
        assert escape(rung.can_show) in html and escape(rung.cannot_show) in html, rung.id
        assert f'href="/stages/#{rung.stage}"' in html
    assert "That anything happens in a living body, that it is safe, or that it helps any patient." in html


# The glossary


def test_it_defines_every_term_alphabetically_with_an_anchor(get, kb):
    html = get("/glossary/")
    anchors = re.findall(r'<dt id="term-([a-z0-9-]+)">', html)
    assert sorted(anchors) == sorted(t.id.replace("_", "-") for t in kb.all("glossary"))
    terms = re.findall(r'<dt id="term-[a-z0-9-]+">(.*?)</dt>', html)
    keys = [re.sub(r"^[^0-9a-z]+", "", t.replace("&quot;", '"').casefold()) for t in terms]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("anchor", "text"),
    [("hospital-exemption", "Hospital exemption"), ("hctp-351-361", "351 vs 361 HCT/P"), ("bmac", "BMAC")],
)
def test_it_gives_key_terms_their_own_anchor(get, anchor, text):
    html = get("/glossary/")
    assert re.search(rf'<dt id="term-{anchor}">[^<]*{re.escape(text)}', html)


def test_it_indexes_the_glossary_by_letter(get):
    html = get("/glossary/")
    letters = re.findall(r'<a href="#letter-([a-z0-9-]+)">', html)
    assert "h" in letters and "0-9" in letters
    for letter in letters:
        assert f'id="letter-{letter}"' in html


def test_it_marks_the_glossary_as_a_defined_term_set(get, kb):
    data = _jsonld(get("/glossary/"))
    assert data["@type"] == "DefinedTermSet"
    assert len(data["hasDefinedTerm"]) == len(kb.all("glossary"))
    assert any(t["url"].endswith("#term-hospital-exemption") for t in data["hasDefinedTerm"])


# The source map and the field guide


def test_it_shows_the_source_map_as_a_table_with_row_and_column_headers(get, kb):
    html = get("/source-map/")
    assert '<caption id="source-map-caption">14 kinds of source' in html
    assert html.count("<th scope=\"col\" role=\"columnheader\">") == 4
    for kind in kb.all("source_map"):
        assert f"<th scope=\"row\" role=\"rowheader\">{escape(kind.name)}</th>" in html
        assert escape(kind.cannot_answer) in html, kind.id


def test_it_compares_prp_bmac_msc_and_exosomes_side_by_side(get, kb):
    html = get("/field-guide/")
    table = html[html.index('<table class="compare">'):html.index("</table>", html.index('<table class="compare">'))]
    assert "<caption" in table
    assert [h for h in re.findall(r'<th scope="col">([^<]+)</th>', table)] == ["Aspect", "PRP", "BMAC", "MSCs", "Exosomes"]
    for row in kb.all("field_guide"):
        assert f'<th scope="row">{escape(row.aspect)}' in table
        for value in (row.prp, row.bmac, row.msc, row.exosome):
            assert escape(value) in table, row.id


# The deeper pages


@pytest.mark.parametrize(("slug", "fact"), DEEPER_FACTS)
def test_it_renders_each_deeper_page_with_its_facts(get, kb, slug, fact):
    html = get(f"/{slug}/")
    page = kb.pages[slug]
    assert f"<h1>{escape(page.title)}</h1>" in html
    assert fact in html


@pytest.mark.parametrize("slug", DEEPER_SLUGS)
def test_it_numbers_each_deeper_pages_sources_and_dates_them(get, kb, slug):
    html = get(f"/{slug}/")
    page = kb.pages[slug]
    markers = re.findall(r'<sup class="fn"><a aria-label="Source (\d+)" href="/sources/#src-([a-z0-9_]+)">', html)
    assert markers, "each inline source link carries a marker"
    assert {source for _, source in markers} == set(page.sources)
    first_seen = list(dict.fromkeys(int(n) for n, _ in markers))
    assert first_seen == list(range(1, len(first_seen) + 1))
    notes = html[html.index('id="footnotes"'):]
    for source_id in page.sources:
        source = kb.get("sources", source_id)
        assert f'href="/sources/#src-{source_id}">{escape(source.title)}</a>' in notes
    assert f'Verified on <time datetime="{source.verified_on.isoformat()}">' in notes


def test_it_links_the_products_conditions_and_frontier_a_page_names(get, kb):
    html = get("/islet-cells-type-1-diabetes/")
    related = html[html.index('id="related"'):html.index("</section>", html.index('id="related"'))]
    assert 'href="/products/zimislecel/"' in related and 'href="/products/donislecel/"' in related
    assert 'href="/conditions/type_1_diabetes/"' in related
    assert 'href="/frontiers/islet-cells/"' in related


def test_it_gives_markdown_tables_row_headers_and_a_scroll_region(get):
    html = get("/autoimmune/")
    assert '<div aria-label="Table: How the three get blurred" class="table-wrap" role="region" tabindex="0">' in html
    assert '<th scope="col">aHSCT</th>' in html
    assert "<th></th>" not in html and '<th scope="col"></th>' not in html
    assert '<th scope="row">Best evidence</th>' in html


def test_it_marks_a_deeper_page_with_the_date_its_sources_were_verified(get, kb):
    data = _jsonld(get("/global-regulation/"))
    page = kb.pages["global-regulation"]
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == max(kb.get("sources", s).verified_on for s in page.sources).isoformat()


def test_it_links_every_planned_page_from_the_hub_and_its_frontier(get, kb):
    hub = get("/")
    for planned in kb.all("planned_pages"):
        assert f'<a href="/{planned.slug}/"><strong>{escape(planned.title)}</strong></a>' in hub
    assert 'href="/autoimmune/"' in hub
    for frontier in kb.all("frontiers"):
        page = next(p for p in kb.pages.values() if p.frontier == frontier.id)
        assert f'href="/{page.slug}/">Read the deeper page' in get(f"/frontiers/{frontier.slug}/")


@pytest.mark.parametrize("path", ["/no-such-page/", "/hub/", "/patients/", "/not-this-page/", "/islet-cells/"])
def test_it_answers_slugs_that_are_not_deeper_pages_with_404(get, path):
    assert "Page not found" in get(path, status=404)


def test_it_lists_the_guides_and_deeper_pages_in_the_sitemap(get, kb):
    sitemap = get("/sitemap.xml")
    for path in ("/clinic-questions/", "/evidence-ladder/", "/glossary/", "/source-map/", "/autoimmune/"):
        assert f"{path}</loc>" in sitemap
    for planned in kb.all("planned_pages"):
        assert f"/{planned.slug}/</loc>" in sitemap


def test_it_links_the_guides_from_every_page_footer_not_the_header(get):
    html = get("/stages/")
    footer = html[html.index('<footer class="site-footer">'):]
    header = html[:html.index("</header>")]
    for path, label, _ in GUIDES:
        assert f'<a href="{path}">{escape(label)}</a>' in footer
        assert f'href="{path}"' not in header


# The knowledge behind the pages


def test_it_refuses_a_page_naming_an_unknown_product(knowledge_copy, capsys):
    path = knowledge_copy / "pages" / "islet-cells-type-1-diabetes.md"
    path.write_text(path.read_text(encoding="utf-8").replace("[donislecel, zimislecel]", "[donislecel, vx_999]"), encoding="utf-8")
    assert main(["kb", "check", "--root", str(knowledge_copy)]) == 1
    assert "pages/islet-cells-type-1-diabetes.md:islet-cells-type-1-diabetes:products: unknown product id 'vx_999'" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_titles_glossary_entries_by_their_term_in_the_database(kb):
    from celldecide.web.kb.models import KnowledgeEntry
    from celldecide.web.kb.services import knowledge_sync

    knowledge_sync(kb=kb)
    assert KnowledgeEntry.objects.get(collection="glossary", key="hospital_exemption").title == "Hospital exemption"
