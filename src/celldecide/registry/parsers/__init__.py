"""Read any supported registry file into normalized records and rejections.

>>> fmt = detect_format(b'{"studies": [], "nextPageToken": "x"}')
>>> fmt
'ctgov_v2_page'

`parse_path` and `parse_bytes` yield one `ParseResult` per record in file
order: a `TrialRecord`, or a `Rejection` saying where and why. A malformed
record never stops the records after it; a file that cannot be read at all
(unknown format, over the size limit) raises `RegistryFormatError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from celldecide.registry.ids import IdMatcher, default_matcher
from celldecide.registry.parsers import ctgov_classic, ctgov_v1, ctgov_v2, ictrp
from celldecide.registry.parsers.common import (
    DEFAULT_MAX_BYTES,
    FileTooLargeError,
    ParseResult,
    RecordError,
    RegistryFormatError,
    Rejection,
)
from celldecide.registry.parsers.safe_xml import UnsafeXmlError, iter_elements
from celldecide.registry.parsers import skim

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "FileTooLargeError",
    "ParseResult",
    "RegistryFormatError",
    "Rejection",
    "UnsafeXmlError",
    "detect_format",
    "parse_bytes",
    "parse_path",
    "parse_v2_studies",
]

FORMATS: tuple[str, ...] = (
    "ctgov_v2_study",
    "ctgov_v2_page",
    "ctgov_v2_array",
    "ctgov_v2_zip",
    "ctgov_classic_xml",
    "ctgov_v1_json",
    "ictrp_xml",
    "ictrp_csv",
)

_SNIFF = 64 * 1024
# JSON files up to this size are decoded whole (fast); larger ones one record at a time (bounded memory).
_WHOLE_DECODE_MAX_BYTES = 32 * 1024 * 1024
_BOMS = (b"\xef\xbb\xbf",)


def _head(data: bytes) -> str:
    """Decode the start of a file for sniffing, ignoring a UTF-8 byte-order mark."""
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
    return data[:_SNIFF].decode("utf-8", errors="replace").lstrip()


def detect_format(path_or_bytes: str | Path | bytes) -> str:
    """Return the format id of a registry file (one of FORMATS) from its first bytes.

    Raises RegistryFormatError when the content is none of them.
    """
    if isinstance(path_or_bytes, bytes):
        head_bytes = path_or_bytes[:_SNIFF]
    else:
        with open(path_or_bytes, "rb") as stream:
            head_bytes = stream.read(_SNIFF)
    if head_bytes.startswith(b"PK\x03\x04"):
        return "ctgov_v2_zip"
    head = _head(head_bytes)
    if head.startswith("["):
        return "ctgov_v2_array"
    if head.startswith("{"):
        return _json_object_format(head)
    if head.startswith("<"):
        return _xml_format(head)
    first_line = head.splitlines()[0] if head else ""
    if re.match(r'^"?TrialID"?\s*,', first_line) or _looks_like_weekly_csv(first_line):
        return "ictrp_csv"
    raise RegistryFormatError("unrecognized registry file: not v2/v1 JSON, classic or ICTRP XML, ICTRP CSV or zip")


def _json_object_format(head: str) -> str:
    match = re.match(r'\{\s*"([^"]+)"', head)
    key = match.group(1) if match else ""
    if key == "FullStudiesResponse":
        return "ctgov_v1_json"
    if key in {"studies", "totalCount", "nextPageToken"}:
        return "ctgov_v2_page"
    if key in {"protocolSection", "derivedSection", "hasResults", "resultsSection", "documentSection"}:
        return "ctgov_v2_study"
    raise RegistryFormatError(f"unrecognized JSON object: first key {key!r}")


def _xml_format(head: str) -> str:
    root = re.search(r"<(?![?!])([A-Za-z_][\w.-]*)", head)
    name = root.group(1) if root else ""
    if name == ctgov_classic.TAG:
        return "ctgov_classic_xml"
    if name == ictrp.XML_ROOT:
        return "ictrp_xml"
    if re.search(r"<!DOCTYPE", head[: root.start() if root else len(head)], flags=re.IGNORECASE):
        # Identify the format by the root anyway: the parser refuses the DTD with a reason.
        raise UnsafeXmlError("refused: the XML declares a document type before any known root element")
    raise RegistryFormatError(f"unrecognized XML root element {name!r}")


def _looks_like_weekly_csv(first_line: str) -> bool:
    try:
        row = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return False
    return len(row) == len(ictrp.WEEKLY_COLUMNS)


def parse_path(
    path: str | Path,
    *,
    ids: IdMatcher | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[ParseResult]:
    """Yield a record or a rejection for every record in a registry file.

    Raises FileTooLargeError before reading a file larger than `max_bytes`.
    """
    file = Path(path)
    size = file.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(f"{file}: {size} bytes is above the {max_bytes}-byte limit for registry files")
    return parse_bytes(file.read_bytes(), ids=ids, max_bytes=max_bytes, source=str(file))


def parse_bytes(
    data: bytes,
    *,
    ids: IdMatcher | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source: str | None = None,
) -> Iterator[ParseResult]:
    """Yield a record or a rejection for every record in the content of a registry file."""
    if len(data) > max_bytes:
        raise FileTooLargeError(f"{source or 'input'}: {len(data)} bytes is above the {max_bytes}-byte limit")
    fmt = detect_format(data)
    matcher = ids or default_matcher()
    return _PARSERS[fmt](data, matcher, max_bytes, source)


def parse_v2_studies(
    studies: Iterable[Any],
    *,
    ids: IdMatcher | None = None,
    source: str | None = None,
) -> Iterator[ParseResult]:
    """Yield a record or a rejection for each API v2 `Study` object already decoded (e.g. by the client)."""
    matcher = ids or default_matcher()
    build = lambda s: ctgov_v2.record_from_study(s, ids=matcher, source_format="ctgov_v2_page")  # noqa: E731
    return _results(enumerate(studies), build, ctgov_v2.study_id, source, matcher)


def _results(
    entries: Iterator[tuple[int, Any]],
    build: Callable[[Any], Any],
    name_id: Callable[[Any], str | None],
    source: str | None,
    ids: IdMatcher,
) -> Iterator[ParseResult]:
    """Build each entry, turning a RecordError into a Rejection at that position."""
    for position, entry in entries:
        try:
            yield build(entry)
        except RecordError as error:
            raw_id = error.id or _safe(name_id, entry)
            known = ids.identify(raw_id) if raw_id else None
            yield Rejection(
                position=position,
                reason=error.reason,
                registry=known.registry if known else None,
                id=known.id if known else raw_id,
                source=source,
            )


def _safe(name_id: Callable[[Any], str | None], entry: Any) -> str | None:
    try:
        return name_id(entry)
    except Exception:  # naming a rejection must never fail the file
        return None


def _json_entries(text: str, start: int, position: int = 0) -> Iterator[tuple[int, Any]]:
    """Yield (position, value) for each element of the JSON array opening at `text[start]`.

    Elements are decoded one at a time, so a truncated or corrupt element
    becomes a RecordError at its position after the good ones before it.
    """
    decoder = json.JSONDecoder()
    index = start + 1
    whitespace = re.compile(r"[\s,]*")
    while True:
        index = whitespace.match(text, index).end()
        if index >= len(text):
            yield position, _Broken("truncated JSON: the array is not closed")
            return
        if text[index] == "]":
            return
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            yield position, _Broken(f"malformed JSON at character {error.pos}: {error.msg}; the rest was not read")
            return
        except RecursionError:  # arrays or objects nested thousands deep: refuse, never crash the import
            yield position, _Broken(f"JSON nested too deeply at character {index}; the rest was not read")
            return
        yield position, value
        position += 1


def _fast_document(data: bytes, fmt: str) -> Any:
    """Decode a whole JSON file at once; None when it is large or not plain valid JSON.

    `skim.decode` reads only the parts the builders read; a file it cannot take that way is decoded
    whole by orjson. Either is about half the time of the element-by-element path or less. None sends
    the file down that path, which keeps the good records of a damaged file, accepts what only Python's
    decoder reads (NaN, lone surrogates), and holds one record at a time of a large file in memory.
    """
    if len(data) > _WHOLE_DECODE_MAX_BYTES:
        return None
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
    skimmed = skim.decode(data, fmt)
    if skimmed is not None:
        return skimmed
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def _array_at(document: Any, *keys: str) -> list[Any] | None:
    """Return the list under these keys of a decoded document, or None when there is none there."""
    node = document
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, list) else None


class _Broken:
    """A placeholder for JSON that could not be decoded, rejected like any bad record."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _guard(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def guarded(entry: Any) -> Any:
        if isinstance(entry, _Broken):
            raise RecordError(entry.reason)
        return build(entry)

    return guarded


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegistryFormatError(f"not UTF-8 text: {error}") from error


