"""The retired ClinicalTrials.gov v1 API `FullStudiesResponse` (PascalCase JSON) into `TrialRecord`s.

v1 carried every value as text ("EnrollmentCount": "32", dates as "June 15, 2018")
and wrapped lists in `…List.…` objects; the result is the same normalized
record a v2 study gives.
"""

from __future__ import annotations

import re
from typing import Any

from celldecide.registry import normalize as n
from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers.common import RecordError, at, identify, items
from celldecide.registry.records import Facility, Intervention, Outcome, TrialRecord

FORMAT = "ctgov_v1"

_P = "Study.ProtocolSection"


def study_id(entry: Any) -> str | None:
    """Return the NCT id of a v1 `FullStudies` entry if it can be read, for naming a rejection."""
    try:
        return at(entry, f"{_P}.IdentificationModule.NCTId", str)
    except RecordError:
        return None


def record_from_full_study(entry: Any, *, ids: IdMatcher) -> TrialRecord:
    """Normalize one entry of `FullStudiesResponse.FullStudies` ({Rank, Study})."""
    if not isinstance(entry, dict):
        raise RecordError(f"FullStudies entry: expected an object, got {type(entry).__name__}")
    raw_id = at(entry, f"{_P}.IdentificationModule.NCTId", str)
    registration = identify(ids, raw_id, field=f"{_P}.IdentificationModule.NCTId")
    try:
        return _build(entry, registration.registry, registration.id, registration.url)
    except RecordError as error:
        raise RecordError(error.reason, id=registration.id) from error
    except (TypeError, ValueError) as error:
        raise RecordError(str(error), id=registration.id) from error


def _count(value: str | None) -> int | None:
    if value is None:
        return None
    if not re.fullmatch(r"\s*\d+\s*", value):
        raise RecordError(f"EnrollmentCount: expected a whole number, got {value!r}")
    return int(value)


def _build(entry: dict[str, Any], registry: str, id: str, url: str) -> TrialRecord:
    ident = f"{_P}.IdentificationModule"
    status = f"{_P}.StatusModule"
    design = f"{_P}.DesignModule"
    sponsors = f"{_P}.SponsorCollaboratorsModule"
    arms = f"{_P}.ArmsInterventionsModule"
    raw_status = at(entry, f"{status}.OverallStatus", str)
    locations = items(entry, f"{_P}.ContactsLocationsModule.LocationList.Location", dict)
    facilities = tuple(
        Facility(
            name=n.clean_text(at(loc, "LocationFacility", str)),
            city=n.clean_text(at(loc, "LocationCity", str)),
            state=n.clean_text(at(loc, "LocationState", str)),
            country=n.clean_text(at(loc, "LocationCountry", str)),
        )
        for loc in locations
    )
    return TrialRecord(
        registry=registry,
        id=id,
        title=n.clean_text(at(entry, f"{ident}.BriefTitle", str)),
        official_title=n.clean_text(at(entry, f"{ident}.OfficialTitle", str)),
        secondary_ids=n.clean_list(
            [at(entry, f"{ident}.OrgStudyIdInfo.OrgStudyId", str)]
            + [
                at(info, "SecondaryId", str)
                for info in items(entry, f"{ident}.SecondaryIdInfoList.SecondaryIdInfo", dict)
            ]
        ),
        brief_summary=n.clean_block(at(entry, f"{_P}.DescriptionModule.BriefSummary", str)),
        overall_status=n.status(raw_status),
        status_as_registered=n.clean_text(raw_status),
        phases=n.phases(items(entry, f"{design}.PhaseList.Phase", str)),
        study_type=n.study_type(at(entry, f"{design}.StudyType", str)),
        enrollment_count=_count(at(entry, f"{design}.EnrollmentInfo.EnrollmentCount", str)),
        enrollment_type=n.enrollment_type(at(entry, f"{design}.EnrollmentInfo.EnrollmentType", str)),
        allocation=n.allocation(at(entry, f"{design}.DesignInfo.DesignAllocation", str)),
        intervention_model=n.intervention_model(at(entry, f"{design}.DesignInfo.DesignInterventionModel", str)),
        masking=n.masking(at(entry, f"{design}.DesignInfo.DesignMaskingInfo.DesignMasking", str)),
        conditions=n.clean_list(items(entry, f"{_P}.ConditionsModule.ConditionList.Condition", str)),
        keywords=n.clean_list(items(entry, f"{_P}.ConditionsModule.KeywordList.Keyword", str)),
        interventions=tuple(
            Intervention(
                type=n.intervention_type(at(i, "InterventionType", str)),
                name=n.clean_text(at(i, "InterventionName", str)) or "",
                description=n.clean_block(at(i, "InterventionDescription", str)),
                other_names=n.clean_list(items(i, "InterventionOtherNameList.InterventionOtherName", str)),
            )
            for i in items(entry, f"{arms}.InterventionList.Intervention", dict)
            if at(i, "InterventionName", str)
        ),
        lead_sponsor_name=n.clean_text(at(entry, f"{sponsors}.LeadSponsor.LeadSponsorName", str)),
        lead_sponsor_class=n.sponsor_class(at(entry, f"{sponsors}.LeadSponsor.LeadSponsorClass", str)),
        collaborators=n.clean_list(
            at(c, "CollaboratorName", str)
            for c in items(entry, f"{sponsors}.CollaboratorList.Collaborator", dict)
        ),
        countries=tuple(sorted(n.clean_list(f.country for f in facilities))),
        facilities=facilities,
        start_date=n.partial_date(at(entry, f"{status}.StartDateStruct.StartDate", str)),
        primary_completion_date=n.partial_date(
            at(entry, f"{status}.PrimaryCompletionDateStruct.PrimaryCompletionDate", str)
        ),
        completion_date=n.partial_date(at(entry, f"{status}.CompletionDateStruct.CompletionDate", str)),
        primary_outcomes=tuple(
            Outcome(measure=measure, time_frame=n.clean_text(at(o, "PrimaryOutcomeTimeFrame", str)))
            for o in items(entry, f"{_P}.OutcomesModule.PrimaryOutcomeList.PrimaryOutcome", dict)
            if (measure := n.clean_text(at(o, "PrimaryOutcomeMeasure", str)))
        ),
        # v1 has no hasResults flag; a ResultsSection is what it showed when results were posted.
        has_results=isinstance(entry.get("Study", {}).get("ResultsSection"), dict),
        last_update=n.partial_date(at(entry, f"{status}.LastUpdatePostDateStruct.LastUpdatePostDate", str)),
        source_url=url,
        source_format=FORMAT,
    )
