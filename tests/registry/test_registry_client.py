"""The ClinicalTrials.gov client: paging, limits and polite retries, over recorded responses only."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from celldecide.registry.client import MAX_PAGE_SIZE, USER_AGENT, CtGovClient, CtGovError


def _page(fixtures_dir: Path, name: str, *, token: str | None) -> dict:
    """Load a recorded page; the recorded tokens are placeholders, so each test sets its own chain."""
    page = json.loads((fixtures_dir / name).read_text(encoding="utf-8"))
    page.pop("nextPageToken", None)
    if token:
        page["nextPageToken"] = token
    return page


@pytest.fixture()
def pages(fixtures_dir: Path) -> dict[str | None, dict]:
    return {
        None: _page(fixtures_dir, "page_search_phelan_limit5_20260811.json", token="page-2"),
        "page-2": _page(fixtures_dir, "page_search_phelan_next_20260811.json", token="page-3"),
        "page-3": _page(fixtures_dir, "page_search_keytruda_limit3_20260811.json", token=None),
    }


class Recorder:
    """A MockTransport handler that serves pages by token and remembers every request."""

    def __init__(self, pages: dict[str | None, dict], failures: list[httpx.Response | Exception] | None = None):
        self.pages = pages
        self.failures = list(failures or [])
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        return httpx.Response(200, json=self.pages[request.url.params.get("pageToken")])


def _client(handler: Recorder, sleeps: list[float], **options) -> CtGovClient:
    return CtGovClient(httpx.Client(transport=httpx.MockTransport(handler)), sleep=sleeps.append, **options)


def _nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def test_it_follows_page_tokens_to_the_last_page(pages: dict) -> None:
    handler, sleeps = Recorder(pages), []
    studies = list(_client(handler, sleeps).iter_studies(term="Phelan-McDermid"))
    assert len(studies) == 5 + 5 + 3
    assert _nct(studies[0]) == "NCT02710084"
    assert [r.url.params.get("pageToken") for r in handler.requests] == [None, "page-2", "page-3"]
    assert sleeps == []


def test_it_sends_the_query_page_size_and_user_agent(pages: dict) -> None:
    handler = Recorder(pages)
    list(_client(handler, [], page_size=250).iter_studies(term="stem cell", condition="knee osteoarthritis"))
    first = handler.requests[0]
    assert first.url.path == "/api/v2/studies"
    assert first.url.params["query.term"] == "stem cell"
    assert first.url.params["query.cond"] == "knee osteoarthritis"
    assert first.url.params["pageSize"] == "250"
    assert first.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("CellDecide/")


def test_it_stops_at_max_records_and_asks_only_for_what_it_needs(pages: dict) -> None:
    handler = Recorder(pages)
    studies = list(_client(handler, [], page_size=5).iter_studies(term="Phelan", max_records=7))
    assert len(studies) == 7
    assert [r.url.params["pageSize"] for r in handler.requests] == ["5", "2"]


def test_it_stops_when_the_server_repeats_a_token(fixtures_dir: Path) -> None:
    looping = {
        None: _page(fixtures_dir, "page_search_phelan_limit5_20260811.json", token="same"),
        "same": _page(fixtures_dir, "page_search_phelan_next_20260811.json", token="same"),
    }
    handler = Recorder(looping)
    assert len(list(_client(handler, []).iter_studies(term="Phelan"))) == 10
    assert len(handler.requests) == 2


@pytest.mark.parametrize(
    ("failures", "expected_sleeps"),
    [
        ([httpx.Response(429, headers={"Retry-After": "7"})], [7.0]),
        ([httpx.Response(503), httpx.Response(502)], [1.0, 2.0]),
        ([httpx.Response(429), httpx.Response(500), httpx.Response(504)], [1.0, 2.0, 4.0]),
        ([httpx.ConnectError("connection refused")], [1.0]),
        ([httpx.Response(429, headers={"Retry-After": "3600"})], [60.0]),
        ([httpx.Response(429, headers={"Retry-After": b"\xb2"})], [1.0]),  # "²", unreadable: the backoff instead
    ],
)
def test_it_retries_429_5xx_and_transport_errors_with_backoff(
    pages: dict, failures: list, expected_sleeps: list[float]
) -> None:
    handler, sleeps = Recorder(pages, failures), []
    page = _client(handler, sleeps).fetch_page(term="Phelan")
    assert len(page.studies) == 5 and page.next_page_token == "page-2" and page.total_count == 21
    assert sleeps == expected_sleeps


def test_it_gives_up_after_max_retries(pages: dict) -> None:
    handler, sleeps = Recorder(pages, [httpx.Response(503)] * 4), []
    with pytest.raises(CtGovError, match="503 after 4 attempt"):
        _client(handler, sleeps, max_retries=3).fetch_page(term="Phelan")
    assert sleeps == [1.0, 2.0, 4.0]


@pytest.mark.parametrize("status", [400, 404])
def test_it_does_not_retry_client_errors(pages: dict, status: int) -> None:
    handler, sleeps = Recorder(pages, [httpx.Response(status, text="bad query")]), []
    with pytest.raises(CtGovError, match=str(status)):
        _client(handler, sleeps).fetch_page(term="Phelan")
    assert sleeps == [] and len(handler.requests) == 1


@pytest.mark.parametrize("size", [0, MAX_PAGE_SIZE + 1])
def test_it_refuses_a_page_size_the_api_does_not_take(size: int) -> None:
    with pytest.raises(ValueError, match="page_size"):
        CtGovClient(page_size=size)


def test_it_needs_a_term_or_a_condition(pages: dict) -> None:
    with pytest.raises(ValueError):
        list(_client(Recorder(pages), []).iter_studies())
