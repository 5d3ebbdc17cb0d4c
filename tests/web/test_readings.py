"""The reader page /read/, shared readings under /r/<id>/, and POST /api/v1/read: what a patient sees and keeps."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from celldecide.web.readings.models import SharedReading

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "reading.schema.json").read_text())
# A clinic claim in the words such pages use, citing a real registration.
CLAIM = (
    "Our clinic offers stem cell therapy for Parkinson's disease, autism and COPD with a 95% success rate. "
    "Our stem cells are FDA registered. Book your consultation now: treatment costs $15,000. "
    "See our study NCT06325566."
)
SECTIONS = ["summary-h", "questions-h", "flags-h", "checklist-h", "layers-h", "map-h", "products-h", "trials-h"]


def _read(client: Client, **data: str):
    return client.post("/read/", {"action": "read", **data})


def test_the_form_says_not_medical_advice_and_stores_nothing(client):
    page = client.get("/read/").content.decode()
    assert "Not medical advice" in page
    assert 'name="text"' in page and 'name="url"' in page


def test_a_reading_shows_its_sections_in_the_promised_order(client):
    response = _read(client, text=CLAIM)
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'id="{section}"') for section in SECTIONS]
    assert positions == sorted(positions)
    assert "Not medical advice" in html
    assert SharedReading.objects.count() == 0


def test_red_flag_passages_are_highlighted_in_the_text(client):
    html = _read(client, text=CLAIM).content.decode()
    marked = re.findall(r'<mark title="[^"]*" data-flags="([^"]+)">([^<]+)</mark>', html)
    assert marked, "no passage was highlighted"
    flags = {f for ids, _ in marked for f in ids.split()}
    assert {"guaranteed_outcome", "cure_all"} <= flags
    assert any("95% success" in quoted for _, quoted in marked)


def test_hostile_html_in_the_text_is_shown_escaped_never_run(client):
    hostile = '<p onclick="steal()">Stem cells cure autism, guaranteed.</p><script>alert(1)</script><img src=x onerror=alert(2)>'
    html = _read(client, text=hostile).content.decode()
    assert "<script>alert(1)" not in html
    assert "onerror=alert" not in html and 'onclick="steal()"' not in html
    assert "cure autism" in html


def test_a_cited_trial_links_to_its_local_page_when_imported(client):
    from tests.trials.conftest import FIXTURES, import_files

    import_files(FIXTURES / "v2_array_cell_therapy.json")
    html = _read(client, text=CLAIM).content.decode()
    assert 'href="/trials/ctgov/NCT06325566/"' in html
    assert 'href="https://clinicaltrials.gov/study/NCT06325566"' in html


def test_the_print_view_and_the_pdf(client):
    printed = client.post("/read/", {"action": "print", "text": CLAIM})
    assert printed.status_code == 200
    assert "print-reading" in printed.content.decode() or "@media print" in printed.content.decode()
    pdf = client.post("/read/", {"action": "pdf", "text": CLAIM})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'attachment; filename="celldecide-reading.pdf"' == pdf["Content-Disposition"]


def test_a_share_link_stores_the_reading_until_its_owner_deletes_it(client):
    html = client.post("/read/", {"action": "share", "text": CLAIM}).content.decode()
    shared = SharedReading.objects.get()
    assert len(shared.id) >= 20 and shared.reading["text"] == CLAIM.strip()
    key = re.search(r"delete/\?key=([\w-]+)", html).group(1)
    assert shared.owner_key_sha256 != key  # only a digest of the key is stored
    page = client.get(f"/r/{shared.id}/").content.decode()
    assert '"@type": "ClaimReview"' in page
    assert client.get(f"/r/{shared.id}/pdf").content.startswith(b"%PDF")
    assert client.post(f"/r/{shared.id}/delete/", {"key": "wrong"}).status_code == 403
    assert client.post(f"/r/{shared.id}/delete/", {"key": key}).status_code == 200
    assert client.get(f"/r/{shared.id}/").status_code == 404


def test_a_shared_reading_expires_after_thirty_days_and_is_purged(client):
    client.post("/read/", {"action": "share", "text": CLAIM})
    shared = SharedReading.objects.get()
    assert abs((shared.expires_at - shared.created_at) - dt.timedelta(days=30)) < dt.timedelta(seconds=5)
    SharedReading.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/r/{shared.id}/").status_code == 404
    call_command("purge_shared_readings", verbosity=0)
    assert SharedReading.objects.count() == 0


def test_a_private_network_address_is_refused_with_an_explanation(client):
    response = _read(client, url="http://192.168.1.1/admin")
    assert response.status_code == 400
    assert "private network" in response.content.decode()


def test_the_form_needs_a_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/read/", {"action": "read", "text": CLAIM}).status_code == 403


def test_the_reader_page_is_rate_limited_per_address(client, settings):
    settings.READ_RATE_LIMIT = "2/60"
    from django.core.cache import cache

    cache.clear()
    assert _read(client, text=CLAIM).status_code == 200
    assert _read(client, text=CLAIM).status_code == 200
    limited = _read(client, text=CLAIM)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0


def test_the_api_returns_a_schema_valid_reading(client):
    response = client.post("/api/v1/read", {"text": CLAIM}, content_type="application/json")
    assert response.status_code == 200
    reading = response.json()
    jsonschema.validate(reading, SCHEMA)
    assert {f["id"] for f in reading["red_flags"]} >= {"guaranteed_outcome", "cure_all"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"url": "http://10.0.0.7/"}, 400, "url_refused"),
        ({"url": "ftp://example.org/"}, 400, "url_refused"),
        ({}, 400, "bad_request"),
        ({"text": CLAIM, "url": "https://example.org/"}, 400, "bad_request"),
        ({"text": ""}, 400, None),
    ],
)
def test_the_api_explains_each_refusal_in_one_error_shape(client, body, status, code):
    response = client.post("/api/v1/read", body, content_type="application/json")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


def test_a_300_kb_body_gets_413_as_json(client):
    response = client.post("/api/v1/read", json.dumps({"text": "x" * 300_000}), content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
