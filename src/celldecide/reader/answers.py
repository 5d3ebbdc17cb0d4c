"""Read one answer a clinic gave to one of the questions to ask before paying (`knowledge/clinic_questions.yaml`).

Each question lists in `expects` what a specific answer contains: a named product and its maker, a trial
registration and whether participants pay, an amount and what it covers. An answer is

- *missing* when nothing, or only a placeholder such as "n/a", was written down;
- *specific* when it holds every expected element and does not take it back ("it depends", "proprietary");
- *vague* otherwise, with a reason naming the evasion or the red flag it answers with, or what it leaves out.

The answer goes through the reader's own steps (`segment`, `recognize`) and red-flag rules (`assess`), read as a
clinic speaking, so registry ids, regulators, doses, cell types and the sixteen red flags are recognized exactly as
on a clinic page. The few recognizers below cover what only an answer needs: a lot number, a refund policy, a
follow-up schedule. Every quote carries offsets into `AnswerAssessment.text`, the answer as read.

>>> kb = load_knowledge()                                                              # doctest: +SKIP
>>> assess_answer("total_cost", "It depends on your package.", knowledge=kb).status  # doctest: +SKIP
'vague'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from celldecide.reader.assess import (
    Sentences,
    _negated,
    check_disease,
    find_cell_types,
    find_red_flags,
    index_sentences,
    positive_approval,
    structural_flags,
)
from celldecide.reader.compiled import compiled_for
from celldecide.reader.document import Document
from celldecide.reader.errors import MAX_CHARS, TextTooLongError
from celldecide.reader.normalize import matching_view, tidy
from celldecide.reader.recognize import recognize
from celldecide.reader.segment import segment

Status = Literal["specific", "vague", "missing"]
STATUSES: tuple[Status, ...] = ("specific", "vague", "missing")
# An answer is read as the clinic speaking: the red-flag rules for a seller's wording apply.
ANSWER_KIND = "clinic_claim"

# What a patient writes when the clinic gave no answer: the answer is missing, not vague.
_PLACEHOLDER = re.compile(
    r"^(?:n/?a|none|nil|nothing|no answer|not answered|no reply|no response|not asked|not yet asked|"
    r"(?:i |we )?did(?: not|n't) ask|(?:they |the clinic )?did(?: not|n't) (?:answer|say|reply)|skip(?:ped)?|"
    r"tbd|tbc|unknown|x)$"
)
_ONLY_PUNCTUATION = re.compile(r"^[\W_]*$")


@dataclass(frozen=True)
class Quote:
    """A passage of the answer: `text[start:end]` of `AnswerAssessment.text`."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "quote": self.text}


@dataclass(frozen=True)
class ElementFound:
    """An expected element the answer holds, with the passage that holds it."""

    id: str
    label: str
    quote: Quote


@dataclass(frozen=True)
class Evasion:
    """A hedge or evasion found in the answer: what it is, why it does not answer, and where."""

    id: str
    label: str
    quote: Quote
    takes_back: bool  # True when it cancels an answer that is otherwise complete ("it depends")


@dataclass(frozen=True)
class AnswerFlag:
    """A red flag of the knowledge base found in the answer, with every passage that fired it."""

    id: str
    name: str
    explanation: str
    question: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class AnswerAssessment:
    """How one answer reads: its status, a one-sentence reason, what it holds, lacks, dodges and flags."""

    question_id: str
    text: str
    status: Status
    reason: str
    found: tuple[ElementFound, ...] = ()
    lacking: tuple[str, ...] = ()  # labels of the expected elements it does not hold
    evasions: tuple[Evasion, ...] = ()
    red_flags: tuple[AnswerFlag, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the assessment as a JSON-ready dict (what a shared worksheet stores)."""
        return {
            "question_id": self.question_id,
            "text": self.text,
            "status": self.status,
            "reason": self.reason,
            "found": [{"id": f.id, "label": f.label, **f.quote.to_json()} for f in self.found],
            "lacking": list(self.lacking),
            "evasions": [{"id": e.id, "label": e.label, **e.quote.to_json()} for e in self.evasions],
            "red_flags": [
                {"id": f.id, "name": f.name, "explanation": f.explanation, "question": f.question,
                 "evidence": [q.to_json() for q in f.quotes]}
                for f in self.red_flags
            ],
        }


# --- the answer as the reader sees it -----------------------------------------------------------------------


@dataclass
class _Answer:
    """One answer after the reader's steps: the document, its sentences, cell types and red flags."""

    doc: Document
    sents: Sentences
    cell_types: list[str]
    cell_spans: dict[str, list[tuple[int, int]]]
    flags: list[Any] = field(default_factory=list)

    def search(self, pattern: re.Pattern[str], *, cased: bool = False) -> list[tuple[int, int]]:
        """Return the spans of `pattern` in the matching view (or in the text itself when `cased`)."""
        haystack = self.doc.text if cased else self.doc.view
        return [m.span() for m in pattern.finditer(haystack)]

    def mentions(self, kind: str, value: str | None = None) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.doc.of(kind, value)]

    def flag_spans(self, flag_id: str) -> list[tuple[int, int]]:
        return [span for f in self.flags if f.id == flag_id for span in f.spans]


