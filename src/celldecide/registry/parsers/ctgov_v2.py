"""ClinicalTrials.gov API v2 `Study` objects (camelCase JSON) into `TrialRecord`s."""

from __future__ import annotations

from typing import Any

from celldecide.registry import normalize as n
from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers.common import RecordError, at, identify, items
from celldecide.registry.records import Facility, Intervention, Outcome, TrialRecord

FORMAT = "ctgov_v2"

_P = "protocolSection"


def study_id(study: Any) -> str | None:
    """Return the NCT id of a v2 study if it can be read, for naming a rejection."""
    try:
        return at(study, f"{_P}.identificationModule.nctId", str)
    except RecordError:
        return None


def record_from_study(study: Any, *, ids: IdMatcher, source_format: str = FORMAT) -> TrialRecord:
    """Normalize one v2 `Study`; raise RecordError when it has no usable id or a malformed field."""
    if not isinstance(study, dict):
        raise RecordError(f"study: expected an object, got {type(study).__name__}")
    raw_id = at(study, f"{_P}.identificationModule.nctId", str)
    registration = identify(ids, raw_id, field=f"{_P}.identificationModule.nctId")
    try:
        return _build(study, registration.registry, registration.id, registration.url, source_format)
    except RecordError as error:
        raise RecordError(error.reason, id=registration.id) from error
    except (TypeError, ValueError) as error:
        raise RecordError(str(error), id=registration.id) from error


def _build(study: dict[str, Any], registry: str, id: str, url: str, source_format: str) -> TrialRecord:
    ident = f"{_P}.identificationModule"
    status = f"{_P}.statusModule"
    design = f"{_P}.designModule"
    sponsors = f"{_P}.sponsorCollaboratorsModule"
    raw_status = at(study, f"{status}.overallStatus", str)
    locations = items(study, f"{_P}.contactsLocationsModule.locations", dict)
    facilities = tuple(_facility(location) for location in locations)
    enrollment = at(study, f"{design}.enrollmentInfo.count", int)
    return TrialRecord(
        registry=registry,
        id=id,
        title=n.clean_text(at(study, f"{ident}.briefTitle", str)),
        official_title=n.clean_text(at(study, f"{ident}.officialTitle", str)),
        secondary_ids=n.clean_list(
            [at(study, f"{ident}.orgStudyIdInfo.id", str)]
            + [at(info, "id", str) for info in items(study, f"{ident}.secondaryIdInfos", dict)]
        ),
        brief_summary=n.clean_block(at(study, f"{_P}.descriptionModule.briefSummary", str)),
        overall_status=n.status(raw_status),
        status_as_registered=n.clean_text(raw_status),
        phases=n.phases(items(study, f"{design}.phases", str)),
        study_type=n.study_type(at(study, f"{design}.studyType", str)),
        enrollment_count=enrollment,
        enrollment_type=n.enrollment_type(at(study, f"{design}.enrollmentInfo.type", str)),
        allocation=n.allocation(at(study, f"{design}.designInfo.allocation", str)),
        intervention_model=n.intervention_model(at(study, f"{design}.designInfo.interventionModel", str)),
        masking=n.masking(at(study, f"{design}.designInfo.maskingInfo.masking", str)),
        conditions=n.clean_list(items(study, f"{_P}.conditionsModule.conditions", str)),
        keywords=n.clean_list(items(study, f"{_P}.conditionsModule.keywords", str)),
        interventions=tuple(
            _intervention(entry)
            for entry in items(study, f"{_P}.armsInterventionsModule.interventions", dict)
            if at(entry, "name", str)
        ),
        lead_sponsor_name=n.clean_text(at(study, f"{sponsors}.leadSponsor.name", str)),
        lead_sponsor_class=n.sponsor_class(at(study, f"{sponsors}.leadSponsor.class", str)),
        collaborators=n.clean_list(at(c, "name", str) for c in items(study, f"{sponsors}.collaborators", dict)),
        countries=tuple(sorted(n.clean_list(f.country for f in facilities))),
        facilities=facilities,
        start_date=n.partial_date(at(study, f"{status}.startDateStruct.date", str)),
        primary_completion_date=n.partial_date(at(study, f"{status}.primaryCompletionDateStruct.date", str)),
        completion_date=n.partial_date(at(study, f"{status}.completionDateStruct.date", str)),
        primary_outcomes=tuple(
            Outcome(measure=measure, time_frame=n.clean_text(at(o, "timeFrame", str)))
            for o in items(study, f"{_P}.outcomesModule.primaryOutcomes", dict)
            if (measure := n.clean_text(at(o, "measure", str)))
        ),
        has_results=at(study, "hasResults", bool),
        last_update=n.partial_date(at(study, f"{status}.lastUpdatePostDateStruct.date", str)),
        source_url=url,
        source_format=source_format,
    )


def _intervention(entry: dict[str, Any]) -> Intervention:
    return Intervention(
        type=n.intervention_type(at(entry, "type", str)),
        name=n.clean_text(at(entry, "name", str)) or "",
        description=n.clean_block(at(entry, "description", str)),
        other_names=n.clean_list(items(entry, "otherNames", str)),
    )


def _facility(location: dict[str, Any]) -> Facility:
    return Facility(
        name=n.clean_text(at(location, "facility", str)),
        city=n.clean_text(at(location, "city", str)),
        state=n.clean_text(at(location, "state", str)),
        country=n.clean_text(at(location, "country", str)),
    )
