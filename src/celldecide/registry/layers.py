"""Read a registration against the six layers of a named product, quoting only what the registration states.

Registrations seldom describe manufacturing, dose or route outside the
intervention descriptions, so those layers quote the sentences of the
descriptions that speak of them, and say "not stated" otherwise. Nothing is
inferred: a layer is either a quote of the record or an explicit absence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from celldecide.registry.records import TrialRecord

LAYER_IDS: tuple[str, ...] = ("cell_source", "manufacturing", "disease", "dose_route", "endpoint", "oversight")

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_MANUFACTURING = re.compile(
    r"\b(?:manufactur\w*|GMP|cultur\w*|expand\w*|passage\w*|isolat\w*|process\w*|cryopreserv\w*|"
    r"harvest\w*|concentrat\w*|centrifug\w*|derived|differentiat\w*|engineer\w*|transduc\w*)\b",
    re.IGNORECASE,
)
_DOSE_ROUTE = re.compile(
    r"\b(?:dose\w*|dosing|\d[\d.,]*\s*(?:x|×|\*)\s*10|million|billion|cells?/kg|mg|ml|injection\w*|"
    r"inject\w*|infus\w*|intravenous\w*|intra-?\w+|subcutaneous\w*|implant\w*|transplant\w*|route|topical\w*)\b",
    re.IGNORECASE,
)
MAX_QUOTES = 3


@dataclass(frozen=True, slots=True)
class LayerReading:
    """What a registration states for one layer: its statements (quotes or fields), or none."""

    id: str
    statements: tuple[str, ...]

    @property
    def stated(self) -> bool:
        return bool(self.statements)


def _sentences(record: TrialRecord, pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Return up to MAX_QUOTES distinct sentences of the intervention descriptions that match a pattern."""
    found: dict[str, None] = {}
    for intervention in record.interventions:
        for match in _SENTENCE.finditer(intervention.description or ""):
            sentence = match.group(0).strip()
            if sentence and pattern.search(sentence):
                found[sentence] = None
            if len(found) >= MAX_QUOTES:
                return tuple(found)
    return tuple(found)


def registration_layers(record: TrialRecord, *, registry_name: str | None = None) -> tuple[LayerReading, ...]:
    """Return the six layers in order, each with what the registration itself states for it.

    >>> from celldecide.registry.records import TrialRecord
    >>> [layer.stated for layer in registration_layers(TrialRecord(registry="ctgov", id="NCT00000000"))]
    [False, False, False, False, False, True]
    """
    names: dict[str, None] = {}
    for intervention in record.interventions:
        kind = f" ({intervention.type.lower().replace('_', ' ')})" if intervention.type else ""
        names[intervention.name + kind] = None
        for other in intervention.other_names:
            names[f"also called {other}"] = None
    outcomes = tuple(
        f"{o.measure} (over {o.time_frame})" if o.time_frame else o.measure for o in record.primary_outcomes
    )
    oversight = [f"Registered as {record.id}" + (f" with {registry_name}" if registry_name else "")]
    oversight.extend(f"also registered as {other}" for other in record.secondary_ids)
    return (
        LayerReading("cell_source", tuple(names)),
        LayerReading("manufacturing", _sentences(record, _MANUFACTURING)),
        LayerReading("disease", tuple(record.conditions)),
        LayerReading("dose_route", _sentences(record, _DOSE_ROUTE)),
        LayerReading("endpoint", outcomes),
        LayerReading("oversight", tuple(oversight)),
    )


_ALLOCATION = {"RANDOMIZED": "randomized", "NON_RANDOMIZED": "not randomized"}
_MODEL = {"SINGLE_GROUP": "one group, everyone receives the intervention", "PARALLEL": "parallel groups",
          "CROSSOVER": "crossover", "FACTORIAL": "factorial", "SEQUENTIAL": "sequential groups"}  # fmt: skip
_MASKING = {"NONE": "open label (nobody blinded)", "SINGLE": "single-blind", "DOUBLE": "double-blind",
            "TRIPLE": "triple-blind", "QUADRUPLE": "quadruple-blind"}  # fmt: skip


def design_in_words(record: TrialRecord) -> str | None:
    """Describe the comparison the registration declares, in plain words; None when it declares none.

    >>> design_in_words(TrialRecord(registry="ctgov", id="NCT0", allocation="RANDOMIZED",
    ...                             intervention_model="PARALLEL", masking="DOUBLE"))
    'Randomized, parallel groups, double-blind'
    """
    parts = [
        _ALLOCATION.get(record.allocation or ""),
        _MODEL.get(record.intervention_model or ""),
        _MASKING.get(record.masking or ""),
    ]
    words = ", ".join(p for p in parts if p)
    return words[:1].upper() + words[1:] if words else None
