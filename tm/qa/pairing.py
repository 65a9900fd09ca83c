"""Pairing a draft translation with its source into numbered segments.

Line by line when both texts have the same number of non-empty lines (the usual
case for a translation delivered line for line); otherwise both texts are split
into sentences and aligned with :func:`tm.align.align`. Without a source, every
non-empty line of the draft is a segment.

A source that is not the draft's original (line by line: line lengths that do not follow
each other; aligned: the aligner finds no translation between them, or pairs less than half
of the draft's sentences) is refused with
:class:`~corpus.errors.InputError`: a QA gate must never pass on zero paired segments.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Segment", "Pairing", "pair", "nonempty_lines", "resolve_languages", "LINES", "SENTENCES", "NONE"]

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
    """``(line number, line)`` for every line with non-space text (any line end)."""
    from corpus.reader import split_lines

    out = []
    for number, line in enumerate(split_lines(text), 1):
        if line.strip():
            out.append((number, line))
    return out


def _other(lang: str) -> str:
    return "en" if lang == "vi" else "vi"


def resolve_languages(draft: str, source: str | None, src_lang: str | None = None, *,
                      draft_lang: str | None = None, default: str | None = None) -> tuple[str, str]:
    """``(draft language, source language)``: given, or detected from the texts (one rule for
    check, score and correct).

    Parameters:
        draft, source: the texts (source None without one).
        src_lang, draft_lang: ``vi`` or ``en`` when the user said so.
        default: the draft's language when nothing can be detected (None: an error).

    Without a source the "source language" is the other one, whose term forms should not
    stand in the draft.
    """
    from corpus.errors import SongnguError
    from corpus.langid import detect

    for given in (src_lang, draft_lang):
        if given and given not in ("vi", "en"):
            raise SongnguError(f"unknown language “{given}”: use vi or en")
    if draft_lang:
        return draft_lang, src_lang or _other(draft_lang)
    if src_lang:
        return _other(src_lang), src_lang
    if source is not None:
        lang = detect(source)
        if lang:
            return _other(lang), lang
    lang = detect(draft) or default
    if lang:
        return lang, _other(lang)
    raise SongnguError("cannot tell the language of the texts: give --src-lang vi or --src-lang en")


# At least this share of the draft's sentences must be paired with source sentences.
MIN_PAIRED = 0.5
# Line by line: a text and its translation have line lengths that follow each other. On IWSLT
# tst2013 windows of 13-100 lines the correlation of log lengths is 0.91 at the lowest for the
# translation, 0.61 at the highest for the lines shuffled or another talk's (30+ lines: 0.27);
# short bilingual files (10 XLIFF segments: 0.45) vary more, hence a low bar and 20 lines.
MIN_LENGTH_CORRELATION = 0.3
MIN_LINES_TO_CORRELATE = 20


def _length_correlation(draft_lines, source_lines) -> float | None:
    """Correlation of the log lengths of paired lines, None when there are too few lines or the
    lengths do not vary."""
    import math

    if len(draft_lines) < MIN_LINES_TO_CORRELATE:
        return None
    a = [math.log(len(x.strip()) + 1) for x in draft_lines]
    b = [math.log(len(x.strip()) + 1) for x in source_lines]
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    sab = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    saa = sum((x - ma) ** 2 for x in a)
    sbb = sum((y - mb) ** 2 for y in b)
    if saa < 1e-9 or sbb < 1e-9:
        return None
    return sab / math.sqrt(saa * sbb)


def pair(draft: str, source: str | None = None, *, draft_lang: str, source_lang: str | None = None,
         matcher=None, names=("draft", "source")) -> Pairing:
    """Split *draft* into segments, paired with *source* when given.

    Parameters:
        draft: the whole draft text.
        source: the whole source text, or None.
        draft_lang, source_lang: ``"vi"`` or ``"en"`` (both needed for sentence alignment).
        matcher: an optional :class:`glossary.matcher.Matcher`, anchors for the aligner.
        names: the draft's and the source's file names, for errors.
    Raises InputError (naming the source) when the texts do not correspond.
    """
    draft_lines = nonempty_lines(draft)
    if source is None:
        return Pairing([Segment(i, line, None, n) for i, (n, line) in enumerate(draft_lines, 1)], NONE)
    source_lines = nonempty_lines(source)
    if len(draft_lines) == len(source_lines):
        r = _length_correlation([d for _, d in draft_lines], [s for _, s in source_lines])
        if r is not None and r < MIN_LENGTH_CORRELATION:
            from corpus.errors import InputError

            raise InputError(names[1], f"does not correspond to {names[0]} (the lengths of their "
                                       f"{len(draft_lines)} lines do not follow each other: correlation {r:.2f}): "
                                       "give the text the draft translates, or check the draft without a source")
        segs = [Segment(i, d, s, dn, sn)
                for i, ((dn, d), (sn, s)) in enumerate(zip(draft_lines, source_lines), 1)]
        return Pairing(segs, LINES)
    return _align(draft_lines, source_lines, draft_lang, source_lang, matcher, names)


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


def _align(draft_lines, source_lines, draft_lang, source_lang, matcher, names) -> Pairing:
    from corpus.errors import InputError
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
    paired = sum(len(d) for d, s in beads if d and s)
    if result.mode != "parallel" or paired < MIN_PAIRED * len(d_sents):
        why = "; ".join(w.split(": mined as")[0].split(", mined as")[0] for w in result.warnings) or (f"only {paired} of its {len(d_sents)} sentences pair with "
                                              "source sentences")
        raise InputError(names[1], f"does not correspond to {names[0]} ({why}): give the text the draft "
                                   "translates, or check the draft without a source")
    segs = []
    for number, (d_idx, s_idx) in enumerate(beads, 1):
        d_text, d_line = _join(d_sents, list(d_idx))
        s_text, s_line = _join(s_sents, list(s_idx))
        segs.append(Segment(number, d_text, s_text, d_line, s_line))
    return Pairing(segs, SENTENCES, list(result.warnings))
