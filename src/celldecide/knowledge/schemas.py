"""Pydantic schemas for every kind of knowledge entry.

Each model forbids unknown fields, so a typo in a YAML key fails `celldecide kb check` instead of being
silently ignored. Cross-references (a product naming a condition, a fact naming a source) are checked in
`celldecide.knowledge.checks`, after every file has loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=80)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _partial_date(value: object) -> str:
    """Return a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` string from what YAML produced (date, int or str)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not _PARTIAL_DATE.match(text):
        raise ValueError("expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    return text


PartialDate = Annotated[str, BeforeValidator(_partial_date)]

SourceTier = Literal[
    "regulator", "registry", "journal", "guideline", "standards_body", "academic", "company", "news", "law"
]
StageId = Literal[
    "discovery", "lab_model", "early_human", "defined_product", "controlled_trial", "regulator_review", "standard_use"
]
# The six research frontiers of the hub (each with a page under /frontiers/<slug>/).
FrontierId = Literal[
    "islet_cells",
    "dopamine_neurons",
    "engineered_immune_cells",
    "cell_free_signaling",
    "manufacturing_quality",
    "regulatory_experiments",
]
# The therapeutic area of a named product (a product may also belong to one hub frontier).
AreaId = Literal[
    "islet_replacement",
    "neural_replacement",
    "eye_and_retina",
    "engineered_immune_cells",
    "gene_modified_blood_stem_cells",
    "tissue_and_stromal_repair",
]
MechanismId = Literal["differentiation", "paracrine", "immunomodulation", "homing", "engraftment", "anti_apoptotic"]


class Entry(BaseModel):
    """Base of every knowledge entry: frozen, strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Entry):
    """An entry stating facts: it must cite at least one source id."""

    sources: list[Id] = Field(min_length=1)


class Source(Entry):
    id: Id
    title: Text
    publisher: Text
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    verified_on: dt.date
    tier: SourceTier
    reverify_days: int | None = Field(default=None, gt=0)
    note: str = ""


class Stage(Entry):
    id: StageId
    n: int = Field(ge=1, le=7)
    name: Text
    means: Text
    not_yet: Text
    patient_question: Text
    example: Text


class ChecklistQuestion(Entry):
    id: Id
    n: int = Field(ge=1, le=9)
    question: Text
    answered_when: Text
    why: Text
    ask: Text


class Layer(Entry):
    id: Id
    n: int = Field(ge=1, le=6)
    name: Text
    question: Text
    defined_example: Text
    vague_example: Text


class RedFlagPattern(Entry):
    """One detection rule: `regex` fires; `near` (if set) must also match within `window` characters of
    it; `unless` (if set) cancels the match when it matches in the same sentence; `kinds` (if set) limits
    the rule to texts of those kinds (e.g. a seller's wording, not a report about it)."""

    regex: Text
    near: str | None = None
    window: int = Field(default=120, ge=10, le=2000)
    unless: str | None = None
    kinds: list[Literal["clinic_claim", "headline", "trial_record", "paper", "unknown"]] = Field(default_factory=list)


class RedFlag(Entry):
    id: Id
    name: Text
    explanation: Text
    why_it_matters: Text
    question: Text
    examples: list[Text] = Field(min_length=1)
    patterns: list[RedFlagPattern] = Field(default_factory=list)


class CellType(Sourced):
    id: Id
    name: Text
    potency: Literal["pluripotent", "multipotent", "mixed", "none", "unknown"]
    synonyms: list[Text] = Field(min_length=1)
    frontiers: list[FrontierId]
    what_it_is: Text
    how_made: Text
    proven: Text
    marketed: Text
    not_same_as: Text


class Condition(Sourced):
    id: Id
    name: Text
    synonyms: list[Text] = Field(min_length=1)
    category: Literal[
        "metabolic",
        "neurological",
        "eye",
        "blood_cancer",
        "blood_immune",
        "autoimmune",
        "musculoskeletal",
        "cardiovascular",
        "respiratory",
        "skin",
        "other",
    ]
    evidence_status: Literal["standard_care", "authorized_somewhere", "trials_only", "marketed_without_evidence"]
    shows: Text
    does_not_show: Text
    products: list[Id] = Field(default_factory=list)
    typical_red_flags: list[Id] = Field(default_factory=list)
    questions: list[Text] = Field(default_factory=list)


class Pathway(Entry):
    name: Text
    description: Text


class Regulator(Sourced):
    id: Id
    name: Text
    short_name: Text
    jurisdiction: Text
    country_codes: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(min_length=1)
    aliases: list[Text] = Field(min_length=1)
    framework: Text
    pathways: list[Pathway] = Field(min_length=1)
    authorization_means: Text
    does_not_mean: Text
    outside_trials: Text
    how_to_check: Text
    check_url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    elsewhere: Text
    tradeoffs: Text


class Registry(Sourced):
    id: Id
    name: Text
    operator: Text
    covers: Text
    id_format: Text
    id_pattern: str | None
    id_prefix: str | None = None
    id_example: str | None
    record_url: Annotated[str, Field(pattern=r"^https://\S+\{id\}\S*$")]
    caveats: Text

    @field_validator("id_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value


AuthorizationStatus = Literal[
    "approved", "conditional", "withdrawn", "refused", "investigational", "hospital_exemption"
]


class Authorization(Sourced):
    regulator: Id
    status: AuthorizationStatus
    indication: Text
    date: PartialDate
    conditions_attached: str = ""


class ProductLayers(Entry):
    cell_source: Text
    manufacturing: Text
    disease: Text
    dose_route: Text
    endpoint: Text
    oversight: Text


class Product(Sourced):
    id: Id
    name: Text
    nonproprietary_name: str | None = None
    aliases: list[Text] = Field(default_factory=list)
    maker: Text
    cell_types: list[Id] = Field(min_length=1)
    area: AreaId
    frontier: FrontierId | None = None
    mechanisms: list[MechanismId] = Field(default_factory=list)
    stage: StageId
    status_summary: Text
    layers: ProductLayers
    conditions: list[Id] = Field(default_factory=list)
    authorizations: list[Authorization] = Field(default_factory=list)
    trials: list[Text] = Field(default_factory=list)


class Frontier(Sourced):
    id: FrontierId
    slug: Slug
    name: Text
    plain: Text
    why_it_matters: Text
    not_same_as: Text
    cell_types: list[Id] = Field(default_factory=list)


class Mechanism(Sourced):
    id: MechanismId
    name: Text
    function: Text
    example_diseases: list[Text] = Field(min_length=1)


class PotencyType(Sourced):
    id: Id
    name: Text
    source: Text
    potency: Text
    concerns: Text


class LifecycleRow(Entry):
    id: Id
    aspect: Text
    living_drug: Text
    conventional_drug: Text


class HiddenCellTherapy(Sourced):
    id: Id
    name: Text
    what: Text
    why_it_counts: Text


class Institution(Sourced):
    id: Id
    name: Text
    lane: Literal["standards_bodies", "academic_engines", "disease_programs", "industry_context", "regulators_registries"]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    helps_understand: Text
    why_we_follow: Text
    does_not_prove: Text


class SourceTierEntry(Entry):
    id: Id
    n: int = Field(ge=1, le=7)
    name: Text
    examples: list[Text] = Field(min_length=1)
    answers: Text
    cannot_answer: Text


class Signal(Sourced):
    id: Id
    area: Text
    headline: Text
    shows: Text
    does_not_show: Text
    cell_types: list[Id] = Field(default_factory=list)
    conditions: list[Id] = Field(default_factory=list)


class Borrowing(Entry):
    id: Id
    name: Text
    how: Text
    sounds_like: Text
    ask: Text


class Faq(Entry):
    id: Id
    question: Text
    answer: Text


class PlannedPage(Entry):
    slug: Slug
    title: Text
    summary: Text


class Page(Entry):
    """A Markdown prose page: `slug` and `title` from its front matter, `body` the Markdown text.

    A deeper page may name the hub frontier it expands and the products and conditions it discusses, so the site
    can link them both ways.
    """

    slug: Slug
    title: Text
    description: Text
    body: Text
    sources: list[Id] = Field(default_factory=list)
    frontier: FrontierId | None = None
    products: list[Id] = Field(default_factory=list)
    conditions: list[Id] = Field(default_factory=list)


# The patient-facing guides: the consult checklist, the evidence ladder, the glossary, the source map and the
# side-by-side field guide.

ClinicQuestionCategory = Literal[
    "product", "source_quality", "condition", "oversight", "evidence", "cost", "if_it_fails", "records_aftercare"
]


# What a specific answer to a clinic question contains; `celldecide.reader.answers` has one recognizer for each.
AnswerElement = Literal[
    "product_name", "maker", "cell_type", "cell_source", "dose", "route", "viable_count", "cell_free",
    "registration_id", "facility_licence", "trial_id", "regulator", "authorization", "payment_terms", "ethics_board",
    "consent_form", "certificate", "release_tests", "identity_test", "potency_test", "donor_tests", "own_cells", "diagnosis",
    "diagnosis_basis", "standard_treatment", "exclusions", "publication", "controlled", "same_product",
    "patient_count", "outcome_share", "named_harm", "frequency", "amount", "cost_scope", "coverage", "refund_terms",
    "measure", "timepoint", "stop_or_refer", "contact_plan", "record_contents", "follow_up_schedule",
    "harm_reporting",
]
ANSWER_ELEMENTS: frozenset[str] = frozenset(AnswerElement.__args__)


def _expectation(value: object) -> str:
    """Return one expectation, `element` or alternatives `a | b`, after checking every name is a known element."""
    parts = [part.strip() for part in str(value).split("|")]
    unknown = [part for part in parts if part not in ANSWER_ELEMENTS]
    if unknown:
        known = ", ".join(sorted(ANSWER_ELEMENTS))
        raise ValueError(f"unknown answer element(s) {', '.join(map(repr, unknown))}; known: {known}")
    return " | ".join(parts)


Expectation = Annotated[str, BeforeValidator(_expectation)]


class ClinicQuestion(Entry):
    """A question to ask a clinic before paying, with what a clear and a vague answer sound like.

    `expects` lists what a specific answer must contain, each item one element or alternatives joined by " | "
    (`[regulator, registration_id | authorization]`: a named regulator, and a number or a stated authorization).
    """

    id: Id
    category: ClinicQuestionCategory
    question: Text
    why: Text
    clear_answer: Text
    vague_answer: Text
    start_here: bool = False
    sources: list[Id] = Field(default_factory=list)
    expects: list[Expectation] = Field(default_factory=list)


class EvidenceRung(Sourced):
    """One rung of the evidence ladder: what that kind of evidence can and cannot show, with a real example."""

    id: Id
    n: int = Field(ge=1, le=8)
    name: Text
    can_show: Text
    cannot_show: Text
    example: Text
    stage: StageId


class GlossaryTerm(Sourced):
    """A term a patient meets in claims, trial records or regulator pages, defined once in plain words."""

    id: Id
    term: Text
    definition: Text
    not_to_confuse_with: str = ""


class SourceKind(Entry):
    """A kind of source, with the questions it can and cannot answer and where to find the real one."""

    id: Id
    name: Text
    can_answer: Text
    cannot_answer: Text
    where_to_find: Text
    sources: list[Id] = Field(default_factory=list)


class FieldGuideRow(Sourced):
    """One aspect of the side-by-side comparison of PRP, BMAC, MSCs and exosomes."""

    id: Id
    aspect: Text
    prp: Text
    bmac: Text
    msc: Text
    exosome: Text
