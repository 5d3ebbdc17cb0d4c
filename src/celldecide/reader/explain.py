"""Step `explain`: the questions to ask and a plain summary, from what the assessment found and missed."""

from __future__ import annotations

from celldecide.reader.document import Document
from celldecide.reader.pipeline import step

# The order in which missing answers matter most to a patient deciding whether to pay.
_PRIORITY = ("oversight", "product", "disease", "species", "design", "safety", "endpoint", "maker", "availability")
_MAX_QUESTIONS = 8

_KIND_PHRASE = {
    "clinic_claim": "This reads like a clinic's or seller's claim",
    "headline": "This reads like news about research",
    "trial_record": "This reads like a trial registration",
    "paper": "This reads like a research paper",
    "unknown": "This text",
}


def questions(doc: Document) -> list[str]:
    """Return plain questions, most important first: red flags first, then missing, then partial answers."""
    out: list[str] = []
    entries = doc.compiled.flag_entries
    for flag in doc.red_flags:
        out.append(entries[flag.id].question)
    by_id = {c.id: c for c in doc.checklist}
    for status in ("missing", "partial"):
        for question_id in _PRIORITY:
            if by_id[question_id].status == status:
                out.append(doc.compiled.checklist[question_id].ask)
    unique = list(dict.fromkeys(out))
    return unique[:_MAX_QUESTIONS]


def _condition_words(doc: Document) -> list[str]:
    """Return the first two conditions in the text's own words ("knee osteoarthritis", "Parkinson's")."""
    seen: dict[str, str] = {}
    for mention in doc.of("condition"):
        if mention.value not in seen:
            seen[mention.value] = doc.text[mention.start:mention.end]
    return list(seen.values())[:2]


def _subject(doc: Document) -> str:
    products = [p["name"] for p in doc.matches.get("products", [])]
    if products:
        return products[0]
    names = [m for m in doc.of("product_name")]
    if names:
        return doc.text[names[0].start:names[0].end]
    cells = doc.of("cell_type")
    if cells:
        # The text's own words, quoted: "“Our stem cells”" reads right where "our stem cells" would not.
        return f"“{doc.text[cells[0].start:cells[0].end]}”"
    return "the treatment"


def summary(doc: Document) -> str:
    """Return two or three plain sentences: what the text is, the stage gap, and what it leaves out."""
    stage = doc.stage
    names = doc.compiled.stage_names
    subject = _subject(doc)
    conditions = _condition_words(doc)
    about = f" about {subject}" + (f" for {' and '.join(conditions)}" if conditions else "")
    first = f"{_KIND_PHRASE.get(doc.kind, 'This text')}{about}."
    evidenced, claimed = stage.get("evidenced"), stage.get("claimed")
    if evidenced is None and claimed is not None and claimed >= 6:
        second = (f"It invites you to act as if this were {names.get(claimed, 'standard care').lower()} "
                  f"(stage {claimed} of 7), but it states no evidence at all.")
    elif evidenced is None:
        second = "It states no results, trial or approval that would place it on the translation map."
    elif claimed is not None and claimed - evidenced >= 2:
        second = (f"The evidence it states reaches stage {evidenced} of 7 ({names.get(evidenced, '').lower()}), "
                  f"yet it invites you to act as if it were at stage {claimed} "
                  f"({names.get(claimed, '').lower()}): that gap is the warning.")
    else:
        second = f"The evidence it states reaches stage {evidenced} of 7 ({names.get(evidenced, '').lower()})."
    missing = [c.id for c in doc.checklist if c.status == "missing"]
    if doc.red_flags:
        third = (f"It shows {len(doc.red_flags)} marketing red flag{'s' if len(doc.red_flags) > 1 else ''} "
                 f"and leaves {len(missing)} of the nine checklist questions unanswered.")
    else:
        third = f"It leaves {len(missing)} of the nine checklist questions unanswered."
    return " ".join((first, second, third))


@step("explain", needs=("kind", "checklist", "stage", "red_flags", "matches", "entities"), adds=("questions", "summary"))
def explain(doc: Document) -> Document:
    """Write the questions to ask and the summary."""
    doc.questions = questions(doc)
    doc.summary = summary(doc)
    return doc
