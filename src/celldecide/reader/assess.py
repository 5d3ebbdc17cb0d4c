"""Step `assess`: from mentions to the reading's findings.

Every decision here is a small rule over sentences: a sentence *reports evidence* when it carries a
result word ("showed", "were treated", "went blind") and no plan word ("to evaluate", "will"); the stage
it evidences follows from what else it names (mice → 2, patients → 3, a comparator → 5, an approval → 6,
standard care → 7). Each finding keeps the spans it rests on and a note naming the rule that decided it.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from celldecide.knowledge.spec import CHECKLIST_IDS
from celldecide.reader.document import Document, Finding, Flag, Mention
from celldecide.reader.fastre import GatedPattern, is_word_char, literal_prefixes
from celldecide.reader.pipeline import step

# Cell types that are themselves a kind of stem or stromal cell: naming one makes "stem cells" specific.
STEM_TYPES = frozenset({"msc", "hsc", "cord_blood", "bmac", "svf_adipose", "ipsc_derived", "esc_derived", "limbal"})
# Condition ids that name a wish rather than a diagnosis.
VAGUE_CONDITIONS = frozenset({"aging"})
VAGUE_CONDITION_PHRASES = frozenset({"hair restoration", "sexual enhancement", "sports injuries", "sports injury",
                                     "brain injury", "persistent pain", "chronic pain", "nerve damage"})
# Trial designs that make a trial record a larger controlled trial.
LATE_PHASES = frozenset({"2/3", "3", "4"})

_NEGATED_BEFORE = re.compile(r"(?:\b(?:not|no|never|nor|neither|without|none|cannot|unapproved)\b|n't\b)[^.;:]{0,40}$")
_QUESTION_END = re.compile(r"\?\s*$")
# Past participles and nouns: "approved", "approval"; "the FDA approves drugs" describes a role, not a decision.
_APPROVAL_WORD = re.compile(r"\b(?:approved|approval|authori[sz]ed|authori[sz]ation|licensed|cleared|clearance)\b")
_APPROVAL_NOT_PRODUCT = re.compile(
    r"\b(?:lab|labs|laborator\w+|facilit\w+|plan|plans|clinic|clinics|hospital|institute|establishment|"
    r"manufactur\w*|processing|centers?|centres?|tissue bank|site|sites|trial|study|ind)\b"
)
_DERIVED_AFTER = re.compile(r"^[\s-]*(?:derived|based)\b")
_DERIVED_BEFORE = re.compile(r"\b(?:derived from|made from|from)\s*(?:human\s+)?$")
_PROMOTION = GatedPattern.compile(
    r"\b(?:we|our|you|your|book|call|consultation|price|cost|offer\w*|available|patients? (?:can|may)|"
    r"treat(?:s|ed|ing)?|therapy|therapies|treatments?)\b",
    0,
)
_STUDY_NOUN = re.compile(r"\b(?:study|studies|trial|trials|research|paper|case series|publication)\b")


@dataclass
class Sentences:
    """Per-sentence index of lexicon labels and mentions."""

    labels: list[set[str]]
    mentions: list[list[Mention]]
    index_of: dict[int, int] = field(default_factory=dict)
    # Per-sentence answers computed once: a pathological text is one huge sentence read many times.
    memo: dict[tuple[str, int], object] = field(default_factory=dict)

    def has(self, i: int, *labels: str) -> bool:
        return not self.labels[i].isdisjoint(labels)

    def first(self, i: int, label: str) -> Mention | None:
        if label not in self.labels[i]:
            return None
        kind, _, value = label.partition(":")
        return next((m for m in self.mentions[i] if m.kind == kind and (not value or m.value == value)), None)


def index_sentences(doc: Document) -> Sentences:
    """Return which labels and mentions each sentence holds (one pass over the mentions).

    Mentions come in text order, so the sentence of the previous mention is tried first; nearly every
    mention lies inside one sentence, which takes the short path.
    """
    count = len(doc.sentences)
    labels: list[set[str]] = [set() for _ in range(count)]
    mentions: list[list[Mention]] = [[] for _ in range(count)]
    starts = [s for s, _ in doc.sentences]
    index_of: dict[int, int] = {}
    names: dict[str, dict[str, str]] = {}  # kind -> value -> "kind:value", made once per pair
    bisect_right = bisect.bisect_right
    i, low, high = 0, 0, -1  # the sentence last used and the range of positions it covers
    for mention in doc.mentions:
        kind, value, start, end, _rule = mention
        if not low <= start < high:
            i = max(0, bisect_right(starts, start) - 1)
            low = starts[i] if start >= starts[i] else start
            high = starts[i + 1] if i + 1 < count else len(doc.view) + 1
        index_of[id(mention)] = i
        by_value = names.get(kind)
        if by_value is None:
            by_value = names[kind] = {}
        name = by_value.get(value)
        if name is None:
            name = by_value[value] = f"{kind}:{value}"
        if end - 1 < high or end - 1 <= start:
            mentions[i].append(mention)
            held = labels[i]
            held.add(kind)
            held.add(name)
            continue
        # A mention across a boundary ("U.S. Food and Drug Administration" split at "U.S.") belongs to both.
        for j in range(i, bisect_right(starts, end - 1)):
            mentions[j].append(mention)
            labels[j].add(kind)
            labels[j].add(name)
    return Sentences(labels=labels, mentions=mentions, index_of=index_of)


# --- kind -------------------------------------------------------------------------------------------------


_TRIAL_FIELDS = re.compile(
    r"^(?:phase\s*:?\s*(?:\d|i|early|n/a)|phase \d\s*$|interventions?(?:\(s\))?\s*:|primary outcomes?(?:\(s\))?|"
    r"secondary outcomes?|registration number|lead sponsor|brief summary|study type|recruitment status|"
    r"conditions?\s*$|completed\s*$|recruiting\s*$|enrollment\s*:?|sponsor\s*:|scientific title|acronym\b)",
    re.M,
)
_PAPER_HEADINGS = re.compile(r"^(?:background|methods?|results|conclusions?|objectives?|purpose|study design|"
                             r"interpretation[^\n]{0,30}|discussion|introduction|aims?)\s*(?:[:&\n]|$)", re.M)
# A news source in brackets: "(Reuters) -", "(The Atlantic) –", "(Frontiers)".
_SOURCE_TAG = re.compile(r"\((?:Reuters|AP|AFP|Bloomberg|The [A-Z][a-z]+(?: [A-Z][a-z]+)?|Frontiers|[A-Z][a-z]+ News|"
                         r"HealthDay|GLOBE NEWSWIRE|BUSINESS WIRE|PRNewswire)\)")
# "our treatment works", "we offer": a seller speaking; a researcher's "we" comes with "found", "report".
_FAQ = re.compile(r"\?\s*$", re.M)
_WILL = re.compile(r"\bwill\b")
_PRICE = re.compile(r"[$€£]\s?\d")
_AMOUNT = re.compile(r"[$€£]\s?\d[\d,]*")


def _first_currency(text: str) -> int:
    """Return where the first "$", "€" or "£" is, or -1: no price can start before it."""
    found = [at for at in (text.find("$"), text.find("€"), text.find("£")) if at != -1]
    return min(found) if found else -1


def _count_at_line_starts(pattern: re.Pattern[str], view: str) -> int:
    """Return `len(pattern.findall(view))` for a pattern whose matches start a line (`^` with re.M).

    Only the starts of lines are tried, instead of every character, and only those beginning with one of
    the literals every match begins with.
    """
    starts = _line_prefixes(pattern)
    count, end, at = 0, 0, 0
    while at != -1:
        if at >= end and (starts is None or view.startswith(starts, at)):
            match = pattern.match(view, at)
            if match is not None:
                count += 1
                end = match.end()
        at = view.find("\n", at)
        if at != -1:
            at += 1
    return count


@lru_cache(maxsize=16)
def _line_prefixes(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Return the literals every match of `pattern` starts with, or None (see `fastre.literal_prefixes`)."""
    return literal_prefixes(pattern.pattern)


