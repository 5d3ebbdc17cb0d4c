"""Every registry record under ../shared/data parses: the counts per file are the ones observed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from celldecide.registry.ids import IdMatcher
from celldecide.registry.parsers import Rejection, detect_format, parse_path

# (file, format, records, rejections, records per registry)
EXPECTED = [
    ("ctgov-v2/exports/degenerative_disc_ctg-studies.json", "ctgov_v2_array", 88, 0, {"ctgov": 88}),
    ("ctgov-v2/exports/herniated_disc_ctg-studies.json", "ctgov_v2_array", 100, 0, {"ctgov": 100}),
    ("ctgov-v2/paged/search_age_count_20260811.json", "ctgov_v2_page", 1, 0, {"ctgov": 1}),
    ("ctgov-v2/paged/search_keytruda_limit3_20260811.json", "ctgov_v2_page", 3, 0, {"ctgov": 3}),
    ("ctgov-v2/paged/search_melanoma_recruiting_limit3_20260811.json", "ctgov_v2_page", 3, 0, {"ctgov": 3}),
    ("ctgov-v2/paged/search_nsclc_egfr_l858r_20260811.json", "ctgov_v2_page", 2, 0, {"ctgov": 2}),
    ("ctgov-v2/paged/search_phelan_limit50_20260811.json", "ctgov_v2_page", 3, 0, {"ctgov": 3}),
    ("ctgov-v2/paged/search_phelan_limit5_20260811.json", "ctgov_v2_page", 5, 0, {"ctgov": 5}),
    ("ctgov-v2/paged/search_phelan_next_20260811.json", "ctgov_v2_page", 5, 0, {"ctgov": 5}),
    ("ctgov-v1-msc/ALLO-ASC.json", "ctgov_v1_json", 25, 0, {"ctgov": 25}),
    ("ctgov-v1-msc/allo-MSCs.json", "ctgov_v1_json", 1, 0, {"ctgov": 1}),
    ("ctgov-v1-msc/allogeneic_mesenchymal.json", "ctgov_v1_json", 50, 0, {"ctgov": 50}),
    ("ctgov-v1-msc/autologous_mesenchymal.json", "ctgov_v1_json", 50, 0, {"ctgov": 50}),
    ("ctgov-v1-msc/mesenchymal_stem.json", "ctgov_v1_json", 50, 0, {"ctgov": 50}),
    ("ctgov-v1-msc/mesenchymal_stromal.json", "ctgov_v1_json", 50, 0, {"ctgov": 50}),
    ("ctgov-v1-msc/remestemcel-l.json", "ctgov_v1_json", 21, 0, {"ctgov": 21}),
    ("who-ictrp/ICTRP-Results_18Mar2020.xml", "ictrp_xml", 578, 0, {"chictr": 476, "ctgov": 102}),
    (
        "who-ictrp/ICTRP_COVID19-927-trials_7Apr2020.csv",
        "ictrp_csv",
        927,
        0,
        {"chictr": 581, "ctgov": 286, "eu_ctr": 21, "anzctr": 9, "irct": 8, "isrctn": 8, "nl_trial_register": 6,
         "jrct": 3, "tctr": 2, "umin": 2, "drks": 1},
    ),
]  # fmt: skip

ONE_STUDY_FOLDERS = [("ctgov-v2/single", "ctgov_v2_study", 17), ("ctgov-classic-xml", "ctgov_classic_xml", 63)]


def _parse(path: Path, ids: IdMatcher) -> tuple[list, list[Rejection]]:
    results = list(parse_path(path, ids=ids))
    return [r for r in results if not isinstance(r, Rejection)], [r for r in results if isinstance(r, Rejection)]


@pytest.mark.parametrize(("name", "fmt", "records", "rejections", "by_registry"), EXPECTED)
def test_it_parses_every_record_of_each_shared_file(
    shared_data: Path, ids: IdMatcher, name: str, fmt: str, records: int, rejections: int, by_registry: dict
) -> None:
    path = shared_data / name
    assert detect_format(path) == fmt
    good, bad = _parse(path, ids)
    assert (len(good), len(bad)) == (records, rejections)
    assert Counter(r.registry for r in good) == by_registry


@pytest.mark.parametrize(("folder", "fmt", "files"), ONE_STUDY_FOLDERS)
def test_it_parses_each_one_study_file(shared_data: Path, ids: IdMatcher, folder: str, fmt: str, files: int) -> None:
    paths = sorted((shared_data / folder).iterdir())
    assert len(paths) == files
    for path in paths:
        assert detect_format(path) == fmt
        good, bad = _parse(path, ids)
        assert (len(good), len(bad)) == (1, 0), path.name
        assert good[0].id.lower() in path.name.lower()


def test_it_covers_every_registry_file_in_the_shared_data(shared_data: Path) -> None:
    covered = {name for name, *_ in EXPECTED} | {
        p.relative_to(shared_data).as_posix()
        for folder, *_ in ONE_STUDY_FOLDERS
        for p in (shared_data / folder).iterdir()
    }
    on_disk = {
        p.relative_to(shared_data).as_posix()
        for p in shared_data.rglob("*")
        if p.suffix in {".json", ".xml", ".csv"} and p.parent.name not in {"ctgov-openapi", "aact"}
        and p.name != "csv-field-map.csv"
    }
    assert on_disk == covered


def test_it_reads_the_188_records_of_the_website_exports(shared_data: Path, ids: IdMatcher) -> None:
    records = [r for p in sorted((shared_data / "ctgov-v2/exports").glob("*.json")) for r in _parse(p, ids)[0]]
    assert len(records) == 188
    assert all(r.registry == "ctgov" and r.id.startswith("NCT") for r in records)
    assert all(r.title and r.overall_status for r in records)
    assert len({r.id for r in records}) == len({r.key for r in records})