def _prepare(text: str, knowledge: Any) -> _Answer:
    """Run the reader's segment and recognize steps on the tidied answer, then its red-flag rules.

    The answer is taken as plain text (never parsed as HTML), so what is shown is what the patient wrote.
    """
    doc = Document(raw=text, knowledge=knowledge, compiled=compiled_for(knowledge))
    doc.text = text
    doc.view = matching_view(text)
    doc = recognize(segment(doc))
    sents = index_sentences(doc)
    cell_types, cell_spans = find_cell_types(doc)
    answer = _Answer(doc=doc, sents=sents, cell_types=cell_types, cell_spans=cell_spans)
    flags = find_red_flags(doc, sents, ANSWER_KIND)
    answer.flags = structural_flags(doc, ANSWER_KIND, cell_types, flags)
    return answer


# --- recognizers: one per answer element ------------------------------------------------------------------


def _rx(pattern: str, *, cased: bool = False) -> re.Pattern[str]:
    return re.compile(pattern) if cased else re.compile(pattern, re.IGNORECASE)


_SOURCE = _rx(
    r"\b(?:autologous|allogeneic|allogenic|(?:your|my|the patient'?s|their) own|donors?|donated|umbilical cord|"
    r"cord tissue|cord blood|wharton'?s jelly|placenta\w*|amniotic|bone marrow|adipose|fat|belly|abdomen|hip bone|"
    r"iliac crest|embryonic|induced pluripotent|ips cells?|skin cells|blood cells)\b"
)
_VIABLE_WORD = _rx(r"\b(?:viab\w*|living|live|alive)\b")
_NUMBER = _rx(r"\d")
_CELL_FREE = _rx(
    r"\b(?:exosomes?|secretome|extracellular vesicles?|conditioned media|conditioned medium|cell-free|acellular|"
    r"no (?:living|live|viable|intact) cells|(?:does|do|will) not contain (?:any )?(?:living |live |viable )?cells)\b"
)
# A checkable number with what it numbers: "IND number 12345", "licence no. PB3150012", "EU/1/18/1279".
_NUMBERED = _rx(
    r"\b(?:IND|BLA|IDE|NDA|EU/\d|licen[cs]e|authori[sz]ation|approval|permit|plan|notification|certificate|"
    r"(?:trial|study|protocol) registration|protocol|reference|ref\.?|file)\s*(?:number|no\.?|num\.?|#|id)?\s*[:#]?\s*"
    r"(?=[A-Z0-9/.-]*\d)[A-Z0-9][A-Z0-9/.-]{2,}[A-Z0-9]"
)
# An establishment or lab registration is not a product's authorization ("registered is not approved").
_ESTABLISHMENT_BEFORE = _rx(r"\b(?:establishment|facility|facilities|lab|labs|laborator\w+|tissue bank|site)\b[^.]{0,30}$")
_AUTHORIZATION = _rx(
    r"\b(?:IND|investigational new drug|marketing authori[sz]ation|conditional(?:,? time-limited)? approval|"
    r"conditionally approved|clinical trial (?:authori[sz]ation|application)|hospital exemption|biologics licen[cs]e|"
    r"BLA|notified (?:treatment )?plan)\b"
)
_PAYMENT = _rx(
    r"\b(?:(?:do|does|will|would) not pay|don'?t pay|doesn'?t pay|free of charge|at no (?:cost|charge)|no cost|"
    r"no charge|(?:the )?(?:sponsor|study|trial) (?:covers|pays)|paid (?:for )?by the sponsor|covered by the "
    r"(?:sponsor|study|trial)|(?:participants|patients|you) (?:pay|are charged)|participation fee|study fee|program fee)\b"
)
_ETHICS = _rx(
    r"\b(?:IRB|institutional review board|(?:research |human research )?ethics (?:committee|board)|review board|"
    r"HREC|REC|certified (?:special )?(?:regenerative medicine )?committee|committee for regenerative medicine)\b"
)
_CONSENT = _rx(r"\b(?:consent (?:form|document)s?|informed consent)\b")
_CERTIFICATE = _rx(
    r"\b(?:certificates? of analysis|CoA|(?:lot|batch) (?:number |no\.? |#)?(?=[A-Z0-9-]*\d)[A-Z0-9-]+|"
    r"release (?:certificate|specification|testing|results))\b"
)
_RELEASE_TESTS = _rx(
    r"\b(?:viab\w*|steril\w*|endotoxins?|mycoplasma|identity|potency|cell counts?|flow cytometry|gram stain|"
    r"bacterial culture|fungal culture|karyotyp\w+)\b"
)
_IDENTITY = _rx(
    r"\b(?:flow cytometry|surface markers?|CD\d{1,3}[a-z]?|ISCT (?:criteria|markers)|identity (?:test|testing|assay|"
    r"markers?)|immunophenotyp\w+|karyotyp\w+|STR profil\w+)\b"
)
_POTENCY = _rx(r"\b(?:potency (?:assays?|tests?|testing|measures?)|bioassays?|functional assays?)\b")
_DONOR_TESTS = _rx(
    r"\b(?:HIV|hepatitis [ABC]|HBV|HCV|HTLV|syphilis|CMV|cytomegalovirus|West Nile|Zika|Chagas|"
    r"infectious disease (?:tests?|testing|markers|screening)|donor eligibility|eligibility determination)\b"
)
_OWN_CELLS = _rx(r"\b(?:autologous|(?:your|my|the patient'?s) own (?:cells|blood|fat|bone marrow|tissue))\b")
_DIAGNOSIS_BASIS = _rx(
    r"\b(?:x-?rays?|mri|ct|scans?|imaging|biopsy|blood tests?|specialist'?s?|neurologist|rheumatologist|"
    r"orthopa?edic|cardiologist|endocrinologist|ophthalmologist|your (?:own )?(?:doctor|physician|gp)|reports?|"
    r"records|diagnosed by|confirmed (?:by|with|on)|examination|nerve conduction)\b"
)
_STANDARD = _rx(
    r"\b(?:physiotherapy|physical therapy|exercise programmes?|exercise|weight loss|painkillers|nsaids?|"
    r"steroid injections?|cortisone|hyaluronic acid|knee replacement|joint replacement|hip replacement|surgery|insulin|"
    r"levodopa|deep brain stimulation|disease-modifying (?:drugs|therapy|therapies)|dmts?|chemotherapy|radiotherapy|"
    r"dialysis|medication|medicines|standard (?:treatments?|care|options|therapy|therapies))\b"
)
_EXCLUSIONS = _rx(
    r"\b(?:exclud\w+|not (?:eligible|suitable|a candidate)|ineligible|contraindicat\w+|unsuitable|"
    r"(?:we|i) (?:decline|turn away|refuse|have turned away|have declined|turned away|declined)|should not have|"
    r"cannot have|can'?t have)\b"
)
_PUBLICATION = _rx(
    r"\bdoi:?\s*10\.\d{4,9}/\S+|\bPMID:?\s*\d{5,9}\b|\bet al\b\.?|\b(?:published|reported) in (?:the )?"
    r"[A-Z][\w&-]*(?: [A-Z][\w&-]*){0,5}|\b(?:NEJM|New England Journal of Medicine|The Lancet|Lancet|JAMA|BMJ|"
    r"Nature Medicine|Cell Stem Cell|Stem Cells Translational Medicine|Cytotherapy)\b|\b[A-Z][A-Z0-9-]{2,} (?:trial|study)\b",
    cased=True,
)
_SAME_PRODUCT = _rx(
    r"\b(?:same (?:product|lot|manufactur\w*|process|dose|formulation|preparation)|(?:differs?|different) (?:from|in|"
    r"because)|how (?:ours|it|our product) differs|not the same (?:product|cells|dose))\b"
)
_SHARE = _rx(
    r"\b(?:(?:a|one|two) (?:third|half|quarter|fifth|tenth)s?|half|\d+ (?:of|out of|in) (?:the )?\d+|"
    r"(?:none|no one|nobody) (?:improved|changed)|did not (?:improve|change|respond))\b"
)
_HARM = _rx(
    r"\b(?:pain|swelling|bruising|fever|headaches?|infections?|bleeding|blood clots?|embolism|allergic reactions?|"
    r"nausea|tumou?rs?|blindness|deaths?|strokes?|seizures?|meningitis|inflammation)\b"
)
_FREQUENCY = _rx(
    r"\b(?:(?:about |around |roughly )?\d+ (?:in|of|out of) \d+|common|uncommon|rare|rarely|frequent\w*|"
    r"occasional\w*|once|twice)\b"
)
_COST_SCOPE = _rx(
    r"\b(?:includ\w*|cover(?:s|ed|ing)?|excludes?|excluding|not included|extra|additional(?:ly)?|separately|"
    r"on top|per (?:dose|injection|session|treatment|visit|night)|breakdown|itemi[sz]ed)\b"
)
_COVERAGE = _rx(
    r"\b(?:(?:is|are|isn'?t|aren'?t|not|never) covered|(?:does|do|will|would) not (?:cover|pay|reimburse)|"
    r"(?:won'?t|doesn'?t|don'?t) (?:cover|pay|reimburse)|reimburs\w*|covers? (?:it|this|the treatment)|self-?pay|"
    r"out of pocket|pre-?authori[sz]ation)\b"
)
_REFUND = _rx(
    r"\b(?:(?:full|partial|\d{1,3} ?%|pro-?rata|complete) refund|refund(?:ed)? (?:in full|if|when|within|of|less|"
    r"minus|the deposit|your deposit|all)|written (?:refund |cancell?ation )?policy|money back)\b"
)
_MEASURE = _rx(
    r"\b(?:scores?|scales?|questionnaires?|womac|koos|vas|hba1c|c-peptide|mri|x-?rays?|scans?|walk test|"
    r"blood tests?|range of motion|updrs|edss|alsfrs-?r?|visual acuity|lung function|spirometry)\b"
)
_TIMEPOINT = _rx(
    r"\b(?:at|after|every) (?:\d+|one|two|three|six|twelve) (?:days?|weeks?|months?|years?)\b|\byearly\b|\bannually\b"
)
_STOP_OR_REFER = _rx(
    r"\b(?:(?:we (?:would |will )?)stop|stop (?:treatment|there)|refer\w*|back to your (?:own )?(?:doctor|specialist|gp)|"
    r"no (?:further|more|repeat|extra) (?:doses|treatments|courses|injections|charges?)|(?:do|does|will) not (?:sell|offer|"
    r"charge for) (?:repeat|more|further|additional)|(?:at )?no (?:extra |additional )?charge|free of charge)\b"
)
_CONTACT = _rx(
    r"\+?\d[\d ()-]{6,}\d|\b(?:24/7|24 hours|hotline|on-?call|emergency (?:number|line|contact))\b|"
    r"\b(?:send|share|give|forward)\w* (?:\w+ ){0,2}(?:your|the) (?:own |local )?(?:doctor|physician|gp|specialist|"
    r"hospital)\b|\b(?:treatment|medical|full|discharge) (?:record|letter|summary|report)s?\b|\bDr\.? [A-Z][a-z]+"
)
_RECORD_ITEMS = (
    ("product", _rx(r"\bproduct(?: name)?\b")),
    ("lot", _rx(r"\b(?:lot|batch)\b")),
    ("dose", _rx(r"\bdoses?\b|\bcell counts?\b")),
    ("route", _rx(r"\broutes?\b")),
    ("date", _rx(r"\bdates?\b")),
    ("certificate", _rx(r"\bcertificates? of analysis\b|\bCoA\b")),
    ("letter", _rx(r"\b(?:discharge|treatment) (?:letter|summary|record)\b")),
)
_SCHEDULE = _rx(
    r"\b(?:yearly|annually|every (?:\d+|one|two|three|six|few) (?:weeks|months|years)|monthly|"
    r"at \d+(?:, ?\d+)*,? and \d+ (?:weeks|months)|(?:follow-up|aftercare|monitoring) (?:plan|schedule|programme|"
    r"program|protocol|visits?))\b"
)
_HARM_REPORTING = _rx(
    r"\b(?:medwatch|yellow card|pharmacovigilance|adverse event reports?|report\w* (?:\w+ ){0,4}to (?:the )?"
    r"(?:fda|regulator|agency|authorit\w+|ministry|medicines agency))\b"
)


