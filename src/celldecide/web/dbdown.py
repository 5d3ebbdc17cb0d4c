"""Answer 503 with Retry-After while the database cannot be reached, instead of a 500 error page.

When PostgreSQL stops (a restart, a failover, a network cut), a query raises `OperationalError` or
`InterfaceError`. This middleware turns those into a clean "try again shortly" answer: the API's one error
shape under /api/, a short HTML page elsewhere. Nothing has to be restarted when the server returns: a
connection that failed is closed at the end of its request, and `CONN_HEALTH_CHECKS` (set by
`celldecide.web.env.env_database`) makes the next request test a reused connection before trusting it.
"""

from __future__ import annotations

import json
import logging

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("celldecide.web.dbdown")

# How long a client should wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 30
MESSAGE = "CellDecide cannot reach its database at the moment. Please try again in a minute."
PAGE = (
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Temporarily unavailable - CellDecide</title></head>\n"
    "<body><main><h1>Temporarily unavailable</h1>"
    f"<p>{MESSAGE}</p><p>Pages that need no stored data, such as the <a href=\"/\">hub</a>, still work.</p>"
    "</main></body></html>\n"
)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """Return the 503 answer: JSON `{"error": {...}}` for the API, an HTML page for everything else."""
    if request.path.startswith("/api/"):
        from celldecide.web.api.errors import SERVICE_UNAVAILABLE, error_body

        response = HttpResponse(
            json.dumps(error_body(SERVICE_UNAVAILABLE, MESSAGE)), status=503, content_type="application/json"
        )
    else:
        response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Map a database connection failure raised by a view (or by rendering its template) to a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer 503 for OperationalError and InterfaceError; leave every other exception to Django."""
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # One line per request, not a traceback: during an outage every request fails the same way.
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, str(exception).strip())
        return database_unavailable(request)
