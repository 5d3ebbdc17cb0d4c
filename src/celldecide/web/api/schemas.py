"""Response and request schemas of the API (pydantic models via django-ninja)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ErrorDetail(Schema):
    code: str
    message: str
    detail: object | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class AuthorizationOut(Schema):
    regulator: str
    status: str
    indication: str
    date: str
    conditions_attached: str
    sources: list[str]


class ProductSummary(Schema):
    id: str
    name: str
    nonproprietary_name: str | None
    maker: str
    cell_types: list[str]
    area: str
    stage: str
    url: str


class ProductOut(ProductSummary):
    aliases: list[str]
    status_summary: str
    layers: dict[str, str]
    conditions: list[str]
    authorizations: list[AuthorizationOut]
    trials: list[str]
    sources: list[str]


class ConditionSummary(Schema):
    id: str
    name: str
    category: str
    evidence_status: str
    url: str


class ConditionOut(ConditionSummary):
    synonyms: list[str]
    shows: str
    does_not_show: str
    products: list[str]
    typical_red_flags: list[str]
    questions: list[str]
    sources: list[str]


class RegulatorOut(Schema):
    id: str
    name: str
    short_name: str
    jurisdiction: str
    authorization_means: str
    does_not_mean: str
    how_to_check: str
    check_url: str
    url: str


class ReadIn(Schema):
    """Give either `text` (plain text or HTML) or `url` (a public http or https address)."""

    text: str | None = Field(default=None, description="The text to read: plain text or HTML, at most 200,000 characters.")
    url: str | None = Field(default=None, description="A public http(s) URL to fetch and read instead of text.")


class TrialSummary(Schema):
    registry: str
    id: str
    title: str
    status: str | None
    phases: list[str]
    enrollment: int | None
    sponsor: str | None
    url: str | None = Field(description="The trial's page on its registry's own site.")
    local_url: str
    is_cell_therapy: bool


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class TrialPage(Schema):
    text: str
    filters: dict[str, str]
    total: int = Field(description="Exact up to 1,000 matches; an estimate above (see total_is_estimate).")
    total_is_estimate: bool
    facet_counts_exact: bool = Field(description="False when facet counts are lower bounds from the first 1,000 matches.")
    page: int
    pages: int
    trials: list[TrialSummary]
    facets: dict[str, list[FacetValueOut]]


class PayReasonOut(Schema):
    code: str
    detail: str


class PayHintOut(Schema):
    level: str = Field(description="How strongly the registration suggests patients pay to take part: none, weak or strong.")
    reasons: list[PayReasonOut]


class TrialOut(TrialSummary):
    cell_types: list[str]
    frontiers: list[str]
    products: list[str]
    pay_to_participate_hint: PayHintOut
    record: dict
