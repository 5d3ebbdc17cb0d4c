"""The retired ClinicalTrials.gov classic XML (`<clinical_study>`, public.xsd) into `TrialRecord`s."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from celldecide.registry import normalize as n
from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers.common import RecordError, identify
from celldecide.registry.parsers.safe_xml import text_of, texts_of
from celldecide.registry.records import Facility, Intervention, Outcome, TrialRecord

FORMAT = "ctgov_classic_xml"
TAG = "clinical_study"


def study_id(element: ET.Element) -> str | None:
    """Return the NCT id of a `<clinical_study>` if present, for naming a rejection."""
    return n.clean_text(text_of(element, "id_info/nct_id"))


def record_from_element(element: ET.Element, *, ids: IdMatcher) -> TrialRecord:
    """Normalize one `<clinical_study>` element."""
    registration = identify(ids, study_id(element), field="id_info/nct_id")
    try:
        return _build(element, registration.registry, registration.id, registration.url)
    except RecordError as error:
        raise RecordError(error.reason, id=registration.id) from error
    except (TypeError, ValueError) as error:
        raise RecordError(str(error), id=registration.id) from error


def _enrollment(element: ET.Element) -> tuple[int | None, str | None]:
    found = element.find("enrollment")
    if found is None or not (found.text or "").strip():
        return None, None
    if not re.fullmatch(r"\s*\d+\s*", found.text or ""):
        raise RecordError(f"enrollment: expected a whole number, got {found.text!r}")
    return int(found.text or "0"), n.enrollment_type(found.get("type"))


def _build(element: ET.Element, registry: str, id: str, url: str) -> TrialRecord:
    raw_status = text_of(element, "overall_status")
    count, count_type = _enrollment(element)
    facilities = tuple(
        Facility(
            name=n.clean_text(text_of(loc, "facility/name")),
            city=n.clean_text(text_of(loc, "facility/address/city")),
            state=n.clean_text(text_of(loc, "facility/address/state")),
            country=n.clean_text(text_of(loc, "facility/address/country")),
        )
        for loc in element.findall("location")
    )
    countries = n.clean_list(
        texts_of(element, "location_countries/country") + [f.country for f in facilities]
    )
    return TrialRecord(
        registry=registry,
        id=id,
        title=n.clean_text(text_of(element, "brief_title")),
        official_title=n.clean_text(text_of(element, "official_title")),
        secondary_ids=n.clean_list(
            texts_of(element, "id_info/org_study_id") + texts_of(element, "id_info/secondary_id")
        ),
        brief_summary=n.clean_block(text_of(element, "brief_summary/textblock")),
        overall_status=n.status(raw_status),
        status_as_registered=n.clean_text(raw_status),
        phases=n.phases(text_of(element, "phase")),
        study_type=n.study_type(text_of(element, "study_type")),
        enrollment_count=count,
        enrollment_type=count_type,
        allocation=n.allocation(text_of(element, "study_design_info/allocation")),
        intervention_model=n.intervention_model(text_of(element, "study_design_info/intervention_model")),
        masking=n.masking(text_of(element, "study_design_info/masking")),
        conditions=n.clean_list(texts_of(element, "condition")),
        keywords=n.clean_list(texts_of(element, "keyword")),
        interventions=tuple(
            Intervention(
                type=n.intervention_type(text_of(i, "intervention_type")),
                name=name,
                description=n.clean_block(text_of(i, "description")),
                other_names=n.clean_list(texts_of(i, "other_name")),
            )
            for i in element.findall("intervention")
            if (name := n.clean_text(text_of(i, "intervention_name")))
        ),
        lead_sponsor_name=n.clean_text(text_of(element, "sponsors/lead_sponsor/agency")),
        lead_sponsor_class=n.sponsor_class(text_of(element, "sponsors/lead_sponsor/agency_class")),
        collaborators=n.clean_list(texts_of(element, "sponsors/collaborator/agency")),
        countries=tuple(sorted(countries)),
        facilities=facilities,
        start_date=n.partial_date(text_of(element, "start_date")),
        primary_completion_date=n.partial_date(text_of(element, "primary_completion_date")),
        completion_date=n.partial_date(text_of(element, "completion_date")),
        primary_outcomes=tuple(
            Outcome(measure=measure, time_frame=n.clean_text(text_of(o, "time_frame")))
            for o in element.findall("primary_outcome")
            if (measure := n.clean_text(text_of(o, "measure")))
        ),
        has_results=element.find("clinical_results") is not None,
        last_update=n.partial_date(
            text_of(element, "last_update_posted") or text_of(element, "lastchanged_date")
        ),
        source_url=url,
        source_format=FORMAT,
    )
