"""Bilingual documents: segments with ids, inline codes as placeholders.

A CAT file (XLIFF) or a Word document is read into a :class:`BilingualDocument`:
its :class:`BiSegment` objects carry the unit id, the source and the target as
plain text. Every inline code (an XLIFF ``<g>``, ``<x/>``, ``<ph>``…, a Word tab
stop, field or drawing) stands in that text as one placeholder character from
Unicode's private use area: it is not a letter, a digit or a space, so no check
matches it as a word or a number, and the writer puts the original markup back
where the placeholder stands. An edit whose span holds a placeholder is never
applied (:func:`touches_code`).

Writers take :class:`Change` objects: offsets in a segment's target as given
here, and the replacement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CODE_BASE", "code_char", "is_code", "touches_code", "strip_codes", "visible", "one_line",
           "BiSegment", "BilingualDocument", "Change", "apply_changes"]

CODE_BASE = 0xE000  # private use area: U+E000..U+F8FF
_CODES = re.compile("[\ue000-\uf8ff]")
_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def code_char(index: int) -> str:
    """The placeholder of the *index*-th inline code of a segment (0-based)."""
    return chr(CODE_BASE + index % 0x1900)


def is_code(char: str) -> bool:
    return CODE_BASE <= ord(char) <= 0xF8FF


def touches_code(text: str) -> bool:
    """Does *text* hold a placeholder (an inline code)?"""
    return _CODES.search(text) is not None


def strip_codes(text: str) -> str:
    """*text* without its placeholders."""
    return _CODES.sub("", text)


def visible(text: str) -> str:
    """*text* for a human: each placeholder shown as ``{n}`` (1-based)."""
    return _CODES.sub(lambda m: "{%d}" % (ord(m.group()) - CODE_BASE + 1), text)


def one_line(text: str) -> str:
    """*text* with line breaks as spaces, same length (the checks pair one segment per line)."""
    return _BREAKS.sub(" ", text)


@dataclass
class BiSegment:
    """One segment of a bilingual file.

    Parameters:
        id: the unit id (XLIFF ``trans-unit``/``unit`` id, or the table row in a Word file).
        sub: the segment's id inside its unit (``mrk mid``, 2.x ``segment id``), or None.
        source, target: plain text with placeholders; *target* None when there is none.
        state: the tool's state of the target as written (``translated``, ``ManuallyConfirmed``…).
        translated: False when the state says the target is not a translation yet.
        confirmed: the state says a translator confirmed it (what ``import`` takes).
        line: 1-based line of the target (or source) in the file.
        date: ISO 8601 date of the last change, when the file records one.
    """

    id: str
    source: str
    target: str | None
    sub: str | None = None
    state: str | None = None
    translated: bool = True
    confirmed: bool = False
    line: int | None = None
    date: str | None = None

    @property
    def ref(self) -> str:
        """How findings name the segment: the unit id, with ``#sub`` when the unit has several."""
        return self.id if self.sub is None else f"{self.id}#{self.sub}"

    @property
    def checkable(self) -> bool:
        """Source and target both hold text."""
        return bool(self.source.strip()) and bool(self.target and self.target.strip())


@dataclass
class Change:
    """An edit of a segment's target: ``target[start:end]`` becomes *after*."""

    start: int
    end: int
    after: str
    rule: str = ""
    confidence: float = 1.0
    message: str = ""
    before: str = ""


@dataclass
class BilingualDocument:
    """Segments of one file, and how to write corrections back into it (subclasses)."""

    path: str
    format: str
    source_lang: str | None
    target_lang: str | None
    segments: list[BiSegment] = field(default_factory=list)

    def write_corrected(self, out_path, changes: dict[int, list[Change]]) -> None:
        """Write a copy where segment *i* gets ``changes[i]`` (see subclasses)."""
        raise NotImplementedError(f"{self.format}: writing corrections is not supported")

    def write_findings(self, out_path, notes: dict[int, list[tuple[str, str]]]) -> None:
        """Write a copy with ``(severity, text)`` notes on segment *i* (see subclasses)."""
        raise NotImplementedError(f"{self.format}: writing findings is not supported")


def apply_changes(text: str, changes) -> str:
    """*text* with non-overlapping *changes* applied."""
    out, pos = [], 0
    for c in sorted(changes, key=lambda c: (c.start, c.end)):
        out.append(text[pos:c.start])
        out.append(c.after)
        pos = c.end
    out.append(text[pos:])
    return "".join(out)
