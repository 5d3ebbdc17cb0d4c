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
        """Return a JSON-ready dict; tuples become lists, nested records become dicts, in declaration order.

        Written out field by field: five times faster than walking the fields generically, and an import
        converts every record it reads (`dataclasses.asdict` would also copy every value deeply).
        """
        return {
            "registry": self.registry,
            "id": self.id,
            "title": self.title,
            "official_title": self.official_title,
            "secondary_ids": list(self.secondary_ids),
            "brief_summary": self.brief_summary,
            "overall_status": self.overall_status,
            "status_as_registered": self.status_as_registered,
            "phases": list(self.phases),
            "study_type": self.study_type,
            "enrollment_count": self.enrollment_count,
            "enrollment_type": self.enrollment_type,
            "allocation": self.allocation,
            "intervention_model": self.intervention_model,
            "masking": self.masking,
            "conditions": list(self.conditions),
            "keywords": list(self.keywords),
            "interventions": [
                {"type": i.type, "name": i.name, "description": i.description, "other_names": list(i.other_names)}
                for i in self.interventions
            ],
            "lead_sponsor_name": self.lead_sponsor_name,
            "lead_sponsor_class": self.lead_sponsor_class,
            "collaborators": list(self.collaborators),
            "countries": list(self.countries),
            "facilities": [
                {"name": f.name, "city": f.city, "state": f.state, "country": f.country} for f in self.facilities
            ],
            "start_date": _date_dict(self.start_date),
            "primary_completion_date": _date_dict(self.primary_completion_date),
            "completion_date": _date_dict(self.completion_date),
            "primary_outcomes": [{"measure": o.measure, "time_frame": o.time_frame} for o in self.primary_outcomes],
            "has_results": self.has_results,
            "last_update": _date_dict(self.last_update),
            "source_url": self.source_url,
            "source_format": self.source_format,
        }

    def to_json(self) -> bytes:
        """Return `to_dict()` as compact UTF-8 JSON, written by orjson.

        `orjson.loads(record.to_json()) == record.to_dict()`, key order included. Raises TypeError (orjson's
        JSONEncodeError) for text no UTF-8 can hold (a lone surrogate) or an integer over 64 bits.
        """
        return orjson.dumps(self.to_dict())

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
    content = dict(data)  # a copy at C speed; the keys are sorted anyway
    content.pop("source_format", None)
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


_TUPLE_OF_STR = ("secondary_ids", "phases", "conditions", "keywords", "collaborators", "countries")


def _date_dict(value: PartialDate | None) -> dict[str, str] | None:
    return None if value is None else {"value": value.value, "precision": value.precision}
