"""Recognize and normalize trial registration ids.

The id formats are defined once, in `knowledge/registries.yaml` (`id_pattern`,
`id_prefix`, `record_url`); this module only compiles and applies them.

>>> matcher = IdMatcher.from_registries([
...     {"id": "ctgov", "id_pattern": r"NCT\\s?\\d{8}", "id_prefix": "NCT",
...      "record_url": "https://clinicaltrials.gov/study/{id}"}])
>>> matcher.identify("nct 06325566")
RegistryId(registry='ctgov', id='NCT06325566', url='https://clinicaltrials.gov/study/NCT06325566')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class RegistryId:
    """A normalized registration: which registry, the id as that registry prints it, its record page."""

    registry: str
    id: str
    url: str


@dataclass(frozen=True, slots=True)
class IdMatch:
    """One id found in free text, with its character span in that text."""

    start: int
    end: int
    raw: str
    registry_id: RegistryId


@dataclass(frozen=True, slots=True)
class _Pattern:
    registry: str
    prefix: str | None
    record_url: str
    exact: re.Pattern[str]
    in_text: re.Pattern[str]


def _field(entry: Any, name: str) -> Any:
    """Read a field from a knowledge model or from a plain mapping."""
    if isinstance(entry, Mapping):
        return entry.get(name)
    return getattr(entry, name, None)


class IdMatcher:
    """Apply the knowledge base's registry id patterns to single ids and to free text."""

    def __init__(self, patterns: Iterable[_Pattern]) -> None:
        self._patterns = tuple(patterns)
        self._urls = {p.registry: p.record_url for p in self._patterns}

    @classmethod
    def from_registries(cls, registries: Iterable[Any]) -> IdMatcher:
        """Compile the `id_pattern` of each registry entry (model or mapping); entries without one are skipped.

        Patterns are matched case-insensitively; in text they must stand as
        whole words, so "NCT06325566" is not found inside a longer token.
        """
        entries = registries.values() if isinstance(registries, Mapping) else registries
        patterns: list[_Pattern] = []
        urls: dict[str, str] = {}
        for entry in entries:
            registry = _field(entry, "id")
            record_url = _field(entry, "record_url")
            urls[registry] = record_url
            source = _field(entry, "id_pattern")
            if not source:
                continue
            patterns.append(
                _Pattern(
                    registry=registry,
                    prefix=_field(entry, "id_prefix"),
                    record_url=record_url,
                    exact=re.compile(rf"(?:{source})", re.IGNORECASE),
                    in_text=re.compile(rf"(?<![A-Za-z0-9])(?:{source})(?![A-Za-z0-9])", re.IGNORECASE),
                )
            )
        matcher = cls(patterns)
        matcher._urls.update(urls)
        return matcher

    @property
    def registries(self) -> tuple[str, ...]:
        """Return the ids of the registries whose ids this matcher recognizes."""
        return tuple(p.registry for p in self._patterns)

    def record_url(self, registry: str, id: str) -> str | None:
        """Return the registry's record page for an id, or None if the registry is unknown."""
        template = self._urls.get(registry)
        return template.replace("{id}", id) if template else None

    def identify(self, raw: str) -> RegistryId | None:
        """Return the registration a whole id field names, or None when no registry's format fits.

        When two formats fit (none do in the shipped patterns) the first
        registry listed wins: a full match spans the whole field, so no fit
        is longer than another, and the formats after the first fit are not tried.
        """
        text = raw.strip()
        for pattern in self._patterns:
            if pattern.exact.fullmatch(text):
                return self._normalized(pattern, text)
        return None

    def find_all(self, text: str) -> list[IdMatch]:
        """Return every registration id in a text, in reading order, overlapping matches resolved.

        >>> matcher = IdMatcher.from_registries([{"id": "isrctn", "id_pattern": r"ISRCTN\\s?\\d{8}",
        ...     "id_prefix": "ISRCTN", "record_url": "https://www.isrctn.com/{id}"}])
        >>> [m.registry_id.id for m in matcher.find_all("see isrctn 12345678 and ISRCTN87654321.")]
        ['ISRCTN12345678', 'ISRCTN87654321']
        """
        found = sorted(self._candidates(text), key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[IdMatch] = []
        for match in found:
            if kept and match.start < kept[-1].end:
                continue
            kept.append(match)
        return kept

    def _candidates(self, text: str) -> Iterator[IdMatch]:
        for pattern in self._patterns:
            for match in pattern.in_text.finditer(text):
                yield IdMatch(
                    start=match.start(),
                    end=match.end(),
                    raw=match.group(0),
                    registry_id=self._normalized(pattern, match.group(0)),
                )

    def _normalized(self, pattern: _Pattern, raw: str) -> RegistryId:
        """Rewrite a match as the registry prints it: canonical prefix case, no inner spaces."""
        compact = re.sub(r"\s+", "", raw)
        if pattern.prefix and compact[: len(pattern.prefix)].lower() == pattern.prefix.lower():
            compact = pattern.prefix + compact[len(pattern.prefix) :]
        if pattern.prefix is None:
            compact = compact.upper()
        return RegistryId(
            registry=pattern.registry,
            id=compact,
            url=pattern.record_url.replace("{id}", compact),
        )


@lru_cache(maxsize=1)
def default_matcher() -> IdMatcher:
    """Return the matcher built from the project's knowledge base (loaded once per process)."""
    from celldecide.knowledge import load_knowledge

    return IdMatcher.from_registries(load_knowledge().registries)
