"""Turn a reading (the contract's JSON) into what the reading page shows: names for ids, the text with its red
flags highlighted (escaped, never raw HTML), and the translation map with both stages marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from celldecide.knowledge import Knowledge

STATUS_WORDS = {
    "answered": "Answered", "partial": "Partly answered", "missing": "Not answered",
    "defined": "Defined", "vague": "Vague",
}


@dataclass
class Segment:
    text: str
    flags: list[str] = field(default_factory=list)


def segments(text: str, marks: list[tuple[int, int, str]]) -> list[Segment]:
    """Split `text` where the set of flags covering it changes; each segment lists the flags covering it.

    Overlapping quotes of one flag ("95% success" and "success rate") make one segment, not three.

    >>> [(s.text, s.flags) for s in segments("abcdef", [(1, 3, "x"), (2, 5, "y")])]
    [('a', []), ('b', ['x']), ('c', ['x', 'y']), ('de', ['y']), ('f', [])]
    >>> [(s.text, s.flags) for s in segments("abcdef", [(1, 3, "x"), (2, 5, "x")])]
    [('a', []), ('bcde', ['x']), ('f', [])]
    """
    cuts = sorted({0, len(text), *(s for s, _, _ in marks), *(e for _, e, _ in marks)})
    out: list[Segment] = []
    for start, end in zip(cuts, cuts[1:]):
        if start >= end:
            continue
        flags = sorted({f for s, e, f in marks if s <= start and end <= e})
        if out and out[-1].flags == flags:  # the cuts are contiguous: extend the previous segment
            out[-1].text += text[start:end]
        else:
            out.append(Segment(text[start:end], flags))
    return out


def highlighted(text: str, marks: list[tuple[int, int, str]], names: dict[str, str]) -> SafeString:
    """Return the text as HTML: every character escaped, red-flag passages wrapped in <mark>."""
    parts = []
    for seg in segments(text, marks):
        body = escape(seg.text)
        if seg.flags:
            label = escape("; ".join(names.get(f, f) for f in seg.flags))
            parts.append(f'<mark title="{label}" data-flags="{escape(" ".join(seg.flags))}">{body}</mark>')
        else:
            parts.append(body)
    return mark_safe("".join(parts))


def _trial(cited: dict[str, Any]) -> dict[str, Any]:
    """A cited trial with what the local registry knows of it (title, status, its page here) when stored."""
    record = cited.get("record") or {}
    return {
        **cited,
        "title": record.get("title"),
        "status": record.get("status"),
        "local_url": record.get("local_url"),
    }


def present(reading: dict[str, Any], kb: Knowledge) -> dict[str, Any]:
    """Return the template context for one reading."""
    red_flags = kb.by_id("red_flags")
    checklist = kb.by_id("checklist")
    layers = kb.by_id("layers")
    text = reading["text"]
    marks = [(span["start"], span["end"], flag["id"]) for flag in reading["red_flags"] for span in flag["evidence"]]
    stage = reading["stage"]
    stages = [
        {"n": s.n, "id": s.id, "name": s.name, "evidenced": stage["evidenced"] == s.n, "claimed": stage["claimed"] == s.n}
        for s in kb.stages
    ]
    gap = (stage["claimed"] or 0) - (stage["evidenced"] or 0) if stage["claimed"] else 0
    return {
        "reading": reading,
        "highlighted": highlighted(text, marks, {f.id: f.name for f in kb.red_flags}),
        "flags": [
            {**flag, "name": red_flags[flag["id"]].name, "question": red_flags[flag["id"]].question,
             "quotes": [span["quote"] for span in flag["evidence"]]}
            for flag in reading["red_flags"]
        ],
        "checklist": [
            {**item, "question": checklist[item["id"]].question, "status_word": STATUS_WORDS[item["status"]]}
            for item in reading["checklist"]
        ],
        "layers": [
            {**item, "name": layers[item["id"]].name, "status_word": STATUS_WORDS[item["status"]]}
            for item in reading["layers"]
        ],
        "stages": stages,
        "stage_names": {s.n: s.name for s in kb.stages},
        "gap": gap,
        "products": reading["matches"]["products"],
        "trials": [_trial(t) for t in reading["matches"]["trials"]],
        "authorization": reading["matches"]["authorization"],
    }