def _fresh(answer: _Answer, spans: list[tuple[int, int]], negatable: bool) -> list[tuple[int, int]]:
    """Drop spans a negation cancels ("there is no lot number"), when the element can be negated."""
    if not negatable:
        return spans
    doc = answer.doc
    return [(s, e) for s, e in spans if not _negated(doc.view, s, doc.sentence_of(s)[0])]


# Untyped "stem cells" define nothing, and exosomes are not cells.
_NOT_A_CELL_TYPE = frozenset({"unspecified_stem_cell", "exosome"})


def _cell_type(a: _Answer) -> list[tuple[int, int]]:
    return [span for cell, spans in a.cell_spans.items() if cell not in _NOT_A_CELL_TYPE for span in spans]


def _viable_count(a: _Answer) -> list[tuple[int, int]]:
    """Return viability words in sentences that also hold a number ("viability was 88%")."""
    found = []
    for start, end in a.search(_VIABLE_WORD):
        s_start, s_end = a.doc.sentence_of(start)
        if _NUMBER.search(a.doc.text, s_start, s_end):
            found.append((start, end))
    return found


def _registration_id(a: _Answer) -> list[tuple[int, int]]:
    found = a.mentions("registry_id")
    for start, end in a.search(_NUMBERED):
        if not _ESTABLISHMENT_BEFORE.search(a.doc.view, max(0, start - 40), start):
            found.append((start, end))
    return found


