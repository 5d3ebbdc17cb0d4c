"""The consult worksheet /consult/: a patient writes down a clinic's answers and sees each one read; nothing is kept
unless they ask for a link."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from celldecide.web.consult.forms import MAX_ANSWER_CHARS
from celldecide.web.consult.models import SharedConsult

pytestmark = pytest.mark.django_db

# Two answers in the words clinics use: one checkable, one that hedges and shows a lab badge.
SPECIFIC = "It is studied under FDA IND number 17654, which you can confirm with the FDA."
VAGUE = "Our stem cells come from an FDA-registered, cGMP-certified lab. The formula is proprietary."
ANSWERS = {"q_authorization_number": SPECIFIC, "q_product_name": VAGUE}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _post(client: Client, action: str = "read", **data: str):
    return client.post("/consult/", {"action": action, **data})


def _answer_block(html: str, question_id: str) -> str:
    match = re.search(rf'<article class="answer answer-(\w+)" id="answer-{question_id}".*?</article>', html, re.S)
    assert match, f"no answer block for {question_id}"
    return match.group(0)


def test_the_worksheet_lists_every_question_with_a_labelled_box_start_here_first(client, kb):
    response = client.get("/consult/")
    assert response.status_code == 200
    html = response.content.decode()
    questions = kb.all("clinic_questions")
    for question in questions:
        assert f'<label for="id_q_{question.id}">' in html
        assert f'name="q_{question.id}"' in html
    start = [q.id for q in questions if q.start_here]
    first_boxes = re.findall(r'name="q_(\w+)"', html)[:3]
    assert first_boxes == start
    assert 'name="clinic"' in html and 'type="date"' in html
    assert "Not medical advice" in html and "csrfmiddlewaretoken" in html


def test_two_answers_are_read_with_status_reason_and_counts(client):
    response = _post(client, clinic="Clínica Ejemplo", consulted_on="2026-11-20", **ANSWERS)
    assert response.status_code == 200
    html = response.content.decode()
    specific = _answer_block(html, "authorization_number")
    assert 'answer-specific"' in specific and ">Specific.</span>" in specific
    assert "IND number 17654" in specific and "It gives a named regulator" in specific
    vague = _answer_block(html, "product_name")
    assert ">Vague.</span>" in vague
    assert "keeps the information back" in vague and "the product&#x27;s name" in vague
    assert "Specific</span>: 1" in html and "Vague</span>: 1" in html and "Missing</span>: 28" in html
    assert "Clínica Ejemplo" in html and "2026-11-20" in html
    assert "Not answered yet: 28" in html


def test_a_red_flag_inside_an_answer_is_highlighted_and_explained(client):
    html = _post(client, **ANSWERS).content.decode()
    vague = _answer_block(html, "product_name")
    marked = re.findall(r'<mark title="[^"]*" data-flags="([^"]+)">([^<]+)</mark>', vague)
    assert any("lab_credential" in ids and "cGMP-certified" in quote for ids, quote in marked)
    assert 'href="/red-flags/#lab_credential"' in vague


def test_hostile_markup_in_an_answer_is_shown_escaped_never_run(client):
    hostile = '<script>alert(1)</script> It costs $9,000 <img src=x onerror=alert(2)>'
    html = _post(client, q_total_cost=hostile).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "$9,000" in _answer_block(html, "total_cost")


def test_the_print_view_and_the_pdf(client):
    printed = _post(client, "print", **ANSWERS)
    assert printed.status_code == 200
    page = printed.content.decode()
    assert "print-consult" in page and "IND number 17654" in page
    assert page.count('class="blank"') == 28  # room to write the answers still to come
    pdf = _post(client, "pdf", **ANSWERS)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="celldecide-consult.pdf"'


def test_an_empty_worksheet_prints_blank_but_is_not_read(client):
    blank = _post(client, "print")
    assert blank.status_code == 200 and blank.content.decode().count('class="blank"') == 30
    refused = _post(client, "read")
    assert refused.status_code == 400
    assert "at least one of the clinic" in refused.content.decode()


def test_nothing_is_stored_or_logged_without_the_link_action(client, caplog):
    with caplog.at_level(logging.DEBUG):
        for action in ("read", "print", "pdf", "edit"):
            assert _post(client, action, **ANSWERS).status_code == 200
    assert SharedConsult.objects.count() == 0
    assert "17654" not in caplog.text and "proprietary" not in caplog.text


def test_the_sheet_can_be_sent_back_to_change_the_answers(client):
    html = _post(client, **ANSWERS).content.decode()
    assert f'<input type="hidden" name="q_authorization_number" value="{SPECIFIC}">' in html
    edit = _post(client, "edit", **ANSWERS).content.decode()
    assert f">{SPECIFIC}</textarea>" in edit


def test_a_link_stores_the_sheet_until_its_owner_deletes_it(client):
    html = _post(client, "link", clinic="Clinic A", **ANSWERS).content.decode()
    shared = SharedConsult.objects.get()
    assert len(shared.id) >= 20 and shared.sheet["clinic"] == "Clinic A"
    key = re.search(r"delete/\?key=([\w-]+)", html).group(1)
    assert shared.owner_key_sha256 != key  # only a digest of the key is stored
    page = client.get(f"/consult/s/{shared.id}/")
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    assert "IND number 17654" in page.content.decode()
    assert client.get(f"/consult/s/{shared.id}/print").status_code == 200
    assert client.get(f"/consult/s/{shared.id}/pdf").content.startswith(b"%PDF")
    assert client.get(f"/consult/s/{shared.id}/delete/?key={key}").status_code == 200
    assert client.post(f"/consult/s/{shared.id}/delete/", {"key": "wrong"}).status_code == 403
    assert client.post(f"/consult/s/{shared.id}/delete/", {"key": key}).status_code == 200
    assert client.get(f"/consult/s/{shared.id}/").status_code == 404


def test_a_link_expires_after_thirty_days_and_is_purged(client):
    _post(client, "link", **ANSWERS)
    shared = SharedConsult.objects.get()
    assert abs((shared.expires_at - shared.created_at) - dt.timedelta(days=30)) < dt.timedelta(seconds=5)
    SharedConsult.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/consult/s/{shared.id}/").status_code == 404
    assert client.get(f"/consult/s/{shared.id}/pdf").status_code == 404
    call_command("purge_consults", verbosity=0)
    assert SharedConsult.objects.count() == 0


def test_every_form_needs_a_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/consult/", {"action": "read", **ANSWERS}).status_code == 403
    assert strict.post("/consult/", {"action": "link", **ANSWERS}).status_code == 403
    assert SharedConsult.objects.count() == 0
    assert strict.post("/consult/s/anything/delete/", {"key": "k"}).status_code == 403


def test_an_oversized_answer_is_refused_with_a_clear_error(client):
    response = _post(client, q_total_cost="x" * (MAX_ANSWER_CHARS + 1), q_product_name=VAGUE)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Keep each answer under {MAX_ANSWER_CHARS:,} characters: this one has {MAX_ANSWER_CHARS + 1}" in html
    assert 'aria-invalid="true"' in html and VAGUE.split(".")[0] in html  # the other answers are kept


def test_the_worksheet_is_rate_limited_per_address(client, settings):
    settings.READ_RATE_LIMIT = "2/60"
    assert _post(client, **ANSWERS).status_code == 200
    assert _post(client, **ANSWERS).status_code == 200
    limited = _post(client, **ANSWERS)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0


def test_the_pages_are_not_cached_and_carry_no_inline_script_or_style(client):
    response = _post(client, **ANSWERS)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<script" not in html and " style=" not in html and "<style" not in html


def test_the_footer_links_to_the_worksheet(client):
    assert 'href="/consult/"' in client.get("/read/").content.decode()
