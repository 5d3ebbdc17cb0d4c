"""Every row of the bad-input catalogue (cases.py) as a test: the answer CellDecide gives, asserted."""

from __future__ import annotations

import datetime as dt
import functools
import json

import pytest
from django.utils.html import escape

from celldecide.cli import main
from celldecide.fetch import ERRORS, FetchError, fetch_public_url
from celldecide.reader import read
from celldecide.reader.errors import ReaderInputError
from tests.badinput import cases
from tests.fetch.cases import Refusal
from tests.fetch.world import PUBLIC_V4, PUBLIC_V4_OTHER, PUBLIC_V6


def _ids(rows) -> list[str]:
    return [row.input for row in rows]


# --- HTTP ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("case", cases.HTTP, ids=_ids(cases.HTTP))
def test_http(case: cases.Http, client, unlimited):
    body = case.body() if case.body else None
    if case.method == "GET":
        response = client.get(case.path)
    elif case.content_type == "form":
        response = client.post(case.path, body)
    else:
        response = client.post(case.path, body, content_type=case.content_type)
    assert response.status_code == case.status, response.content[:300]
    if case.code:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"]["code"] == case.code
    if case.contains:
        assert response["Content-Type"].startswith("text/html")
        assert escape(case.contains) in response.content.decode()


# --- the reader ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases.READER, ids=_ids(cases.READER))
def test_reader(case: cases.Reader, knowledge):
    if case.code:
        with pytest.raises(ReaderInputError) as refused:
            read(case.data(), knowledge=knowledge)
        assert refused.value.code == case.code
    else:
        assert case.check(read(case.data(), knowledge=knowledge).to_json())


# --- the command line ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases.CLI, ids=_ids(cases.CLI))
def test_cli(case: cases.Cli, tmp_path, capsys, monkeypatch, knowledge):
    monkeypatch.setattr("celldecide.cli.read._knowledge", lambda: knowledge)
    if case.stdin:
        import io
        import sys

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case.data())))
        argv = ["read", "-"]
    else:
        path = tmp_path / "input.txt"
        path.write_bytes(case.data())
        argv = ["read", str(path)]
    assert main(argv) == case.exit_code
    assert case.stderr in capsys.readouterr().err


# --- text shown back to people --------------------------------------------------------------------------------


def _read_page_escapes_markup_and_quotes(client, admin_client) -> None:
    text = "<p>&lt;script&gt;alert(1)&lt;/script&gt; Our stem cells treat Alzheimer's, Parkinson's &amp; autism.</p>"
    response = client.post("/read/", {"text": text, "url": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert cases.SCRIPT not in html and escape(cases.SCRIPT) in html
    assert ">Alzheimer&#x27;s</q>" in html and ">Alzheimer&#x27;s</mark>" in html
    assert "<mark" in html


def _correction_in_admin(client, admin_client) -> None:
    from celldecide.web.corrections.models import Correction

    response = client.post("/corrections/report/", {"page": f"/faq/{cases.SCRIPT}", "problem": cases.SCRIPT})
    assert response.status_code == 200 and cases.SCRIPT not in response.content.decode()
    stored = Correction.objects.get()
    for path in ("/admin/corrections/correction/", f"/admin/corrections/correction/{stored.pk}/change/"):
        page = admin_client.get(path)
        assert page.status_code == 200
        assert cases.SCRIPT not in page.content.decode() and escape(cases.SCRIPT) in page.content.decode()


def _correction_in_public_log(client, admin_client) -> None:
    from celldecide.web.corrections.models import Correction

    Correction.objects.create(page=f"/faq/{cases.SCRIPT}", problem="x", status="fixed",
                              fixed_on=dt.date(2026, 11, 20), public_note=cases.SCRIPT)  # fmt: skip
    html = client.get("/corrections/").content.decode()
    assert cases.SCRIPT not in html and html.count(escape(cases.SCRIPT)) >= 2


def _search_query(client, admin_client) -> None:
    for path in ("/trials/", "/search"):
        response = client.get(path, {"q": cases.SCRIPT})
        assert response.status_code == 200
        assert cases.SCRIPT not in response.content.decode() and escape(cases.SCRIPT) in response.content.decode()


def _backslash_page_refused(client, admin_client) -> None:
    from celldecide.web.corrections.models import Correction

    for page in ("/\\evil.example", "/\t/evil.example"):
        assert client.post("/corrections/report/", {"page": page, "problem": "x"}).status_code == 400
    assert not Correction.objects.exists()


SHOWN_CHECKS = [_read_page_escapes_markup_and_quotes, _correction_in_admin, _correction_in_public_log, _search_query,
                _backslash_page_refused]  # fmt: skip


def test_every_shown_row_has_its_check():
    assert len(SHOWN_CHECKS) == len(cases.SHOWN)


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(cases.SHOWN)), ids=_ids(cases.SHOWN))
def test_shown_escaped(index: int, client, admin_client, unlimited):
    SHOWN_CHECKS[index](client, admin_client)