def gate_candidates(doc: Document, sents: Sentences) -> list[list[int]]:
    """Return where each red-flag pattern and cue may match: one scan of the text for all of them."""
    return doc.gate_positions()


def cue_matches(doc: Document, sents: Sentences, name: str) -> list[re.Match[str]]:
    """Return the matches of one whole-text cue (see `celldecide.reader.cues`)."""
    return list(doc.find(f"cue:{name}"))


def detect_kind(doc: Document, sents: Sentences) -> tuple[str, str]:
    """Return (kind, reason): what the text looks like, from the cues it carries.

    A registration id at the top or registry field labels make a trial record; section headings or a
    "we evaluated" voice a paper; reporting verbs and bylines news; offers, prices and "you" a seller.
    """
    view = doc.view
    ids = doc.of("registry_id")
    # Without an agency's decision in the text, the news cue's approval alternative matches nowhere, and the
    # cue without it finds the same matches without reading on from every "the" (see `cues.AGENCY_DECISION`).
    news_cue = "news" if cue_matches(doc, sents, "agency_decision") else "news_without_approval"
    offer, news, research, second, seller, purpose, voice = (
        len(cue_matches(doc, sents, name)) for name in ("offer", news_cue, "research", "second", "seller", "purpose", "voice")
    )
    lines = "\n" in view
    # Ties go to the first kind listed: a text that both cites a journal and says "our treatment" is selling.
    score = {
        "clinic_claim": 2 * offer + second // 2 + (len(_FAQ.findall(view)) if "?" in view else 0) + 2 * seller,
        "trial_record": 6 * bool(ids and ids[0].start < 120)
        + (3 * _count_at_line_starts(_TRIAL_FIELDS, view) if lines or view.startswith("phase") else 0) + 2 * purpose,
        "paper": (3 * _count_at_line_starts(_PAPER_HEADINGS, view) if lines or ":" in view else 0) + 2 * voice,
        "headline": 2 * news + research + (3 * len(_SOURCE_TAG.findall(doc.text)) if "(" in view else 0),
    }
    first_currency = _first_currency(view)
    if first_currency != -1:
        if _PRICE.search(view, first_currency):
            score["clinic_claim"] += 2
    best = max(score, key=lambda k: score[k])
    reason = ", ".join(f"{k}={v}" for k, v in sorted(score.items(), key=lambda kv: -kv[1]) if v)
    if score[best] == 0:
        if doc.of("cell_type") or doc.of("product"):
            return "clinic_claim", "no reporting, paper or registry cues: read as a claim about a treatment"
        return "unknown", "no cue says what kind of text this is"
    return best, f"kind cues: {reason}"


# --- evidence sentences and stage ---------------------------------------------------------------------


def _negated(view: str, start: int, sentence_start: int) -> bool:
    """Return True when a negation word precedes `start` within its clause."""
    return bool(_NEGATED_BEFORE.search(view, max(sentence_start, start - 60), start))


_PAST_RESULT = re.compile(r"\b(?:showed|found that|was safe|were|reported|improved|resulted|achieved|demonstrated)\b")
_FUTURE = re.compile(r"\b(?:will|can be|could be|may be|might be|would be|to be (?:tested|treated|enrolled))\b")
_OUTCOME = re.compile(r"\b(?:improv\w*|safe\w*|rejection|adverse|results?|respon\w+|effective\w*|recover\w*|"
                      r"tumou?rs?|benefit\w*|symptoms?|pain|function\w*|insulin|cure[sd]?|rate|increase[sd]?|"
                      r"reduc\w+|survival|died|deaths?|blind\w*|walk\w*|success\w*|outcomes?|complications?)\b")


def reports_evidence(doc: Document, sents: Sentences, i: int) -> bool:
    """Return True when sentence `i` reports a result rather than a plan, a promise or a question.

    A strong result word ("showed", "were able to", "went blind") is enough; a weak one ("treated",
    "received", "enrolled") counts only with people or animals counted or named and an outcome word,
    so "he has performed sessions on 3,000 patients" is practice, not evidence.
    """
    key = ("evidence", i)
    if key not in sents.memo:
        sents.memo[key] = _reports_evidence(doc, sents, i)
    return bool(sents.memo[key])


def _reports_evidence(doc: Document, sents: Sentences, i: int) -> bool:
    if not sents.has(i, "lex:result", "lex:weak_result"):
        return False
    start, end = doc.sentences[i]
    view = doc.view
    if _QUESTION_END.search(view, start, end):
        return False
    sentence = view[start:end]
    planned = sents.has(i, "lex:purpose")
    if sents.has(i, "lex:result"):
        if not planned or (_may_match(doc, "past_result", start, end) and _PAST_RESULT.search(sentence)
                           and not _WILL.search(sentence)):
            return True
    if sents.has(i, "lex:weak_result") and not planned and not (
            _may_match(doc, "future", start, end) and _FUTURE.search(sentence)):
        counted = sents.has(i, "sample_size", "lex:animal", "lex:preclinical") or _human_in(sents, i)
        cue = sents.first(i, "lex:weak_result")
        described = (_may_match(doc, "outcome", start, end) and _OUTCOME.search(sentence)) or (
            _may_match(doc, "study_noun", start, end) and _STUDY_NOUN.search(sentence))
        if counted and described and not _negated(view, cue.start, start):
            return True
    return False


@dataclass
class StageEvidence:
    stage: int
    span: tuple[int, int]
    rule: str


def positive_approval(doc: Document, sents: Sentences, i: int) -> tuple[int, int] | None:
    """Return the span of an approval the sentence states for a treatment (not negated, not for a lab)."""
    start, end = doc.sentences[i]
    view = doc.view
    if _QUESTION_END.search(view, start, end):
        return None
    for match in _APPROVAL_WORD.finditer(view, start, end):
        if _negated(view, match.start(), start):
            continue
        window = view[max(start, match.start() - 60): min(end, match.end() + 100)]
        if _APPROVAL_NOT_PRODUCT.search(window):
            continue
        if not (sents.has(i, "regulator") or "regulator" in window):
            continue
        return match.span()
    return None


# A sentence holding none of these labels (and no long use of a treatment) evidences no stage.
_STAGE_LABELS = frozenset({"lex:approval", "lex:manufacturing_approval", "lex:standard_care", "lex:result",
                           "lex:weak_result", "lex:discovery"})


