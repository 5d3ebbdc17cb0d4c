"""Report an error (a short CSRF-protected form, rate-limited) and the public corrections log."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from celldecide.web.corrections.forms import ReportForm
from celldecide.web.corrections.services import correction_report, corrections_fixed
from celldecide.web.ratelimit import Limit, hit


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Show the form; on a valid POST store the report and thank the reader."""
    context = {"title": "Report an error", "description": "Tell the editors about a mistake on CellDecide."}
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            retry = hit(request, scope="corrections", limit=Limit.parse(settings.CORRECTIONS_RATE_LIMIT))
            if retry is not None:
                response = render(request, "corrections/report.html", {**context, "form": form, "limited": True}, status=429)
                response["Retry-After"] = str(retry)
                return response
            correction_report(**form.cleaned_data)
            return render(request, "corrections/thanks.html", {**context, "page": form.cleaned_data["page"]})
        return render(request, "corrections/report.html", {**context, "form": form}, status=400)
    form = ReportForm(initial={"page": request.GET.get("page", "/")[:300]})
    return render(request, "corrections/report.html", {**context, "form": form})


@require_safe
def log(request: HttpRequest) -> HttpResponse:
    """List the errors that were reported and fixed, with their dates."""
    return render(
        request,
        "corrections/log.html",
        {
            "title": "Corrections",
            "description": "Errors readers reported and editors fixed, with the date of each fix.",
            "corrections": corrections_fixed(),
        },
    )
