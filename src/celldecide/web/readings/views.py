"""The reader page: paste text or a URL, get a reading; print it, download it as PDF, or share it."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from celldecide.fetch.errors import FetchError
from celldecide.reader import ReaderInputError
from celldecide.web.pages.knowledge import current_knowledge
from celldecide.web.ratelimit import Limit, hit
from celldecide.web.readings import services
from celldecide.web.readings.forms import ReadForm
from celldecide.web.readings.present import present

ACTIONS = ("read", "print", "pdf", "share")
PAGE = {"title": "Read a stem cell claim", "description": "Paste a clinic page, a headline or a trial record and see what it really says."}


def _form_page(request: HttpRequest, form: ReadForm, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "readings/read.html", {**PAGE, "form": form, "error": error}, status=status)


def _no_fetch(url: str, *args, **kwargs):
    # The PDF is built from our own HTML and stylesheet only: never let WeasyPrint fetch a URL.
    raise ValueError(f"refusing to fetch {url} while building a PDF")


def _pdf(html: str, *, name: str) -> HttpResponse:
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(settings.WEB_DIR / "static" / "css" / "print-reading.css"), url_fetcher=_no_fetch)
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _print_html(request: HttpRequest, context: dict) -> str:
    return render_to_string("readings/print.html", context, request=request)


@require_http_methods(["GET", "POST"])
def read_page(request: HttpRequest) -> HttpResponse:
    """GET: the empty form. POST: read the text or URL and show, print, download or share the reading."""
    if request.method == "GET":
        return _form_page(request, ReadForm())
    form = ReadForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    retry = hit(request, scope="read", limit=Limit.parse(settings.READ_RATE_LIMIT))
    if retry is not None:
        response = _form_page(request, form, error="Too many readings from your connection in a minute. Please wait and try again.", status=429)
        response["Retry-After"] = str(retry)
        return response
    try:
        made = services.reading_make(text=form.cleaned_data["text"], url=form.cleaned_data["url"])
    except ReaderInputError as exc:
        return _form_page(request, form, error=f"{str(exc)[0].upper()}{str(exc)[1:]}.", status=400)
    except FetchError as exc:
        return _form_page(request, form, error=exc.message, status=400)
    action = request.POST.get("action", "read")
    context = {**PAGE, "source_url": made.source_url, **present(made.reading, current_knowledge())}
    if action == "share":
        shared, owner_key = services.shared_reading_create(reading=made.reading, source_url=made.source_url)
        return _shared_page(request, shared, owner_key=owner_key)
    if action == "print":
        return HttpResponse(_print_html(request, context))
    if action == "pdf":
        return _pdf(_print_html(request, context), name="celldecide-reading")
    return render(request, "readings/result.html", context)


def _claim_review(request: HttpRequest, shared, context: dict) -> str:
    reading = shared.reading
    stage = reading["stage"]
    names = context["stage_names"]
    rating = f"Evidence stated: {names.get(stage['evidenced'], 'none')}; invited to act at: {names.get(stage['claimed'], 'nothing')}"
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": settings.SITE_URL + request.path,
        "datePublished": shared.created_at.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.SITE_NAME},
        "claimReviewed": reading["text"][:280],
        "reviewBody": reading["summary"],
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }
    return mark_safe(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))


def _shared_page(request: HttpRequest, shared, *, owner_key: str | None = None) -> HttpResponse:
    context = {
        **PAGE,
        "title": "A shared reading",
        "shared": shared,
        "owner_key": owner_key,
        "source_url": shared.source_url,
        **present(shared.reading, current_knowledge()),
    }
    context["jsonld"] = _claim_review(request, shared, context)
    return render(request, "readings/result.html", context)


@require_safe
def shared(request: HttpRequest, reading_id: str) -> HttpResponse:
    """Show a shared reading until it expires."""
    found = services.shared_reading_get(reading_id=reading_id)
    if found is None:
        raise Http404("This shared reading does not exist, was deleted, or has expired.")
    return _shared_page(request, found)


@require_safe
def shared_print(request: HttpRequest, reading_id: str, fmt: str) -> HttpResponse:
    """The printable page (`fmt` "print") or the PDF (`fmt` "pdf") of a shared reading."""
    if fmt not in ("print", "pdf"):
        raise Http404("Unknown format.")
    found = services.shared_reading_get(reading_id=reading_id)
    if found is None:
        raise Http404("This shared reading does not exist, was deleted, or has expired.")
    html = _print_html(request, {**PAGE, "source_url": found.source_url, **present(found.reading, current_knowledge())})
    return _pdf(html, name=f"celldecide-reading-{reading_id}") if fmt == "pdf" else HttpResponse(html)


@require_http_methods(["GET", "POST"])
def shared_delete(request: HttpRequest, reading_id: str) -> HttpResponse:
    """GET: ask to confirm. POST with the owner's key: delete the shared reading."""
    key = request.POST.get("key") or request.GET.get("key", "")
    context = {"title": "Delete a shared reading", "description": "Delete a reading you shared.", "reading_id": reading_id, "key": key}
    if request.method == "POST":
        deleted = services.shared_reading_delete(reading_id=reading_id, owner_key=key)
        return render(request, "readings/deleted.html", {**context, "deleted": deleted}, status=200 if deleted else 403)
    return render(request, "readings/delete.html", context)