def _authorization(a: _Answer) -> list[tuple[int, int]]:
    found = a.search(_AUTHORIZATION)
    for i in range(len(a.doc.sentences)):
        span = positive_approval(a.doc, a.sents, i)
        if span is not None:
            found.append(span)
    return found


def _amount(a: _Answer) -> list[tuple[int, int]]:
    """Return the prices the reader's sales-pressure rule finds ("$12,000", "9,500 euros"), without end punctuation."""
    text = a.doc.text
    found = []
    for start, end in a.flag_spans("sales_pressure"):
        if _NUMBER.search(text, start, end):
            while end > start and text[end - 1] in ",.":
                end -= 1
            found.append((start, end))
    return found


def _release_tests(a: _Answer) -> list[tuple[int, int]]:
    """Return the release tests named, when at least two different ones are ("sterility and endotoxin")."""
    spans = _fresh(a, a.search(_RELEASE_TESTS), True)
    names = {a.doc.view[s:e][:5] for s, e in spans}
    return spans if len(names) >= 2 else []


def _record_contents(a: _Answer) -> list[tuple[int, int]]:
    """Return what a record holds, when it holds at least two items (product, lot, dose, route …)."""
    hits = {name: _fresh(a, a.search(pattern), True) for name, pattern in _RECORD_ITEMS}
    present = [spans[0] for spans in hits.values() if spans]
    return sorted(present) if len(present) >= 2 else []