def stage_evidence(doc: Document, sents: Sentences, species: set[str], kind: str,
                   human_spans: list[tuple[int, int]] = ()) -> list[StageEvidence]:
    """Return the stage each evidence-reporting sentence reaches, with the span and rule behind it."""
    found: list[StageEvidence] = []
    human_starts = sorted(s for s, _e, what in human_spans if what == "human")

    def has_human(i: int) -> bool:
        start, end = doc.sentences[i]
        at = bisect.bisect_left(human_starts, start)
        return at < len(human_starts) and human_starts[at] < end

    long_use = [m.span() for m in cue_matches(doc, sents, "standard_care")]
    long_use_starts = [s for s, _ in long_use]
    for i, (start, end) in enumerate(doc.sentences):
        if sents.labels[i].isdisjoint(_STAGE_LABELS) and not _may_start_in(long_use_starts, start, end):
            continue  # nothing in this sentence can evidence a stage
        approval = positive_approval(doc, sents, i) if sents.has(i, "lex:approval") else None
        if approval:
            found.append(StageEvidence(6, approval, "an authorization by a named regulator"))
        if sents.has(i, "lex:manufacturing_approval") and sents.has(i, "lex:approval", "regulator"):
            m = sents.first(i, "lex:manufacturing_approval")
            found.append(StageEvidence(4, (m.start, m.end), "a manufacturing licence or approval"))
        standard = sents.first(i, "lex:standard_care")
        if standard is None and long_use:
            at = bisect.bisect_left(long_use_starts, start)
            if at < len(long_use) and long_use[at][0] < end:
                standard = Mention("lex", "standard_care", *long_use[at])
        if standard is not None and not _negated(doc.view, standard.start, start):
            found.append(StageEvidence(7, (standard.start, standard.end), "standard care for years"))
        if not reports_evidence(doc, sents, i):
            if sents.has(i, "lex:discovery") and not sents.has(i, "lex:purpose"):
                m = sents.first(i, "lex:discovery")
                found.append(StageEvidence(1, (m.start, m.end), "a discovery in the lab"))
            continue
        cue = sents.first(i, "lex:result") or sents.first(i, "lex:weak_result")
        span = (cue.start, cue.end)
        animal = sents.has(i, "lex:animal", "lex:in_vitro", "lex:preclinical")
        human = sents.has(i, "sample_size", "phase") or has_human(i)
        animal_only = "animal" in species and "human" not in species
        if sents.has(i, "lex:comparator") and (human or not (animal or animal_only)):
            m = sents.first(i, "lex:comparator")
            found.append(StageEvidence(5, (m.start, m.end), "results against a comparator"))
        elif (animal or (animal_only and sents.has(i, "lex:comparator"))) and not human:
            m = (sents.first(i, "lex:animal") or sents.first(i, "lex:in_vitro") or sents.first(i, "lex:preclinical")
                 or sents.first(i, "lex:comparator"))
            found.append(StageEvidence(2, (m.start, m.end), "results in animals or dishes"))
        elif human:
            found.append(StageEvidence(3, span, "results in people without a comparator"))
        elif sents.has(i, "lex:discovery"):
            m = sents.first(i, "lex:discovery")
            found.append(StageEvidence(1, (m.start, m.end), "a discovery in the lab"))
        elif "human" in species and _may_match(doc, "treatment_words", start, end) \
                and _TREATMENT_WORDS.search(doc.view, start, end):
            found.append(StageEvidence(3, span, "results of a treatment in people"))
        elif "animal" in species and "human" not in species:
            found.append(StageEvidence(2, span, "results in animals"))
    if not any(e.stage >= 2 for e in found) and kind in ("paper", "headline") and "animal" in species:
        animal = doc.of("lex", "animal")
        if animal:
            found.append(StageEvidence(2, (animal[0].start, animal[0].end), "a study in animals"))
    return found


_PRONOUNS = frozenset({"her", "his", "she", "he"})


def _human_in(sents: Sentences, i: int) -> bool:
    """Return True when sentence `i` names people (not just a pronoun)."""
    return any(m.kind == "lex" and m.value == "human_subject" and m.end - m.start > 3 for m in sents.mentions[i])


# --- entities -----------------------------------------------------------------------------------------


_HEDGED = re.compile(r"\b(?:could|might|may|would(?! like)|one day|potential(?:ly)?|hope[sd]?|before)\b")
_CONVERTED = GatedPattern.compile(
    r"\b(?:were|was|been|are|is) (?:\w+ )?(?:converted|reprogrammed|transformed|turned) into\b", 0)
_CASES = GatedPattern.compile(r"\b(?:cancer|disease|injury|stroke|clinical|patient) cases\b", 0)
_TREATMENT_WORDS = re.compile(r"\b(?:treat\w*|therap\w+|inject\w*|infus\w*|transplant\w*|procedure|"
                              r"walk|breathe?|improv\w+|recover\w*)\b")
_CUSTOMERS = re.compile(r"\b(?:patients|people|americans|residents) (?:from|around|across|who travel|are flying|"
                        r"are heading|flock|travel)\b|\b(?:us|u\.s\.|american|international|foreign) patients\b")
_RECEIVED = re.compile(r"\b(?:treated|received|receive|receiving|underwent|undergo|injected|infused|transplanted|"
                       r"we use|administered|enrolled|participating|taken part|took part)\b")
_NARRATIVE = re.compile(r"\b(?:I|my) (?:was|am|had|have|could|can|headed|began|took|received|got)\b|"
                        r"\b(?:a|an|the) (?:\d+-year-old |young |elderly |australian |\w+ )?(?:man|woman|boy|girl|"
                        r"father|mother|patient)\b|\b[A-Z][a-z]+ [A-Z][a-z]+, \d{1,2},", re.I)


_MADE_BEFORE = re.compile(r"\b(?:expanded|cultured|grown|processed|purified|manufactured|isolated)\s*$")
_EXISTS_IN_BEFORE = re.compile(r"\b(?:exists?|found|present|occurs?) in\s*$")
_CLINICAL_STUDY = re.compile(r"\bclinical (?:trials?|stud\w+)\b")


# A sentence holding none of these labels (nor the word "clinical") says nothing about who was studied.
_SPECIES_LABELS = frozenset({"lex:animal", "lex:preclinical", "lex:in_vitro", "lex:human_subject", "sample_size",
                             "phase"})


def find_species(doc: Document, sents: Sentences, kind: str) -> tuple[set[str], list[tuple[int, int, str]]]:
    """Return the species the evidence comes from, with the spans that show it.

    People count when the text says people received the treatment or were studied: a patient count, a
    person treated, patients in a trial record or a report of results; not would-be customers ("patients
    from the US are flying to Mexico") or hoped-for beneficiaries ("could restore the vision of blind
    patients"). Animals and dishes count wherever the text names them as a source of results.
    """
    species: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    view, text = doc.view, doc.text
    for i, (start, end) in enumerate(doc.sentences):
        if sents.labels[i].isdisjoint(_SPECIES_LABELS) and view.find("clinical", start, end) == -1:
            continue
        sentence = view[start:end]
        evidence = reports_evidence(doc, sents, i)
        hedged = not evidence and _may_match(doc, "hedged", start, end) and bool(_HEDGED.search(sentence))
        received_in: bool | None = None
        for m in sents.mentions[i]:
            if m.kind == "lex" and (m.value == "animal" or (m.value == "preclinical" and evidence)):
                species.add("animal")
                spans.append((m.start, m.end, "animal"))
            elif m.kind == "lex" and m.value == "in_vitro":
                before = view[max(start, m.start - 25): m.start]
                if _MADE_BEFORE.search(before):
                    continue
                species.add("in_vitro")
                spans.append((m.start, m.end, "in_vitro"))
            elif m.kind == "sample_size" and not hedged:
                species.add("human")
                spans.append((m.start, m.end, "human"))
            elif m.kind == "lex" and m.value == "human_subject":
                word = view[m.start:m.end]
                if word in _PRONOUNS:
                    if evidence and _may_match(doc, "treatment_words", start, end) \
                            and _TREATMENT_WORDS.search(sentence):
                        species.add("human")
                        spans.append((m.start, m.end, "human"))
                    continue
                near = min(end, m.end + 25)
                before = max(start, m.start - 60)
                if hedged or (_may_match(doc, "customers", m.start, near) and _CUSTOMERS.search(view, m.start, near)) \
                        or (_may_match(doc, "hedged", before, m.start) and _HEDGED.search(view, before, m.start)):
                    continue
                if _EXISTS_IN_BEFORE.search(view[max(start, m.start - 12):m.start]):
                    continue  # biology ("a cell that exists in adults"), not people studied
                in_context = kind in ("headline", "paper") and sents.has(
                    i, "cell_type", "product", "product_name", "lex:routes", "phase", "lex:safety_measured")
                possessive = view.startswith("'s", m.end)
                if received_in is None:  # the same for every person named in the sentence
                    received_in = _may_match(doc, "received", start, end) and _RECEIVED.search(sentence) is not None
                received = received_in and not possessive
                if kind == "trial_record" or evidence or in_context or received:
                    species.add("human")
                    spans.append((m.start, m.end, "human"))
        trials_run = (evidence or sents.has(i, "lex:weak_result")) and not hedged and not (
            _may_match(doc, "future", start, end) and _FUTURE.search(sentence))
        if trials_run and "human" not in species and (sents.has(i, "phase") or _CLINICAL_STUDY.search(sentence)):
            species.add("human")
            spans.append((*doc.sentences[i], "human"))
    converted = next(doc.find("converted", in_view=True), None)
    if converted:
        species.add("in_vitro")
        spans.append((*converted.span(), "in_vitro"))
    if "human" not in species:
        cases = next(doc.find("cases", in_view=True), None)
        if cases:
            species.add("human")
            spans.append((*cases.span(), "human"))
    if "human" not in species:
        narrative = _NARRATIVE.search(text)
        if narrative and doc.of("lex", "result"):
            species.add("human")
            spans.append((*narrative.span(), "human"))
    return species, spans


