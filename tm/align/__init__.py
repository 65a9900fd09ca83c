"""Sentence alignment of Vietnamese and English documents.

- :func:`align`: parallel documents (banded DP: Gale-Church length, anchors, lexicon),
  comparable documents (mined pairs stating the same facts), or ``auto``.
- :class:`Lexicon`: IBM Model 1 links learned at run time from a translation memory.
- :func:`pair_documents`: which Vietnamese document goes with which English one.
"""
from __future__ import annotations

import math

import numpy as np

from corpus.errors import SongnguError
from tm.align.comparable import mine
from tm.align.lexicon import Lexicon
from tm.align.model import Alignment, Bead, DocPair
from tm.align.pairing import pair_documents
from tm.align.lengthmodel import RATIO, length_cost
from tm.align.dp import BEADS
from tm.align.parallel import WEIGHTS, align_parallel, features

__all__ = ["align", "Alignment", "Bead", "DocPair", "Lexicon", "pair_documents", "AlignError", "MODES"]

MODES = ("parallel", "comparable", "auto")
# Sentence counts this far apart are not a text and its translation.
MAX_COUNT_RATIO = 5.0
# auto: parallel when the English/Vietnamese length ratio is within these bounds of the
# model's RATIO and, where paired sentences hold quantities, enough of them agree. On IWSLT
# talks the ratio stays within 0.85-1.05 and >= 50% agree; on the seeds it is 1.55-1.61;
# on shuffled IWSLT lines 0% agree.
AUTO_LENGTH = (0.7, 1.4)
AUTO_AGREE = 0.4
# A bead's score: logistic(SCORE_SLOPE * (evidence - SCORE_CENTRE)), evidence as in
# :func:`_scored_beads`. On IWSLT tst2013 windows of 30-300 lines, real 1-1 pairs have a
# median evidence of -0.75..-0.6 with the tst2012 lexicon, -0.14..0.22 without one; the same
# lines shuffled -1.31..-1.03 and -1.15..-0.33 (tests/test_align.py::test_scores_separate_good_beads_from_bad).
SCORE_SLOPE = 3.0
SCORE_CENTRE = -0.6
# Documents whose pairs (at least 3) score below this at the median share too little to be a
# text and its translation (IWSLT windows of 8-300 lines: 0.57-0.95 without a lexicon; 22 lines
# of a TED talk against seed 000: 0.14; seed 000 against 002, an article on the same events: 0.24).
MIN_MEDIAN_SCORE = 0.3
# parallel mode: a translation this many times shorter or longer than expected is refused as one.
PARALLEL_LENGTH = (0.5, 2.0)


class AlignError(SongnguError):
    """The inputs cannot be aligned as asked."""


def _lang_of(texts) -> str | None:
    try:
        from corpus.langid import detect
    except ImportError:  # pragma: no cover - langid ships with corpus
        detect = None
    sample = " ".join(texts[:200])
    if detect is not None:
        return detect(sample)
    from corpus.normalize import has_vietnamese_diacritics
    return "vi" if has_vietnamese_diacritics(sample) else "en"


def _check(vi, en, mode, warnings) -> str:
    """Warnings for doubtful input; the mode to use (``None``: nothing to align)."""
    if not vi or not en:
        side = "both documents are" if not vi and not en else ("the Vietnamese side is" if not vi else
                                                              "the English side is")
        warnings.append(f"{side} empty: nothing to align")
        return None
    lv, le = _lang_of(vi), _lang_of(en)
    if lv == le and lv is not None:
        name = {"vi": "Vietnamese", "en": "English"}[lv]
        warnings.append(f"both sides look {name}: not aligned")
        return None
    if lv == "en" and le == "vi":
        warnings.append("the sides look swapped (Vietnamese text given as English): not aligned")
        return None
    ratio = max(len(vi), len(en)) / min(len(vi), len(en))
    if mode != "comparable" and ratio > MAX_COUNT_RATIO and max(len(vi), len(en)) > 10:
        warnings.append(f"{len(vi)} Vietnamese against {len(en)} English sentences: too different for "
                        "a translation, mined as comparable documents")
        return "comparable"
    return mode


