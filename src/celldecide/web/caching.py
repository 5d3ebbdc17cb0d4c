"""Cache rendered knowledge pages per knowledge version, answer conditional GETs, keep personal pages private.

A page of the evidence map is a pure function of the knowledge base, the site's code and the date (the sources
page flags what is due for re-checking today), so its rendered bytes are kept in Django's cache under a key
made of those three. Reloading the knowledge base changes its version and so every key: nothing stale is
served and nothing needs purging. Every cached page carries an ETag and a Last-Modified date, so a browser or a
CDN that sends them back gets 304 Not Modified.

What is never cached: anything but GET and HEAD, a request with a query string (its answer may depend on it,
and keys must not grow with what a client sends), a response other than 200, a response that sets a cookie,
and any page that used the session, the user or a CSRF token (forms that post back carry a per-client token:
one reader's token must never reach another). `PrivatePagesMiddleware` marks such pages `private`, so a shared
cache in front of the site does not keep them either.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver
from django.utils.cache import get_conditional_response, has_vary_header, patch_cache_control
from django.utils.http import http_date, quote_etag

from celldecide.web.pages.knowledge import current_knowledge

View = Callable[..., HttpResponseBase]
WEB_DIR = Path(__file__).resolve().parent
# Headers a view sets that belong to the page itself (the middleware adds the rest on every response).
_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


@functools.cache
def site_revision() -> str:
    """Return a digest of the web package's files (code, templates, static files), computed once per process.

    It goes into every page key, so a deployment that changes a template or a stylesheet never serves HTML
    rendered by the previous one from a shared cache (Redis).
    """
    digest = hashlib.sha256()
    for path in sorted(WEB_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(WEB_DIR).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def page_cache_key(request: HttpRequest) -> str:
    """Return the cache key of the page at `request.path` for the current knowledge version, code and day.

    >>> page_cache_key(request)  # doctest: +SKIP
    'page:kb-3f1c0a9e77d2:5be0c2d18a44:2026-11-26:/stages/'
    """
    version = current_knowledge().version
    today = dt.datetime.now(dt.UTC).date().isoformat()
    path = hashlib.sha256(request.path.encode()).hexdigest()[:24] if len(request.path) > 200 else request.path
    return f"page:{version}:{site_revision()}:{today}:{path}"


def _cacheable_request(request: HttpRequest) -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD") and not request.META.get(
        "QUERY_STRING"
    )


def _personal(request: HttpRequest) -> bool:
    """Return whether rendering used something particular to this client (a CSRF token, the session, the user)."""
    session = getattr(request, "session", None)
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) or bool(session is not None and session.accessed)


def _entry(request: HttpRequest, response: HttpResponseBase) -> dict[str, Any] | None:
    """Return what is kept of a freshly rendered response, or None when it must not be cached."""
    if response.status_code != 200 or response.streaming or response.cookies or _personal(request):
        return None
    if has_vary_header(response, "Cookie") or "private" in response.get("Cache-Control", ""):
        return None
    content = response.content
    return {
        "content": content,
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
        "etag": quote_etag(hashlib.sha256(content).hexdigest()[:32]),
        "last_modified": int(time.time()),
    }


def _response(entry: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"].items():
        response[name] = value
    return response


def _validated(request: HttpRequest, response: HttpResponse, entry: dict[str, Any]) -> HttpResponse:
    """Add the validators and the caching policy; return 304 when the client's copy is current."""
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    # Shared caches may keep the page but must ask again: a knowledge reload changes it at once.
    patch_cache_control(response, public=True, no_cache=True)
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


def knowledge_page(view: View) -> View:
    """Serve `view` from the page cache when its page was rendered for this knowledge version; else render it.

    Only for views whose page depends on the path and the knowledge base alone.
    """

    @functools.wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_cache_key(request)
        entry = cache.get(key)
        if entry is not None:
            return _validated(request, _response(entry), entry)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        entry = _entry(request, response)
        if entry is None:
            return response
        cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        return _validated(request, response, entry)

    return cached_view


def knowledge_pages(urlconf: str, *, except_names: Iterable[str] = ()) -> list[URLPattern | URLResolver]:
    """Return the URL patterns of module `urlconf` with every view (but those named in `except_names`) cached.

    Used at the include level, so an app's own urls and views stay free of caching concerns:
    `path("", include(knowledge_pages("celldecide.web.pages.urls", except_names={"search"})))`.
    """
    skip = set(except_names)
    patterns: list[URLPattern | URLResolver] = []
    for pattern in import_module(urlconf).urlpatterns:
        if isinstance(pattern, URLPattern) and pattern.name not in skip:
            pattern = URLPattern(pattern.pattern, knowledge_page(pattern.callback), pattern.default_args, pattern.name)
        patterns.append(pattern)
    return patterns


class PrivatePagesMiddleware:
    """Mark a response that varies by cookie (a CSRF form, the session, the user) `private, no-cache`.

    Django adds `Vary: Cookie` whenever a page used the CSRF token or the session; such a page must not be
    kept by a shared cache, or one reader's form token would be handed to the next.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if has_vary_header(response, "Cookie") and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
