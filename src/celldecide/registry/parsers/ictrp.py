"""WHO ICTRP exports (XML, CSV with a header, and the 63-column weekly CSV) into `TrialRecord`s.

ICTRP passes on each source registry's record as flat text fields. The
registry is derived from the trial id (the knowledge base's id patterns); an
id no pattern recognizes stays an ICTRP record (`who_ictrp`), whose page on
the ICTRP portal is its public record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from celldecide.registry import normalize as n
from celldecide.registry.ids import IdMatcher, RegistryId
from celldecide.registry.parsers.common import RecordError
from celldecide.registry.records import Intervention, Outcome, TrialRecord

FORMAT_XML = "ictrp_xml"
FORMAT_CSV = "ictrp_csv"
ICTRP_REGISTRY = "who_ictrp"
XML_ROOT = "Trials_downloaded_from_ICTRP"
XML_RECORD = "Trial"

# The header-less weekly CSV, column by column (see the FORMATS notes beside the data).
WEEKLY_COLUMNS: tuple[str, ...] = (
    "TrialID", "last_updated", "SecondaryIDs", "public_title", "Scientific_title", "url",
    "Public_Contact_Firstname", "Public_Contact_Lastname", "Public_Contact_Address", "Public_Contact_Email",
    "Public_Contact_Tel", "Public_Contact_Affiliation", "Scientific_Contact_Firstname",
    "Scientific_Contact_Lastname", "Scientific_Contact_Address", "Scientific_Contact_Email",
    "Scientific_Contact_Tel", "Scientific_Contact_Affiliation", "study_type", "study_design", "phase",
    "Date_registration", "Date_enrollement", "Target_size", "Recruitment_status", "Primary_sponsor",
    "Secondary_sponsors", "Source_Support", "Countries", "Conditions", "Interventions", "Agemin", "Agemax",
    "Gender", "Inclusion_Criteria", "Exclusion_Criteria", "Primary_Outcome", "Secondary_Outcomes",
    "Bridging_flag", "Bridged_type", "Childs", "type_enrolment", "Retrospective_flag",
    "results_actual_enrollment", "results_url_link", "results_summary", "results_date_posted",
    "results_date_first_publication", "results_baseline_char", "results_participant_flow",
    "results_adverse_events", "results_outcome_measures", "results_url_protocol", "results_IPD_plan",
    "results_IPD_description", "results_date_completed", "results_yes_no", "Ethics_Status",
    "Ethics_Approval_Date", "Ethics_Contact_Name", "Ethics_Contact_Address", "Ethics_Contact_Phone",
    "Ethics_Contact_Email",
)  # fmt: skip

# Field names differ between the XML, the COVID-19 CSV and the weekly CSV; these are the same fields.
_ALIASES = {
    "last_updated": "last_refreshed_on",
    "secondaryids": "secondary_id",
    "url": "web_address",
    "secondary_sponsors": "secondary_sponsor",
    "conditions": "condition",
    "interventions": "intervention",
}

_INTERVENTION_TYPES = {
    "drug", "biological", "device", "procedure", "procedure/surgery", "other", "behavioral", "genetic",
    "radiation", "dietary supplement", "combination product", "diagnostic test",
}  # fmt: skip


def field_key(name: str) -> str:
    """Reduce a column or element name to one key: 'Public title' and 'Public_title' -> 'public_title'."""
    key = re.sub(r"[\s_]+", "_", name.strip()).lower()
    return _ALIASES.get(key, key)


def native_id(trial_id: str) -> str:
    """Return the id as its own registry prints it, without ICTRP's wrapping.

    ICTRP prefixes EU CTR ids with "EUCTR" and a country suffix (one row per
    member state) and Japanese ids with "JPRN-".

    >>> native_id("EUCTR2020-001052-18-FR"), native_id("JPRN-UMIN000039682")
    ('2020-001052-18', 'UMIN000039682')
    """
    text = trial_id.strip()
    euctr = re.fullmatch(r"EUCTR(\d{4}-\d{6}-\d{2})(?:-[A-Za-z/]+)*", text, flags=re.IGNORECASE)
    if euctr:
        return euctr.group(1)
    return re.sub(r"^JPRN-", "", text, flags=re.IGNORECASE)


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part.strip()]


def _enrollment(value: str | None) -> int | None:
    """Read a target size: a number, or ChiCTR's per-group 'Experimental group:30;Control group:30;'."""
    text = n.clean_text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d+", text):
        return int(text)
    groups = re.findall(r":\s*(\d+)\s*(?:;|$)", text)
    return sum(int(g) for g in groups) if groups else None