# Adult cells turned into stem cells are induced pluripotent stem cells, whatever the text calls them.
_REPROGRAMMED = GatedPattern.compile(
    r"\b(?:skin|blood|adult|somatic|fully differentiated)(?: \w+)? cells (?:of \w+ )?(?:were |was |are )?"
    r"(?:\w+ )?(?:converted |reprogrammed |turned |transformed )?(?:in)?to (?:induced )?(?:pluripotent )?stem cells\b",
    0,
)
_FROM_FAT = GatedPattern.compile(
    r"\bstem cells (?:derived |taken |harvested |extracted )?from (?:\w+ ){0,2}(?:fat|adipose)\b", 0)
_GENERIC_TRANSPLANTS = frozenset({"stem cell transplant", "stem cell transplants", "stem cell transplantation",
                                  "bone marrow transplant", "bone marrow transplants", "bone marrow transplantation"})
_GENERIC_TRANSPLANT_TYPES = frozenset({"hsc"})
_TRANSPLANT_SETTING = GatedPattern.compile(
    r"\b(?:after|following|post-?|since)\s+(?:(?:a|an|the|his|her|their)\s+)?(?:stem[- ]cell|bone\s+marrow|cord\s+blood)"
    r"(?:\s+(?:or|and)\s+(?:(?:a|an)\s+)?(?:stem[- ]cell|bone\s+marrow|cord\s+blood))*\s+transplant\w*",
    0,
)
_CONTEXT_BEFORE = re.compile(r"\b(?:after|following|post|since) (?:a |an |the |his |her )?(?:\w+ or )?$")
_CONTRAST_BEFORE = re.compile(r"\b(?:unlike|rather than|instead of|than|compared (?:to|with))\s+$")
_CONTRAST_WORDS = ("unlike", "than", "instead of", "compared to", "compared with")
_BLOOD_SETTING = GatedPattern.compile(
    r"\b(?:leuk[a]?emia|lymphoma|myeloma|blood cancers?|hematopoietic|haematopoietic|"
    r"sickle|thalass\w+|myelodysplastic|aplastic|chemotherapy|donor marrow|cord blood)\b",
    0,
)


def _contrast_word_before(view: str, position: int, low: int) -> bool:
    """Return False when `_CONTRAST_BEFORE` cannot match view[low:position]: it needs spaces at the end,
    after "unlike", "than", "instead of", "compared to" or "compared with"."""
    at = position
    while at > low and view[at - 1].isspace():
        at -= 1
    return at < position and view.endswith(_CONTRAST_WORDS, low, at)


def find_cell_types(doc: Document) -> tuple[list[str], dict[str, list[tuple[int, int]]]]:
    """Return the cell-type ids named (products add their own), and where."""
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    view = doc.view
    reprogrammed = [m.span() for m in doc.find("reprogrammed", in_view=True)] if "stem cell" in view else []
    from_fat = [m.span() for m in doc.find("from_fat", in_view=True)] if "fat" in view or "adipose" in view else []
    for start, end in reprogrammed:
        spans["ipsc_derived"].append((start, end))
    for start, end in from_fat:
        spans["svf_adipose"].append((start, end))
    claimed = reprogrammed + from_fat
    # "a complication after a stem cell or bone marrow transplant" names the setting, not the product.
    setting = [m.span() for m in doc.find("transplant_setting", in_view=True)] if "transplant" in view else []
    blood_setting: bool | None = None  # whether the text names a blood disease, looked up once
    for m in doc.of("cell_type"):
        if setting and any(s <= m.start and m.end <= e for s, e in setting):
            continue
        if claimed and any(s <= m.start and m.end <= e for s, e in claimed):
            continue  # read as part of "skin cells converted into stem cells" or "stem cells from fat"
        if m.value in _GENERIC_TRANSPLANT_TYPES and view[m.start:m.end] in _GENERIC_TRANSPLANTS:
            if _CONTEXT_BEFORE.search(view, max(0, m.start - 20), m.start):
                continue  # "a complication after a stem cell transplant" names the setting, not the product
            if blood_setting is None:
                blood_setting = next(doc.find("blood_setting", in_view=True), None) is not None
            if not blood_setting:
                spans["unspecified_stem_cell"].append((m.start, m.end))
                continue
        if m.value == "unspecified_stem_cell":
            after, before = view[m.end:m.end + 12], view[max(0, m.start - 25):m.start]
            # Cheap tests first: what follows must hold "derived" or "based", what precedes "from".
            if ("ed" in after and _DERIVED_AFTER.search(after)) or (
                    "from" in before and _DERIVED_BEFORE.search(before)):
                continue
            low = max(0, m.start - 20)
            if _contrast_word_before(view, m.start, low) and _CONTRAST_BEFORE.search(view, low, m.start):
                continue  # "unlike stem cell therapy, exosomes …"
        spans[m.value].append((m.start, m.end))
    known = doc.compiled.cell_type_ids
    for m in doc.of("product"):
        product = doc.compiled.products.get(m.value)
        for cell in getattr(product, "cell_types", []) or []:
            if cell in known:  # a product may name a type the reading contract does not list
                spans[cell].append((m.start, m.end))
    if "unspecified_stem_cell" in spans and STEM_TYPES & spans.keys():
        del spans["unspecified_stem_cell"]
    return list(spans), dict(spans)


def find_conditions(doc: Document) -> list[str]:
    return doc.values("condition")


# --- red flags ------------------------------------------------------------------------------------------


_MAX_FLAG_SPANS = 8  # the spans a red flag keeps as its evidence


def _may_start_in(positions: list[int] | None, start: int, stop: int) -> bool:
    """Return False when none of the sorted candidate `positions` lies in [start, stop) (None: unknown)."""
    if positions is None:
        return True
    at = bisect.bisect_left(positions, start)
    return at < len(positions) and positions[at] < stop


def _may_match(doc: Document, name: str, start: int, stop: int) -> bool:
    """Return False when the gate scan found no place in view[start:stop] where pattern `name` can begin.

    `name` is a whole-text pattern (see `WHOLE_TEXT`) that starts at a word boundary. A search of
    view[start:stop] (or of that slice) finds nothing then, so it can be skipped. A slice sees a word
    boundary at its start whatever precedes it, so a slice starting right after a word character is
    never skipped.
    """
    slot = doc.compiled.slots[name]
    if not doc.compiled.gates.patterns[slot].gated:
        return True
    if start and is_word_char(doc.view[start - 1]):
        return True
    return _may_start_in(doc.gate_positions()[slot], start, stop)


