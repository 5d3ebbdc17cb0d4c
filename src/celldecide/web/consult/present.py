"""Turn the clinic questions and a filled sheet into what the worksheet pages show: the questions in the order a
patient asks them, each answer with its status in words, its reason and its red-flag passages marked (escaped)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from celldecide.knowledge import Knowledge
from celldecide.reader.answers import STATUSES
from celldecide.web.readings.present import highlighted

START_HERE = "start_here"
SECTION_TITLES = {
    START_HERE: "Start here: the three questions to ask first",
    "product": "The product",
    "source_quality": "Where it is made, and how it is tested",
    "condition": "Your condition",
    "oversight": "Oversight and authorization numbers",
    "evidence": "The evidence for this product in your condition",
    "cost": "The total cost",
    "if_it_fails": "If it does not work",
    "records_aftercare": "Records and aftercare",
}
STATUS_WORDS = {"specific": "Specific", "vague": "Vague", "missing": "Missing"}


@dataclass
class Section:
    """A group of questions on the worksheet, in the order they are shown."""

    id: str
    title: str
    items: list[Any] = field(default_factory=list)


def worksheet_sections(kb: Knowledge) -> list[Section]:
    """Return the questions grouped for the page: the start-here ones first, then each category in file order."""
    questions = kb.all("clinic_questions")
    sections = [Section(START_HERE, SECTION_TITLES[START_HERE], [q for q in questions if q.start_here])]
    by_category: dict[str, Section] = {}
    for question in questions:
        if question.start_here:
            continue
        if question.category not in by_category:
            by_category[question.category] = Section(
                question.category, SECTION_TITLES.get(question.category, question.category.replace("_", " ").capitalize())
            )
            sections.append(by_category[question.category])
        by_category[question.category].items.append(question)
    return [s for s in sections if s.items]


def ordered_questions(kb: Knowledge) -> list[Any]:
    """Return the clinic questions in the worksheet's order."""
    return [q for section in worksheet_sections(kb) for q in section.items]


def _item(entry: dict[str, Any]) -> dict[str, Any]:
    marks = [(span["start"], span["end"], flag["id"]) for flag in entry["red_flags"] for span in flag["evidence"]]
    names = {flag["id"]: flag["name"] for flag in entry["red_flags"]}
    return {
        **entry,
        "id": entry["question_id"],
        "answered": bool(entry["text"].strip()),
        "status_word": STATUS_WORDS[entry["status"]],
        "highlighted": highlighted(entry["text"], marks, names),
        "flags": [{**flag, "quotes": [span["quote"] for span in flag["evidence"]]} for flag in entry["red_flags"]],
    }


def present_sheet(sheet: dict[str, Any], kb: Knowledge) -> dict[str, Any]:
    """Return the template context for a filled sheet: sections of written answers, the unanswered, the counts."""
    items = {entry["question_id"]: _item(entry) for entry in sheet["answers"]}
    sections = []
    placed: set[str] = set()
    for section in worksheet_sections(kb):
        answered = [items[q.id] for q in section.items if q.id in items and items[q.id]["answered"]]
        placed.update(q.id for q in section.items)
        if answered:
            sections.append(Section(section.id, section.title, answered))
    # Questions the knowledge base no longer lists keep their place at the end of a shared sheet.
    retired = [item for qid, item in items.items() if qid not in placed and item["answered"]]
    if retired:
        sections.append(Section("earlier", "Other questions", retired))
    unanswered = [items[q.id] for q in ordered_questions(kb) if q.id in items and not items[q.id]["answered"]]
    counts = Counter(item["status"] for item in items.values())
    return {
        "sheet": sheet,
        "clinic": sheet.get("clinic", ""),
        "consulted_on": sheet.get("consulted_on", ""),
        "sections": sections,
        "unanswered": unanswered,
        "counts": [{"status": s, "word": STATUS_WORDS[s], "n": counts.get(s, 0)} for s in STATUSES],
        "total": len(items),
        "written": sum(1 for item in items.values() if item["answered"]),
        "flag_count": sum(len(item["flags"]) for item in items.values()),
    }
