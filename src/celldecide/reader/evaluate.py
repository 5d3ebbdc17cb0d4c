"""Score readings against a labeled set (`tests/eval/*.jsonl`, `../shared/eval/calibration.jsonl`).

Scoring follows the evaluation README: optional red flags cost nothing either way; set-valued fields
(red flags, registry ids, phases, cell types, sample sizes) are scored by micro precision, recall and F1;
species, stages and authorization by accuracy per item; the checklist by agreement on "answered" versus
"not answered" per question.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celldecide.knowledge.spec import CHECKLIST_IDS

# The quality targets: the eval command prints them beside the measured figures.
TARGETS: dict[str, float] = {
    "red_flags.f1": 0.85,
    "registry_ids.f1": 1.0,
    "species.accuracy": 0.95,
    "stage_evidenced.exact": 0.75,
    "stage_evidenced.within_one": 0.90,
    **{f"checklist.{q}.agreement": 0.85 for q in CHECKLIST_IDS},
}


@dataclass
class SetScore:
    """Micro counts for a set-valued field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set, gold: set, optional: set = frozenset()) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold - optional)
        self.fn += len(gold - predicted)

    def figures(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def value(self) -> float:
        return round(self.right / self.total, 4) if self.total else 1.0


@dataclass
class Evaluation:
    """Running totals over a labeled set, and the per-item differences for inspection."""

    items: int = 0
    sets: dict[str, SetScore] = field(default_factory=dict)
    accuracies: dict[str, Accuracy] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def _set(self, name: str) -> SetScore:
        return self.sets.setdefault(name, SetScore())

    def _acc(self, name: str) -> Accuracy:
        return self.accuracies.setdefault(name, Accuracy())

    def add(self, item_id: str, reading: dict[str, Any], labels: dict[str, Any], kind: str | None = None) -> None:
        """Score one reading (its JSON form) against one item's labels."""
        self.items += 1
        diff: dict[str, Any] = {}
        flags = {f["id"] for f in reading["red_flags"]}
        gold_flags = set(labels.get("red_flags", []))
        optional = set(labels.get("red_flags_optional", []))
        self._set("red_flags").add(flags, gold_flags, optional)
        if flags - gold_flags - optional or gold_flags - flags:
            diff["red_flags"] = {"extra": sorted(flags - gold_flags - optional), "missed": sorted(gold_flags - flags)}
        entities = reading["entities"]
        for name, gold_key in (("registry_ids", "registry_ids"), ("phases", "phases"), ("cell_types", "cell_types"),
                               ("sample_sizes", "sample_sizes")):
            predicted, gold = set(entities[name]), set(labels.get(gold_key, []))
            self._set(name).add(predicted, gold)
            if predicted != gold:
                diff[name] = {"got": sorted(predicted, key=str), "want": sorted(gold, key=str)}
        species_ok = set(entities["species"]) == set(labels.get("species", []))
        self._acc("species").add(species_ok)
        if not species_ok:
            diff["species"] = {"got": entities["species"], "want": labels.get("species", [])}
        for name in ("evidenced", "claimed"):
            got, want = reading["stage"][name], labels.get(f"stage_{name}")
            self._acc(f"stage_{name}.exact").add(got == want)
            near = (got is None and want is None) or (got is not None and want is not None and abs(got - want) <= 1)
            self._acc(f"stage_{name}.within_one").add(near)
            if got != want:
                diff[f"stage_{name}"] = {"got": got, "want": want}
        statuses = {c["id"]: c["status"] for c in reading["checklist"]}
        gold_checks = labels.get("checklist", {})
        for question in CHECKLIST_IDS:
            if question not in gold_checks:
                continue
            got, want = statuses[question], gold_checks[question]
            self._acc(f"checklist.{question}.agreement").add((got == "answered") == (want == "answered"))
            self._acc(f"checklist.{question}.exact").add(got == want)
            if (got == "answered") != (want == "answered"):
                diff.setdefault("checklist", {})[question] = {"got": got, "want": want}
        if "authorization" in labels:
            ok = reading["matches"]["authorization"] == labels["authorization"]
            self._acc("authorization").add(ok)
            if not ok:
                diff["authorization"] = {"got": reading["matches"]["authorization"], "want": labels["authorization"]}
        if kind:
            wanted = {"trial_or_abstract": ("trial_record", "paper")}.get(kind, (kind,))
            self._acc("kind").add(reading["kind"] in wanted)
        if diff:
            self.errors.append({"id": item_id, **diff})

    def figures(self) -> dict[str, Any]:
        """Return every figure as a flat dict of name -> value."""
        out: dict[str, Any] = {"items": self.items}
        for name, score in sorted(self.sets.items()):
            for key, value in score.figures().items():
                out[f"{name}.{key}"] = value
        for name, acc in sorted(self.accuracies.items()):
            suffix = "" if "." in name and name.rsplit(".", 1)[1] in ("exact", "within_one", "agreement") else ".accuracy"
            out[f"{name}{suffix}"] = acc.value()
        return out


def load_items(path: Path | str) -> Iterator[dict[str, Any]]:
    """Yield the labeled items of a JSONL file (blank lines skipped)."""
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not a JSON line ({exc.msg})") from None


def evaluate(items: Iterable[dict[str, Any]], *, reader: Callable[[str], Any]) -> Evaluation:
    """Read every item with `reader` (text -> Reading) and score it against its labels."""
    evaluation = Evaluation()
    for item in items:
        reading = reader(item["text"]).to_json()
        evaluation.add(item["id"], reading, item.get("labels", {}), kind=item.get("kind"))
    return evaluation


def below_target(figures: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Return {figure: (measured, target)} for every target the figures miss."""
    return {name: (figures.get(name, 0.0), target) for name, target in TARGETS.items()
            if figures.get(name, 0.0) < target}
