"""The bad-input catalogue: every hostile or broken input CellDecide is given, and the answer it must give.

One table per kind of input. Each row is one parametrized test (test_badinput.py) and one line of
CATALOGUE.md (`python -m tests.badinput.catalogue`), so the documented answer and the tested answer are the
same data. Inputs are built by small functions, so a 300 KB body is made when a test runs, not at import.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celldecide.reader import MAX_CHARS
from tests.fetch.cases import REFUSALS, Refusal
from tests.fetch.world import redirect

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "registry"
CLAIM = "Our stem cells cure autism and Parkinson's. Phase 2, 48 patients. No side effects."
OVER = MAX_CHARS + 1
# Registry files are refused above 256 MB; the tests lower the limit to this, so a bomb stays small and fast.
TEST_REGISTRY_LIMIT = 1_000_000


# --- HTTP: the API, the reader page, the corrections form -------------------------------------------------


@dataclass(frozen=True)
class Http:
    """A request to the site and the answer expected: a status, and a JSON error code or words on the page."""

    area: str
    input: str
    method: str
    path: str
    body: Callable[[], Any] | None = None
    content_type: str = "application/json"
    status: int = 200
    code: str | None = None
    contains: str | None = None

    def response(self) -> str:
        said = f"JSON error `{self.code}`" if self.code else ""
        if self.contains:
            said = f"page says “{self.contains}”"
        return f"{self.status} {said}".strip()


def _json(**fields: Any) -> Callable[[], bytes]:
    return lambda: json.dumps(fields).encode()


def _raw(data: bytes) -> Callable[[], bytes]:
    return lambda: data


HTTP: list[Http] = [
    Http("Oversized input", "POST /api/v1/read with a 300 KB body", "POST", "/api/v1/read",
         lambda: b'{"text": "' + b"x" * 300_000 + b'"}', status=413, code="payload_too_large"),
    Http("Oversized input", f"POST /api/v1/read with a text of {OVER:,} characters (under 256 KB)", "POST",
         "/api/v1/read", lambda: json.dumps({"text": "a" * OVER}).encode(), status=413, code="text_too_long"),
    Http("Oversized input", "POST /read/ form with a 300 KB body", "POST", "/read/",
         lambda: {"text": "x" * 300_000, "url": ""}, "form", 413, contains="larger than 256 KB"),
    Http("Oversized input", f"POST /read/ form with a text of {OVER:,} characters", "POST", "/read/",
         lambda: {"text": "a" * OVER, "url": ""}, "form", 400, contains="at most 200000 characters"),
    Http("Oversized input", "POST /corrections/report/ with a 300 KB form", "POST", "/corrections/report/",
         lambda: {"page": "/", "problem": "x" * 300_000}, "form", 413, contains="larger than 256 KB"),
    Http("Oversized input", "GET /api/v1/trials with a 201-character query", "GET", "/api/v1/trials?q=" + "a" * 201,
         status=422, code="validation_error"),
    Http("Binary and invalid UTF-8", "POST /api/v1/read, JSON body with invalid UTF-8 bytes", "POST",
         "/api/v1/read", _raw(b'{"text": "stem cells \xff\xfe cure"}'), status=400, code="bad_request"),
    Http("Binary and invalid UTF-8", "POST /api/v1/read, a PNG image as the body", "POST", "/api/v1/read",
         _raw(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), status=400, code="bad_request"),
    Http("Binary and invalid UTF-8", "POST /api/v1/read, text with a lone surrogate (`\\ud800`)", "POST",
         "/api/v1/read", _raw(b'{"text": "stem cells \\ud800 cure"}'), status=400, code="undecodable_input"),
    Http("Binary and invalid UTF-8", "POST /api/v1/read, `text` is a number", "POST", "/api/v1/read",
         _raw(b'{"text": 5}'), status=422, code="validation_error"),
    Http("Binary and invalid UTF-8", "POST /api/v1/read, truncated JSON", "POST", "/api/v1/read",
         _raw(b'{"text": "stem'), status=400, code="bad_request"),
    Http("Binary and invalid UTF-8", "POST /api/v1/read, text of NUL and control characters only", "POST",
         "/api/v1/read", _json(text="\x00\x01\x02\x1f\x7f"), status=400, code="empty_text"),
    Http("Binary and invalid UTF-8", "POST /read/ form whose text has invalid UTF-8 bytes", "POST", "/read/",
         _raw(b"url=&text=Our+stem+cells+%FF%FE+cure+autism."), "application/x-www-form-urlencoded", 200,
         contains="Our stem cells \ufffd\ufffd cure autism"),
    Http("Binary and invalid UTF-8", "POST /read/ form with markup only (`<script>` and `<style>`)", "POST",
         "/read/", lambda: {"text": "<script>cure()</script><style>p{}</style>", "url": ""}, "form", 400,
         contains="The text is empty"),
]


# --- the reader, called directly -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """A text or bytes given to `celldecide.reader.read`: a typed refusal, or a reading with a property."""

    area: str
    input: str
    data: Callable[[], str | bytes]
    code: str | None = None
    check: Callable[[dict], bool] | None = None
    said: str = ""

    def response(self) -> str:
        return f"`ReaderInputError` `{self.code}`" if self.code else f"reading: {self.said}"


def _text_lacks(*words: str) -> Callable[[dict], bool]:
    return lambda reading: not any(word in reading["text"] for word in words)


def _flags(reading: dict) -> set[str]:
    return {flag["id"] for flag in reading["red_flags"]}


READER: list[Reader] = [
    Reader("Oversized input", f"{OVER:,} characters", lambda: "a" * OVER, "text_too_long"),
    Reader("Oversized input", f"{OVER:,} bytes of UTF-8", lambda: b"a" * OVER, "text_too_long"),
    Reader("Oversized input", "HTML nested 15,000 `<div>`s deep around a claim",
           lambda: "<div>" * 15_000 + CLAIM + "</div>" * 15_000, check=lambda r: r["text"] == CLAIM,
           said="read like the bare claim (no recursion limit reached)"),
    Reader("Binary and invalid UTF-8", "bytes that are not UTF-8", lambda: b"stem cells \xff\xfe for knees",
           "undecodable_input"),
    Reader("Binary and invalid UTF-8", "UTF-16 bytes with a byte-order mark", lambda: CLAIM.encode("utf-16"),
           "undecodable_input"),
    Reader("Binary and invalid UTF-8", "text with a lone surrogate", lambda: "stem cells \udc80 cure",
           "undecodable_input"),
    Reader("Binary and invalid UTF-8", "a PNG image", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01",
           "undecodable_input"),
    Reader("Binary and invalid UTF-8", "UTF-8 with a byte-order mark", lambda: b"\xef\xbb\xbf" + CLAIM.encode(),
           check=lambda r: r["text"].startswith("Our stem cells"), said="the mark is dropped, the text is read"),
    Reader("Binary and invalid UTF-8", "NUL and zero-width characters inside words",
           lambda: "Our stem\x00 ce\u200bl\u200dls have no si\u00adde effects", check=lambda r: r["text"]
           == "Our stem cells have no side effects" and "no_risk_claim" in _flags(r),
           said="invisible characters dropped, the claim still flagged"),
    Reader("HTML and script injection", "`<script>` holding a claim", lambda:
           "<p>Knee study, 40 patients.</p><script>document.write('Stem cells cure everything')</script>",
           check=_text_lacks("cure", "document.write"), said="script content is not text"),
    Reader("HTML and script injection", "`<style>` and `<noscript>` holding a claim",
           lambda: "<style>.x:after{content:'cures autism'}</style><p>Knee study.</p><noscript>no side effects</noscript>",
           check=_text_lacks("cures", "side effects"), said="style and noscript content is not text"),
    Reader("HTML and script injection", "event handlers (`onerror`, `onclick`, `onload`)",
           lambda: "<img src=x onerror=\"alert('cure')\"><p onclick=\"x()\">Knee study.</p><svg onload=alert(1)>",
           check=_text_lacks("alert", "onerror", "onclick", "cure"), said="attributes never become text"),
    Reader("HTML and script injection", "an HTML comment holding a claim",
           lambda: "<p>Knee study.</p><!-- Stem cells cure everything -->", check=_text_lacks("cure"),
           said="comments are not text"),
    Reader("HTML and script injection", "escaped markup (`&lt;script&gt;`) inside a paragraph",
           lambda: "<p>&lt;script&gt;alert(1)&lt;/script&gt; " + CLAIM + "</p>",
           check=lambda r: "<script>alert(1)</script>" in r["text"] and "no_risk_claim" in _flags(r),
           said="kept as the visible text it is (escaped again wherever it is shown)"),
]


# --- the command line ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cli:
    """`celldecide read` given a file or standard input: the exit code and what it prints on stderr."""

    area: str
    input: str
    data: Callable[[], bytes]
    stdin: bool = False
    exit_code: int = 2
    stderr: str = ""

    def response(self) -> str:
        return f"exit {self.exit_code}, stderr “{self.stderr}”"


CLI: list[Cli] = [
    Cli("Binary and invalid UTF-8", "`celldecide read FILE`, a file of invalid UTF-8", lambda: b"stem \xff\xfe cells",
        stderr="not UTF-8 text"),
    Cli("Binary and invalid UTF-8", "`celldecide read -`, a PNG image on standard input",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", stdin=True, stderr="not UTF-8 text"),
    Cli("Binary and invalid UTF-8", "`celldecide read FILE`, UTF-16 text", lambda: CLAIM.encode("utf-16"),
        stderr="not UTF-8 text"),
    Cli("Binary and invalid UTF-8", "`celldecide read FILE`, an empty file", lambda: b"", stderr="the text is empty"),
    Cli("Oversized input", f"`celldecide read FILE`, {OVER:,} characters", lambda: b"a" * OVER,
        stderr="at most 200,000 characters"),
]


# --- stored text shown back: corrections and search ------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@dataclass(frozen=True)
class Shown:
    """Text a visitor typed that the site shows again: it must appear escaped, never as markup."""

    area: str
    input: str
    said: str

    def response(self) -> str:
        return self.said


SHOWN: list[Shown] = [
    Shown("HTML and script injection", "a text with `<script>` and a quoted “Alzheimer's” read on /read/",
          "shown escaped (`&lt;script&gt;`, `&#x27;`) in the result page's marked text and its quotes"),
    Shown("HTML and script injection", "a correction report whose page and problem hold `<script>`",
          "shown escaped in the thanks page, the admin list and the admin change page"),
    Shown("HTML and script injection", "a fixed correction whose page and public note hold `<script>`",
          "shown escaped in the public log"),
    Shown("HTML and script injection", "a trial search for `<script>`", "shown escaped on /trials/ and /search"),
    Shown("HTML and script injection", "a correction report for the page `/\\evil.example` or `/<tab>/evil.example`",
          "400, refused: browsers read both as another site, so the thanks page would link off-site"),
]


# --- URLs given to the reader: every refusal, explained by the page and the API ---------------------------


def _extra(url: str, *, dns: dict[str, list[str]] | None = None, sites: dict | None = None,
           group: str = "Private-network addresses") -> Refusal:  # fmt: skip
    return Refusal(group, url, "private_address", dns=dict(dns or {}), sites=dict(sites or {}))


def _hop(location: str, **dns: list[str]) -> Refusal:
    return _extra("http://public.example/go", dns=dict(dns), sites={"public.example/go": redirect(location)})


# Forms not already in tests/fetch/cases.py.
EXTRA_PRIVATE: list[Refusal] = [
    _extra("http://0x7f.0x0.0x0.0x1/"),
    _extra("http://3232235521/"),
    _extra("http://0300.0250.0.1/"),
    _extra("http://0xc0a80001/"),
    _extra("http://0xc0.0xa8.1/"),
    _extra("http://167772161/"),
    _extra("http://012.0.0.1/"),
    _extra("http://0xa.1/"),
    _extra("http://[::ffff:c0a8:1]/"),
    _extra("http://[0000:0000:0000:0000:0000:ffff:7f00:0001]/"),
    _extra("http://[fd00:ec2::254]/"),
    _extra("http://PRIVATE.Example/", dns={"private.example": ["10.0.0.7"]}),
    _extra("http://cgnat.example/", dns={"cgnat.example": ["100.64.0.1"]}),
    _extra("http://zero.example/", dns={"zero.example": ["0.0.0.0"]}),
    _extra("http://v6loop.example/", dns={"v6loop.example": ["::1"]}),
    _extra("http://public.example/a", sites={"public.example/a": redirect("/b"),
                                             "public.example/b": redirect("http://192.168.0.1/")}),
    _hop("http://3232235521/"),
    _hop("http://[::ffff:10.0.0.1]/"),
    _hop("http://cgnat.example/", **{"cgnat.example": ["100.64.0.1"]}),
]

URLS: list[Refusal] = [case for case in REFUSALS if case.code == "private_address"] + EXTRA_PRIVATE
OTHER_URLS: list[Refusal] = [case for case in REFUSALS if case.code != "private_address"]


# --- registry files given to the importer ----------------------------------------------------------------


@dataclass(frozen=True)
class Registry:
    """A registry file imported beside a good one: the reason it (or one record) is rejected; the rest goes on."""

    area: str
    input: str
    name: str
    content: Callable[[], bytes]
    reason: str
    imported: int = 0  # good records of the same file that must still be imported

    def response(self) -> str:
        kept = f"; its other {self.imported} records imported" if self.imported else ""
        return f"rejected, reason “{self.reason}…”{kept}; the next file is imported"


def _studies() -> list[dict]:
    return json.loads((FIXTURES / "v2_array_cell_therapy.json").read_text(encoding="utf-8"))


def _changed(change: Callable[[list[dict]], None]) -> Callable[[], bytes]:
    def build() -> bytes:
        studies = _studies()
        change(studies)
        return json.dumps(studies).encode()

    return build


def _set(study: dict, path: str, value: Any) -> None:
    *steps, last = path.split(".")
    for step in steps:
        study = study[step]
    study[last] = value


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _csv_with_broken_row() -> bytes:
    lines = (FIXTURES / "ictrp_covid_sample.csv").read_bytes().split(b"\n")
    return b"\n".join([*lines[:3], b'"NCT09999999","a row cut short"', *lines[3:]])


LOL = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
       b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
       b"<Trials_downloaded_from_ICTRP><Trial><TrialID>NCT01234567</TrialID><Public_title>&d;</Public_title>"
       b"</Trial></Trials_downloaded_from_ICTRP>")  # fmt: skip
XXE = (b'<?xml version="1.0"?><!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b"<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info><brief_title>&xxe;</brief_title>"
       b"</clinical_study>")  # fmt: skip

REGISTRY: list[Registry] = [
    Registry("Registry files", "a v2 JSON array cut off in its fourth study", "truncated.json",
             lambda: (FIXTURES / "v2_array_cell_therapy.json").read_bytes()[:63_729], "malformed JSON", 3),
    Registry("Registry files", "a study whose NCT id is a number", "wrong-id-type.json",
             _changed(lambda s: _set(s[1], "protocolSection.identificationModule.nctId", 12345)),
             "protocolSection.identificationModule.nctId: expected text, got int", 4),
    Registry("Registry files", "a study whose protocolSection is a list", "wrong-section-type.json",
             _changed(lambda s: _set(s[2], "protocolSection", [1, 2])), "protocolSection: expected an object", 4),
    Registry("Registry files", "a study whose enrollment count is NaN", "nan.json",
             _changed(lambda s: _set(s[1], "protocolSection.designModule.enrollmentInfo.count", float("nan"))),
             "protocolSection.designModule.enrollmentInfo.count: expected an integer", 4),
    Registry("Registry files", "a study whose enrollment count is an integer of 70 bits", "bigint.json",
             _changed(lambda s: _set(s[1], "protocolSection.designModule.enrollmentInfo.count", 2**70)),
             "the record has a value that cannot be stored", 4),
    Registry("Registry files", "a study missing its id", "missing-id.json",
             _changed(lambda s: s[3]["protocolSection"]["identificationModule"].pop("nctId")), "missing id", 4),
    Registry("Registry files", "a study whose title holds a NUL character", "nul.json",
             _changed(lambda s: _set(s[2], "protocolSection.identificationModule.briefTitle", "stem\x00cells")),
             "the record has a value that cannot be stored", 4),
    Registry("Registry files", "a study whose title holds a lone surrogate (`\\ud800` escaped in the JSON)",
             "surrogate.json",
             _changed(lambda s: _set(s[2], "protocolSection.identificationModule.briefTitle", "stem \ud800 cells")),
             "the record has a value that cannot be stored", 4),
    Registry("Registry files", "JSON nested 100,000 arrays deep", "deep.json",
             lambda: b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", "JSON nested too deeply"),
    Registry("Registry files", "a zip whose member unpacks to 5 MB of zeros (5 KB packed; limit lowered to 1 MB)",
             "bomb.zip", lambda: _zip("studies.json", b"[" + b" " * 5_000_000 + b"]"), "unpacked content is above"),
    Registry("Registry files", "a 1.2 MB file (limit lowered to 1 MB; 256 MB by default)", "huge.json",
             lambda: b"[" + b" " * 1_200_000 + b"]", "above the 1000000-byte limit"),
    Registry("Registry files", "XML with nested entity expansion (a billion-laughs attack)", "laughs.xml",
             lambda: LOL, "refused: the XML declares a document type"),
    Registry("Registry files", "XML with an external entity (`file:///etc/passwd`)", "xxe.xml",
             lambda: XXE, "refused: the XML declares a document type"),
    Registry("Registry files", "an ICTRP CSV with a row of 2 columns among 10 good records", "broken.csv",
             _csv_with_broken_row, "row has 2 columns, the header has", 10),
    Registry("Registry files", "a file of invalid UTF-8", "latin1.json",
             lambda: b'[{"protocolSection": {"identificationModule": {"nctId": "NCT0\xff1234567"}}}]',
             "not UTF-8 text"),
    Registry("Registry files", "a PNG image named .json", "image.json", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
             "unrecognized registry file"),
    Registry("Registry files", "an empty file", "empty.json", lambda: b"", "unrecognized registry file"),
]
GOOD_FILE = FIXTURES / "v2_study_NCT06325566.json"
GOOD_ID = "NCT06325566"
