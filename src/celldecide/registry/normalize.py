"""Map each registry's wording onto one vocabulary.

ClinicalTrials.gov says "PHASE1" in API v2, "Phase 1" in classic XML and the
v1 API, and WHO ICTRP passes on whatever the source registry said ("1-2",
"Phase 2/Phase 3", EU CTR's four yes/no lines). Every parser calls these
functions, so a value means the same thing whichever format it came from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from celldecide.registry.records import STATUSES, PartialDate

_T = TypeVar("_T")
_SPELLINGS_MAX = 4096
_MISSING = object()


def _per_spelling(normalizer: Callable[[Any], _T]) -> Callable[[Any], _T]:
    """Remember a normalizer's answer for each text it is given.

    Registries write a status, a study type or a sponsor class a few dozen ways, read thousands of times
    in one import, and the answer depends on the text alone. Anything but text goes to the normalizer
    itself (which raises its own error), and at most `_SPELLINGS_MAX` texts are kept, so odd input cannot
    grow the table without bound.
    """
    known: dict[str, _T] = {}

    @functools.wraps(normalizer)
    def normalized(value: Any) -> _T:
        if type(value) is not str:
            return normalizer(value)
        found = known.get(value, _MISSING)
        if found is _MISSING:
            found = normalizer(value)
            if len(known) < _SPELLINGS_MAX:
                known[value] = found
        return found  # type: ignore[return-value]

    return normalized


_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str | None:
    """Return the text with runs of whitespace collapsed, or None when empty.

    >>> clean_text("  Breast   cancer \\n")
    'Breast cancer'
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    # Most registry values are already clean; skip the regex for them (it dominates import time).
    if "  " in value or "\n" in value or "\t" in value or "\r" in value:
        value = _SPACES.sub(" ", value)
    return value.strip() or None


