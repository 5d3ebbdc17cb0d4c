"""`celldecide kb check` and `kb stats`: the real knowledge base passes; a broken copy fails, naming file and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from celldecide.cli import main


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_passes_on_the_real_knowledge_base(capsys):
    assert main(["kb", "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: knowledge kb-")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # a fact citing a source that does not exist
        ("signals.yaml", "sources: [fda_maci]", "sources: [no_such_source]", "signals.yaml:cartilage:sources: unknown source id 'no_such_source'"),
        # a typo in a field name
        ("stages.yaml", "  patient_question: Has anyone", "  patient_questoin: Has anyone", "stages.yaml:discovery:patient_question: Field required"),
        # a source without its verified-on date
        ("sources/core.yaml", "  verified_on: 2026-11-26\n  tier: journal\n- id: nature_bemdaneprocel_2025", "  tier: journal\n- id: nature_bemdaneprocel_2025", "sources/core.yaml:nejm_zimislecel_2025:verified_on: Field required"),
        # a contract id removed
        ("red_flags.yaml", "- id: hype_language", "- id: hype_words", "red_flags.yaml:hype_language:id: the reading contract requires red_flags id 'hype_language'"),
        # a detection pattern that does not compile
        ("red_flags.yaml", "'\\bsuccess rate\\b'", "'\\bsuccess (rate\\b'", "red_flags.yaml:guaranteed_outcome:patterns.3.regex: regex does not compile"),
        # an authorization without its date, its regulator, or its source
        ("products/tisagenlecleucel.yaml", "  date: '2017-08-30'\n", "", "products/tisagenlecleucel.yaml:tisagenlecleucel:authorizations.0.date: Field required"),
        ("products/tisagenlecleucel.yaml", "- regulator: fda\n  status: approved\n  indication: Patients up to 25", "- status: approved\n  indication: Patients up to 25", "products/tisagenlecleucel.yaml:tisagenlecleucel:authorizations.0.regulator: Field required"),
        ("products/tisagenlecleucel.yaml", "  sources:\n  - ons_kymriah_approval_2017\n  - openfda_kymriah_label\n", "  sources: []\n", "products/tisagenlecleucel.yaml:tisagenlecleucel:authorizations.0.sources: List should have at least 1 item"),
        # a product that leaves out one of its six layers (a layer not made public must say "not public")
        ("products/tisagenlecleucel.yaml", "  endpoint: 'ELIANA", "  endpoint_typo: 'ELIANA", "products/tisagenlecleucel.yaml:tisagenlecleucel:layers.endpoint: Field required"),
        # YAML that does not parse
        ("layers.yaml", "- id: cell_source", "- id: [cell_source", "layers.yaml:-:line"),
    ],
)
def test_it_fails_naming_the_file_and_field(knowledge_copy, capsys, file, old, new, expected):
    _break(knowledge_copy / file, old, new)
    assert main(["kb", "check", "--root", str(knowledge_copy)]) == 1
    err = capsys.readouterr().err
    assert expected in err


def test_it_refuses_a_missing_folder(tmp_path, capsys):
    assert main(["kb", "check", "--root", str(tmp_path / "absent")]) == 1
    assert "knowledge folder not found" in capsys.readouterr().err


def test_it_prints_counts_per_kind_as_json(capsys):
    assert main(["kb", "stats", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["stages"] == 7
    assert counts["checklist"] == 9
    assert counts["layers"] == 6
    assert counts["red_flags"] == 16
    assert counts["cell_types"] >= 20
    assert counts["frontiers"] == 6
    assert counts["mechanisms"] == 6
    for key in ("products", "regulators", "registries", "conditions", "sources", "pages"):
        assert key in counts
    assert counts["version"].startswith("kb-")


def test_it_gives_the_same_version_for_the_same_files(knowledge_copy):
    from celldecide.knowledge import load_knowledge_uncached

    first = load_knowledge_uncached(knowledge_copy).version
    assert load_knowledge_uncached(knowledge_copy).version == first
    _break(knowledge_copy / "faqs.yaml", "Yes, a small number", "Yes: a small number")
    assert load_knowledge_uncached(knowledge_copy).version != first


def test_it_refuses_a_link_to_a_clinic(knowledge_copy, capsys):
    _break(
        knowledge_copy / "faqs.yaml",
        "check it with that country's regulator.",
        "check it with that country's regulator, or book at https://example-stem-clinic.test/offer.",
    )
    assert main(["kb", "check", "--root", str(knowledge_copy)]) == 1
    assert "faqs.yaml:go_abroad:-: links to https://example-stem-clinic.test/offer" in capsys.readouterr().err