def _cancels(unless: re.Pattern[str], view: str, start: int, stop: int, positions: list[int] | None) -> bool:
    """Return True when `unless` matches inside view[start:stop] (its look-arounds see the whole view).

    With the gate's sorted `positions` (every place a match can start) only those are tried, not every
    character of the sentence; without them the range is searched.
    """
    if positions is None:
        return unless.search(view, start, stop) is not None
    at = bisect.bisect_left(positions, start)
    while at < len(positions) and positions[at] < stop:
        if unless.match(view, positions[at], stop) is not None:
            return True
        at += 1
    return False


def find_red_flags(doc: Document, sents: Sentences, kind: str) -> list[Flag]:
    """Apply every red-flag rule of the knowledge base; return one flag per id with all its spans."""
    text, view = doc.text, doc.view
    by_flag: dict[str, list[tuple[int, int]]] = {}
    rules_fired: dict[str, list[str]] = defaultdict(list)
    gates = doc.compiled.gates
    candidates = gate_candidates(doc, sents)
    patterns = gates.patterns
    for rule in doc.compiled.flags:
        if rule.kinds and kind not in rule.kinds:
            continue
        if not candidates[rule.regex_slot] and patterns[rule.regex_slot].gated:
            continue  # nowhere in the text can a match start (no literal, no number it starts with)
        cancelled: dict[int, bool] = {}  # one `unless` search per sentence, not per match
        unless_at = candidates[rule.unless_slot] if rule.unless_slot is not None else None
        near_spans: list[tuple[int, int]] | None = None
        near_starts: list[int] = []
        kept = 0
        found: list[tuple[int, int]] = []
        for match in gates.finditer(rule.regex_slot, text, view, candidates[rule.regex_slot]):
            if kept >= _MAX_FLAG_SPANS and rule.near is None:
                # A flag quotes its first spans only; this rule's later matches come after all of those.
                break
            s_start, s_end = doc.sentence_of(match.start())
            if rule.unless is not None:
                if s_start not in cancelled:
                    stop = max(s_end, match.end())
                    cancelled[s_start] = _cancels(rule.unless, view, s_start, stop, unless_at)
                if cancelled[s_start]:
                    continue
            spans = [match.span()]
            if rule.near is not None:
                if near_spans is None:
                    # Every `near` match once, then a lookup per match: linear even when a word repeats.
                    near_spans = [m.span() for m in gates.finditer(rule.near_slot, text, view, candidates[rule.near_slot])]
                    near_starts = [start for start, _ in near_spans]
                low = max(0, match.start() - rule.window)
                high = min(len(text), match.end() + rule.window)
                at = bisect.bisect_left(near_starts, low)
                if at >= len(near_spans) or near_spans[at][1] > high:
                    continue
                if near_spans[at] != match.span():
                    spans.append(near_spans[at])
            if match.end() <= match.start():
                continue
            found.extend(spans)
            kept += 1
        if kept:
            by_flag.setdefault(rule.flag, []).extend(found)
            rules_fired[rule.flag].append(f"rule {rule.index + 1}")
    flags: list[Flag] = []
    for flag_id, spans in by_flag.items():
        entry = doc.compiled.flag_entries[flag_id]
        unique = sorted(set(spans))[:_MAX_FLAG_SPANS]
        quotes = ", ".join(f"“{text[s:e]}”" for s, e in unique[:3])
        why = f"{entry.explanation} Found {quotes} ({flag_id} {', '.join(rules_fired[flag_id])})."
        flags.append(Flag(id=flag_id, spans=unique, why=why))
    order = {f.id: n for n, f in enumerate(doc.knowledge.red_flags)}
    flags.sort(key=lambda f: order.get(f.id, 99))
    return flags


def structural_flags(doc: Document, kind: str, cell_types: list[str], flags: list[Flag]) -> list[Flag]:
    """Add the flags that follow from what the text names as a whole, not from one phrase.

    - cure_all: an offer naming three or more distinct conditions (not only joint, tendon and spine ones).
    - vague_cell_source: a seller's text promoting "stem cells" with no defined cell type.
    """
    have = {f.id for f in flags}
    extra: list[Flag] = []
    if kind == "clinic_claim" and "cure_all" not in have:
        conditions = doc.of("condition")
        distinct = {m.value for m in conditions}
        categories = {doc.compiled.condition_categories.get(c, "other") for c in distinct}
        # Joint, tendon and spine complaints are often offered together; three or more diagnoses across
        # body systems, or outside that group, is one offer for many conditions.
        if len(distinct) >= 3 and (len(categories) >= 2 or categories != {"musculoskeletal"}):
            spans = []
            seen: set[str] = set()
            for m in conditions:
                if m.value not in seen:
                    seen.add(m.value)
                    spans.append((m.start, m.end))
            names = ", ".join(doc.text[s:e] for s, e in spans[:6])
            extra.append(Flag("cure_all", spans[:8], f"One offer names {len(distinct)} different conditions "
                                                     f"({names}); real cell products are tested for one disease. "
                                                     f"(cure_all: count of conditions)"))
    if kind == "clinic_claim" and "vague_cell_source" not in have and cell_types == ["unspecified_stem_cell"]:
        mentions = [m for m in doc.of("cell_type", "unspecified_stem_cell")]
        if mentions and next(doc.find("promotion", in_view=True), None):
            entry = doc.compiled.flag_entries["vague_cell_source"]
            spans = [(m.start, m.end) for m in mentions[:4]]
            extra.append(Flag("vague_cell_source", spans, f"{entry.explanation} The text says “{doc.text[spans[0][0]:spans[0][1]]}” "
                                                           f"and never names a cell type, tissue source or process. "
                                                           f"(vague_cell_source: no typed cell in a seller's text)"))
    merged = flags + extra
    if STEM_TYPES & set(cell_types) or "unspecified_stem_cell" not in cell_types:
        # A defined cell type (MSCs, cord blood …) is named, or "stem cells" only appears as a contrast.
        merged = [f for f in merged if f.id != "vague_cell_source"]
    order = {f.id: n for n, f in enumerate(doc.knowledge.red_flags)}
    merged.sort(key=lambda f: order.get(f.id, 99))
    return merged


# --- checklist ------------------------------------------------------------------------------------------


def _spans(mentions) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in mentions][:6]


def _lex(doc: Document, label: str) -> list[Mention]:
    return doc.of("lex", label)


_SOURCE = re.compile(r"\b(?:autologous|allogeneic|allogenic|umbilical|cord|bone marrow|marrow|adipose|fat|placenta\w*|"
                     r"menstrual|fetal|fetus|embryonic|ips|ipsc|induced pluripotent|derived|donor|mononuclear|human|"
                     r"amniotic|neural|wharton'?s)\b")
# Words that name the type itself, not its source: "embryonic stem cells" says no more than "ESCs".
_INTRINSIC_SOURCE = {
    "esc_derived": frozenset({"embryonic", "human"}),
    "ipsc_derived": frozenset({"ips", "ipsc", "induced pluripotent", "derived", "human"}),
    "cord_blood": frozenset({"cord", "umbilical"}),
    "svf_adipose": frozenset({"adipose", "fat"}),
    "bmac": frozenset({"bone marrow", "marrow"}),
    "unspecified_stem_cell": frozenset({"human"}),
}
_REGENERATIVE = GatedPattern.compile(r"\bregenerative (?:medicine|therap\w+)\b", 0)
_PROCESS = GatedPattern.compile(r"\b(?:expanded|cultured|culture|manufactured|processed|purified|isolated|passage\w*|"
                      r"cryopreserved|sheets?|seeded|engineered)\b", 0)


