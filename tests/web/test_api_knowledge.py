"""The JSON API's knowledge endpoints, its OpenAPI document, docs page and error shape."""

from __future__ import annotations

import pytest

from celldecide.web.api import errors


def test_it_serves_the_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/products", "/api/v1/products/{product_id}", "/api/v1/conditions",
                 "/api/v1/conditions/{condition_id}", "/api/v1/regulators"):
        assert path in paths


def test_it_documents_every_endpoint_on_a_page(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "GET /api/v1/products" in response.content.decode()


def test_it_lists_products_and_filters_by_regulator(client, kb):
    response = client.get("/api/v1/products")
    assert response.status_code == 200
    assert len(response.json()) == len(kb.products)
    pmda = client.get("/api/v1/products?regulator=pmda").json()
    assert {"heartsheet", "temcell"} <= {p["id"] for p in pmda}


def test_it_returns_a_product_with_layers_and_authorizations(client):
    response = client.get("/api/v1/products/tisagenlecleucel")
    assert response.status_code == 200
    body = response.json()
    assert set(body["layers"]) == {"cell_source", "manufacturing", "disease", "dose_route", "endpoint", "oversight"}
    assert any(a["regulator"] == "fda" and a["date"] == "2017-08-30" for a in body["authorizations"])


@pytest.mark.parametrize("path", ["/api/v1/products/no_such", "/api/v1/conditions/no_such"])
def test_it_answers_unknown_ids_with_the_shared_error_shape(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == errors.NOT_FOUND


def test_it_returns_a_condition_and_filters_conditions(client):
    assert client.get("/api/v1/conditions/type_1_diabetes").json()["name"] == "Type 1 diabetes"
    statuses = {c["evidence_status"] for c in client.get("/api/v1/conditions?evidence_status=trials_only").json()}
    assert statuses == {"trials_only"}


def test_it_lists_regulators_with_how_to_check(client, kb):
    body = client.get("/api/v1/regulators").json()
    assert [r["id"] for r in body] == [r.id for r in kb.regulators]
    assert all(r["check_url"].startswith("http") for r in body)
