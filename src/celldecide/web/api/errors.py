"""The API's error codes (stable: clients depend on them) and its one error shape:
`{"error": {"code": "...", "message": "...", "detail": ...}}`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

BAD_REQUEST = "bad_request"
VALIDATION_ERROR = "validation_error"
NOT_FOUND = "not_found"
PAYLOAD_TOO_LARGE = "payload_too_large"
RATE_LIMITED = "rate_limited"
# The reader's own input-error codes, passed through unchanged.
TEXT_EMPTY = "empty_text"
TEXT_TOO_LONG = "text_too_long"
TEXT_UNDECODABLE = "undecodable_input"
URL_REFUSED = "url_refused"
SERVICE_UNAVAILABLE = "service_unavailable"
SERVER_ERROR = "server_error"

CODES = (
    BAD_REQUEST, VALIDATION_ERROR, NOT_FOUND, PAYLOAD_TOO_LARGE, RATE_LIMITED, TEXT_EMPTY, TEXT_TOO_LONG,
    TEXT_UNDECODABLE, URL_REFUSED, SERVICE_UNAVAILABLE, SERVER_ERROR,
)


class ApiError(Exception):
    """Raise from an endpoint to answer with the shared error shape."""

    def __init__(self, status: int, code: str, message: str, detail: Any = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail
        self.headers = headers or {}


def error_body(code: str, message: str, detail: Any = None) -> dict:
    """Return the error object every failing API response carries."""
    body: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    return {"error": body}


def error_response(api, request: HttpRequest, exc: ApiError) -> HttpResponse:
    """Render an ApiError with ninja's renderer and the error's extra headers."""
    response = api.create_response(request, error_body(exc.code, exc.message, exc.detail), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response
