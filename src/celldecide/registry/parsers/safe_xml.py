"""Stream record elements out of an XML file without trusting it.

Registry exports never need a document type declaration, and a DTD is the
only place an entity (the "billion laughs" expansion, or an external file)
can be declared, so any DOCTYPE is refused before its entities could be used.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from celldecide.registry.parsers.common import RegistryFormatError

_CHUNK = 64 * 1024


class UnsafeXmlError(RegistryFormatError):
    """The XML declares a document type (and so possibly entities); it is not read."""


class _Collector:
    """A TreeBuilder target that hands over each finished record element and refuses DTDs."""

    def __init__(self, tags: frozenset[str]) -> None:
        self._builder = ET.TreeBuilder()
        self._tags = tags
        self.finished: list[ET.Element] = []

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        return self._builder.start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        element = self._builder.end(tag)
        if tag in self._tags:
            self.finished.append(element)
        return element

    def data(self, data: str) -> None:
        self._builder.data(data)

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise UnsafeXmlError(
            f"refused: the XML declares a document type ({name!r}); "
            "DTDs and entity declarations are not accepted in registry files"
        )

    def close(self) -> ET.Element:
        return self._builder.close()


def iter_elements(stream: BinaryIO, tags: frozenset[str]) -> Iterator[ET.Element]:
    """Yield each element whose tag is in `tags` as soon as it is complete.

    A syntax error is raised only after every complete element before it was
    yielded, so a truncated export still gives its first records. Each yielded
    element is cleared afterwards to keep memory flat on large files.
    """
    collector = _Collector(tags)
    parser = ET.XMLParser(target=collector)
    while chunk := stream.read(_CHUNK):
        parser.feed(chunk)
        yield from _drain(collector)
    parser.close()
    yield from _drain(collector)


def _drain(collector: _Collector) -> Iterator[ET.Element]:
    while collector.finished:
        element = collector.finished.pop(0)
        yield element
        element.clear()


def text_of(element: ET.Element, path: str) -> str | None:
    """Return the text of the first sub-element at `path`, or None when it is absent."""
    found = element.find(path)
    return None if found is None else (found.text or "")


def texts_of(element: ET.Element, path: str) -> list[str]:
    """Return the texts of every sub-element at `path`, in document order."""
    return [found.text or "" for found in element.findall(path)]
