"""Character spans of a text and whether a span overlaps others: one implementation for
check, correct and the convention rules.

:class:`Spans` answers an overlap query in time proportional to the spans near it (spans are
filed by the blocks of text they cover), so a one-line draft of a megabyte with tens of
thousands of terms costs no more per query than a short line; :func:`overlaps` takes a
:class:`Spans` or any iterable of ``(start, end)`` pairs.

Example::

    taken = Spans([(0, 4)])
    taken.overlaps(3, 6)   # True
    taken.add(10, 12)
"""
from __future__ import annotations

__all__ = ["Spans", "overlaps"]

_BLOCK = 64


class Spans:
    """A growing set of half-open spans ``[start, end)``.

    Parameters:
        spans: initial ``(start, end)`` pairs.
    """

    def __init__(self, spans=()):
        self._blocks: dict[int, list] = {}
        self._all: list = []
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """File the span ``[start, end)`` (an empty span at *start* is filed too)."""
        for block in range(start // _BLOCK, max(end - 1, start) // _BLOCK + 1):
            self._blocks.setdefault(block, []).append((start, end))
        self._all.append((start, end))

    def append(self, span) -> None:
        """``add(*span)``: a :class:`Spans` stands in for a list of ``(start, end)`` pairs."""
        self.add(*span)

    def __iter__(self):
        return iter(self._all)

    def overlaps(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` shares a character with a filed span."""
        for block in range(start // _BLOCK, max(end - 1, start) // _BLOCK + 1):
            for s, e in self._blocks.get(block, ()):
                if start < e and s < end:
                    return True
        return False

    def __len__(self) -> int:
        return len(self._all)


def overlaps(start: int, end: int, spans) -> bool:
    """True when ``[start, end)`` overlaps one of *spans* (a :class:`Spans` or ``(start, end)`` pairs)."""
    if isinstance(spans, Spans):
        return spans.overlaps(start, end)
    return any(start < e and s < end for s, e in spans)
