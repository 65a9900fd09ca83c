"""Scoring a translation: sacrebleu metrics, terminology accuracy, a reference-free estimate.

With references: BLEU, chrF2, chrF++ and TER from sacrebleu, computed after
:func:`normalise` (NFC and one tone-mark style on hypothesis and references
alike: an NFD or ``hoà``-style hypothesis would otherwise lose most of its
n-gram matches for nothing).

With a source: WMT21-style terminology accuracy (every term occurrence in the
source counts once; it is correct when a distinct occurrence of one of its
preferred or admitted target forms is in the hypothesis segment), the rate of
deprecated term forms, and number/date consistency (share of the source's
quantities found, by value, in the hypothesis).

Without a reference, :func:`score` gives an *estimate* instead, 0-100 per
segment and for the document (mean weighted by segment length). It is not a
measure of translation quality, only of what the glossary and the source let
us see. For a segment it is ``100 * T * N * L``, where

- ``T``, terminology: with a source, correct / expected term occurrences;
  without one, good / (good + bad) target term forms, bad being deprecated
  forms, source-language forms and garbled-term spans (1 when there is none);
- ``N``, numbers (with a source): matched / expected quantities (1 when none);
- ``L``, length (with a source): ``exp(-ln(r / R)**2 / (2 * 0.35**2))`` where
  ``r`` is the segment's length ratio (characters + 10 on each side) and ``R``
  the document's: segments much longer or shorter than the rest are suspect;

and a segment left untranslated (identical to its source, or in the other
language) scores 0.
"""
from __future__ import annotations

import math

from corpus.errors import InputError
from corpus.reader import split_lines
from corpus.normalize import canonical_tones, nfc

__all__ = ["normalise", "score", "format_text", "LENGTH_SIGMA", "ESTIMATE_NOTE"]

LENGTH_SIGMA = 0.35
ESTIMATE_NOTE = ("reference-free estimate from glossary compliance, numbers and length; "
                 "an estimate, not a measure of translation quality")


def normalise(text: str) -> str:
    """NFC and traditional tone-mark placement (``hoà`` -> ``hòa``); nothing else changes."""
    return canonical_tones(nfc(text))


def _metrics():
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"bleu": BLEU(), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}


def _sentence_metrics():
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"bleu": BLEU(effective_order=True), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}


def score(hyp: str, refs=(), source: str | None = None, *, hyp_name: str = "hypothesis",
          ref_names=(), source_name: str = "source", entries=None, matcher=None, src_lang: str | None = None,
          segments: bool = False) -> dict:
    """Score hypothesis text *hyp* (one segment per line).

    Parameters:
        hyp: the hypothesis (machine translation), one segment per line.
        refs: reference texts, each with as many lines as *hyp*.
        source: the source text (paired as :func:`tm.qa.pairing.pair` does), or None.
        hyp_name, ref_names, source_name: file names for error messages.
        entries, matcher: the glossary (needed with a source or without references).
        src_lang: ``"vi"`` or ``"en"``; detected when None.
        segments: add per-segment scores under ``"segments"``.

    Returns a dict with, as they apply, ``bleu``, ``chrf``, ``chrf++``, ``ter``,
    ``signatures``, ``term_accuracy``, ``terms``, ``quantities``, ``estimate``,
    ``segments``.
    """
    hyp_lines = [normalise(line) for line in split_lines(hyp)]
    if not any(line.strip() for line in hyp_lines):
        raise InputError(hyp_name, "the hypothesis is empty")
    ref_names = list(ref_names) or [f"reference {i}" for i in range(1, len(refs) + 1)]
    ref_streams = []
    for name, ref in zip(ref_names, refs):
        lines = [normalise(line) for line in split_lines(ref)]
        if len(lines) != len(hyp_lines):
            raise InputError(name, f"has {len(lines)} lines, the hypothesis {hyp_name} has {len(hyp_lines)}")
        ref_streams.append(lines)

    result: dict = {"lines": len(hyp_lines), "normalisation": "NFC, traditional tone marks (hòa)"}
    per_line = [{"line": i} for i in range(1, len(hyp_lines) + 1)]
    if ref_streams:
        result.update(_sacrebleu(hyp_lines, ref_streams, per_line if segments else None))
    if source is not None or not ref_streams:
        result.update(_glossary_signals(hyp, source, entries, matcher, src_lang, per_line,
                                        estimate=not ref_streams, names=(hyp_name, source_name)))
    if segments:
        result["segments"] = per_line
    return result


def _sacrebleu(hyp_lines, ref_streams, per_line) -> dict:
    out = {"signatures": {}}
    for name, metric in _metrics().items():
        out[name] = round(metric.corpus_score(hyp_lines, ref_streams).score, 2)
        out["signatures"][name] = str(metric.get_signature())
    if per_line is not None:
        sentence = _sentence_metrics()
        for i, row in enumerate(per_line):
            refs = [stream[i] for stream in ref_streams]
            for name, metric in sentence.items():
                row[name] = round(metric.sentence_score(hyp_lines[i], refs).score, 2)
    return out


