"""Decode ClinicalTrials.gov JSON files keeping only the parts the record builders read.

A v2 study or a v1 `FullStudies` entry carries far more than a `TrialRecord` holds: posted results,
derived MeSH terms, eligibility criteria, detailed descriptions, arm groups, contacts, references.
msgspec steps over those without making Python objects of them, so a file decodes in about half the
time orjson takes to build (and then free) all of it, and the builders receive the same plain dicts
and lists for every part they read.

The schemas below name those parts. A value where the schemas expect an object but find something
else, and anything msgspec refuses (invalid JSON, NaN, a lone surrogate, nesting too deep), makes
`decode` return None; the caller then decodes the file in full, so a malformed record is rejected with
the same reason as before. `tests/registry/test_registry_skim.py` checks that every real file gives
the same records either way, which is what keeps these schemas in step with `ctgov_v2._build` and
`ctgov_v1._build`: a field a builder starts to read must be added here too.

Two differences from a full decode remain. Bytes that are not UTF-8 inside
a part that is skipped do not refuse the file (inside a part that is read they still do). An
integer beyond 64 bits in a part that is read stays an integer where orjson would make it a float
(so such a count is rejected as a value that cannot be stored, not as a number of the wrong type).
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec


def _object(type_name: str, /, **fields: Any) -> Any:
    """Return the type of a JSON object keeping only these keys (each may be absent or null).

    msgspec decodes a TypedDict into a plain dict of the keys it declares and steps over any other.
    A field given as True is kept as whatever JSON it holds, for the builder to check.
    """
    declared = {key: (Any if kind is True else kind) for key, kind in fields.items()}
    return TypedDict(type_name, declared, total=False) | None  # type: ignore[operator]


def _list(item: Any) -> Any:
    return list[item] | None


# --- API v2 (camelCase): what `ctgov_v2._build` reads ------------------------------------------------------

_V2_DATE = _object("V2Date", date=True)
_V2_STUDY = _object(
    "V2Study",
    protocolSection=_object(
        "V2Protocol",
        identificationModule=_object(
            "V2Identification", nctId=True, briefTitle=True, officialTitle=True,
            orgStudyIdInfo=_object("V2OrgStudyId", id=True), secondaryIdInfos=_list(_object("V2SecondaryId", id=True)),
        ),
        statusModule=_object(
            "V2Status", overallStatus=True, startDateStruct=_V2_DATE, primaryCompletionDateStruct=_V2_DATE,
            completionDateStruct=_V2_DATE, lastUpdatePostDateStruct=_V2_DATE,
        ),
        sponsorCollaboratorsModule=_object(
            "V2Sponsors", leadSponsor=_object("V2Lead", **{"name": True, "class": True}),
            collaborators=_list(_object("V2Collaborator", name=True)),
        ),
        descriptionModule=_object("V2Description", briefSummary=True),
        conditionsModule=_object("V2Conditions", conditions=True, keywords=True),
        designModule=_object(
            "V2Design", studyType=True, phases=True, enrollmentInfo=_object("V2Enrollment", count=True, type=True),
            designInfo=_object(
                "V2DesignInfo", allocation=True, interventionModel=True,
                maskingInfo=_object("V2Masking", masking=True),
            ),
        ),
        armsInterventionsModule=_object(
            "V2Arms",
            interventions=_list(
                _object("V2Intervention", type=True, name=True, description=True, otherNames=True)
            ),
        ),
        outcomesModule=_object(
            "V2Outcomes", primaryOutcomes=_list(_object("V2Outcome", measure=True, timeFrame=True))
        ),
        contactsLocationsModule=_object(
            "V2Contacts",
            locations=_list(_object("V2Location", facility=True, city=True, state=True, country=True)),
        ),
    ),
    hasResults=True,
)  # fmt: skip

# --- the retired v1 API (PascalCase): what `ctgov_v1._build` reads -----------------------------------------

_V1_STUDY = _object(
    "V1Study",
    ProtocolSection=_object(
        "V1Protocol",
        IdentificationModule=_object(
            "V1Identification", NCTId=True, BriefTitle=True, OfficialTitle=True,
            OrgStudyIdInfo=_object("V1OrgStudyId", OrgStudyId=True),
            SecondaryIdInfoList=_object(
                "V1SecondaryIds", SecondaryIdInfo=_list(_object("V1SecondaryId", SecondaryId=True))
            ),
        ),
        StatusModule=_object(
            "V1Status", OverallStatus=True,
            StartDateStruct=_object("V1Start", StartDate=True),
            PrimaryCompletionDateStruct=_object("V1PrimaryCompletion", PrimaryCompletionDate=True),
            CompletionDateStruct=_object("V1Completion", CompletionDate=True),
            LastUpdatePostDateStruct=_object("V1LastUpdate", LastUpdatePostDate=True),
        ),
        SponsorCollaboratorsModule=_object(
            "V1Sponsors", LeadSponsor=_object("V1Lead", LeadSponsorName=True, LeadSponsorClass=True),
            CollaboratorList=_object(
                "V1Collaborators", Collaborator=_list(_object("V1Collaborator", CollaboratorName=True))
            ),
        ),
        DescriptionModule=_object("V1Description", BriefSummary=True),
        ConditionsModule=_object("V1Conditions", ConditionList=True, KeywordList=True),
        DesignModule=_object(
            "V1Design", StudyType=True, PhaseList=True,
            EnrollmentInfo=_object("V1Enrollment", EnrollmentCount=True, EnrollmentType=True),
            DesignInfo=_object(
                "V1DesignInfo", DesignAllocation=True, DesignInterventionModel=True,
                DesignMaskingInfo=_object("V1Masking", DesignMasking=True),
            ),
        ),
        ArmsInterventionsModule=_object(
            "V1Arms",
            InterventionList=_object(
                "V1Interventions",
                Intervention=_list(_object(
                    "V1Intervention", InterventionType=True, InterventionName=True,
                    InterventionDescription=True, InterventionOtherNameList=True,
                )),
            ),
        ),
        OutcomesModule=_object(
            "V1Outcomes",
            PrimaryOutcomeList=_object(
                "V1PrimaryOutcomes",
                PrimaryOutcome=_list(_object("V1Outcome", PrimaryOutcomeMeasure=True, PrimaryOutcomeTimeFrame=True)),
            ),
        ),
        ContactsLocationsModule=_object(
            "V1Contacts",
            LocationList=_object(
                "V1Locations",
                Location=_list(_object(
                    "V1Location", LocationFacility=True, LocationCity=True, LocationState=True, LocationCountry=True
                )),
            ),
        ),
    ),
    # Only whether it is an object is read (`has_results`): an object of no declared keys skips all of it.
    ResultsSection=_object("V1Results"),
)  # fmt: skip

_DECODERS = {
    "ctgov_v2_array": msgspec.json.Decoder(list[_V2_STUDY]),
    "ctgov_v2_page": msgspec.json.Decoder(_object("V2Page", studies=_list(_V2_STUDY))),
    "ctgov_v2_study": msgspec.json.Decoder(_V2_STUDY),
    "ctgov_v1_json": msgspec.json.Decoder(
        _object(
            "V1Document",
            FullStudiesResponse=_object("V1Response", FullStudies=_list(_object("V1Entry", Study=_V1_STUDY))),
        )
    ),
}


def decode(data: bytes, fmt: str) -> Any:
    """Decode a JSON registry file of format `fmt` into the parts the builders read, or None if it cannot be.

    The result has the shape of the full document (a list of studies, a page, a study, a v1 response)
    with only those parts in it, as plain dicts and lists.
    """
    decoder = _DECODERS.get(fmt)
    if decoder is None:
        return None
    try:
        return decoder.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError, ValueError):
        return None
