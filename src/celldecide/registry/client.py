"""A small client for the ClinicalTrials.gov API v2 `GET /studies` endpoint.

The `httpx.Client` is injectable (tests pass one built on `httpx.MockTransport`
with recorded responses) and so is `sleep`, so retries never make a test wait.

>>> import httpx, json
>>> page = {"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT06325566"}}}]}
>>> transport = httpx.MockTransport(lambda request: httpx.Response(200, json=page))
>>> client = CtGovClient(httpx.Client(transport=transport))
>>> [s["protocolSection"]["identificationModule"]["nctId"] for s in client.iter_studies(term="stem cell")]
['NCT06325566']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from celldecide import __version__

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
MAX_PAGE_SIZE = 1000  # the API coerces anything larger down to 1,000
USER_AGENT = f"CellDecide/{__version__}"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class CtGovError(RuntimeError):
    """The API refused a request or kept failing after every retry."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of studies and the token for the next, if any."""

    studies: list[dict[str, Any]]
    next_page_token: str | None
    total_count: int | None


class CtGovClient:
    """Search ClinicalTrials.gov and page through the results, retrying politely."""

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        page_size: int = MAX_PAGE_SIZE,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        if max_retries < 0:
            raise ValueError("max_retries cannot be negative")
        self._http = http or httpx.Client()
        self._base_url = base_url.rstrip("/")
        self._page_size = page_size
        self._timeout = timeout
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._sleep = sleep

    def fetch_page(
        self,
        *,
        term: str | None = None,
        condition: str | None = None,
        page_token: str | None = None,
        page_size: int | None = None,
        count_total: bool = False,
    ) -> Page:
        """Return one page of `GET /studies` for a free-text term and/or a condition."""
        params: dict[str, str | int] = {"format": "json", "pageSize": page_size or self._page_size}
        if term:
            params["query.term"] = term
        if condition:
            params["query.cond"] = condition
        if page_token:
            params["pageToken"] = page_token
        if count_total:
            params["countTotal"] = "true"
        payload = self._get_json(f"{self._base_url}/studies", params)
        studies = payload.get("studies") if isinstance(payload, dict) else None
        if not isinstance(studies, list):
            raise CtGovError("the response has no 'studies' list")
        token = payload.get("nextPageToken")
        total = payload.get("totalCount")
        return Page(
            studies=studies,
            next_page_token=token if isinstance(token, str) and token else None,
            total_count=total if isinstance(total, int) else None,
        )

    def iter_studies(
        self,
        *,
        term: str | None = None,
        condition: str | None = None,
        max_records: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield v2 `Study` objects page after page until the last page or `max_records`.

        A token the server returns twice ends the loop: following it would
        repeat the same page forever.
        """
        if not term and not condition:
            raise ValueError("give a search term, a condition, or both")
        yielded = 0
        token: str | None = None
        seen_tokens: set[str] = set()
        while True:
            remaining = None if max_records is None else max_records - yielded
            if remaining is not None and remaining <= 0:
                return
            size = self._page_size if remaining is None else min(self._page_size, remaining)
            page = self.fetch_page(term=term, condition=condition, page_token=token, page_size=size)
            for study in page.studies:
                if max_records is not None and yielded >= max_records:
                    return
                yield study
                yielded += 1
            token = page.next_page_token
            if token is None or token in seen_tokens or not page.studies:
                return
            seen_tokens.add(token)

    def _get_json(self, url: str, params: dict[str, str | int]) -> Any:
        """GET with retries on 429 and 5xx and on transport errors, honouring Retry-After."""
        attempt = 0
        while True:
            try:
                response = self._http.get(
                    url, params=params, headers={"User-Agent": USER_AGENT}, timeout=self._timeout
                )
            except httpx.TransportError as error:
                if attempt >= self._max_retries:
                    raise CtGovError(f"ClinicalTrials.gov unreachable after {attempt + 1} attempts: {error}") from error
                self._sleep(self._delay(attempt, None))
                attempt += 1
                continue
            if response.status_code in _RETRY_STATUSES and attempt < self._max_retries:
                self._sleep(self._delay(attempt, response.headers.get("Retry-After")))
                attempt += 1
                continue
            if response.status_code != 200:
                raise CtGovError(
                    f"ClinicalTrials.gov answered {response.status_code} after {attempt + 1} attempt(s): "
                    f"{response.text[:200]}"
                )
            try:
                return response.json()
            except ValueError as error:
                raise CtGovError(f"ClinicalTrials.gov sent a response that is not JSON: {error}") from error

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Return the wait before the next attempt: the server's Retry-After, else exponential backoff."""
        server = _retry_after_seconds(retry_after)
        if server is not None:
            return min(server, self._max_backoff)
        return min(self._backoff * (2**attempt), self._max_backoff)


def _retry_after_seconds(value: str | None) -> float | None:
    """Read Retry-After as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # not "²", which isdigit() takes and float() refuses
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