# A sentence's first word is capitalised, so the reader's organisation names can start with it: "At Cryo-Cell Labs".
_LEADING_WORD = re.compile(r"(?:at|by|from|in|with|and|the|our|it is|it's) ", re.IGNORECASE)


def _makers(a: _Answer) -> list[tuple[int, int]]:
    """Return the named makers, without a sentence's opening word in front of the name."""
    found = []
    for start, end in a.mentions("maker"):
        lead = _LEADING_WORD.match(a.doc.text, start, end)
        found.append((lead.end() if lead and lead.end() < end else start, end))
    return found


def _diagnosis(a: _Answer) -> list[tuple[int, int]]:
    finding = check_disease(a.doc)
    return list(finding.spans) if finding.status == "answered" else []


@dataclass(frozen=True)
class Element:
    """What one expected element is called and how it is found.

    `voided_by` names red flags that cancel the element when they cover it: "FDA" inside "FDA-registered lab"
    is a lab credential, not a regulator's decision. `negatable` elements are cancelled by a negation before
    them in their clause ("we have no certificate of analysis").
    """

    label: str
    find: Callable[[_Answer], list[tuple[int, int]]]
    voided_by: frozenset[str] = frozenset()
    negatable: bool = True


_OVERSIGHT_FLAGS = frozenset({"lab_credential", "international_use", "regulatory_loophole"})


def _pattern(pattern: re.Pattern[str]) -> Callable[[_Answer], list[tuple[int, int]]]:
    cased = not pattern.flags & re.IGNORECASE
    return lambda a: a.search(pattern, cased=cased)


