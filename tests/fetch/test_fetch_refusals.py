"""Every refused URL form in `cases.REFUSALS` is refused with its code, before anything private is contacted."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from celldecide.fetch import ERRORS, FetchError, fetch_public_url, is_public_address, parse_url
from tests.fetch.catalogue import describe
from tests.fetch.cases import ACCEPTED_LOOKING_ALIKE, REFUSALS, Refusal
from tests.fetch.world import Reply, World


@pytest.mark.parametrize("case", REFUSALS, ids=[case.url for case in REFUSALS])
def test_it_refuses_the_url_with_its_code(case: Refusal) -> None:
    world = case.world()
    with pytest.raises(FetchError) as refused:
        fetch_public_url(case.url, client=world.client(), resolver=world.resolve)
    assert refused.value.code == case.code
    assert refused.value.message == ERRORS[case.code].message


@pytest.mark.parametrize("case", REFUSALS, ids=[case.url for case in REFUSALS])
def test_it_never_sends_a_request_to_a_refused_address(case: Refusal) -> None:
    world = case.world()
    with pytest.raises(FetchError):
        fetch_public_url(case.url, client=world.client(), resolver=world.resolve)
    contacted = [ip_address(request.url.host) for request in world.requests]
    assert all(is_public_address(address) for address in contacted)


def test_it_covers_at_least_forty_refused_url_forms() -> None:
    urls = [case.url for case in REFUSALS if case.group != "Redirects"]
    redirects = [case.sites for case in REFUSALS if case.group == "Redirects"]
    assert len(set(urls)) + len(redirects) >= 40


def test_it_has_no_duplicate_rows() -> None:
    rows = [(case.url, describe(case)) for case in REFUSALS]
    assert len(rows) == len(set(rows))


@pytest.mark.parametrize("url", ACCEPTED_LOOKING_ALIKE)
def test_it_fetches_public_look_alikes_of_refused_forms(url: str) -> None:
    world = World(sites={f"{parse_url(url).netloc}/": Reply(body=b"<p>ok</p>")})
    page = fetch_public_url(url, client=world.client(), resolver=world.resolve)
    assert (page.status, page.text) == (200, "<p>ok</p>")
    assert world.lookups == []