def check_product(doc: Document, cell_types: list[str], cell_spans, kind: str) -> Finding:
    products = doc.of("product") + doc.of("product_name")
    if products:
        return Finding("product", "answered", _spans(products), "a named product: " + doc.text[products[0].start:products[0].end])
    view = doc.view
    processed = next(doc.find("process", in_view=True), None) is not None
    reported = kind != "clinic_claim"
    if reported:
        # Research news, papers and trial records name a cell type as the thing studied: that answers it.
        typed = [c for c in cell_types if c not in ("unspecified_stem_cell", "prp")]
        if typed:
            s, e = cell_spans[typed[0]][0]
            return Finding("product", "answered", [(s, e)], f"a defined cell type is studied: {doc.text[s:e]}")
    for cell in cell_types:
        if cell in ("exosome", "prp"):
            continue
        intrinsic = _INTRINSIC_SOURCE.get(cell, frozenset())
        for s, e in cell_spans.get(cell, []):
            around = view[max(0, s - 60):min(len(view), e + 40)]
            qualifier = next((q for q in _SOURCE.finditer(around) if q.group(0) not in intrinsic), None)
            if not qualifier:
                continue
            if cell == "unspecified_stem_cell" and not (kind in ("trial_record", "paper") or processed):
                break  # the same answer for every mention of untyped stem cells
            return Finding("product", "answered", [(s, e)],
                           f"a cell type with its source: {doc.text[s:e]} ({qualifier.group(0)})")
    if cell_types:
        first = next(iter(cell_spans.values()))[0]
        return Finding("product", "partial", [first], "cells are named but not as a defined product with a source")
    generic = [m for m in _lex(doc, "offer") if doc.view[m.start:m.end] in ("therapy", "treatment", "treatments")]
    if generic or next(doc.find("regenerative", in_view=True), None):
        return Finding("product", "partial", _spans(generic[:1]), "a treatment is mentioned but no cell or product is named")
    return Finding("product", "missing", [], "nothing in the text names a cell type or product")


# A diagnosis the knowledge base does not list is still a diagnosis: "pancreatic cancer", "cystitis",
# "photoaging", "paralysis". Words ending like diseases, and "<name>'s disease".
_DIAGNOSIS = re.compile(
    r"\b(?!(?:diagnosis|prognosis|homeostasis|apoptosis|osmosis|academia|homeopathy|osteopathy|naturopathy|"
    r"nostalgia|hypothesis)\b)[a-z]{3,}(?:itis|osis|emia|aemia|opathy|plegia|plegic|trophy|algia)\b|"
    r"\b(?:[a-z]+ )?(?:cancer|carcinoma|sarcoma|lymphoma|leukaemia|leukemia|glioma|melanoma)s?\b|"
    r"\b(?:diabetes|diabetic|paraly[sz]\w*|paraplegic|quadriplegic|spinal cord|spine|spines|heart failure|"
    r"heart disease|blindness|blinded|macular|dementia|photo-?aging|photodamage|infarction|ischemi\w+|"
    r"ischaemi\w+|pneumonia|cirrhosis|fistula\w*|incontinence|niche|amputation|osteoarthrosis|"
    r"(?:[a-z]+'s|[a-z]{4,}) (?:disease|syndrome|deficiency|dystrophy|atrophy|failure|injury|injuries|degeneration))\b"
)
_NOT_DIAGNOSIS = re.compile(r"^(?:or|and|any|of|the|a|chronic|other|various|many|this|that|your|their|damage|"
                            r"degenerative|inflammatory|neurological|autoimmune|auto-immune|nerve|joint|sports?|"
                            r"tissue|organ|common)\b")


def _diagnoses(doc: Document) -> list[tuple[int, int]]:
    found = []
    for match in _DIAGNOSIS.finditer(doc.view):
        if _NOT_DIAGNOSIS.match(match.group(0)):
            continue
        found.append(match.span())
    return found[:6]


def check_disease(doc: Document) -> Finding:
    specific = []
    vague = []
    for m in doc.of("condition"):
        phrase = doc.view[m.start:m.end]
        if m.value in VAGUE_CONDITIONS or phrase in VAGUE_CONDITION_PHRASES:
            vague.append(m)
        else:
            specific.append(m)
    if specific:
        names = ", ".join(dict.fromkeys(doc.text[m.start:m.end] for m in specific[:3]))
        return Finding("disease", "answered", _spans(specific), f"a specific diagnosis: {names}")
    other = _diagnoses(doc)
    if other:
        return Finding("disease", "answered", other, f"a specific diagnosis: {doc.text[other[0][0]:other[0][1]]}")
    vague += _lex(doc, "vague_condition")
    if vague:
        return Finding("disease", "partial", _spans(vague), "only general words for the condition: "
                       + doc.text[vague[0].start:vague[0].end])
    return Finding("disease", "missing", [], "nothing in the text names a disease")


def check_species(doc: Document, species: set[str], species_spans) -> Finding:
    if species:
        spans = list(dict.fromkeys((s, e) for s, e, _what in species_spans))[:6]
        return Finding("species", "answered", spans, "the evidence comes from: " + ", ".join(sorted(species)))
    people = [m for m in _lex(doc, "human_subject") if doc.view[m.start:m.end] not in _PRONOUNS]
    if people:
        return Finding("species", "partial", _spans(people[:2]), "people are mentioned, but not as the source of the evidence")
    return Finding("species", "missing", [], "the text does not say whether any evidence comes from people, animals or dishes")


def check_design(doc: Document, sents: Sentences) -> Finding:
    details = doc.of("phase") + doc.of("sample_size") + _lex(doc, "comparator") + _lex(doc, "design_other")
    single = [m for m in _lex(doc, "human_subject") if doc.view[m.start:m.end] in ("woman", "man", "girl", "boy")]
    if details or single:
        found = sorted(details + single, key=lambda m: m.start)
        return Finding("design", "answered", _spans(found), "design stated: " + doc.text[found[0].start:found[0].end])
    studies = _lex(doc, "study_ref")
    if studies:
        return Finding("design", "partial", _spans(studies[:2]), "studies are mentioned without phase, size or comparator")
    return Finding("design", "missing", [], "no phase, patient count or comparator is stated")


_BODY_OUTCOME = re.compile(r"\b(?:walk\w*|eyesight|sight|vision|feeling|sensation|movement|motor function|mobility|"
                           r"breathe?\w*|insulin|blood sugar|symptoms|use of (?:his|her|their) \w+|hands|arms|legs|"
                           r"infarct size|function|pain|speech|memory|survival|glucose|quadriceps|muscles|"
                           r"amputation|paralysis)\b")


# Words that point at an outcome without saying which: "efficacy", "symptoms", "primary outcome".
_GENERIC_ENDPOINTS = frozenset({
    "efficacy", "function", "symptoms", "scores", "score", "primary outcome", "primary outcomes", "secondary outcome",
    "secondary outcomes", "outcome measures", "outcome measure", "primary endpoint", "primary end point",
    "secondary endpoint", "mri", "pet", "attention", "clinical improvement",
})


# "survival of seed cells" is about the cells, not the patients.
_OF_CELLS = re.compile(r" of (?:the )?(?:seed |transplanted |grafted |injected )?cells\b")
# A duration that measures follow-up: "at 12 months", "for 2 years", "through 24 months".
_OVER_TIME = re.compile(r"\b(?:at|for|after|over|within|through|up to|until|during)\s*$")
_PRIMARY_NAMED = re.compile(
    r"\bprimary (?:efficacy )?(?:end ?points?|outcomes?(?:\(s\))?)(?: of (?:this|the) (?:trial|study))?"
    r"(?:\s*:|\s+(?:was|is|were|are|will be))\s*(?!(?:to |the |safety\b|efficacy\b))(?:[\w()%-]+[ ;,]+){3,}"
)


# A sentence holding none of these labels measures no outcome.
_ENDPOINT_LABELS = frozenset({"lex:endpoint", "duration", "lex:result", "lex:weak_result"})