ELEMENTS: dict[str, Element] = {
    "product_name": Element("the product's name", lambda a: a.mentions("product") + a.mentions("product_name")),
    # A product the knowledge base lists names its maker too; a maker named outright is the better quote.
    "maker": Element("the maker's name", lambda a: _makers(a) or a.mentions("product")),
    "cell_type": Element("a defined cell type", _cell_type, frozenset({"vague_cell_source"})),
    "cell_source": Element("the tissue or donor the cells come from", _pattern(_SOURCE)),
    "dose": Element("a cell dose", lambda a: a.mentions("dose")),
    "route": Element("how it is given (the route)", lambda a: a.mentions("lex", "routes")),
    "viable_count": Element("a measured share or count of living cells", _viable_count),
    "cell_free": Element("a plain statement that it holds no living cells", _pattern(_CELL_FREE), negatable=False),
    "registration_id": Element("a number that can be checked", _registration_id, frozenset({"lab_credential"})),
    "facility_licence": Element("the facility's licence or authorization number", _pattern(_NUMBERED)),
    "trial_id": Element("a trial registration number", lambda a: a.mentions("registry_id")),
    "regulator": Element("a named regulator", lambda a: a.mentions("regulator"), _OVERSIGHT_FLAGS, negatable=False),
    "authorization": Element("an authorization the regulator granted", _authorization, _OVERSIGHT_FLAGS),
    "payment_terms": Element("whether participants pay", lambda a: a.search(_PAYMENT) + _amount(a), negatable=False),
    "ethics_board": Element("an ethics committee or review board", _pattern(_ETHICS)),
    "consent_form": Element("the consent form", _pattern(_CONSENT)),
    "certificate": Element("a certificate of analysis for the lot", _pattern(_CERTIFICATE)),
    "release_tests": Element("the release tests (viability, sterility, endotoxin …)", _release_tests, negatable=False),
    "identity_test": Element("an identity test", _pattern(_IDENTITY)),
    "potency_test": Element("a potency test", _pattern(_POTENCY)),
    "donor_tests": Element("the donor's infection tests", _pattern(_DONOR_TESTS)),
    "own_cells": Element("that the cells are your own", _pattern(_OWN_CELLS)),
    "diagnosis": Element("a specific diagnosis", _diagnosis),
    "diagnosis_basis": Element("who confirmed it, or with which test", _pattern(_DIAGNOSIS_BASIS)),
    "standard_treatment": Element("the standard treatments by name", _pattern(_STANDARD)),
    "exclusions": Element("who is excluded", _pattern(_EXCLUSIONS)),
    "publication": Element("a publication or named study to look up", _pattern(_PUBLICATION),
                           frozenset({"authority_halo"})),
    "controlled": Element("a comparison with placebo, sham or standard care", lambda a: a.mentions("lex", "comparator")),
    "same_product": Element("whether the evidence used this same product", _pattern(_SAME_PRODUCT), negatable=False),
    "patient_count": Element("how many patients were treated", lambda a: a.mentions("sample_size")),
    # A "95% success rate" is the guaranteed-outcome pattern, not a share of everyone treated.
    "outcome_share": Element("what share improved or did not", lambda a: a.mentions("percent") + a.search(_SHARE),
                             frozenset({"guaranteed_outcome"}), negatable=False),
    "named_harm": Element("the side effects or complications by name",
                          lambda a: a.mentions("lex", "safety_measured") + a.search(_HARM), frozenset({"no_risk_claim"})),
    "frequency": Element("how often they happen",
                         lambda a: a.mentions("percent") + a.mentions("sample_size") + a.search(_FREQUENCY),
                         frozenset({"no_risk_claim"})),
    "amount": Element("a total amount in a currency", _amount, negatable=False),
    "cost_scope": Element("what the amount covers", _pattern(_COST_SCOPE), negatable=False),
    "coverage": Element("whether insurance pays, and why", _pattern(_COVERAGE), negatable=False),
    "refund_terms": Element("the refund terms", _pattern(_REFUND)),
    "measure": Element("a named measure or test", _pattern(_MEASURE)),
    "timepoint": Element("when it is measured", lambda a: a.mentions("duration") + a.search(_TIMEPOINT)),
    "stop_or_refer": Element("what happens next, and whether more doses cost more", _pattern(_STOP_OR_REFER),
                             negatable=False),
    "contact_plan": Element("who to contact and what your doctor receives", _pattern(_CONTACT)),
    "record_contents": Element("what the record holds (product, lot, dose, route)", _record_contents,
                               negatable=False),
    "follow_up_schedule": Element("a follow-up schedule", lambda a: a.mentions("duration") + a.search(_SCHEDULE)),
    "harm_reporting": Element("how harms are reported to the regulator", _pattern(_HARM_REPORTING)),
}


# --- evasions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvasionRule:
    """A hedge or evasion: `takes_back` ones cancel an otherwise complete answer; the others only explain."""

    id: str
    label: str
    pattern: re.Pattern[str]
    takes_back: bool


