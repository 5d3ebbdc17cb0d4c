"""The normalized trial record every registry format is parsed into.

A `TrialRecord` is frozen and made only of strings, integers, booleans, tuples
and small frozen dataclasses, so it hashes, compares and round-trips through
`to_dict()` / `from_dict()` without loss. `content_hash()` is what the importer
compares to decide that a stored record is unchanged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import orjson

Precision = Literal["day", "month", "year"]

# The overall-status vocabulary is the ClinicalTrials.gov v2 `Status` enum plus
# NOT_RECRUITING, because WHO ICTRP exports only say "Not recruiting", which may
# mean finished, paused or not started: inventing one of those would be false.
STATUSES: tuple[str, ...] = (
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
    "NOT_RECRUITING",
)

# Phase ids of the reading spec, in the order of the translation map.
PHASES: tuple[str, ...] = ("early_1", "1", "1/2", "2", "2/3", "3", "4")

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A registry date that may be known only to the month or the year.

    >>> PartialDate.from_iso("2026-10")
    PartialDate(value='2026-10', precision='month')
    """

    value: str
    precision: Precision

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Build a date from `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, raising ValueError otherwise."""
        match = _PARTIAL_DATE.match(text.strip())
        if not match:
            raise ValueError(f"not an ISO partial date: {text!r}")
        year, month, day = match.groups()
        if month and not 1 <= int(month) <= 12:
            raise ValueError(f"month out of range: {text!r}")
        if day and not 1 <= int(day) <= 31:
            raise ValueError(f"day out of range: {text!r}")
        precision: Precision = "day" if day else "month" if month else "year"
        return cls(value=match.group(0), precision=precision)


@dataclass(frozen=True, slots=True)
class Intervention:
    """One intervention as registered: its type, name, description and other names."""

    type: str | None
    name: str
    description: str | None = None
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """One primary outcome: what is measured and over what time frame."""

    measure: str
    time_frame: str | None = None


@dataclass(frozen=True, slots=True)
class Facility:
    """One trial site as the registry names it."""

    name: str | None
    city: str | None = None
    state: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class TrialRecord:
    """One registered trial, normalized across registries and formats."""

    registry: str
    id: str
    title: str | None = None
    official_title: str | None = None
    secondary_ids: tuple[str, ...] = ()
    brief_summary: str | None = None
    overall_status: str | None = None
    status_as_registered: str | None = None
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    enrollment_count: int | None = None
    enrollment_type: str | None = None
    allocation: str | None = None
    intervention_model: str | None = None
    masking: str | None = None
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    lead_sponsor_name: str | None = None
    lead_sponsor_class: str | None = None
    collaborators: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    facilities: tuple[Facility, ...] = ()
    start_date: PartialDate | None = None
    primary_completion_date: PartialDate | None = None
    completion_date: PartialDate | None = None
    primary_outcomes: tuple[Outcome, ...] = ()
    has_results: bool | None = None
    last_update: PartialDate | None = None
    source_url: str | None = None
    source_format: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        """Return the (registry, id) pair that identifies the trial across imports."""
        return (self.registry, self.id)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict; tuples become lists, nested records become dicts."""
        return _plain_fields(self)

    def to_json(self) -> bytes:
        """Return `to_dict()` as compact UTF-8 JSON, written by orjson straight from the dataclasses.

        `orjson.loads(record.to_json()) == record.to_dict()`, key order included. Raises TypeError (orjson's
        JSONEncodeError) for text no UTF-8 can hold (a lone surrogate) or an integer over 64 bits.
        """
        return orjson.dumps(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialRecord:
        """Rebuild a record from `to_dict()` output, ignoring keys it does not know."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in _TUPLE_OF_STR:
            if name in values:
                values[name] = tuple(values[name] or ())
        for name in ("start_date", "primary_completion_date", "completion_date", "last_update"):
            if values.get(name) is not None:
                values[name] = PartialDate(**values[name])
        if "interventions" in values:
            values["interventions"] = tuple(
                Intervention(**{**i, "other_names": tuple(i.get("other_names") or ())})
                for i in values["interventions"] or ()
            )
        if "primary_outcomes" in values:
            values["primary_outcomes"] = tuple(Outcome(**o) for o in values["primary_outcomes"] or ())
        if "facilities" in values:
            values["facilities"] = tuple(Facility(**f) for f in values["facilities"] or ())
        return cls(**values)

    def content_hash(self) -> str:
        """Return a SHA-256 of the record's content, stable across runs and formats of output.

        The format the record was read from is left out on purpose: the same
        trial read from a v2 export and from a paged response is unchanged.
        """
        return record_hash(self.to_dict())


def record_hash(data: dict[str, Any]) -> str:
    """Return the content hash of a record's `to_dict()` output (what `TrialRecord.content_hash` returns).

    An importer that already holds the dict hashes it without converting the record twice.
    The canonical form is compact JSON with sorted keys, in UTF-8 (the bytes
    `json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))` gives), made by orjson.
    """
    content = {k: v for k, v in data.items() if k != "source_format"}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


_TUPLE_OF_STR = ("secondary_ids", "phases", "conditions", "keywords", "collaborators", "countries")


def _plain_fields(value: Any) -> Any:
    """Convert a record to plain dicts and lists, field by field in declaration order.

    Same output as `dataclasses.asdict` with tuples as lists, without its deep
    copies, which are needless for frozen records of strings and dominated import time.
    """
    names = getattr(value, "__dataclass_fields__", None)
    if names is not None:
        return {name: _plain_fields(getattr(value, name)) for name in names}
    if isinstance(value, tuple):
        return [_plain_fields(v) for v in value]
    return value
