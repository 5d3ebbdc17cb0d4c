"""Cross-cutting HTTP behaviour: security headers and the request-size limit."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# No inline script or style anywhere on the site: the policy allows only files served from this origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response (Django sets the others)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class BodySizeLimitMiddleware:
    """Refuse a request whose declared body is larger than settings.MAX_REQUEST_BYTES with 413, before reading it.

    Bodies sent without a Content-Length are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE when read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            return payload_too_large(request, limit)
        return self.get_response(request)


def payload_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """Return 413 as JSON for the API and as a short page elsewhere."""
    message = f"The request body is larger than {limit // 1024} KB, the most CellDecide accepts."
    if request.path.startswith("/api/"):
        body = {"error": {"code": "payload_too_large", "message": message}}
        return HttpResponse(json.dumps(body), status=413, content_type="application/json")
    return HttpResponse(f"<!doctype html><title>Too large</title><p>{message}</p>", status=413)