EVASIONS: tuple[EvasionRule, ...] = (
    EvasionRule("secrecy", "keeps the information back", _rx(
        r"\b(?:proprietary|confidential|trade secrets?|no comment|(?:declined|refused) to (?:answer|say)|"
        r"(?:can(?:no|')?t|cannot|won'?t|will not|unable to|not able to|do not|don'?t) (?:disclose|share|reveal|"
        r"give out)|not (?:something|information) we (?:share|disclose))\b"), True),
    EvasionRule("trust", "asks for trust instead of giving a fact", _rx(
        r"\b(?:trust (?:us|me|our \w+)|believe (?:us|me)|take (?:our|my) word)\b"), True),
    EvasionRule("it_depends", "gives no fixed answer", _rx(
        r"\b(?:it (?:all )?depends|depends on (?:your|the|how|what|each)|case[- ]by[- ]case|we'?ll see|we will see|"
        r"hard to say|difficult to say|discuss (?:that|it|this) later)\b"), True),
    EvasionRule("dismissal", "dismisses other care instead of answering", _rx(
        r"\b(?:only treats? (?:the )?symptoms|behind the times|big pharma|(?:they|doctors|insurers) (?:don'?t|do not) "
        r"want you|nothing (?:more|else) to offer|conventional medicine (?:can'?t|cannot|doesn'?t|does not|fails))\b"),
        True),
    EvasionRule("denial", "says the question does not apply", _rx(
        r"\b(?:(?:do|does) not happen|don'?t happen|doesn'?t happen|never happens?|nothing to report|never had "
        r"(?:a |any )?(?:problems?|complications?|issues?)|(?:do not|don'?t|does not|doesn'?t) need (?:that|it|one|"
        r"this|approval|an? (?:approval|irb|ethics \w+|licen[cs]e|review))|not (?:needed|necessary|required) for "
        r"(?:a |this )?treatment)\b"), True),
    EvasionRule("everyone", "says anyone is a candidate", _rx(
        r"\b(?:(?:anyone|anybody|everyone|everybody) (?:can|could|will|would) (?:benefit|be helped|qualify)|"
        r"(?:anyone|anybody|everyone|everybody) is a (?:good )?candidate|suitable for (?:everyone|anyone|all)|"
        r"(?:no one|nobody) is (?:excluded|turned away)|we (?:never|don'?t|do not) turn (?:anyone|anybody|patients|"
        r"people) away)\b"), True),
    EvasionRule("results_vary", "says results vary without saying how", _rx(
        r"\b(?:results (?:may |can )?vary|every(?:one|body| patient| case) is different|each (?:patient|person|case|"
        r"body) is (?:different|unique))\b"), False),
    EvasionRule("crowd", "points to patients who were not counted", _rx(
        r"\b(?:many|countless|thousands of|hundreds of|lots of|so many|numerous) (?:of our )?(?:patients|people|"
        r"clients)\b"), False),
    EvasionRule("quality_claim", "claims quality without a result", _rx(
        r"\b(?:(?:highest|top|best|premium) (?:quality|grade)|(?:all|every)(?: of)? (?:our |the )?(?:products?|"
        r"cells|lots?|batches) (?:is |are )?(?:tested|checked|screened)|fully tested|rigorously tested|very clean)\b"),
        False),
    EvasionRule("feeling", "leaves the result to how you feel", _rx(
        r"\byou(?:'ll| will) (?:feel|notice) (?:the|a) difference\b|\byou(?:'ll| will) (?:just )?know\b"), False),
    EvasionRule("natural", "calls it natural instead of answering", _rx(
        r"\b(?:it'?s|it is|they are|they'?re|the cells are) (?:all |completely |100% )?natural\b"), False),
    EvasionRule("same_kind", "names a similar kind of cell, not the same product", _rx(
        r"\bsame (?:kind|type|sort) of (?:cells|stem cells|treatment|therapy|product)\b"), False),
    EvasionRule("more_doses", "points to more doses instead of a plan", _rx(
        r"\b(?:some|many|most) (?:patients|people) (?:need|require|benefit from) (?:a |two|three|more|additional|"
        r"another|further|booster)[^.;,]{0,30}"), False),
    EvasionRule("contact_us", "offers a general contact instead of a plan", _rx(
        r"\b(?:call|email|contact|message) us (?:if|any ?time|by email|when)\b|\bcontact us by email\b"), False),
)

# Red flags that stand in for an answer, most telling first: when an answer lacks what was asked, the first of
# these it shows says what it gave instead.
EVASIVE_FLAGS = ("testimonial_evidence", "guaranteed_outcome", "no_risk_claim", "lab_credential", "international_use",
                 "regulatory_loophole", "pay_to_participate", "borrowed_science", "authority_halo",
                 "unapproved_exosomes", "cure_all", "animal_leap", "wellness_iv", "vague_cell_source", "hype_language",
                 "sales_pressure")


# --- assessment ---------------------------------------------------------------------------------------------


