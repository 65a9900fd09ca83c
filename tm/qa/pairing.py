"""Pairing a draft translation with its source into numbered segments.

Line by line when both texts have the same number of non-empty lines (the usual
case for a translation delivered line for line); otherwise both texts are split
into sentences and aligned with :func:`tm.align.align`. Without a source, every
non-empty line of the draft is a segment.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Segment", "Pairing", "pair", "nonempty_lines", "LINES", "SENTENCES", "NONE"]

LINES = "lines"
SENTENCES = "sentences"
NONE = "none"


@dataclass(frozen=True)
class Segment:
    """One checked unit: a draft segment and the source it translates.

    Parameters:
        number: 1-based segment number.
        draft: the draft text as given ("" when a source sentence has no translation).
        source: the source text; None without a source, "" for a draft-only addition.
        draft_line, source_line: 1-based line of the segment's start in each file, or None.
        unit: the segment's id in a bilingual file (XLIFF unit id, Word table row), or None.
    """

    number: int
    draft: str
    source: str | None = None
    draft_line: int | None = None
    source_line: int | None = None
    unit: str | None = None


@dataclass
class Pairing:
    """Segments and how they were made: ``lines``, ``sentences`` or ``none`` (no source)."""

    segments: list[Segment]
    method: str
    warnings: list[str] = field(default_factory=list)


def nonempty_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, line)`` for every line with non-space text; ``\\r`` endings dropped."""
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            out.append((number, line))
    return out


def pair(draft: str, source: str | None = None, *, draft_lang: str, source_lang: str | None = None,
         matcher=None) -> Pairing:
    """Split *draft* into segments, paired with *source* when given.

    Parameters:
        draft: the whole draft text.
        source: the whole source text, or None.
        draft_lang, source_lang: ``"vi"`` or ``"en"`` (both needed for sentence alignment).
        matcher: an optional :class:`glossary.matcher.Matcher`, anchors for the aligner.
    """
    draft_lines = nonempty_lines(draft)
    if source is None:
        return Pairing([Segment(i, line, None, n) for i, (n, line) in enumerate(draft_lines, 1)], NONE)
    source_lines = nonempty_lines(source)
    if len(draft_lines) == len(source_lines):
        segs = [Segment(i, d, s, dn, sn)
                for i, ((dn, d), (sn, s)) in enumerate(zip(draft_lines, source_lines), 1)]
        return Pairing(segs, LINES)
    return _align(draft_lines, source_lines, draft_lang, source_lang, matcher)


def _sentences(lines, lang) -> list[tuple[int, str, int, int]]:
    """``(line number, line, start, end)`` of every sentence of *lines*."""
    from corpus.segment import split_sentences

    return [(number, line, span.start, span.end)
            for number, line in lines for span in split_sentences(line, lang)]


def _join(sents, indices) -> tuple[str, int | None]:
    """The text of sentences *indices* as written (lines joined by a newline), and its first line."""
    if not indices:
        return "", None
    by_line: dict[int, list] = {}
    for i in indices:
        number, line, start, end = sents[i]
        by_line.setdefault(number, [line, start, end])[2] = end
    text = "\n".join(line[start:end] for line, start, end in by_line.values())
    return text, sents[indices[0]][0]


def _align(draft_lines, source_lines, draft_lang, source_lang, matcher) -> Pairing:
    from tm.align import align

    d_sents = _sentences(draft_lines, draft_lang)
    s_sents = _sentences(source_lines, source_lang)
    d_texts = [line[s:e] for _, line, s, e in d_sents]
    s_texts = [line[s:e] for _, line, s, e in s_sents]
    if draft_lang == "vi":
        result = align(d_texts, s_texts, mode="parallel", matcher=matcher)
        beads = [(b.vi, b.en) for b in result.pairs]
    else:
        result = align(s_texts, d_texts, mode="parallel", matcher=matcher)
        beads = [(b.en, b.vi) for b in result.pairs]
    segs = []
    for number, (d_idx, s_idx) in enumerate(beads, 1):
        d_text, d_line = _join(d_sents, list(d_idx))
        s_text, s_line = _join(s_sents, list(s_idx))
        segs.append(Segment(number, d_text, s_text, d_line, s_line))
    return Pairing(segs, SENTENCES, list(result.warnings))
