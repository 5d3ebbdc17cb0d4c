"""Security headers, the request-size limit, CSRF on forms, and the admin lockout."""

from __future__ import annotations

import pytest
from django.test import Client


def test_it_sends_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp


def test_it_sends_the_other_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_it_refuses_a_300_kb_body_with_413_as_json_on_the_api(client):
    response = client.post("/api/v1/read", data=b"x" * 300_000, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_it_refuses_a_300_kb_form_with_413(client):
    response = client.post("/corrections/report/", data={"problem": "x" * 300_000, "page": "/"})
    assert response.status_code == 413


@pytest.mark.django_db
def test_it_requires_a_csrf_token_on_forms():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/corrections/report/", data={"page": "/", "problem": "A date is wrong."})
    assert response.status_code == 403


@pytest.mark.django_db
def test_it_locks_the_admin_after_repeated_failed_logins(django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "correct horse battery")
    client = Client()
    for _ in range(5):
        client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    locked = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "correct horse battery"}, REMOTE_ADDR="10.1.1.1"
    )
    assert locked.status_code == 429
    assert not client.get("/admin/").status_code == 200


def test_it_keeps_the_admin_behind_a_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