def _joined(items: list[str], word: str = "and", *, serial: bool = False) -> str:
    """Join phrases as English: "a", "a and b", "a, b and c" (with `serial`, "a, and b")."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])}{',' if serial else ''} {word} {items[-1]}"


def _covered(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def _question_of(question: Any, knowledge: Any) -> Any:
    if isinstance(question, str):
        return knowledge.by_id("clinic_questions")[question]
    return question


def _is_placeholder(text: str) -> bool:
    bare = re.sub(r"[\s.!]+$", "", text.casefold()).strip()
    return not bare or _ONLY_PUNCTUATION.match(bare) is not None or _PLACEHOLDER.match(bare) is not None


def _answer_flags(answer: _Answer, expects_amount: bool) -> list[AnswerFlag]:
    """Return the red flags as shown to the patient; a price given where a price was asked for is not pressure."""
    entries = {f.id: f for f in answer.doc.knowledge.red_flags}
    text = answer.doc.text
    out = []
    for flag in answer.flags:
        spans = flag.spans
        if expects_amount and flag.id == "sales_pressure":
            spans = [(s, e) for s, e in spans if not _NUMBER.search(text, s, e)]
        # Two rules of one flag can quote nested passages ("FDA-registered lab", "registered lab"): keep the outer.
        spans = [span for span in spans if not any(o != span and _covered(span, [o]) for o in spans)]
        if not spans:
            continue
        entry = entries[flag.id]
        out.append(AnswerFlag(flag.id, entry.name, entry.explanation, entry.question,
                              tuple(Quote(s, e, text[s:e]) for s, e in spans)))
    return out


def _elements_found(answer: _Answer, element_ids: Iterable[str]) -> dict[str, Quote]:
    """Return, for each element the answer holds, the first passage that holds it."""
    text = answer.doc.text
    found: dict[str, Quote] = {}
    for element_id in element_ids:
        element = ELEMENTS[element_id]
        voids = [span for flag in element.voided_by for span in answer.flag_spans(flag)]
        # The first passage, and the longest of those starting there ("Mesoblast Ltd" over "Mesoblast").
        spans = sorted(set(_fresh(answer, element.find(answer), element.negatable)), key=lambda s: (s[0], -s[1]))
        spans = [span for span in spans if not _covered(span, voids) and span[1] > span[0]]
        if spans:
            s, e = spans[0]
            found[element_id] = Quote(s, e, text[s:e])
    return found


def _evasions(answer: _Answer) -> list[Evasion]:
    text = answer.doc.text
    out = []
    for rule in EVASIONS:
        match = rule.pattern.search(answer.doc.view)
        if match:
            quote = Quote(match.start(), match.end(), text[match.start():match.end()])
            out.append(Evasion(rule.id, rule.label, quote, rule.takes_back))
    return sorted(out, key=lambda e: (not e.takes_back, e.quote.start))


def _reason(status: Status, found: list[ElementFound], lacking: list[str], evasions: list[Evasion],
            flags: list[AnswerFlag]) -> str:
    """Return the one plain sentence that says why the answer has its status."""
    gives = _joined([f"{f.label} (“{f.quote.text}”)" for f in found])
    if status == "specific":
        return f"It gives {gives}." if found else "It answers without a hedge or a red flag."
    # "either a or b, and c": alternatives stay readable next to the other things it lacks.
    alternatives = any(item.startswith("either ") for item in lacking)
    lacks = _joined(lacking, "and" if alternatives else "or", serial=alternatives)
    stand_in = ""
    if evasions:
        stand_in = f"“{evasions[0].quote.text}” {evasions[0].label}"
    else:
        by_id = {f.id: f for f in flags}
        evasive = next((by_id[f] for f in EVASIVE_FLAGS if f in by_id), None)
        if evasive is not None:
            stand_in = f"“{evasive.quotes[0].text}” is a red flag ({evasive.name.lower()})"
    if not lacking:
        return f"It gives {gives}, but {stand_in}." if found else f"{stand_in[0].upper()}{stand_in[1:]}."
    if stand_in:
        return f"{stand_in[0].upper()}{stand_in[1:]}, and it does not give {lacks}."
    if found:
        return f"It gives {gives}, but it does not give {lacks}."
    return f"It does not give {lacks}."


def assess_answer(question: Any, answer_text: str, *, knowledge: Any = None) -> AnswerAssessment:
    """Read one clinic answer against what its question expects; return its status, reason and red flags.

    `question` is a `ClinicQuestion` or its id. Raise `TextTooLongError` for an answer longer than the reader
    accepts (the worksheet caps answers far below that).
    """
    if knowledge is None:
        from celldecide.knowledge import load_knowledge

        knowledge = load_knowledge()
    question = _question_of(question, knowledge)
    if len(answer_text) > MAX_CHARS:
        raise TextTooLongError(len(answer_text))
    text = tidy(answer_text)
    if _is_placeholder(text):
        return AnswerAssessment(question.id, text, "missing", "No answer was written down for this question.")
    answer = _prepare(text, knowledge)
    requirements = [tuple(part.strip() for part in item.split("|")) for item in question.expects]
    element_ids = list(dict.fromkeys(e for group in requirements for e in group))
    quotes = _elements_found(answer, element_ids)
    found = [ElementFound(e, ELEMENTS[e].label, quotes[e]) for e in element_ids if e in quotes]
    found.sort(key=lambda f: f.quote.start)
    lacking = [_joined([ELEMENTS[e].label for e in group], "or") if len(group) == 1
               else "either " + _joined([ELEMENTS[e].label for e in group], "or")
               for group in requirements if not any(e in quotes for e in group)]
    evasions = _evasions(answer)
    flags = _answer_flags(answer, expects_amount="amount" in element_ids)
    taken_back = any(e.takes_back for e in evasions)
    if not requirements:
        # A question that declares no elements: any answer without an evasion or an evasive red flag will do.
        taken_back = taken_back or any(f.id in EVASIVE_FLAGS for f in flags)
    status: Status = "vague" if lacking or taken_back else "specific"
    reason = _reason(status, found, lacking, evasions, flags)
    return AnswerAssessment(question.id, text, status, reason, tuple(found), tuple(lacking), tuple(evasions),
                            tuple(flags))


def assess_answers(answers: Mapping[str, str], *, knowledge: Any = None) -> list[AnswerAssessment]:
    """Read every answer of a worksheet (question id -> answer text), in the knowledge base's question order."""
    if knowledge is None:
        from celldecide.knowledge import load_knowledge

        knowledge = load_knowledge()
    return [assess_answer(q, answers.get(q.id, ""), knowledge=knowledge) for q in knowledge.all("clinic_questions")]


__all__ = [
    "ELEMENTS",
    "EVASIONS",
    "STATUSES",
    "AnswerAssessment",
    "AnswerFlag",
    "ElementFound",
    "Evasion",
    "Quote",
    "assess_answer",
    "assess_answers",
]
