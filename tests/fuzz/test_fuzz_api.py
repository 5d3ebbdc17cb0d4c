"""Fuzz the JSON API from its own OpenAPI document with schemathesis: no request may cause a server error.

The Django app is called in-process through WSGI (`schemathesis.openapi.from_wsgi`), on the test database with
a few real trials stored. URLs given to POST /read are fetched through a fake resolver and transport, so the
whole fetch path runs and nothing leaves the machine.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from tests.fuzz.conftest import API_EXAMPLES
from tests.trials.conftest import FIXTURES, import_files

PUBLIC_ADDRESS = "93.184.215.14"


def _site(request: httpx.Request) -> httpx.Response:
    """Answer every fetched page with a short clinic claim."""
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"},
                          content=b"<p>Stem cells cure autism. Phase 2, 48 patients.</p>")  # fmt: skip


def _offline_fetch(url: str, **kwargs):
    """Fetch through the real fetcher with a fake resolver and transport: every name is public, every page is _site."""
    from celldecide.fetch.fetcher import fetch_public_url

    client = httpx.Client(transport=httpx.MockTransport(_site))
    return fetch_public_url(url, client=client, resolver=lambda host, port: [PUBLIC_ADDRESS])


@pytest.fixture
def api_schema(db, settings, monkeypatch):
    """The API's OpenAPI document, loaded from the app; the app runs on the test database with 5 real trials."""
    settings.READ_RATE_LIMIT = "0/60"
    monkeypatch.setattr("celldecide.fetch.fetch_public_url", _offline_fetch)
    import_files(FIXTURES / "v2_array_cell_therapy.json")
    # As Django's test client does: the test's transaction must survive each request's connection clean-up.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _content_type(response) -> str:
    """Return the response's Content-Type (schemathesis keeps each header as a list of values)."""
    value = response.headers.get("content-type") or [""]
    return value[0] if isinstance(value, list) else value


def _operations(api_schema) -> list:
    return [result.ok() for result in api_schema.get_all_operations()]


@pytest.mark.django_db
def test_it_never_answers_with_a_server_error(api_schema):
    operations = _operations(api_schema)
    assert {op.path for op in operations} >= {"/api/v1/read", "/api/v1/products", "/api/v1/trials"}
    calls: dict[str, int] = {}
    for operation in operations:
        cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

        @settings(max_examples=API_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=cases)
        def call(case) -> None:
            response = case.call()
            calls[operation.label] = calls.get(operation.label, 0) + 1
            case.validate_response(response, checks=[not_a_server_error])
            if 400 <= response.status_code < 500 and _content_type(response).startswith("application/json"):
                error = response.json().get("error")
                assert isinstance(error, dict) and error.get("code") and error.get("message"), response.text

        call()
    # Every operation was called (one without parameters has a single distinct request, so it may get one call).
    assert set(calls) == {operation.label for operation in operations}
