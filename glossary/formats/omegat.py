"""OmegaT's glossary format: a UTF-8 ``.txt`` file of tab-separated lines ``source<TAB>target<TAB>comment``.

No quoting; lines starting with ``#`` are comments. Written: one line per source
form (preferred term and admitted variants) with the preferred target term and
the entry's note as comment; deprecated terms are left out. Read: lines with the
same target term make one entry (first source = preferred, the others admitted);
the same source with another target is another entry (a homonym: both pairs
are kept). Such entries have no id and no type (``""``), which a merge fills in.
"""
from __future__ import annotations

from corpus.errors import InputError
from corpus.normalize import match_key
from glossary.model import Entry

__all__ = ["OmegaTGlossary", "DIRECTIONS"]

DIRECTIONS = ("en-vi", "vi-en")
MAGIC = "# Glossary in tab-separated format -*- coding: utf-8 -*-"


def _langs(direction: str) -> tuple[str, str]:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    src, tgt = direction.split("-")
    return src, tgt


def _clean(value: str) -> str:
    return " ".join(value.split())


class OmegaTGlossary:
    """An OmegaT glossary in one direction.

    Parameters:
        entries: glossary entries.
        direction: ``en-vi`` (English source column) or ``vi-en``.
        lines: 1-based line of each entry's first row, when parsed.
    """

    name = "omegat"

    def __init__(self, entries=(), direction: str = "en-vi", lines=None):
        _langs(direction)
        self.entries = list(entries)
        self.direction = direction
        self.lines = list(lines) if lines is not None else [None] * len(self.entries)
        self.skipped = []

    @classmethod
    def parse(cls, text: str, path="-", direction: str = "en-vi") -> "OmegaTGlossary":
        """Parse OmegaT glossary *text*; a row without source or target raises InputError."""
        src, tgt = _langs(direction)
        groups: dict[str, int] = {}
        entries, lines = [], []
        for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            line = raw.rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if len(cells) not in (2, 3):
                raise InputError(path, f"{len(cells)} tab-separated columns, expected source, target "
                                 "and an optional comment", line=number)
            source, target = cells[0], cells[1]
            comment = cells[2] if len(cells) == 3 else ""
            if not source or not target:
                raise InputError(path, f"empty {'source' if not source else 'target'} term", line=number)
            k = match_key(target)
            if k not in groups:
                groups[k] = len(entries)
                entry = Entry(id="", type="", vi="", en="", note=comment)
                setattr(entry, tgt, target)
                setattr(entry, src, source)
                entries.append(entry)
                lines.append(number)
                continue
            entry = entries[groups[k]]
            known = {match_key(f) for f, _ in entry.forms(src)}
            if match_key(source) not in known:
                entry.variants(src).append(source)
            if comment and not entry.note:
                entry.note = comment
        return cls(entries, direction, lines)

    def serialize(self) -> str:
        """The glossary text: the OmegaT header comment, then one line per source form."""
        src, tgt = _langs(self.direction)
        out = [MAGIC]
        for e in self.entries:
            target = _clean(e.preferred(tgt))
            for form, _ in e.forms(src):
                out.append(f"{_clean(form)}\t{target}\t{_clean(e.note)}")
        return "\n".join(out) + "\n"
