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

Two differences from a full decode remain, both in what is not read: bytes that are not UTF-8 inside
a part that is skipped do not refuse the file (inside a part that is read they still do), and an
integer beyond 64 bits in a part that is read stays an integer where orjson would make it a float
(so such a count is rejected as a value that cannot be stored, not as a number of the wrong type).
"""

from __future__ import annotations

from typing import Any

import msgspec

# --- API v2 (camelCase) ---------------------------------------------------------------------------------


class _V2Description(msgspec.Struct):
    briefSummary: Any = None


class _V2Arms(msgspec.Struct):
    interventions: Any = None


class _V2Outcomes(msgspec.Struct):
    primaryOutcomes: Any = None


class _V2Contacts(msgspec.Struct):
    locations: Any = None


class _V2Protocol(msgspec.Struct):
    identificationModule: Any = None
    statusModule: Any = None
    sponsorCollaboratorsModule: Any = None
    descriptionModule: _V2Description | None = None
    conditionsModule: Any = None
    designModule: Any = None
    armsInterventionsModule: _V2Arms | None = None
    outcomesModule: _V2Outcomes | None = None
    contactsLocationsModule: _V2Contacts | None = None


class _V2Study(msgspec.Struct):
    protocolSection: _V2Protocol | None = None
    hasResults: Any = None


class _V2Page(msgspec.Struct):
    studies: list[_V2Study] | None = None


# --- the retired v1 API (PascalCase) ---------------------------------------------------------------------


class _V1Description(msgspec.Struct):
    BriefSummary: Any = None


class _V1Arms(msgspec.Struct):
    InterventionList: Any = None


class _V1Outcomes(msgspec.Struct):
    PrimaryOutcomeList: Any = None


class _V1Contacts(msgspec.Struct):
    LocationList: Any = None


class _V1Protocol(msgspec.Struct):
    IdentificationModule: Any = None
    StatusModule: Any = None
    SponsorCollaboratorsModule: Any = None
    DescriptionModule: _V1Description | None = None
    ConditionsModule: Any = None
    DesignModule: Any = None
    ArmsInterventionsModule: _V1Arms | None = None
    OutcomesModule: _V1Outcomes | None = None
    ContactsLocationsModule: _V1Contacts | None = None


class _V1Study(msgspec.Struct):
    ProtocolSection: _V1Protocol | None = None
    # Only whether it is an object is read (`has_results`); its values stay undecoded.
    ResultsSection: dict[str, msgspec.Raw] | None = None


class _V1Entry(msgspec.Struct):
    Study: _V1Study | None = None


class _V1Response(msgspec.Struct):
    FullStudies: list[_V1Entry] | None = None


class _V1Document(msgspec.Struct):
    FullStudiesResponse: _V1Response | None = None


def _plain(struct: msgspec.Struct | None) -> dict[str, Any] | None:
    """Return a struct's fields that hold a value as a dict (a missing part and a null one read alike)."""
    if struct is None:
        return None
    return {name: value for name in struct.__struct_fields__ if (value := getattr(struct, name)) is not None}


def _v2_study(study: _V2Study) -> dict[str, Any]:
    protocol = study.protocolSection
    document: dict[str, Any] = {} if study.hasResults is None else {"hasResults": study.hasResults}
    if protocol is not None:
        section = _plain(protocol)
        for name in ("descriptionModule", "armsInterventionsModule", "outcomesModule", "contactsLocationsModule"):
            if name in section:
                section[name] = _plain(section[name])
        document["protocolSection"] = section
    return document


def _v1_entry(entry: _V1Entry) -> dict[str, Any]:
    study = entry.Study
    if study is None:
        return {}
    plain: dict[str, Any] = {}
    if study.ProtocolSection is not None:
        section = _plain(study.ProtocolSection)
        for name in ("DescriptionModule", "ArmsInterventionsModule", "OutcomesModule", "ContactsLocationsModule"):
            if name in section:
                section[name] = _plain(section[name])
        plain["ProtocolSection"] = section
    if study.ResultsSection is not None:
        plain["ResultsSection"] = {}  # present and an object: all `has_results` asks
    return {"Study": plain}


_DECODERS = {
    "ctgov_v2_array": msgspec.json.Decoder(list[_V2Study]),
    "ctgov_v2_page": msgspec.json.Decoder(_V2Page),
    "ctgov_v2_study": msgspec.json.Decoder(_V2Study),
    "ctgov_v1_json": msgspec.json.Decoder(_V1Document),
}


def decode(data: bytes, fmt: str) -> Any:
    """Decode a JSON registry file of format `fmt` into the parts the builders read, or None if it cannot be.

    The result has the shape of the full document (a list of studies, a page, a study, a v1 response)
    with only those parts in it.
    """
    decoder = _DECODERS.get(fmt)
    if decoder is None:
        return None
    try:
        decoded = decoder.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError, ValueError):
        return None
    if fmt == "ctgov_v2_array":
        return [_v2_study(study) for study in decoded]
    if fmt == "ctgov_v2_page":
        return {} if decoded.studies is None else {"studies": [_v2_study(study) for study in decoded.studies]}
    if fmt == "ctgov_v2_study":
        return _v2_study(decoded)
    response = decoded.FullStudiesResponse
    if response is None or response.FullStudies is None:
        return {}
    return {"FullStudiesResponse": {"FullStudies": [_v1_entry(entry) for entry in response.FullStudies]}}