def check_endpoint(doc: Document, sents: Sentences, kind: str) -> Finding:
    measured: list[Mention] = []
    for i, (start, end) in enumerate(doc.sentences):
        if sents.labels[i].isdisjoint(_ENDPOINT_LABELS):
            continue
        specific = [m for m in sents.mentions[i] if m.kind == "lex" and m.value == "endpoint"
                    and doc.view[m.start:m.end] not in _GENERIC_ENDPOINTS
                    and not _OF_CELLS.match(doc.view, m.end)] if "lex:endpoint" in sents.labels[i] else []
        evidence = reports_evidence(doc, sents, i)
        if specific and (
            kind in ("trial_record", "paper")
            or sents.has(i, "lex:measured", "duration", "lex:follow_up", "registry_id", "phase")
            or evidence
        ):
            measured.append(specific[0])
        elif sents.has(i, "duration") and (sents.has(i, "lex:follow_up") or any(
                _OVER_TIME.search(doc.view, max(start, m.start - 14), m.start) for m in sents.mentions[i]
                if m.kind == "duration")):
            measured.append(sents.first(i, "duration"))
        elif sents.has(i, "lex:endpoint") and _PRIMARY_NAMED.search(doc.view, start, end):
            # "The primary endpoint was recurrent heart-failure events": a named measure follows the label.
            named = _PRIMARY_NAMED.search(doc.view, start, end)
            measured.append(Mention("lex", "endpoint", *named.span()))
        elif evidence:
            outcome = _may_match(doc, "body_outcome", start, end) and _BODY_OUTCOME.search(doc.view, start, end)
            if outcome:
                measured.append(Mention("lex", "endpoint", *outcome.span()))
    if measured:
        return Finding("endpoint", "answered", _spans(measured), "a measured outcome: " + doc.text[measured[0].start:measured[0].end])
    loose = _lex(doc, "endpoint") + _lex(doc, "vague_outcome") + doc.of("duration")
    if loose:
        loose.sort(key=lambda m: m.start)
        return Finding("endpoint", "partial", _spans(loose[:2]), "outcomes are named or promised but not measured")
    return Finding("endpoint", "missing", [], "no outcome or follow-up time is stated")


def _safety_assessed(doc: Document, sents: Sentences, i: int) -> bool:
    key = ("safety", i)
    if key not in sents.memo:
        start, end = doc.sentences[i]
        sents.memo[key] = re.search(r"\b(?:efficacy|tolerabil\w+|primary|evaluate|assess|determine|feasibility)\b",
                                    doc.view[start:end]) is not None
    return bool(sents.memo[key])


def check_safety(doc: Document, sents: Sentences) -> Finding:
    measured = []
    for m in _lex(doc, "safety_measured"):
        phrase = doc.view[m.start:m.end]
        i = sents.index_of.get(id(m), 0)
        if phrase in ("side effects", "rejection", "tumors", "tumours", "tumor formation", "complications",
                      "infection", "infections", "blind"):
            # "no side effects" is a claim, not a safety record; counted harm in a report is a record.
            s_start, _ = doc.sentences[i]
            if _negated(doc.view, m.start, s_start) and not (reports_evidence(doc, sents, i) and sents.has(i, "sample_size")):
                continue
            if not (reports_evidence(doc, sents, i) or sents.has(i, "lex:measured", "lex:purpose")):
                continue
        measured.append(m)
    if not measured:
        for m in _lex(doc, "safety_vague"):
            i = sents.index_of.get(id(m), 0)
            if doc.view[m.start:m.end] == "safety" and sents.has(i, "lex:measured", "lex:purpose", "registry_id", "phase") \
                    and _safety_assessed(doc, sents, i):
                measured.append(m)
                break
    if measured:
        return Finding("safety", "answered", _spans(measured), "safety is reported or measured: " + doc.text[measured[0].start:measured[0].end])
    vague = _lex(doc, "safety_vague") + _lex(doc, "safety_measured")
    if vague:
        vague.sort(key=lambda m: m.start)
        return Finding("safety", "partial", _spans(vague[:2]), "safety is asserted, not reported")
    return Finding("safety", "missing", [], "nothing in the text reports side effects or risks")


def check_maker(doc: Document) -> Finding:
    named = doc.of("maker") + [m for m in doc.of("product")]
    named = [m for m in named if m.kind == "maker"]
    if named:
        return Finding("maker", "answered", _spans(named), "a named maker: " + doc.text[named[0].start:named[0].end])
    generic = _lex(doc, "maker_generic")
    if generic:
        return Finding("maker", "partial", _spans(generic[:2]), "a maker is implied but not named")
    return Finding("maker", "missing", [], "nothing in the text names who made the product")


def check_oversight(doc: Document, sents: Sentences) -> Finding:
    ids = doc.of("registry_id")
    if ids:
        return Finding("oversight", "answered", _spans(ids), "a trial registration: " + ids[0].value)
    for m in doc.of("regulator"):
        i = sents.index_of.get(id(m), 0)
        start, end = doc.sentences[i]
        if _QUESTION_END.search(doc.view, start, end):
            continue
        window = doc.view[max(start, m.start - 50): min(end, m.end + 50)]
        if _APPROVAL_WORD.search(window) and not re.search(r"\b(?:lab|laborator\w+|facilit\w+)\b", window):
            return Finding("oversight", "answered", [(m.start, m.end)], "a named regulator and what it decided: "
                           + doc.text[m.start:m.end])
    loose = doc.of("regulator") + _lex(doc, "oversight_generic")
    if loose:
        loose.sort(key=lambda m: m.start)
        return Finding("oversight", "partial", _spans(loose[:2]), "regulation is mentioned without a named authorization or registration")
    return Finding("oversight", "missing", [], "nothing in the text names a regulator or a trial registration")


def check_availability(doc: Document, sents: Sentences, kind: str) -> Finding:
    if kind in ("headline", "paper", "trial_record"):
        cue = doc.of("registry_id")[:1] or _lex(doc, "research_news")[:1] or _lex(doc, "study_ref")[:1]
        what = {"trial_record": "a registered trial", "paper": "research", "headline": "research or news"}[kind]
        return Finding("availability", "answered", _spans(cue), f"the text describes {what}")
    access = [m.span() for m in cue_matches(doc, sents, "access")]
    first_currency = _first_currency(doc.text)
    money = _AMOUNT.search(doc.text, first_currency) if first_currency != -1 else None
    if money:
        access.append(money.span())
    if access:
        access.sort()
        s, e = access[0]
        return Finding("availability", "answered", access[:6], "the text says where or how to get it: " + doc.text[s:e])
    loose = _lex(doc, "offer")
    if loose or kind == "clinic_claim":
        return Finding("availability", "partial", _spans(loose[:1]), "treatment is promoted without saying how it is given or on what basis")
    return Finding("availability", "missing", [], "the text does not say whether this is care, a trial or research")


# --- layers ---------------------------------------------------------------------------------------------

_STATUS_TO_LAYER = {"answered": "defined", "partial": "vague", "missing": "missing"}


def layers(doc: Document, sents: Sentences, checks: dict[str, Finding]) -> list[Finding]:
    """Return the six product layers, reusing the checklist where the two ask the same thing."""
    product = checks["product"]
    manufacturing = [m.span() for m in cue_matches(doc, sents, "manufacturing")][:4]
    makers = doc.of("maker")
    doses, routes = doc.of("dose"), _lex(doc, "routes")
    out = [
        Finding("cell_source", _STATUS_TO_LAYER[product.status], product.spans, product.note),
        Finding("manufacturing",
                "defined" if manufacturing and (makers or doc.of("product")) else "vague" if manufacturing or makers else "missing",
                manufacturing or _spans(makers),
                "how the cells are made is described" if manufacturing else "the process of making the cells is not described"),
        Finding("disease", _STATUS_TO_LAYER[checks["disease"].status], checks["disease"].spans, checks["disease"].note),
        Finding("dose_route",
                "defined" if doses and routes else "vague" if doses or routes else "missing",
                _spans(doses + routes),
                "dose and route are stated" if doses and routes else
                "only part of the dose and route is stated" if doses or routes else "no dose or route is stated"),
        Finding("endpoint", _STATUS_TO_LAYER[checks["endpoint"].status], checks["endpoint"].spans, checks["endpoint"].note),
        Finding("oversight", _STATUS_TO_LAYER[checks["oversight"].status], checks["oversight"].spans, checks["oversight"].note),
    ]
    return out


