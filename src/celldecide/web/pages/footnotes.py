"""Number sources in order of first citation on a page, for footnote markers and the closing list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Footnotes:
    """Collect source ids as a page cites them; `cite` returns their numbers.

    >>> notes = Footnotes()
    >>> notes.cite(["b", "a"]), notes.cite(["a"])
    ([(1, 'b'), (2, 'a')], [(2, 'a')])
    """

    order: list[str] = field(default_factory=list)

    def cite(self, source_ids: Iterable[str]) -> list[tuple[int, str]]:
        marks = []
        for source_id in source_ids:
            if source_id not in self.order:
                self.order.append(source_id)
            marks.append((self.order.index(source_id) + 1, source_id))
        return marks
