"""Write corrections; read the public log."""

from __future__ import annotations

from django.db.models import QuerySet

from celldecide.web.corrections.models import Correction


def correction_report(*, page: str, problem: str, suggestion: str = "", contact: str = "") -> Correction:
    """Store one error report for the editors."""
    return Correction.objects.create(page=page[:300], problem=problem, suggestion=suggestion, contact=contact[:200])


def corrections_fixed() -> QuerySet[Correction]:
    """Return the fixed corrections, newest first, for the public log."""
    return Correction.objects.filter(status=Correction.Status.FIXED).order_by("-fixed_on", "-created_at")