def _design(value: str | None) -> tuple[str | None, str | None, str | None]:
    """Return (allocation, intervention model, masking) from a free-text study design."""
    text = n.clean_text(value)
    if text is None:
        return None, None, None
    labelled = dict(re.findall(r"(Allocation|Intervention model|Masking):\s*([^.]+)", text, flags=re.IGNORECASE))
    labelled = {k.lower(): v for k, v in labelled.items()}
    if labelled:
        return (
            n.allocation(labelled.get("allocation")),
            n.intervention_model(labelled.get("intervention model")),
            n.masking(labelled.get("masking")),
        )
    lowered = text.lower()
    allocation = (
        "NON_RANDOMIZED" if re.search(r"non[\s-]?random", lowered)
        else "RANDOMIZED" if "random" in lowered
        else None
    )  # fmt: skip
    model = None
    for words, name in (
        (("single arm", "single-arm", "single group"), "SINGLE_GROUP"),
        (("parallel",), "PARALLEL"),
        (("crossover", "cross-over"), "CROSSOVER"),
        (("factorial",), "FACTORIAL"),
        (("sequential",), "SEQUENTIAL"),
    ):
        if any(word in lowered for word in words):
            model = name
            break
    masking = (
        "NONE" if "open label" in lowered or "open-label" in lowered
        else "DOUBLE" if "double blind" in lowered or "double-blind" in lowered
        else "SINGLE" if "single blind" in lowered or "single-blind" in lowered
        else None
    )  # fmt: skip
    return allocation, model, masking


def _intervention(text: str) -> Intervention:
    kind, _, rest = text.partition(":")
    if rest and kind.strip().lower() in _INTERVENTION_TYPES:
        return Intervention(type=n.intervention_type(kind), name=n.clean_text(rest) or "")
    return Intervention(type=None, name=n.clean_text(text) or "")


def _has_results(fields: Mapping[str, str]) -> bool | None:
    flag = n.yes_no(fields.get("results_yes_no"))
    if flag is not None:
        return flag
    if n.clean_text(fields.get("results_url_link")):
        return True
    return None


def _registration(ids: IdMatcher, trial_id: str) -> RegistryId:
    found = ids.identify(native_id(trial_id))
    if found is not None:
        return found
    url = ids.record_url(ICTRP_REGISTRY, trial_id) or ""
    return RegistryId(registry=ICTRP_REGISTRY, id=trial_id, url=url)


def record_from_fields(raw: Mapping[str, str | None], *, ids: IdMatcher, source_format: str) -> TrialRecord:
    """Normalize one ICTRP trial given as {field name: text} from the XML or a CSV row."""
    fields = {field_key(k): v or "" for k, v in raw.items() if k}
    trial_id = n.clean_text(fields.get("trialid"))
    if trial_id is None:
        raise RecordError("missing id (TrialID)")
    registration = _registration(ids, trial_id)
    try:
        return _build(fields, registration, source_format)
    except RecordError as error:
        raise RecordError(error.reason, id=registration.id) from error
    except (TypeError, ValueError) as error:
        raise RecordError(str(error), id=registration.id) from error


def _build(fields: dict[str, str], registration: RegistryId, source_format: str) -> TrialRecord:
    raw_status = n.clean_text(fields.get("recruitment_status"))
    allocation, model, masking = _design(fields.get("study_design"))
    web_address = n.clean_text(fields.get("web_address"))
    return TrialRecord(
        registry=registration.registry,
        id=registration.id,
        title=n.clean_text(fields.get("public_title")),
        official_title=n.clean_text(fields.get("scientific_title")),
        secondary_ids=n.clean_list(_split(fields.get("secondary_id"))),
        overall_status=n.status(raw_status),
        status_as_registered=raw_status,
        phases=n.phases(fields.get("phase") or None),
        study_type=n.study_type(fields.get("study_type")),
        enrollment_count=_enrollment(fields.get("target_size")),
        allocation=allocation,
        intervention_model=model,
        masking=masking,
        conditions=n.clean_list(_split(fields.get("condition"))),
        interventions=tuple(
            i for i in (_intervention(part) for part in _split(fields.get("intervention"))) if i.name
        ),
        lead_sponsor_name=n.clean_text(fields.get("primary_sponsor")),
        collaborators=n.clean_list(_split(fields.get("secondary_sponsor"))),
        countries=tuple(sorted(n.clean_list(_split(fields.get("countries"))))),
        start_date=n.partial_date(fields.get("date_enrollement")),
        primary_outcomes=tuple(
            Outcome(measure=measure) for part in _split(fields.get("primary_outcome"))
            if (measure := n.clean_text(part))
        ),
        has_results=_has_results(fields),
        last_update=n.partial_date(fields.get("last_refreshed_on")),
        source_url=web_address if web_address and web_address.startswith("http") else registration.url,
        source_format=source_format,
    )