def _looks_parallel(vi_side, en_side, path, beads, mode) -> tuple[bool, str]:
    """Whether a parallel alignment is believable, and why not. ``parallel`` mode (the user
    says the documents are a translation) refuses only clear cases: lengths far apart, pairs
    that share almost nothing; ``auto`` also wants close lengths and agreeing numbers."""
    scores = [b.score for b in beads if b.vi and b.en]
    if len(scores) >= 3 and float(np.median(scores)) < MIN_MEDIAN_SCORE:
        return False, (f"its sentence pairs score {float(np.median(scores)):.2f} at the median: "
                       "they share too little")
    ratio = en_side.cum[-1] / (vi_side.cum[-1] * RATIO)
    lo, hi = PARALLEL_LENGTH if mode == "parallel" else AUTO_LENGTH
    if not lo <= ratio <= hi:
        return False, f"the English side is {ratio:.2f} times the expected length of a translation"
    if mode == "parallel":
        return True, ""
    with_q = agree = 0
    for di, dj, i, j in path:
        a = [q for x in vi_side.anchors[i - di:i] for q in x.quantities]
        b = [q for x in en_side.anchors[j - dj:j] for q in x.quantities]
        if di and dj and (a or b):
            with_q += 1
            keys = frozenset().union(*b) if b else frozenset()
            agree += any(not q.isdisjoint(keys) for q in a)
    if with_q >= 3 and agree < AUTO_AGREE * with_q:
        return False, f"numbers agree in only {agree} of {with_q} aligned pairs holding numbers"
    return True, ""


def _scored_beads(path, cost) -> list[Bead]:
    """Beads with their score: the logistic of the bead's net evidence (the weight of the facts
    its sides share less the weight of those left unexplained) as a share of the facts it holds,
    less a third of its length misfit (see :data:`SCORE_SLOPE`)."""
    costs, apart = cost.beads(path)
    beads = []
    for (di, dj, i, j), c, a in zip(path, costs.tolist(), apart.tolist()):
        score = 0.0
        if di and dj:
            miss = a - (di + dj) * cost.prior[1]
            lc = float(length_cost(cost.vi.cum[i] - cost.vi.cum[i - di], cost.en.cum[j] - cost.en.cum[j - dj]))
            reward = cost.prior[BEADS.index((di, dj))] + miss + lc - c
            evidence = (reward - miss) / max(miss, 1.0) - lc / 3
            score = 1.0 / (1.0 + math.exp(-SCORE_SLOPE * (evidence - SCORE_CENTRE)))
        beads.append(Bead(list(range(i - di, i)), list(range(j - dj, j)), round(score, 4)))
    return beads


def _split_low(beads, min_score) -> list[Bead]:
    out = []
    for b in beads:
        if b.vi and b.en and b.score < min_score:
            out += [Bead(list(b.vi), [], 0.0), Bead([], list(b.en), 0.0)]
        else:
            out.append(b)
    return out


def align(vi: list[str], en: list[str], *, mode: str = "parallel", matcher=None, lexicon=None,
          min_score: float | None = None, weights=None) -> Alignment:
    """Align Vietnamese sentences with English ones.

    Parameters:
        vi, en: the sentences (or lines) of each document, in order.
        mode: ``parallel`` (a text and its translation: every sentence in one bead),
            ``comparable`` (mined pairs only, kind ``comparable``) or ``auto``
            (parallel when lengths and numbers agree, see :data:`AUTO_LENGTH`).
        matcher: optional glossary matcher (``find(text, lang)``): terms found on both
            sides are anchors.
        lexicon: optional :class:`Lexicon` learned from the translation memory.
        min_score: parallel: pairs scoring below become unpaired beads; comparable:
            the mining threshold (default :data:`tm.align.comparable.THRESHOLD`).
        weights: cost weights (default :data:`tm.align.parallel.WEIGHTS`; benchmarks).
    Returns:
        :class:`Alignment`; beads hold 0-based indexes. Problems (empty or one-sided
        input, both sides in one language, very different sizes) are in ``warnings``.
    """
    if mode not in MODES:
        raise AlignError(f"unknown alignment mode {mode!r} (use parallel, comparable or auto)")
    vi = [str(s) for s in vi]
    en = [str(s) for s in en]
    warnings: list = []
    use = _check(vi, en, mode, warnings)
    if use is None:
        return Alignment([], "parallel" if mode == "auto" else mode, warnings)
    if use in ("parallel", "auto"):
        vi_side, en_side = features(vi, "vi", matcher), features(en, "en", matcher)
        path, cost = align_parallel(vi_side, en_side, lexicon, weights or WEIGHTS)
        beads = _scored_beads(path, cost)
        ok, why = _looks_parallel(vi_side, en_side, path, beads, use)
        if ok:
            if min_score is not None:
                beads = _split_low(beads, min_score)
            return Alignment(beads, "parallel", warnings)
        warnings.append(f"not a translation ({why}): mined as comparable documents")
    pairs = mine(vi, en, matcher=matcher, lexicon=lexicon, min_score=min_score)
    return Alignment([Bead([i], [j], s) for i, j, s in pairs], "comparable", warnings)