# --- URLs: the page and the API explain every refusal ---------------------------------------------------------

PUBLIC = {PUBLIC_V4, PUBLIC_V4_OTHER, PUBLIC_V6, f"[{PUBLIC_V6}]"}


def _offline(monkeypatch, case: Refusal):
    """Make the site fetch through the case's fake resolver and sites; return the world to inspect after."""
    world = case.world()
    fetch = functools.partial(fetch_public_url, client=world.client(), resolver=world.resolve)
    monkeypatch.setattr("celldecide.fetch.fetch_public_url", fetch)
    return world


def _page_code(case: Refusal) -> str:
    """Return the refusal the page gives: the form puts https:// before an address that names no scheme."""
    from celldecide.web.readings.forms import ReadForm

    form = ReadForm({"text": "", "url": case.url})
    assert form.is_valid(), form.errors
    world = case.world()
    with pytest.raises(FetchError) as refused:
        fetch_public_url(form.cleaned_data["url"], client=world.client(), resolver=world.resolve)
    return refused.value.code


def _explained(case: Refusal, client, monkeypatch) -> None:
    world = _offline(monkeypatch, case)
    api = client.post("/api/v1/read", json.dumps({"url": case.url}), content_type="application/json")
    assert api.status_code == 400
    error = api.json()["error"]
    assert (error["code"], error["detail"]["reason"]) == ("url_refused", case.code)
    assert error["message"] == ERRORS[case.code].message
    page = client.post("/read/", {"text": "", "url": case.url})
    assert page.status_code == 400
    assert escape(ERRORS[_page_code(case)].message) in page.content.decode()
    assert all(request.url.host in PUBLIC for request in world.requests), "a request left for a private address"


@pytest.mark.django_db
@pytest.mark.parametrize("case", cases.URLS, ids=[case.url for case in cases.URLS])
def test_private_address_is_explained(case: Refusal, client, monkeypatch, unlimited):
    _explained(case, client, monkeypatch)


@pytest.mark.django_db
@pytest.mark.parametrize("case", cases.OTHER_URLS, ids=[case.url for case in cases.OTHER_URLS])
def test_other_url_refusal_is_explained(case: Refusal, client, monkeypatch, unlimited):
    _explained(case, client, monkeypatch)


# --- registry files -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("case", cases.REGISTRY, ids=_ids(cases.REGISTRY))
def test_registry_file(case: cases.Registry, tmp_path, monkeypatch):
    from celldecide.registry.parsers import parse_bytes, parse_path
    from celldecide.registry.records import TrialRecord
    from celldecide.web.trials.models import Trial
    from celldecide.web.trials.services import trials_import_paths

    monkeypatch.setattr("celldecide.web.trials.services.parse_path",
                        functools.partial(parse_path, max_bytes=cases.TEST_REGISTRY_LIMIT))  # fmt: skip
    bad = tmp_path / case.name
    bad.write_bytes(case.content())
    good = tmp_path / "zz-good.json"
    good.write_bytes(cases.GOOD_FILE.read_bytes())
    summary = trials_import_paths(paths=[bad, good])
    rejections = [r for r in summary.rejections if r.source and case.name in r.source]
    assert rejections and any(case.reason in r.reason for r in rejections), [r.reason for r in summary.rejections]
    readable = {r.id for r in parse_bytes(case.content(), max_bytes=cases.TEST_REGISTRY_LIMIT) if isinstance(r, TrialRecord)} \
        if case.imported else set()
    assert Trial.objects.filter(trial_id__in=readable).count() == case.imported
    assert Trial.objects.filter(trial_id=cases.GOOD_ID).exists()