# --- matches ------------------------------------------------------------------------------------------


def product_matches(doc: Document) -> list[dict]:
    """Return the named knowledge-base products with their authorizations."""
    out = []
    for product_id in doc.values("product"):
        product = doc.compiled.products.get(product_id)
        if product is None:
            continue
        out.append({
            "id": product.id,
            "name": product.name,
            "maker": product.maker,
            "stage": product.stage,
            "authorizations": [
                {"regulator": a.regulator, "status": a.status, "indication": a.indication, "date": a.date,
                 "conditions_attached": a.conditions_attached}
                for a in product.authorizations
            ],
        })
    return out


def trial_matches(doc: Document) -> list[dict]:
    """Return the registrations found; with a lookup, what the local registry holds for each."""
    out = []
    matcher = doc.compiled.registry_ids
    seen: set[str] = set()
    for m in doc.of("registry_id"):
        if m.value in seen:
            continue
        seen.add(m.value)
        registry = m.rule.partition(":")[2]
        entry = {"registry": registry, "id": m.value, "url": matcher.record_url(registry, m.value)}
        if doc.trial_lookup is not None:
            record = doc.trial_lookup(registry, m.value)
            entry["found"] = record is not None
            if record is not None:
                entry["record"] = record
        out.append(entry)
    return out


def authorization_status(doc: Document, kind: str, products: list[dict], approval_stage: bool) -> tuple[str, str]:
    """Return (matches | none_found | not_applicable, why)."""
    conditions = set(doc.values("condition"))
    for product in products:
        for auth in product["authorizations"]:
            if auth["status"] in ("approved", "conditional"):
                product_entry = doc.compiled.products[product["id"]]
                if not conditions or conditions & set(product_entry.conditions):
                    return "matches", f"{product['name']} holds a {auth['status']} authorization ({auth['regulator']})"
    if approval_stage and (products or doc.of("product_name") or doc.of("maker")):
        return "matches", "the text states that a named regulator authorized the named product"
    if kind == "clinic_claim":
        return "none_found", "the text offers a treatment for which no tracked authorization was found"
    return "not_applicable", "the text reports research, news or a trial rather than offering a treatment"


# Patterns read over the whole matching view, gated by the compiled knowledge's one scan (`Document.find`).
WHOLE_TEXT: dict[str, GatedPattern] = {
    "promotion": _PROMOTION,
    "converted": _CONVERTED,
    "cases": _CASES,
    "reprogrammed": _REPROGRAMMED,
    "from_fat": _FROM_FAT,
    "transplant_setting": _TRANSPLANT_SETTING,
    "blood_setting": _BLOOD_SETTING,
    "process": _PROCESS,
    "regenerative": _REGENERATIVE,
    # Searched sentence by sentence; the gate says which sentences hold a place where they can match.
    **{name: GatedPattern.compile(pattern.pattern, pattern.flags) for name, pattern in (
        ("past_result", _PAST_RESULT), ("future", _FUTURE), ("outcome", _OUTCOME), ("study_noun", _STUDY_NOUN),
        ("treatment_words", _TREATMENT_WORDS), ("hedged", _HEDGED), ("customers", _CUSTOMERS),
        ("received", _RECEIVED), ("body_outcome", _BODY_OUTCOME))},
}


# --- the step -----------------------------------------------------------------------------------------


@step(
    "assess",
    needs=("text", "view", "sentences", "mentions"),
    adds=("kind", "entities", "checklist", "layers", "stage", "red_flags", "matches"),
)
def assess(doc: Document) -> Document:
    """Decide the kind, entities, red flags, stage, checklist, layers and matches of the text."""
    sents = index_sentences(doc)
    kind, _kind_reason = detect_kind(doc, sents)
    doc.kind = kind
    species, species_spans = find_species(doc, sents, kind)
    evidence = stage_evidence(doc, sents, species, kind, species_spans)
    stages = {e.stage for e in evidence}
    if "human" not in species and (7 in stages or kind in ("headline", "paper") and 6 in stages):
        # Standard care, or a reported approval, rests on treated patients.
        species.add("human")
        species_spans.extend((*e.span, "human") for e in evidence if e.stage >= 6)
    cell_types, cell_spans = find_cell_types(doc)
    phases = set(doc.values("phase"))
    doc.entities = {
        "registry_ids": doc.values("registry_id"),
        "species": [s for s in ("human", "animal", "in_vitro") if s in species],
        "phases": [p for p in ("early_1", "1", "1/2", "2", "2/3", "3", "4") if p in phases],
        "sample_sizes": list(dict.fromkeys(int(v) for v in doc.values("sample_size"))),
        "cell_types": cell_types,
        "conditions": find_conditions(doc),
        "regulators": doc.values("regulator"),
        "products": doc.values("product"),
    }
    flags = find_red_flags(doc, sents, kind)
    doc.red_flags = structural_flags(doc, kind, cell_types, flags)

    evidenced = max((e.stage for e in evidence), default=None)
    claimed, claimed_note = claimed_stage(doc, kind, evidenced)
    best = [e for e in evidence if e.stage == evidenced][:3]
    note_parts = []
    if evidenced is not None:
        note_parts.append(f"evidenced {evidenced} by {best[0].rule}")
    else:
        note_parts.append("the text states no evidence (results, trials, approvals)")
    note_parts.append(claimed_note)
    doc.stage = {"evidenced": evidenced, "claimed": claimed, "spans": [e.span for e in best], "note": "; ".join(note_parts)}

    checks = {
        "product": check_product(doc, cell_types, cell_spans, kind),
        "disease": check_disease(doc),
        "species": check_species(doc, species, species_spans),
        "design": check_design(doc, sents),
        "endpoint": check_endpoint(doc, sents, kind),
        "safety": check_safety(doc, sents),
        "maker": check_maker(doc),
        "oversight": check_oversight(doc, sents),
        "availability": check_availability(doc, sents, kind),
    }
    doc.checklist = [checks[q] for q in CHECKLIST_IDS]
    doc.layers = layers(doc, sents, checks)

    products = product_matches(doc)
    authorization, why = authorization_status(doc, kind, products, evidenced == 6)
    doc.matches = {"products": products, "trials": trial_matches(doc), "authorization": authorization,
                   "authorization_note": why}
    return doc


def claimed_stage(doc: Document, kind: str, evidenced: int | None) -> tuple[int | None, str]:
    """Return the stage the text invites the reader to act on, and why."""
    if kind == "clinic_claim":
        return 7, "claimed 7: the text offers or promotes a treatment to patients now"
    phases = set(doc.values("phase"))
    comparator = bool(doc.of("lex", "comparator"))
    trial_like = kind == "trial_record" or bool(phases) or bool(doc.of("lex", "trial_enrolment"))
    if kind == "trial_record" or (evidenced is None and trial_like and (phases or doc.of("registry_id"))):
        stage = 5 if comparator or phases & LATE_PHASES else 3
        if evidenced is not None:
            stage = max(stage, evidenced)
        return stage, f"claimed {stage}: a {'controlled' if stage == 5 else 'early'} trial"
    if evidenced is not None:
        return evidenced, f"claimed {evidenced}: the text reports research at the stage it evidences"
    return None, "claimed: the text invites no action"

