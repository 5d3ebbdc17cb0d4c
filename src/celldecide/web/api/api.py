"""The API object, its error handlers, and the knowledge endpoints. Each endpoint validates its input, calls
one function of the core, and serializes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from celldecide.web.api import errors
from celldecide.web.api.schemas import (
    ConditionOut,
    ConditionSummary,
    ErrorOut,
    ProductOut,
    ProductSummary,
    ReadIn,
    RegulatorOut,
    TrialOut,
    TrialPage,
)
from celldecide.web.pages.knowledge import current_knowledge

api = NinjaAPI(
    title="CellDecide API",
    version="1",
    description=(
        "Readings of stem-cell claims, and the knowledge behind them: named products with their authorizations, "
        "conditions, regulators and registered trials. Not medical advice."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)


@api.exception_handler(errors.ApiError)
def _api_error(request: HttpRequest, exc: errors.ApiError):
    return errors.error_response(api, request, exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(
        request,
        errors.error_body(errors.VALIDATION_ERROR, "The request does not match the expected form.", exc.errors),
        status=422,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    code = {404: errors.NOT_FOUND, 413: errors.PAYLOAD_TOO_LARGE}.get(exc.status_code, errors.BAD_REQUEST)
    return api.create_response(request, errors.error_body(code, str(exc)), status=exc.status_code)


def _not_found(kind: str, key: str) -> errors.ApiError:
    return errors.ApiError(404, errors.NOT_FOUND, f"No {kind} with the id {key!r}.")


def _product_summary(p) -> dict:
    return {
        "id": p.id, "name": p.name, "nonproprietary_name": p.nonproprietary_name, "maker": p.maker,
        "cell_types": p.cell_types, "area": p.area, "stage": p.stage, "url": f"/products/{p.id}/",
    }


def _condition_summary(c) -> dict:
    return {"id": c.id, "name": c.name, "category": c.category, "evidence_status": c.evidence_status,
            "url": f"/conditions/{c.id}/"}


@api.get("/products", response=list[ProductSummary], tags=["knowledge"], summary="List named products")
def products(request: HttpRequest, cell_type: str | None = None, regulator: str | None = None):
    """Return every named product, optionally only those of one cell type or with a decision by one regulator."""
    found = current_knowledge().products
    if cell_type:
        found = [p for p in found if cell_type in p.cell_types]
    if regulator:
        found = [p for p in found if any(a.regulator == regulator for a in p.authorizations)]
    return [_product_summary(p) for p in found]


@api.get("/products/{product_id}", response={200: ProductOut, 404: ErrorOut}, tags=["knowledge"], summary="One product")
def product(request: HttpRequest, product_id: str):
    """Return one product with its six layers and its authorizations by regulator."""
    p = current_knowledge().get("products", product_id)
    if p is None:
        raise _not_found("product", product_id)
    data = p.model_dump(mode="json")
    return {**data, **_product_summary(p)}


@api.get("/conditions", response=list[ConditionSummary], tags=["knowledge"], summary="List conditions")
def conditions(request: HttpRequest, evidence_status: str | None = None):
    """Return every condition with the state of the evidence for cell therapy."""
    found = current_knowledge().conditions
    if evidence_status:
        found = [c for c in found if c.evidence_status == evidence_status]
    return [_condition_summary(c) for c in found]


@api.get("/conditions/{condition_id}", response={200: ConditionOut, 404: ErrorOut}, tags=["knowledge"], summary="One condition")
def condition(request: HttpRequest, condition_id: str):
    """Return one condition: what the evidence shows and does not show, products, red flags, questions."""
    c = current_knowledge().get("conditions", condition_id)
    if c is None:
        raise _not_found("condition", condition_id)
    return {**c.model_dump(mode="json"), **_condition_summary(c)}


@api.get("/regulators", response=list[RegulatorOut], tags=["knowledge"], summary="List regulators")
def regulators(request: HttpRequest):
    """Return every regulator with what its authorization means and how to check one."""
    return [
        {**r.model_dump(mode="json", include=set(RegulatorOut.model_fields) - {"url"}), "url": f"/regulators/{r.id}/"}
        for r in current_knowledge().regulators
    ]


@api.get("/trials", response={200: TrialPage, 422: ErrorOut}, tags=["registry"], summary="Search registered trials")
def trials(
    request: HttpRequest,
    q: str | None = None,
    condition: str | None = None,
    cell_type: str | None = None,
    phase: str | None = None,
    status: str | None = None,
    country: str | None = None,
    page: int = 1,
):
    """Return one page (20) of registered trials matching the words of `q` and every filter, with facet counts.

    Filters take facet values as the facets list them: a phase ("1/2"), a status ("recruiting"), a cell-type id
    ("msc"), a country or a condition as registered. A registration is a record, not a recommendation.
    """
    from celldecide.web.trials.selectors import trial_search

    for name, value in (("q", q), ("condition", condition), ("country", country)):
        if value is not None and len(value) > 200:
            raise errors.ApiError(422, errors.VALIDATION_ERROR, f"'{name}' is longer than 200 characters.")
    if not 1 <= page <= 10_000:
        raise errors.ApiError(422, errors.VALIDATION_ERROR, "'page' must be between 1 and 10000.")
    found = trial_search(text=q, condition=condition, cell_type=cell_type, phase=phase, status=status,
                         country=country, page=page)  # fmt: skip
    return found.to_dict()


@api.get(
    "/trials/{registry}/{trial_id}", response={200: TrialOut, 404: ErrorOut}, tags=["registry"], summary="One trial"
)
def trial(request: HttpRequest, registry: str, trial_id: str):
    """Return one stored registration: its normalized record, its cell-therapy classification and the
    pay-to-participate hint with its reasons (a hint, never a verdict)."""
    from celldecide.web.trials.selectors import trial_get, trial_summary

    found = trial_get(registry=registry, trial_id=trial_id)
    if found is None:
        raise _not_found("trial", f"{registry}/{trial_id}")
    return {
        **trial_summary(found),
        "cell_types": list(found.cell_types),
        "frontiers": list(found.frontiers),
        "products": list(found.products),
        "pay_to_participate_hint": {"level": found.pay_hint_level, "reasons": list(found.pay_hint_reasons)},
        "record": found.record,
    }


@api.post(
    "/read",
    response={200: dict, 400: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    tags=["reader"],
    summary="Read a text or a public URL",
)
def read(request: HttpRequest, body: ReadIn):
    """Return a reading (`celldecide.reading/1`, see the reading schema) of `text`, or of the page at `url`.

    Give exactly one of the two. Nothing is stored or logged. Limited per client address; over the limit the
    answer is 429 with Retry-After.
    """
    from django.conf import settings

    from celldecide.fetch.errors import FetchError
    from celldecide.reader import ReaderInputError
    from celldecide.web.ratelimit import Limit, hit
    from celldecide.web.readings.services import reading_make

    if (body.text is None) == (body.url is None):
        raise errors.ApiError(400, errors.BAD_REQUEST, "Give exactly one of 'text' or 'url'.")
    retry = hit(request, scope="read", limit=Limit.parse(settings.READ_RATE_LIMIT))
    if retry is not None:
        raise errors.ApiError(
            429, errors.RATE_LIMITED, f"Too many readings from this address; try again in {retry} s.",
            headers={"Retry-After": str(retry)},
        )
    try:
        made = reading_make(text=body.text, url=body.url)
    except ReaderInputError as exc:
        status = 413 if exc.code == errors.TEXT_TOO_LONG else 400
        raise errors.ApiError(status, exc.code, str(exc)) from None
    except FetchError as exc:
        raise errors.ApiError(400, errors.URL_REFUSED, exc.message, detail={"reason": exc.code}) from None
    return made.reading
