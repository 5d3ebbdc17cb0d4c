"""Registration ids, recognized with the knowledge base's own patterns (knowledge/registries.yaml)."""

from __future__ import annotations

import pytest

from celldecide.registry.ids import IdMatcher, RegistryId


@pytest.mark.parametrize(
    ("raw", "registry", "normalized", "url"),
    [
        ("NCT06325566", "ctgov", "NCT06325566", "https://clinicaltrials.gov/study/NCT06325566"),
        ("nct 06325566", "ctgov", "NCT06325566", "https://clinicaltrials.gov/study/NCT06325566"),
        ("ChiCTR2000029953", "chictr", "ChiCTR2000029953",
         "https://trialsearch.who.int/Trial2.aspx?TrialID=ChiCTR2000029953"),
        ("chictr2000029953", "chictr", "ChiCTR2000029953",
         "https://trialsearch.who.int/Trial2.aspx?TrialID=ChiCTR2000029953"),
        ("jRCT2033200123", "jrct", "jRCT2033200123",
         "https://trialsearch.who.int/Trial2.aspx?TrialID=jRCT2033200123"),
        ("ISRCTN50189673", "isrctn", "ISRCTN50189673", "https://www.isrctn.com/ISRCTN50189673"),
        ("2015-002340-14", "eu_ctr", "2015-002340-14",
         "https://www.clinicaltrialsregister.eu/ctr-search/search?query=2015-002340-14"),
        ("2023-503456-21-00", "ctis", "2023-503456-21-00",
         "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT=2023-503456-21-00"),
        ("ACTRN12620000421932", "anzctr", "ACTRN12620000421932",
         "https://trialsearch.who.int/Trial2.aspx?TrialID=ACTRN12620000421932"),
        ("CTRI/2019/05/019234", "ctri", "CTRI/2019/05/019234",
         "https://trialsearch.who.int/Trial2.aspx?TrialID=CTRI/2019/05/019234"),
        ("KCT0001234", "cris", "KCT0001234", "https://trialsearch.who.int/Trial2.aspx?TrialID=KCT0001234"),
        ("DRKS00021134", "drks", "DRKS00021134", "https://drks.de/search/en/trial/DRKS00021134"),
        ("IRCT20100228003449N28", "irct", "IRCT20100228003449N28",
         "https://trialsearch.who.int/Trial2.aspx?TrialID=IRCT20100228003449N28"),
        ("UMIN000039686", "umin", "UMIN000039686",
         "https://trialsearch.who.int/Trial2.aspx?TrialID=UMIN000039686"),
    ],
)  # fmt: skip
def test_it_identifies_and_normalizes_each_registry_id(
    ids: IdMatcher, raw: str, registry: str, normalized: str, url: str
) -> None:
    assert ids.identify(raw) == RegistryId(registry=registry, id=normalized, url=url)


@pytest.mark.parametrize("raw", ["NCT123", "NCT063255661", "NL84", "TCTR2020040400", "stem cells", ""])
def test_it_identifies_nothing_when_no_format_fits(ids: IdMatcher, raw: str) -> None:
    assert ids.identify(raw) is None


def test_it_finds_every_id_in_free_text_with_its_span(ids: IdMatcher) -> None:
    text = "Registered as NCT06325566 (EudraCT 2014-005181-30) and ISRCTN 50189673; see also xNCT00000000."
    found = ids.find_all(text)
    assert [(m.registry_id.registry, m.registry_id.id) for m in found] == [
        ("ctgov", "NCT06325566"),
        ("eu_ctr", "2014-005181-30"),
        ("isrctn", "ISRCTN50189673"),
    ]
    assert all(text[m.start : m.end] == m.raw for m in found)


def test_it_prefers_the_longer_eu_ct_number_over_the_eudract_number_inside_it(ids: IdMatcher) -> None:
    found = ids.find_all("EU CT 2023-503456-21-00 is the new number.")
    assert [(m.registry_id.registry, m.registry_id.id) for m in found] == [("ctis", "2023-503456-21-00")]


def test_it_builds_record_urls_for_registries_without_an_id_pattern(ids: IdMatcher) -> None:
    assert ids.record_url("who_ictrp", "PACTR202004801273802") == (
        "https://trialsearch.who.int/Trial2.aspx?TrialID=PACTR202004801273802"
    )


def test_the_first_registry_listed_wins_when_two_formats_fit_a_whole_id() -> None:
    matcher = IdMatcher.from_registries([
        {"id": "first", "id_pattern": r"AB\d{4}", "id_prefix": "AB", "record_url": "https://a.example/{id}"},
        {"id": "second", "id_pattern": r"[A-Z]{2}\d{4}", "id_prefix": None, "record_url": "https://b.example/{id}"},
    ])  # fmt: skip
    assert matcher.identify("AB1234").registry == "first"
    assert matcher.identify("CD1234").registry == "second"