def _v2_array(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    build = _guard(lambda s: ctgov_v2.record_from_study(s, ids=ids, source_format="ctgov_v2_array"))
    studies = _array_at(_fast_document(data, "ctgov_v2_array"))
    if studies is not None:
        return _results(enumerate(studies), build, ctgov_v2.study_id, source, ids)
    text = _decode(data)
    start = text.index("[")
    return _results(_json_entries(text, start), build, ctgov_v2.study_id, source, ids)


def _v2_page(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    build = _guard(lambda s: ctgov_v2.record_from_study(s, ids=ids, source_format="ctgov_v2_page"))
    studies = _array_at(_fast_document(data, "ctgov_v2_page"), "studies")
    if studies is not None:
        return _results(enumerate(studies), build, ctgov_v2.study_id, source, ids)
    text = _decode(data)
    match = re.search(r'"studies"\s*:\s*\[', text)
    if match is None:
        return iter([Rejection(position=0, reason="page has no 'studies' array", source=source)])
    return _results(_json_entries(text, match.end() - 1), build, ctgov_v2.study_id, source, ids)


def _v2_study(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    build = _guard(lambda s: ctgov_v2.record_from_study(s, ids=ids, source_format="ctgov_v2_study"))
    document = _fast_document(data, "ctgov_v2_study")
    if document is not None:
        return _results(iter([(0, document)]), build, ctgov_v2.study_id, source, ids)
    try:
        entries: list[tuple[int, Any]] = [(0, json.loads(_decode(data)))]
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        entries = [(0, _Broken(f"malformed JSON: {error}"))]
    except RecursionError:
        entries = [(0, _Broken("JSON nested too deeply to read"))]
    return _results(iter(entries), build, ctgov_v2.study_id, source, ids)


def _v1(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    build = _guard(lambda s: ctgov_v1.record_from_full_study(s, ids=ids))
    studies = _array_at(_fast_document(data, "ctgov_v1_json"), "FullStudiesResponse", "FullStudies")
    if studies is not None:
        return _results(enumerate(studies), build, ctgov_v1.study_id, source, ids)
    text = _decode(data)
    match = re.search(r'"FullStudies"\s*:\s*\[', text)
    if match is None:
        return iter([Rejection(position=0, reason="FullStudiesResponse has no 'FullStudies' array", source=source)])
    return _results(_json_entries(text, match.end() - 1), build, ctgov_v1.study_id, source, ids)


def _xml_records(
    data: bytes,
    ids: IdMatcher,
    tag: str,
    build: Callable[[ET.Element], Any],
    name_id: Callable[[ET.Element], str | None],
    source: str | None,
) -> Iterator[ParseResult]:
    position = 0
    try:
        for element in iter_elements(io.BytesIO(data), frozenset({tag})):
            yield from _results(iter([(position, element)]), build, name_id, source, ids)
            position += 1
    except UnsafeXmlError as error:
        yield Rejection(position=position, reason=str(error), source=source)
    except ET.ParseError as error:
        yield Rejection(
            position=position,
            reason=f"malformed XML ({error}); the rest of the file was not read",
            source=source,
        )


def _classic(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    build = lambda e: ctgov_classic.record_from_element(e, ids=ids)  # noqa: E731
    return _xml_records(data, ids, ctgov_classic.TAG, build, ctgov_classic.study_id, source)


def _ictrp_element_fields(element: ET.Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element}


def _ictrp_xml(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    def build(element: ET.Element) -> Any:
        return ictrp.record_from_fields(_ictrp_element_fields(element), ids=ids, source_format=ictrp.FORMAT_XML)

    def name_id(element: ET.Element) -> str | None:
        return element.findtext("TrialID")

    return _xml_records(data, ids, ictrp.XML_RECORD, build, name_id, source)


def _ictrp_csv(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    text = _decode(data)
    rows = csv.reader(io.StringIO(text, newline=""))
    first = next(rows, None)
    if first is None:
        return iter(())
    if first and first[0].strip().strip('"') == "TrialID":
        header, body = first, rows
    else:
        header, body = list(ictrp.WEEKLY_COLUMNS), _chain_first(first, rows)

    def entries() -> Iterator[tuple[int, Any]]:
        for position, row in enumerate(body):
            if len(row) != len(header):
                yield position, _Broken(f"row has {len(row)} columns, the header has {len(header)}")
                continue
            yield position, dict(zip(header, row))

    build = _guard(lambda row: ictrp.record_from_fields(row, ids=ids, source_format=ictrp.FORMAT_CSV))
    def name_id(row: Any) -> str | None:
        return row.get("TrialID") if isinstance(row, dict) else None

    return _results(entries(), build, name_id, source, ids)


def _chain_first(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def _zip(data: bytes, ids: IdMatcher, max_bytes: int, source: str | None) -> Iterator[ParseResult]:
    """Parse each member of a bulk zip (one study per .json or .xml file), positions counted across members."""
    position = 0
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith((".json", ".xml")):
                continue
            member = f"{source or 'zip'}!{info.filename}"
            with archive.open(info) as stream:
                # The declared size can lie; read one byte past the limit to know.
                content = stream.read(max_bytes + 1)
            total += len(content)
            if len(content) > max_bytes or total > max_bytes:
                raise FileTooLargeError(f"{member}: unpacked content is above the {max_bytes}-byte limit")
            try:
                if detect_format(content) == "ctgov_v2_zip":
                    raise RegistryFormatError("a zip inside a zip is not read")
                results = list(parse_bytes(content, ids=ids, max_bytes=max_bytes, source=member))
            except RegistryFormatError as error:
                results = [Rejection(position=0, reason=str(error), source=member)]
            for result in results:
                if isinstance(result, Rejection):
                    result = Rejection(
                        position=position,
                        reason=result.reason,
                        registry=result.registry,
                        id=result.id,
                        source=result.source,
                    )
                yield result
                position += 1


_PARSERS: dict[str, Callable[[bytes, IdMatcher, int, str | None], Iterator[ParseResult]]] = {
    "ctgov_v2_study": _v2_study,
    "ctgov_v2_page": _v2_page,
    "ctgov_v2_array": _v2_array,
    "ctgov_v2_zip": _zip,
    "ctgov_classic_xml": _classic,
    "ctgov_v1_json": _v1,
    "ictrp_xml": _ictrp_xml,
    "ictrp_csv": _ictrp_csv,
}
