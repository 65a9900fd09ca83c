"""Result types of the aligner."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Bead:
    """Sentences aligned together: 0-based indexes into each side (empty: 1-0 or 0-1).

    ``score`` is in [0, 1]: for a pair, how much likelier the pairing is than leaving
    both sides unpaired; 0 for a bead with an empty side.
    """

    vi: list
    en: list
    score: float = 0.0


@dataclass
class Alignment:
    """Beads in document order (for ``comparable``: mined pairs in Vietnamese order)."""

    pairs: list = field(default_factory=list)
    mode: str = "parallel"
    warnings: list = field(default_factory=list)


@dataclass
class DocPair:
    """Two documents to align: ``mode`` is ``parallel`` or ``comparable``."""

    vi_doc: object
    en_doc: object
    mode: str
    score: float
