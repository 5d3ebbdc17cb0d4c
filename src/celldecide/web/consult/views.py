"""The consult worksheet: write down a clinic's answers, see each one read; print it, download a PDF, or make a link."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from celldecide.web.consult import services
from celldecide.web.consult.forms import ConsultForm, field_name
from celldecide.web.consult.present import present_sheet, worksheet_sections
from celldecide.web.pages.knowledge import current_knowledge
from celldecide.web.ratelimit import Limit, hit

ACTIONS = ("read", "print", "pdf", "link", "edit")
PAGE = {
    "title": "Consult worksheet",
    "description": "Write down what a clinic answers to the questions to ask before paying, and see each answer read.",
}
PRINT_CSS = Path(__file__).resolve().parent / "static" / "consult" / "print-consult.css"
NO_ANSWER = "Write down at least one of the clinic's answers to read the sheet."


def _fields(form: ConsultForm, kb) -> list[dict]:
    """Return the worksheet's sections with each question's bound field, for the form template."""
    return [
        {"id": section.id, "title": section.title,
         "questions": [{"q": q, "field": form[field_name(q.id)]} for q in section.items]}
        for section in worksheet_sections(kb)
    ]


def _worksheet_page(request: HttpRequest, form: ConsultForm, *, error: str = "", status: int = 200) -> HttpResponse:
    context = {**PAGE, "form": form, "sections": _fields(form, current_knowledge()), "error": error}
    return render(request, "consult/worksheet.html", context, status=status)


def _no_fetch(url: str, *args, **kwargs):
    # The PDF is built from our own HTML and stylesheet only: never let WeasyPrint fetch a URL.
    raise ValueError(f"refusing to fetch {url} while building a PDF")


def _pdf(html: str, *, name: str) -> HttpResponse:
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(PRINT_CSS), url_fetcher=_no_fetch)
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _print_html(request: HttpRequest, context: dict, *, for_pdf: bool = False) -> str:
    return render_to_string("consult/print.html", {**context, "for_pdf": for_pdf}, request=request)


def _hidden(form: ConsultForm) -> list[tuple[str, str]]:
    """Return the filled fields as (name, value), so the result page can send the sheet again to print it."""
    data = form.cleaned_data
    hidden = [("clinic", data.get("clinic") or "")]
    if data.get("consulted_on"):
        hidden.append(("consulted_on", data["consulted_on"].isoformat()))
    hidden += [(field_name(qid), text) for qid, text in form.answers().items() if text]
    return [(name, value) for name, value in hidden if value]


@never_cache
@require_http_methods(["GET", "POST"])
def worksheet(request: HttpRequest) -> HttpResponse:
    """GET: the empty worksheet. POST: read every answer and show, print, download or link the filled sheet."""
    kb = current_knowledge()
    questions = [q for section in worksheet_sections(kb) for q in section.items]
    if request.method == "GET":
        return _worksheet_page(request, ConsultForm(questions=questions))
    form = ConsultForm(request.POST, questions=questions)
    action = request.POST.get("action", "read")
    if action == "edit":
        form.is_valid()  # show any problem next to its answer
        return _worksheet_page(request, form)
    if action not in ACTIONS or not form.is_valid():
        return _worksheet_page(request, form, status=400)
    answers = form.answers()
    if action in ("read", "link") and not any(text.strip() for text in answers.values()):
        return _worksheet_page(request, form, error=NO_ANSWER, status=400)
    retry = hit(request, scope="consult", limit=Limit.parse(settings.READ_RATE_LIMIT))
    if retry is not None:
        response = _worksheet_page(
            request, form, error="Too many sheets read from your connection in a minute. Please wait and try again.",
            status=429,
        )
        response["Retry-After"] = str(retry)
        return response
    sheet = services.consult_sheet_make(
        answers=answers, clinic=form.cleaned_data["clinic"], consulted_on=form.cleaned_data["consulted_on"]
    )
    if action == "link":
        shared, owner_key = services.shared_consult_create(sheet=sheet)
        return _shared_page(request, shared, owner_key=owner_key)
    context = {**PAGE, "title": "Your consult sheet", **present_sheet(sheet, kb)}
    if action == "print":
        return HttpResponse(_print_html(request, context))
    if action == "pdf":
        return _pdf(_print_html(request, context, for_pdf=True), name="celldecide-consult")
    return render(request, "consult/sheet.html", {**context, "hidden": _hidden(form)})


def _found(sheet_id: str):
    found = services.shared_consult_get(sheet_id=sheet_id)
    if found is None:
        raise Http404("This consult sheet does not exist, was deleted, or has expired.")
    return found


def _shared_page(request: HttpRequest, shared, *, owner_key: str | None = None) -> HttpResponse:
    context = {**PAGE, "title": "A shared consult sheet", "shared": shared, "owner_key": owner_key,
               **present_sheet(shared.sheet, current_knowledge())}
    response = render(request, "consult/sheet.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_safe
def shared(request: HttpRequest, sheet_id: str) -> HttpResponse:
    """Show a shared sheet until it expires."""
    return _shared_page(request, _found(sheet_id))


@never_cache
@require_safe
def shared_print(request: HttpRequest, sheet_id: str, fmt: str) -> HttpResponse:
    """The printable page (`fmt` "print") or the PDF (`fmt` "pdf") of a shared sheet."""
    if fmt not in ("print", "pdf"):
        raise Http404("Unknown format.")
    found = _found(sheet_id)
    context = {**PAGE, "title": "A shared consult sheet", **present_sheet(found.sheet, current_knowledge())}
    if fmt == "pdf":
        return _pdf(_print_html(request, context, for_pdf=True), name=f"celldecide-consult-{sheet_id}")
    response = HttpResponse(_print_html(request, context))
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def shared_delete(request: HttpRequest, sheet_id: str) -> HttpResponse:
    """GET: ask to confirm. POST with the owner's key: delete the shared sheet."""
    key = request.POST.get("key") or request.GET.get("key", "")
    context = {"title": "Delete a shared consult sheet", "description": "Delete a consult sheet you shared.",
               "sheet_id": sheet_id, "key": key}
    if request.method == "POST":
        deleted = services.shared_consult_delete(sheet_id=sheet_id, owner_key=key)
        return render(request, "consult/deleted.html", {**context, "deleted": deleted}, status=200 if deleted else 403)
    return render(request, "consult/delete.html", context)
