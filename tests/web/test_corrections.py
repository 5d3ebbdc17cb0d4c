"""Report an error from any page; editors see it in the admin; fixed ones appear in the public log."""

from __future__ import annotations

import datetime as dt

import pytest

from celldecide.web.corrections.models import Correction

pytestmark = pytest.mark.django_db


def test_it_links_every_page_to_the_report_form(client):
    html = client.get("/stages/").content.decode()
    assert 'href="/corrections/report/?page=/stages/"' in html


def test_it_stores_a_report_and_thanks_the_reader(client):
    response = client.post(
        "/corrections/report/", {"page": "/products/maci/", "problem": "The approval date should be 2016-12-13."}
    )
    assert response.status_code == 200
    assert "has reached the editors" in response.content.decode()
    stored = Correction.objects.get()
    assert (stored.page, stored.status) == ("/products/maci/", "new")


def test_it_rejects_an_empty_report_and_an_offsite_page(client):
    assert client.post("/corrections/report/", {"page": "/", "problem": ""}).status_code == 400
    assert client.post("/corrections/report/", {"page": "https://evil.test/", "problem": "x"}).status_code == 400
    assert not Correction.objects.exists()


def test_it_rate_limits_reports_per_address(client, settings):
    settings.CORRECTIONS_RATE_LIMIT = "2/3600"
    for _ in range(2):
        assert client.post("/corrections/report/", {"page": "/", "problem": "typo"}, REMOTE_ADDR="10.9.9.9").status_code == 200
    limited = client.post("/corrections/report/", {"page": "/", "problem": "typo"}, REMOTE_ADDR="10.9.9.9")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Correction.objects.count() == 2


def test_it_shows_reports_to_editors_in_the_admin(admin_client):
    Correction.objects.create(page="/faq/", problem="A broken sentence.")
    html = admin_client.get("/admin/corrections/correction/").content.decode()
    assert "/faq/" in html


def test_it_publishes_only_fixed_corrections_with_their_dates(client):
    Correction.objects.create(page="/faq/", problem="secret report", status="new")
    Correction.objects.create(
        page="/products/maci/", problem="date", status="fixed", fixed_on=dt.date(2026, 11, 20), public_note="Approval date corrected."
    )
    html = client.get("/corrections/").content.decode()
    assert "2026-11-20" in html and "Approval date corrected." in html
    assert "secret report" not in html