def _glossary_signals(hyp, source, entries, matcher, src_lang, per_line, *, estimate, names) -> dict:
    from tm.qa.check import Checker

    report = Checker(entries, matcher=matcher).check(hyp, source, src_lang=src_lang, draft_name=names[0],
                                                     source_name=names[1])
    out = {}
    stats = report.stats
    expected = sum(s.terms_expected for s in stats)
    seen = sum(s.terms_seen for s in stats)
    deprecated = sum(s.terms_deprecated for s in stats)
    if source is not None:
        correct = sum(s.terms_correct for s in stats)
        q_exp = sum(s.quantities_expected for s in stats)
        q_ok = sum(s.quantities_matched for s in stats)
        out["term_accuracy"] = round(correct / expected, 4) if expected else None
        out["quantities"] = {"expected": q_exp, "matched": q_ok,
                             "consistency": round(q_ok / q_exp, 4) if q_exp else None}
    else:
        correct = None
    out["terms"] = {
        "expected": expected if source is not None else None, "correct": correct,
        "seen": seen, "deprecated": deprecated,
        "deprecated_rate": round(deprecated / seen, 4) if seen else 0.0,
        "untranslated": sum(s.terms_untranslated for s in stats),
        "garbled": sum(s.garbled for s in stats),
    }
    untranslated = {f.segment for f in report.findings if f.check == "untranslated" and f.severity == "error"}
    estimates = _estimates(report, untranslated) if estimate else None
    for seg, st in zip(report.segments, stats):
        if seg.draft_line is None:
            continue
        row = per_line[seg.draft_line - 1]
        if source is not None:
            row["term_accuracy"] = round(st.terms_correct / st.terms_expected, 4) if st.terms_expected else None
        if estimates is not None:
            row["estimate"] = round(estimates[seg.number - 1], 2)
    if estimates is not None:
        weights = [max(len(s.draft), 1) for s in report.segments]
        doc = sum(e * w for e, w in zip(estimates, weights)) / sum(weights) if weights else 0.0
        out["estimate"] = {"score": round(doc, 2), "note": ESTIMATE_NOTE}
    return out


def _estimates(report, untranslated) -> list[float]:
    """Per-segment estimate, 0-100 (see the module docs)."""
    segs, stats = report.segments, report.stats
    with_source = report.pairing != "none"
    doc_ratio = 1.0
    if with_source:
        doc_ratio = (sum(len(s.draft) for s in segs) + 10) / (sum(len(s.source or "") for s in segs) + 10)
    out = []
    for seg, st in zip(segs, stats):
        if seg.number in untranslated or not seg.draft.strip():
            out.append(0.0)
            continue
        if with_source:
            terms = st.terms_correct / st.terms_expected if st.terms_expected else 1.0
            numbers = st.quantities_matched / st.quantities_expected if st.quantities_expected else 1.0
            ratio = (len(seg.draft) + 10) / (len(seg.source or "") + 10)
            length = math.exp(-math.log(ratio / doc_ratio) ** 2 / (2 * LENGTH_SIGMA ** 2))
        else:
            bad = st.terms_deprecated + st.terms_untranslated + st.garbled
            good = st.terms_seen - st.terms_deprecated
            terms = good / (good + bad) if good + bad else 1.0
            numbers = length = 1.0
        out.append(100.0 * terms * numbers * length)
    return out


def _pct(value) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def format_text(result: dict) -> str:
    """The human-readable form of a :func:`score` result."""
    lines = []
    for name, label in (("bleu", "BLEU"), ("chrf", "chrF2"), ("chrf++", "chrF++"), ("ter", "TER")):
        if name in result:
            lines.append(f"{label:<8}{result[name]:6.2f}   {result['signatures'][name]}")
    if "term_accuracy" in result:
        t, q = result["terms"], result["quantities"]
        lines.append(f"terminology accuracy  {_pct(result['term_accuracy'])} "
                     f"({t['correct']} of {t['expected']} source term occurrences)")
        lines.append(f"numbers and dates     {_pct(q['consistency'])} ({q['matched']} of {q['expected']} found)")
    if "terms" in result:
        t = result["terms"]
        lines.append(f"deprecated terms      {_pct(t['deprecated_rate'])} ({t['deprecated']} of {t['seen']} "
                     f"term occurrences); {t['untranslated']} left untranslated, {t['garbled']} garbled")
    if "estimate" in result:
        lines.append(f"estimate  {result['estimate']['score']:.1f}/100   ({result['estimate']['note']})")
    lines.append(f"text normalised first: {result['normalisation']}; {result['lines']} lines")
    for row in result.get("segments", []):
        cells = [f"{k}={v}" for k, v in row.items() if k != "line" and v is not None]
        lines.append(f"  line {row['line']}: " + "  ".join(cells))
    return "\n".join(lines)
