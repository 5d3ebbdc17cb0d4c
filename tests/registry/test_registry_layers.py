"""The six layers as a registration states them, the design in words, and conditions named by the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from celldecide.registry.classify import ConditionVocabulary
from celldecide.registry.ids import IdMatcher
from celldecide.registry.layers import LAYER_IDS, design_in_words, registration_layers
from celldecide.registry.parsers import Rejection, parse_path, parse_v2_studies


@pytest.fixture(scope="module")
def rexlemestrocel(fixtures_dir: Path, ids: IdMatcher):
    return next(r for r in parse_path(fixtures_dir / "v2_study_NCT06325566.json", ids=ids))


def test_it_reads_the_six_layers_in_order_from_the_registration(rexlemestrocel):
    layers = registration_layers(rexlemestrocel, registry_name="ClinicalTrials.gov")
    assert tuple(layer.id for layer in layers) == LAYER_IDS
    by_id = {layer.id: layer for layer in layers}
    assert any("Rexlemestrocel-L" in s for s in by_id["cell_source"].statements)
    assert by_id["disease"].statements == rexlemestrocel.conditions
    assert by_id["oversight"].statements[0] == "Registered as NCT06325566 with ClinicalTrials.gov"
    assert all(s in "\n".join(i.description or "" for i in rexlemestrocel.interventions)
               for s in by_id["dose_route"].statements)  # fmt: skip


def test_it_describes_the_declared_comparison_in_words(rexlemestrocel):
    words = design_in_words(rexlemestrocel)
    assert words is not None and words.startswith("Randomized")


def test_it_maps_registered_conditions_to_knowledge_conditions(kb):
    vocabulary = ConditionVocabulary.from_knowledge(kb.conditions)
    assert "knee_osteoarthritis" in vocabulary.ids_in("Knee Osteoarthritis")
    assert vocabulary.ids_in("Chewing and oral processing") == ()


def test_it_parses_decoded_v2_studies_and_rejects_one_without_an_id(fixtures_dir: Path, ids: IdMatcher):
    import json

    studies = json.loads((fixtures_dir / "v2_array_cell_therapy.json").read_text(encoding="utf-8"))
    results = list(parse_v2_studies([studies[0], {"protocolSection": {}}], ids=ids, source="api"))
    assert results[0].id == studies[0]["protocolSection"]["identificationModule"]["nctId"]
    assert isinstance(results[1], Rejection) and results[1].reason.startswith("missing id")