def clean_block(value: object) -> str | None:
    """Return a multi-paragraph text with each line stripped and blank runs kept to one."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    # Most texts are one paragraph, spaced singly: no whitespace but single spaces (`str.isprintable` is false
    # for every other whitespace character), so cleaning them only strips their ends.
    if value.isprintable() and "  " not in value:
        return value.strip() or None
    paragraphs = _PARAGRAPH_BREAK.split(value.replace("\r\n", "\n").replace("\r", "\n"))
    joined = "\n\n".join(_collapse(p) for p in paragraphs)
    return joined.strip() or None


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _collapse(text: str) -> str:
    """Collapse whitespace runs to single spaces and strip: `_SPACES.sub(" ", text).strip()`, at C speed.

    `str.split()` and the regex's `\\s` both split on exactly the characters `str.isspace()` accepts.
    """
    return " ".join(text.split())


def clean_list(values: Iterable[object] | None) -> tuple[str, ...]:
    """Return the non-empty cleaned strings, in order, without duplicates."""
    seen: dict[str, None] = {}
    for value in values or ():
        text = clean_text(value)
        if text and text not in seen:
            seen[text] = None
    return tuple(seen)


_NOT_TOKEN = re.compile(r"[^A-Z0-9]+")


def _token(value: str) -> str:
    """Reduce a label to an enum-like token: 'Active, not recruiting' -> 'ACTIVE_NOT_RECRUITING'."""
    return _NOT_TOKEN.sub("_", value.upper()).strip("_")


_STATUS_ALIASES = {
    "UNKNOWN_STATUS": "UNKNOWN",
    "AVAILABLE_FOR_EXPANDED_ACCESS": "AVAILABLE",
    "NO_LONGER_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "PENDING": "NOT_YET_RECRUITING",
    "ONGOING": "RECRUITING",
}


@_per_spelling
def status(value: str | None) -> str | None:
    """Return the status in the v2 vocabulary (plus NOT_RECRUITING), UNKNOWN when unmapped.

    >>> status("Active, not recruiting"), status("Not Recruiting"), status("Authorised")
    ('ACTIVE_NOT_RECRUITING', 'NOT_RECRUITING', 'UNKNOWN')
    """
    text = clean_text(value)
    if text is None:
        return None
    token = _token(text)
    token = _STATUS_ALIASES.get(token, token)
    return token if token in STATUSES else "UNKNOWN"


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_COMBINED = {("1", "2"): "1/2", ("2", "3"): "2/3"}
_PHASE_ORDER = {"early_1": 0, "1": 1, "1/2": 2, "2": 3, "2/3": 4, "3": 5, "4": 6}


def _combine(numbers: list[str]) -> tuple[str, ...]:
    """Turn the phase numbers a registry lists into spec ids, pairing adjacent ones.

    ClinicalTrials.gov lists a Phase 1/2 trial as [PHASE1, PHASE2]; the spec
    calls it "1/2".
    """
    unique = sorted(set(numbers), key=_PHASE_ORDER.__getitem__)
    if len(unique) == 2 and tuple(unique) in _COMBINED:
        return (_COMBINED[tuple(unique)],)
    return tuple(unique)


def phases(values: Iterable[str] | str | None) -> tuple[str, ...]:
    """Return spec phase ids for a registry's phase values; 'N/A' and unknown values give ().

    >>> phases(["PHASE1", "PHASE2"]), phases("Phase 2/Phase 3"), phases("1-2"), phases("N/A")
    (('1/2',), ('2/3',), ('1/2',), ())
    """
    if values is None:
        return ()
    items = [values] if isinstance(values, str) else list(values)
    found: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"expected a phase label, got {type(item).__name__}")
        found.extend(_phase_numbers(item))
    if "early_1" in found:
        return ("early_1",) + _combine([n for n in found if n != "early_1"])
    return _combine(found)


@_per_spelling
def _phase_numbers(label: str) -> tuple[str, ...]:
    """Return the phase numbers one label names ('early_1', '1' … '4')."""
    text = label.strip()
    if not text:
        return ()
    # EU CTR exports four "… (Phase I): yes/no" lines; keep the ones answered yes.
    if re.search(r"\(Phase [IV]+\)\s*:", text):
        return tuple(
            _ROMAN[m.group(1)]
            for m in re.finditer(r"\(Phase ([IV]+)\)\s*:\s*yes", text, flags=re.IGNORECASE)
        )
    upper = _token(text)
    if upper in {"EARLY_PHASE1", "EARLY_PHASE_1", "PHASE_0", "PHASE0"}:
        return ("early_1",) if upper.startswith("EARLY") else ()
    if upper in {"NA", "N_A", "NOT_APPLICABLE", "0"}:
        return ()
    numbers = re.findall(r"(?<![0-9])([1-4])(?![0-9])|\b(IV|III|II|I)\b", text.upper())
    result = tuple(n or _ROMAN[r] for n, r in numbers)
    # A bare label like "Retrospective study" names no phase at all.
    if not result:
        return ()
    if not re.search(r"PHASE|^[\s0-9IV/\-–]+$", text.upper()):
        return ()
    return result


_STUDY_TYPES = {
    "INTERVENTIONAL": "INTERVENTIONAL",
    "INTERVENTIONAL_STUDY": "INTERVENTIONAL",
    "INTERVENTIONAL_CLINICAL_TRIAL_OF_MEDICINAL_PRODUCT": "INTERVENTIONAL",
    "TREATMENT_STUDY": "INTERVENTIONAL",
    "PREVENTION": "INTERVENTIONAL",
    "OBSERVATIONAL": "OBSERVATIONAL",
    "OBSERVATIONAL_STUDY": "OBSERVATIONAL",
    "OBSERVATIONAL_PATIENT_REGISTRY": "OBSERVATIONAL",
    "EPIDEMILOGICAL_RESEARCH": "OBSERVATIONAL",
    "EPIDEMIOLOGICAL_RESEARCH": "OBSERVATIONAL",
    "EXPANDED_ACCESS": "EXPANDED_ACCESS",
}


@_per_spelling
def study_type(value: str | None) -> str | None:
    """Return INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS, or OTHER for registry-specific types."""
    text = clean_text(value)
    if text is None:
        return None
    return _STUDY_TYPES.get(_token(text), "OTHER")


@_per_spelling
def allocation(value: str | None) -> str | None:
    """Return RANDOMIZED, NON_RANDOMIZED or NA from any registry's wording."""
    text = clean_text(value)
    if text is None:
        return None
    token = _token(text)
    if token.startswith("NON_RANDOM") or token.startswith("NONRANDOM"):
        return "NON_RANDOMIZED"
    if token.startswith("RANDOM"):
        return "RANDOMIZED"
    if token in {"NA", "N_A"}:
        return "NA"
    return None


@_per_spelling
def intervention_model(value: str | None) -> str | None:
    """Return the v2 assignment (SINGLE_GROUP, PARALLEL, CROSSOVER, FACTORIAL, SEQUENTIAL) or None."""
    text = clean_text(value)
    if text is None:
        return None
    token = _token(text)
    for model in ("SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"):
        if token.startswith(model):
            return model
    if token in {"SINGLE_ARM", "SINGLE_ARM_TRIAL", "SINGLE_ARM_STUDY"}:
        return "SINGLE_GROUP"
    return None


@_per_spelling
def masking(value: str | None) -> str | None:
    """Return NONE, SINGLE, DOUBLE, TRIPLE or QUADRUPLE; 'None (Open Label)' is NONE."""
    text = clean_text(value)
    if text is None:
        return None
    token = _token(text)
    for level in ("NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"):
        if token.startswith(level):
            return level
    if "OPEN" in token:
        return "NONE"
    return None


@_per_spelling
def enrollment_type(value: str | None) -> str | None:
    """Return ACTUAL or ESTIMATED; classic XML's 'Anticipated' is ESTIMATED."""
    text = clean_text(value)
    if text is None:
        return None
    token = _token(text)
    if token == "ACTUAL":
        return "ACTUAL"
    if token in {"ESTIMATED", "ANTICIPATED", "ESTIMATE"}:
        return "ESTIMATED"
    return None


