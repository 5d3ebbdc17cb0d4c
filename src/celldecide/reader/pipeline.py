"""The reading pipeline: named, registered steps over one `Document`, in the order of `PIPELINE`.

Each step is a function `Document -> Document` registered with `@step(name, needs=…, adds=…)`. `needs` and
`adds` name `Document` fields; `check_pipeline` refuses an order in which a step needs a field no earlier
step adds, so the order in `PIPELINE` is the only place the sequence is written.

>>> [s.name for s in steps()]
['normalize', 'segment', 'recognize', 'assess', 'explain']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from celldecide.reader.document import Document

PIPELINE: tuple[str, ...] = ("normalize", "segment", "recognize", "assess", "explain")

# Fields the caller provides before any step runs.
_GIVEN = frozenset({"raw", "knowledge", "compiled", "trial_lookup"})


@dataclass(frozen=True)
class Step:
    """A registered step: its name, the function, the fields it reads and the fields it writes."""

    name: str
    func: Callable[[Document], Document]
    needs: tuple[str, ...]
    adds: tuple[str, ...]


_REGISTRY: dict[str, Step] = {}


def step(name: str, *, needs: Sequence[str], adds: Sequence[str]) -> Callable:
    """Register a function as the pipeline step `name`."""

    def register(func: Callable[[Document], Document]) -> Callable[[Document], Document]:
        if name in _REGISTRY:
            raise ValueError(f"pipeline step {name!r} is registered twice")
        _REGISTRY[name] = Step(name=name, func=func, needs=tuple(needs), adds=tuple(adds))
        return func

    return register


def _load_steps() -> None:
    # Importing the step modules registers them; kept here so `steps()` always sees all of them.
    from celldecide.reader import assess, explain, normalize, recognize, segment  # noqa: F401


def check_pipeline(order: Sequence[str]) -> None:
    """Raise ValueError if a step is unknown or needs a field that no earlier step adds."""
    available = set(_GIVEN)
    for name in order:
        if name not in _REGISTRY:
            raise ValueError(f"unknown pipeline step {name!r}")
        missing = [f for f in _REGISTRY[name].needs if f not in available]
        if missing:
            raise ValueError(f"step {name!r} needs {', '.join(missing)}, which no earlier step adds")
        available.update(_REGISTRY[name].adds)


def steps(order: Sequence[str] = PIPELINE) -> list[Step]:
    """Return the registered steps in `order`, after checking that the order is consistent."""
    _load_steps()
    check_pipeline(order)
    return [_REGISTRY[name] for name in order]


def run(document: Document, order: Sequence[str] = PIPELINE) -> Document:
    """Run the steps of `order` over `document` and return it."""
    for item in steps(order):
        document = item.func(document)
    return document
