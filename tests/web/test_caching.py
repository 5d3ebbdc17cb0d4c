"""The page cache: knowledge pages are rendered once per knowledge version, validated with ETag and
Last-Modified, and nothing personal (a POST, a CSRF form, the session) is ever cached or shared."""

from __future__ import annotations

import dataclasses
import os
import re
import runpy
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render as django_render
from django.test import Client, RequestFactory

from celldecide.knowledge import loader
from celldecide.web.caching import knowledge_page, site_revision
from celldecide.web.pages.knowledge import current_knowledge

SETTINGS_DIR = Path(__file__).resolve().parents[2] / "src" / "celldecide" / "web" / "settings"
REDIS_URL = os.environ.get("CELLDECIDE_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def renders():
    """Count the page renders of the pages app (the cache is outside the view, the render inside it)."""
    with mock.patch("celldecide.web.pages.views.render", wraps=django_render) as spy:
        yield spy


def counting_view(body: str = "<p>page</p>", **headers):
    """Return a view that counts its calls, and the list of calls."""
    calls: list[str] = []

    def view(request):
        calls.append(request.method)
        response = HttpResponse(body)
        for name, value in headers.items():
            response[name] = value
        return response

    return view, calls


def test_it_serves_the_second_get_from_the_cache(client, renders):
    first = client.get("/stages/")
    second = client.get("/stages/")
    assert first.status_code == second.status_code == 200
    assert renders.call_count == 1
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second  # the middleware still runs on a cached page


def test_it_caches_each_path_on_its_own(client, renders):
    stages = client.get("/stages/").content
    checklist = client.get("/checklist/").content
    assert renders.call_count == 2
    assert stages != checklist
    assert client.get("/checklist/").content == checklist


def test_it_gives_cached_pages_an_etag_and_a_last_modified_date(client):
    first = client.get("/faq/")
    assert first.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', first["ETag"])
    assert first["Last-Modified"].endswith(" GMT")
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    cached = client.get("/faq/")
    assert (cached["ETag"], cached["Last-Modified"]) == (first["ETag"], first["Last-Modified"])


def test_it_answers_a_conditional_get_with_304(client):
    first = client.get("/methodology/")
    by_etag = client.get("/methodology/", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get("/methodology/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"]
    assert client.get("/methodology/", HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_it_renders_again_when_the_knowledge_base_is_reloaded(client, renders, monkeypatch):
    kb = current_knowledge()
    before = client.get("/methodology/")
    assert client.get("/methodology/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    page = kb.pages["methodology"].model_copy(update={"title": "How CellDecide reads a claim, revised"})
    reloaded = dataclasses.replace(kb, version="kb-reloaded01", pages={**kb.pages, "methodology": page}, _index={})
    # What loader.reload_knowledge does: the process's knowledge base is swapped for the new version.
    monkeypatch.setitem(loader._cache, Path(django_settings.KNOWLEDGE_DIR).resolve(), reloaded)
    after = client.get("/methodology/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "How CellDecide reads a claim, revised" in after.content.decode()
    assert "kb-reloaded01" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert renders.call_count == 2


def test_it_never_caches_a_post():
    view, calls = counting_view()
    cached = knowledge_page(view)
    factory = RequestFactory()
    for _ in range(2):
        response = cached(factory.post("/stages/", {"a": "1"}))
        assert response.status_code == 200 and "ETag" not in response
    assert calls == ["POST", "POST"]
    cached(factory.get("/stages/"))
    cached(factory.get("/stages/"))
    assert calls == ["POST", "POST", "GET"]


def test_it_does_not_let_a_post_fill_the_cache_for_a_get(client, renders):
    assert client.post("/stages/").status_code == 405
    assert client.get("/stages/").status_code == 200
    assert renders.call_count == 1


def test_it_renders_every_request_with_a_query_string():
    view, calls = counting_view()
    cached = knowledge_page(view)
    factory = RequestFactory()
    cached(factory.get("/stages/", {"utm": "1"}))
    cached(factory.get("/stages/", {"utm": "1"}))
    assert calls == ["GET", "GET"]


def test_it_leaves_search_uncached(client):
    with mock.patch("celldecide.web.pages.views.render", wraps=django_render) as spy:
        client.get("/search")
        client.get("/search")
    assert spy.call_count == 2


@pytest.mark.parametrize("status", [404, 500, 302])
def test_it_never_caches_anything_but_200(status):
    calls: list[str] = []

    def view(request):
        calls.append(request.method)
        return HttpResponse("x", status=status)

    cached = knowledge_page(view)
    cached(RequestFactory().get("/stages/"))
    cached(RequestFactory().get("/stages/"))
    assert len(calls) == 2


def test_it_never_caches_a_page_that_used_a_csrf_token():
    calls: list[str] = []

    def view(request):
        calls.append(get_token(request))
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={calls[-1]}>")

    cached = knowledge_page(view)
    first = cached(RequestFactory().get("/form/")).content
    second = cached(RequestFactory().get("/form/")).content
    assert len(calls) == 2 and first != second


def test_it_never_caches_a_page_that_sets_a_cookie():
    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    spy = mock.Mock(side_effect=view)
    cached = knowledge_page(spy)
    cached(RequestFactory().get("/cookie/"))
    cached(RequestFactory().get("/cookie/"))
    assert spy.call_count == 2


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/corrections/report/", "/read/"])
def test_csrf_form_pages_keep_a_token_per_client(path):
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [alice.get(path), bob.get(path), alice.get(path)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p.content.decode()).group(1) for p in pages]
    assert len(set(tokens)) == 3  # masked afresh on every render: never a copy of another page
    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    for page in pages:
        assert "private" in page["Cache-Control"] and "ETag" not in page
        assert "Cookie" in page["Vary"]


def test_the_site_revision_is_stable_within_a_process():
    assert site_revision() == site_revision()
    assert re.fullmatch(r"[0-9a-f]{12}", site_revision())


def _settings_module(name: str, monkeypatch, **env: str) -> dict:
    for key in ("REDIS_URL", "PAGE_CACHE_SECONDS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SETTINGS_DIR / f"{name}.py"))


def test_it_uses_local_memory_without_redis_url(monkeypatch):
    values = _settings_module("base", monkeypatch)
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["PAGE_CACHE_SECONDS"] > 0


def test_it_uses_redis_when_redis_url_is_set(monkeypatch):
    values = _settings_module("base", monkeypatch, REDIS_URL="redis://cache.internal:6380/2", PAGE_CACHE_SECONDS="60")
    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6380/2",
    }
    assert values["PAGE_CACHE_SECONDS"] == 60


def test_it_refuses_a_negative_page_cache_lifetime(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="PAGE_CACHE_SECONDS"):
        _settings_module("base", monkeypatch, PAGE_CACHE_SECONDS="-1")


def test_production_serves_fingerprinted_compressed_static_files(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    values = _settings_module("production", monkeypatch)
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in values["MIDDLEWARE"]


def test_tests_run_on_plain_static_storage():
    assert django_settings.STORAGES["staticfiles"]["BACKEND"].endswith("StaticFilesStorage")
    assert "Manifest" not in django_settings.STORAGES["staticfiles"]["BACKEND"]


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            raise AssertionError(f"Redis at {REDIS_URL} must be reachable in CI: {exc}") from exc
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({exc}); set CELLDECIDE_TEST_REDIS or start redis-server")


def test_it_shares_rendered_pages_through_redis(client, renders, settings):
    _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    try:
        first = client.get("/stages/")
        second = client.get("/stages/", HTTP_IF_NONE_MATCH=first["ETag"])
        third = client.get("/stages/")
        assert (first.status_code, second.status_code, third.status_code) == (200, 304, 200)
        assert third.content == first.content
        assert renders.call_count == 1
        stored = server.keys(f"{prefix}:*")
        assert any(b":page:" in key and key.endswith(b"/stages/") for key in stored)
    finally:  # delete only this test's keys: the server may hold other data
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
