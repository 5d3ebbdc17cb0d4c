"""GET /api/v1/trials and /api/v1/trials/{registry}/{id}: the registry selector over HTTP, in the API's shapes."""

from __future__ import annotations

import pytest

from tests.trials.conftest import import_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def trials(cell_array):
    return import_files(cell_array)


@pytest.fixture(scope="session")
def cell_array():
    from tests.trials.conftest import FIXTURES

    return FIXTURES / "v2_array_cell_therapy.json"


def test_it_lists_every_stored_trial_without_a_query(client, trials):
    body = client.get("/api/v1/trials").json()
    assert body["total"] == 5
    ids = {t["id"] for t in body["trials"]}
    assert {"NCT06325566", "NCT06589271", "NCT04042844", "NCT06144970", "NCT01640457"} == ids
    assert set(body["facets"]) == {"phase", "status", "cell_type", "country", "condition"}
    assert body["total_is_estimate"] is False and body["facet_counts_exact"] is True


def test_it_searches_words_and_filters_like_the_trials_page(client, trials):
    page = client.get("/api/v1/trials", {"q": "mesenchymal"}).json()
    assert 0 < page["total"] < 5 or page["total"] == 5
    assert all("/trials/ctgov/" in t["local_url"] for t in page["trials"])
    status = page["facets"]["status"][0]["value"]
    filtered = client.get("/api/v1/trials", {"q": "mesenchymal", "status": status}).json()
    assert filtered["filters"] == {"status": status}
    assert filtered["total"] == page["facets"]["status"][0]["count"]


def test_it_returns_one_trial_with_its_record_and_its_registry_link(client, trials):
    response = client.get("/api/v1/trials/ctgov/NCT06325566")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "NCT06325566"
    assert body["url"] == "https://clinicaltrials.gov/study/NCT06325566"
    assert body["record"]["id"] == "NCT06325566" and body["record"]["title"]
    assert body["is_cell_therapy"] is True
    assert body["pay_to_participate_hint"]["level"] in {"none", "weak", "strong"}


def test_it_answers_an_unknown_trial_with_the_one_error_shape(client, trials):
    response = client.get("/api/v1/trials/ctgov/NCT00000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "x"}, {"q": "a" * 201}])
def test_it_refuses_bad_paging_and_long_queries_with_422(client, trials, params):
    response = client.get("/api/v1/trials", params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_it_documents_the_trial_endpoints_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/trials" in paths and "/api/v1/trials/{registry}/{trial_id}" in paths
