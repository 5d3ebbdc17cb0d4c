"""Render a reading as Markdown (for printing, e-mail, or pasting into a note to a doctor)."""

from __future__ import annotations

from typing import Any

_CHECK_MARK = {"answered": "answered", "partial": "partly answered", "missing": "not answered"}


def _quotes(evidence: list[dict[str, Any]], limit: int = 2) -> str:
    return "; ".join(f"“{e['quote']}”" for e in evidence[:limit])


def to_markdown(reading: dict[str, Any], *, questions: dict[str, str] | None = None) -> str:
    """Return the reading (its JSON form) as a Markdown document.

    `questions` maps checklist ids to their question text; ids are shown when it is not given.
    """
    questions = questions or {}
    stage = reading["stage"]
    lines = ["# CellDecide reading", "", reading["summary"], "",
             f"*Kind:* {reading['kind'].replace('_', ' ')} · *Evidenced stage:* {stage['evidenced'] or '—'} · "
             f"*Claimed stage:* {stage['claimed'] or '—'}", "", "## Checklist", ""]
    for check in reading["checklist"]:
        label = questions.get(check["id"], check["id"])
        quotes = _quotes(check["evidence"])
        lines.append(f"- **{label}** — {_CHECK_MARK[check['status']]}. {check['note']}" + (f" ({quotes})" if quotes else ""))
    lines += ["", "## Red flags", ""]
    if reading["red_flags"]:
        for flag in reading["red_flags"]:
            lines.append(f"- **{flag['id'].replace('_', ' ')}**: {_quotes(flag['evidence'], 3)}")
    else:
        lines.append("- none found")
    lines += ["", "## Questions to ask", ""]
    lines += [f"{n}. {q}" for n, q in enumerate(reading["questions_to_ask"], 1)] or ["- none"]
    trials = reading["matches"]["trials"]
    if trials:
        lines += ["", "## Registered trials", ""]
        lines += [f"- [{t['id']}]({t['url']})" for t in trials]
    lines += ["", "*Not medical advice. Knowledge version "
              f"{reading['knowledge_version']}.*", ""]
    return "\n".join(lines)
