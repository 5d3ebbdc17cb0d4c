"""The `Reading`: the reader's output, and its JSON form (`celldecide.reading/1`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from celldecide.reader.document import Document

SCHEMA_ID = "celldecide.reading/1"


@dataclass(frozen=True)
class Reading:
    """One reading of one text; `to_json()` returns the dict the contract describes."""

    data: dict[str, Any]

    @property
    def text(self) -> str:
        return self.data["text"]

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def red_flag_ids(self) -> list[str]:
        return [f["id"] for f in self.data["red_flags"]]

    @property
    def stage(self) -> dict[str, Any]:
        return self.data["stage"]

    @property
    def entities(self) -> dict[str, list]:
        return self.data["entities"]

    def checklist_status(self, question: str) -> str:
        """Return the status of one checklist question ("answered", "partial", "missing")."""
        return next(c["status"] for c in self.data["checklist"] if c["id"] == question)

    def to_json(self) -> dict[str, Any]:
        """Return the reading as a JSON-ready dict that validates against `reading.schema.json`."""
        return self.data


def _finding(doc: Document, finding) -> dict[str, Any]:
    evidence = doc.quote(finding.spans)
    note = finding.note or ("" if evidence else "nothing in the text answers this")
    return {"id": finding.id, "status": finding.status, "evidence": evidence, "note": note}


def reading_from(doc: Document) -> Reading:
    """Assemble the reading from a document that went through every step."""
    stage = doc.stage
    data: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "text": doc.text,
        "text_sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        "knowledge_version": doc.knowledge.version,
        "kind": doc.kind,
        "checklist": [_finding(doc, c) for c in doc.checklist],
        "layers": [_finding(doc, layer) for layer in doc.layers],
        "stage": {
            "evidenced": stage["evidenced"],
            "claimed": stage["claimed"],
            "evidence": doc.quote(stage["spans"]),
            "note": stage["note"],
        },
        "red_flags": [{"id": f.id, "evidence": doc.quote(f.spans), "why": f.why} for f in doc.red_flags],
        "entities": doc.entities,
        "matches": doc.matches,
        "questions_to_ask": doc.questions,
        "summary": doc.summary,
    }
    return Reading(data)
