"""Pieces shared by every format parser: results, errors and typed field access."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from celldecide.registry.ids import IdMatcher, RegistryId
from celldecide.registry.records import TrialRecord

DEFAULT_MAX_BYTES = 256 * 1024 * 1024


class RegistryFormatError(ValueError):
    """A whole file cannot be read: unknown format, too large, or not the format it claims."""


class FileTooLargeError(RegistryFormatError):
    """A file (or a member of a zip) is larger than the configured limit."""


class RecordError(ValueError):
    """One record cannot be normalized; the file goes on with the next record."""

    def __init__(self, reason: str, *, id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.id = id


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that was not imported, with where it was and why."""

    position: int
    reason: str
    registry: str | None = None
    id: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the rejection as a JSON-ready dict (the line written to a reasons file)."""
        return asdict(self)


ParseResult = TrialRecord | Rejection

_TYPE_NAMES = {str: "text", int: "an integer", bool: "true/false", list: "a list", dict: "an object"}


def describe(kind: type | tuple[type, ...]) -> str:
    """Name an expected JSON type the way a rejection reason shows it."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def at(data: Any, path: str, kind: type | tuple[type, ...]) -> Any:
    """Return the value at a dotted path, None when any step is missing.

    Raises RecordError naming the path when a step or the value has the wrong
    type, so a rejection says exactly what was malformed.

    >>> at({"a": {"b": 3}}, "a.b", int), at({"a": {}}, "a.b", int)
    (3, None)
    """
    # The common case (objects all the way, the value of exactly the type asked) in the fewest steps;
    # anything else is decided by `_at_checked`, which also words the rejection.
    node = data
    for key in _STEPS.get(path) or _steps(path):
        if node is None:
            return None
        if type(node) is not dict:
            return _at_checked(data, path, kind)
        node = node.get(key)
    if node is None or type(node) is kind:
        return node
    return _at_checked(data, path, kind)


def _at_checked(data: Any, path: str, kind: type | tuple[type, ...]) -> Any:
    """`at` with every step and the value's type checked, raising RecordError where the record is malformed."""
    node = data
    walked: list[str] = []
    for key in _steps(path):
        if node is None:
            return None
        if not isinstance(node, dict):
            where = ".".join(walked) or "record"
            raise RecordError(f"{where}: expected an object, got {type(node).__name__}")
        node = node.get(key)
        walked.append(key)
    if node is None:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(node, bool) and bool not in kinds:
        raise RecordError(f"{path}: expected {describe(kind)}, got bool")
    if not isinstance(node, kinds):
        raise RecordError(f"{path}: expected {describe(kind)}, got {type(node).__name__}")
    return node


_STEPS: dict[str, tuple[str, ...]] = {}


def _steps(path: str) -> tuple[str, ...]:
    """Split a dotted path into its keys, remembered per path (the parsers use a few hundred fixed paths)."""
    steps = _STEPS.get(path)
    if steps is None:
        steps = tuple(path.split("."))
        if len(_STEPS) < 4096:
            _STEPS[path] = steps
    return steps


def items(data: Any, path: str, kind: type | tuple[type, ...]) -> list[Any]:
    """Return the list at a path (empty when missing), checking the type of every element."""
    values = at(data, path, list) or []
    if type(kind) is type and (not values or set(map(type, values)) == {kind}):  # the usual case, at C speed
        return values
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for index, value in enumerate(values):
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise RecordError(f"{path}[{index}]: expected {describe(kind)}, got {type(value).__name__}")
    return values


def identify(ids: IdMatcher, raw_id: str | None, *, field: str) -> RegistryId:
    """Return the normalized registration for a record's id field, or reject the record."""
    if raw_id is None or not raw_id.strip():
        raise RecordError(f"missing id ({field})")
    found = ids.identify(raw_id)
    if found is None:
        raise RecordError(f"id {raw_id!r} matches no known registry id format", id=raw_id)
    return found


def checked(build: Any, *args: Any, **kwargs: Any) -> TrialRecord:
    """Run a record builder, turning a stray TypeError or ValueError into a RecordError."""
    try:
        return build(*args, **kwargs)
    except RecordError:
        raise
    except (TypeError, ValueError) as error:
        raise RecordError(str(error)) from error
