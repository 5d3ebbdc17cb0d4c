"""`celldecide trials import | fetch | search`: the summary object, the reasons file, the hits."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from celldecide.cli import main
from celldecide.registry.client import CtGovClient
from celldecide.web.trials.models import Trial
from celldecide.web.trials.services import trials_fetch

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "registry"


def test_it_prints_exactly_the_five_counts_with_json(capsys, cell_array):
    assert main(["trials", "import", str(cell_array), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"read": 5, "inserted": 5, "updated": 0, "unchanged": 0,
                                                   "rejected": 0}  # fmt: skip


def test_it_writes_rejected_records_to_the_reasons_file_and_prints_its_path(capsys, tmp_path, cell_array):
    studies = json.loads(cell_array.read_text(encoding="utf-8"))
    del studies[0]["protocolSection"]["identificationModule"]["nctId"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(studies), encoding="utf-8")
    reasons = tmp_path / "reasons.jsonl"
    assert main(["trials", "import", str(broken), "--json", "--reasons", str(reasons)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["rejected"] == 1 and str(reasons) in err
    [line] = reasons.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["reason"].startswith("missing id") and json.loads(line)["source"] == str(broken)


def test_it_walks_a_folder(capsys, tmp_path, cell_array):
    (tmp_path / "one.json").write_bytes(cell_array.read_bytes())
    (tmp_path / "two.xml").write_bytes((FIXTURES / "classic_NCT02513394.xml").read_bytes())
    assert main(["trials", "import", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["inserted"] == 6


def test_it_refuses_a_path_that_does_not_exist(capsys, tmp_path):
    assert main(["trials", "import", str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_it_prints_the_hits_of_a_search_as_json(capsys, imported):
    assert main(["trials", "search", "rexlemestrocel", "--phase", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 1 and result["trials"][0]["id"] == "NCT06325566"
    assert result["filters"] == {"phase": "3"} and set(result["facets"]) >= {"phase", "status", "cell_type"}


def test_it_prints_a_line_per_hit(capsys, imported):
    assert main(["trials", "search", "umbilical", "cord"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 trial(s)") and "NCT06589271" in out


def _recorded(name: str, token: str | None) -> dict:
    page = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    page.pop("nextPageToken", None)
    return {**page, "nextPageToken": token} if token else page


def test_it_fetches_every_page_and_imports_it_without_the_network():
    pages = {None: _recorded("page_search_phelan_limit5_20260811.json", "p2"),
             "p2": _recorded("page_search_phelan_next_20260811.json", None)}  # fmt: skip
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=pages[request.url.params.get("pageToken")])

    client = CtGovClient(httpx.Client(transport=httpx.MockTransport(handler)), page_size=5, sleep=lambda s: None)
    summary = trials_fetch(client=client, query="Phelan-McDermid", max_records=50)
    expected = {s["protocolSection"]["identificationModule"]["nctId"] for p in pages.values() for s in p["studies"]}
    assert (summary.read, summary.rejected) == (10, 0)
    assert summary.inserted == len(expected) == Trial.objects.count()
    assert [r.url.params.get("pageToken") for r in seen] == [None, "p2"]
    assert trials_fetch(client=client, query="Phelan-McDermid", max_records=50).inserted == 0