_SPONSOR_CLASSES = {
    "NIH": "NIH",
    "FED": "FED",
    "U_S_FED": "FED",
    "OTHER_GOV": "OTHER_GOV",
    "INDIV": "INDIV",
    "INDIVIDUAL": "INDIV",
    "INDUSTRY": "INDUSTRY",
    "NETWORK": "NETWORK",
    "AMBIG": "AMBIG",
    "OTHER": "OTHER",
    "UNKNOWN": "UNKNOWN",
}


@_per_spelling
def sponsor_class(value: str | None) -> str | None:
    """Return the v2 agency class (NIH, FED, OTHER_GOV, INDIV, INDUSTRY, NETWORK, AMBIG, OTHER, UNKNOWN)."""
    text = clean_text(value)
    if text is None:
        return None
    return _SPONSOR_CLASSES.get(_token(text), "UNKNOWN")


_INTERVENTION_TYPES = (
    "BEHAVIORAL",
    "BIOLOGICAL",
    "COMBINATION_PRODUCT",
    "DEVICE",
    "DIAGNOSTIC_TEST",
    "DIETARY_SUPPLEMENT",
    "DRUG",
    "GENETIC",
    "PROCEDURE",
    "RADIATION",
    "OTHER",
)


@_per_spelling
def intervention_type(value: str | None) -> str | None:
    """Return the v2 intervention type ('Biological' -> BIOLOGICAL), OTHER when unrecognized."""
    text = clean_text(value)
    if text is None:
        return None
    token = _token(text)
    if token == "PROCEDURE_SURGERY":
        return "PROCEDURE"
    return token if token in _INTERVENTION_TYPES else "OTHER"


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def partial_date(value: str | None) -> PartialDate | None:
    """Read a registry date in any format seen in the real exports, keeping its precision.

    Day-first numeric dates are what ICTRP exports for both ClinicalTrials.gov
    and EU rows ("27/01/2020"); month-first never occurs there.

    >>> partial_date("August 2015"), partial_date("17 February 2020").value, partial_date("27/01/2020").value
    (PartialDate(value='2015-08', precision='month'), '2020-02-17', '2020-01-27')
    """
    text = clean_text(value)
    if text is None:
        return None
    return _read_date(text)


@functools.lru_cache(maxsize=4096)
def _read_date(text: str) -> PartialDate:
    """`partial_date` of a cleaned text, remembered: an import meets the same few thousand dates again and again."""
    if _ISO_DATE.match(text):
        return PartialDate.from_iso(text)
    # Only the formats that open with a month's name can read a text that opens with a letter, and only they.
    for pattern, order in _WORD_FIRST_FORMATS if text[0].isascii() and text[0].isalpha() else _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            return _build_date(dict(zip(order, match.groups())), text)
    raise ValueError(f"unrecognized date: {text!r}")


_DATE_FORMATS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), order)
    for pattern, order in (
        (r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", ("y", "m", "d")),
        (r"^(\d{4})/(\d{1,2})/(\d{1,2})$", ("y", "m", "d")),
        (r"^(\d{4})-(\d{1,2})$", ("y", "m")),
        (r"^(\d{4})$", ("y",)),
        (r"^(\d{1,2})/(\d{1,2})/(\d{4})$", ("d", "m", "y")),
        (r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", ("d", "m", "y")),
        (rf"^{_MONTH_WORD} (\d{{1,2}}),? (\d{{4}})$", ("M", "d", "y")),
        (rf"^(\d{{1,2}}) {_MONTH_WORD},? (\d{{4}})$", ("d", "M", "y")),
        (rf"^{_MONTH_WORD},? (\d{{4}})$", ("M", "y")),
    )
)


_WORD_FIRST_FORMATS = tuple(entry for entry in _DATE_FORMATS if entry[1][0] == "M")


def _build_date(parts: dict[str, str], text: str) -> PartialDate:
    """Assemble an ISO partial date from named parts, validating month names."""
    if "M" in parts:
        month = _MONTHS.get(parts["M"].lower())
        if month is None:
            raise ValueError(f"unrecognized month in date: {text!r}")
        parts["m"] = str(month)
    iso = parts["y"]
    if "m" in parts:
        iso += f"-{int(parts['m']):02d}"
    if "d" in parts:
        iso += f"-{int(parts['d']):02d}"
    return PartialDate.from_iso(iso)


def yes_no(value: object) -> bool | None:
    """Return True/False for JSON booleans and 'Yes'/'No'/'True'/'False' text, else None."""
    if isinstance(value, bool):
        return value
    text = clean_text(value) if isinstance(value, str) else None
    if text is None:
        return None
    lowered = text.lower()
    if lowered in {"yes", "true", "y"}:
        return True
    if lowered in {"no", "false", "n"}:
        return False
    return None
