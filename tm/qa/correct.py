"""Automatic post-editing of a draft translation with the glossary, with a change log.

Rules (stable names, see :data:`RULES`), each edit with a confidence in 0..1:

- ``term-deprecated``: a deprecated form -> the entry's closest correct form
  (``Hội đồng Quản trị`` -> ``Chính vụ viện``, ``Nam Triều Tiên`` -> ``Hàn Quốc``);
  a place or person named inside the deprecated form and not in the replacement
  is kept after it.
- ``term-untranslated``: a source-language form (``Nong Duc Manh``) or a
  target form written without its diacritics (``Truong Tan Sang``) -> the
  target form.
- ``term-garbled``: a span that garbles a term (:mod:`tm.qa.garbled`) -> the term
  (a place or person name the span wraps around is kept after it).
- ``term-source`` (with a source): a source term whose target form is missing
  from the draft segment -> the draft span that renders it is replaced.
- ``entity-confusion``: a form of an entity the glossary records as confused
  with another (``Hàn Quốc`` for the DPRK): applied when the source says so,
  or without a source when the document names the other entity at least three
  times as often, at least three times, and the suspect form at most twice
  and never within four words of a mention of the other entity; otherwise a suggestion
  (when the other entity is the more frequent one) or nothing.
- conventions (Vietnamese drafts, :mod:`tm.qa.conventions`): ``currency-usd``,
  ``month-digits``, ``day-range``, ``date-zero``, ``tone-style``.
- ``number-mismatch`` (with a source): a number that differs from the source;
  a suggestion unless ``fix_numbers`` and the fix is clear (one number off in
  the segment, one candidate in the source, no unit or scale word after either:
  ``8 inches`` may rightly be ``20 cm``).

Safety: only edited spans change; an edit never crosses a line; edits below
``min_confidence`` are returned as suggestions and not applied; correcting the
output again changes nothing.

Example::

    from glossary.tsv import load_bundled
    result = correct(open("mt.vi.txt").read(), load_bundled())
    result.text, [e.to_dict() for e in result.edits]
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.normalize import canonical_tones, fold, has_vietnamese_diacritics, key, match_key
from corpus.reader import line_of, line_starts
from corpus.segment import TOKEN
from corpus.spans import Spans, overlaps as _overlaps
from tm.qa import conventions
from tm.qa.check import _deprecation_reason
from tm.qa.garbled import finder_for
from tm.qa.termspans import whole_word_matches

__all__ = ["RULES", "Edit", "Correction", "Corrector", "correct", "DEFAULT_MIN_CONFIDENCE"]

DEFAULT_MIN_CONFIDENCE = 0.7

RULES = {
    "term-deprecated": "a deprecated or wrong variant replaced by the glossary's form",
    "term-untranslated": "a source-language form or a form without diacritics replaced by the target form",
    "term-garbled": "a garbled multi-word term (reordered, split, mixed with debris) replaced by the term",
    "term-source": "a source term missing from the draft segment: the span that renders it replaced",
    "entity-confusion": "an entity the machine translation confused with another, replaced in context",
    "currency-usd": "'$' amounts written with USD after the number",
    "month-digits": "month names written in digits",
    "day-range": "day ranges written 'từ ngày … đến ngày …'",
    "date-zero": "no leading zero in days and months",
    "tone-style": "one tone-mark style for the whole document",
    "number-mismatch": "a number that differs from the source",
}
# Term rules win over each other in this order when their spans overlap.
_PRIORITY = {"term-deprecated": 0, "term-untranslated": 1, "term-garbled": 2, "entity-confusion": 3,
             "term-source": 4, "number-mismatch": 5}
_TOKEN = TOKEN
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|^\W*)$")
_SPACES = re.compile(r"\s+")
_ACRONYM = re.compile(r"[A-Z0-9]{2,6}\Z")
# Entity confusions: how much more often the document must name the right entity.
_CONFUSION_RATIO = 3
_CONFUSION_MIN = 3
_CONFUSION_MAX_SUSPECT = 2
_NEAR_WORDS = 4  # "beside": at most this many words between the two mentions
# A source whose segment lacks the term (it may be worded otherwise) lowers a term edit's confidence.
_NO_SOURCE_SUPPORT = 0.9


@dataclass
class Edit:
    """One change (or suggestion) of the correction log.

    Parameters:
        segment: 1-based segment number (see :func:`tm.qa.pairing.pair`).
        start, end: character offsets of *before* in that segment as given.
        before, after: the text replaced and its replacement.
        rule: the rule's name (:data:`RULES`).
        confidence: 0..1.
        message: why, for a human.
        line: 1-based line of the draft where it applies.
        offset: character offset in the whole draft.
        applied: False for a suggestion.
    """

    segment: int
    start: int
    end: int
    before: str
    after: str
    rule: str
    confidence: float
    message: str = ""
    line: int = 0
    offset: int = 0
    applied: bool = True

    def to_dict(self) -> dict:
        return {"segment": self.segment, "start": self.start, "end": self.end, "before": self.before,
                "after": self.after, "rule": self.rule, "confidence": round(self.confidence, 3),
                "line": self.line, "message": self.message}


@dataclass
class Correction:
    """The corrected text, the edits applied and the suggestions left to a human."""

    text: str
    edits: list[Edit] = field(default_factory=list)
    suggestions: list[Edit] = field(default_factory=list)
    style: str | None = None
    pairing: str = "none"

    def to_dict(self) -> dict:
        return {"text": self.text, "edits": [e.to_dict() for e in self.edits],
                "suggestions": [e.to_dict() for e in self.suggestions],
                "tone_style": self.style, "pairing": self.pairing}

    def diff(self, original: str, *, style=None) -> str:
        """A word diff of the changed lines: ``[-before-]{+after+}`` with rule and confidence.

        Parameters:
            original: the draft this correction was made from.
            style: optional ``(text, kind) -> str`` to colour pieces (kind ``del``, ``ins``, ``note``).
        """
        paint = style or (lambda text, kind: text)
        by_line: dict[int, list[Edit]] = {}
        for e in self.edits:
            by_line.setdefault(e.line, []).append(e)
        starts = line_starts(original)
        out = []
        for number in sorted(by_line):
            edits = sorted(by_line[number], key=lambda e: e.offset)
            base = starts[number - 1]
            line_end = original.find("\n", base)
            line = original[base:] if line_end < 0 else original[base:line_end]
            pos, parts = 0, []
            for e in edits:
                s = e.offset - base
                parts.append(line[pos:s])
                parts.append(paint(f"[-{e.before}-]", "del") + paint(f"{{+{e.after}+}}", "ins"))
                pos = s + len(e.before)
            parts.append(line[pos:])
            out.append(f"line {number}: " + "".join(parts))
            for e in edits:
                out.append(paint(f"    {e.rule} ({e.confidence:.2f}): {e.before!r} -> {e.after!r}", "note"))
        return "\n".join(out)


@dataclass
class _Cand:
    start: int
    end: int
    after: str
    rule: str
    confidence: float
    message: str
    entry_id: str | None = None


def _tokens(text: str, folded=False) -> list[str]:
    return _TOKEN.findall(key(text, folded=folded).text)


def _dice(a: str, b: str) -> float:
    x, y = Counter(_tokens(a, True)), Counter(_tokens(b, True))
    total = sum(x.values()) + sum(y.values())
    return 2 * sum((x & y).values()) / total if total else 0.0


class Corrector:
    """Corrects drafts with one glossary.

    Parameters:
        entries: :class:`glossary.model.Entry` objects (ignored when *matcher* is given).
        matcher: a ready :class:`glossary.matcher.Matcher`.
        projector: a :class:`tm.qa.projection.Projector` (with the memory's lexicon and word
            units); one with the glossary's lexicon alone when None.
        memory: English sentences of the memory (:func:`tm.qa.pseudo.memory_sentences`): without a
            source, the best-matching ones serve as a pseudo-source for term projection.
    """

    def __init__(self, entries=None, *, matcher=None, projector=None, memory=None):
        if matcher is None:
            from glossary.matcher import Matcher

            matcher = Matcher(list(entries or []))
        self.matcher = matcher
        self._projector = projector
        self.memory = memory
        self.by_id = {e.id: e for e in matcher.entries}
        self._confusers: dict[str, list] = {}
        self._named_months = conventions.named_months(f for e in matcher.entries for f, _ in e.forms("vi"))
        for e in matcher.entries:
            for other in e.confused_with:
                self._confusers.setdefault(other, []).append(e)

    # -- the document -----------------------------------------------------------------------

    def correct(self, draft: str, source: str | None = None, *, lang: str | None = None,
                source_lang: str | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                tone_style: str = "auto", fix_numbers: bool = False, names=("draft", "source")) -> Correction:
        """Correct *draft* (the whole text).

        Parameters:
            draft: the draft translation.
            source: its source text, or None.
            lang, source_lang: ``vi`` or ``en``; detected when None (the draft defaults to vi).
            min_confidence: edits scored below this are suggestions only.
            tone_style: ``auto`` (the draft's majority, ties to traditional), ``traditional``
                or ``modern``; Vietnamese drafts only.
            fix_numbers: apply ``number-mismatch`` edits that have a single clear fix.
            names: the draft's and the source's file names, for errors (a source that does not
                correspond to the draft is refused, see :func:`tm.qa.pairing.pair`).
        """
        from tm.qa.pairing import pair

        from tm.qa.pairing import resolve_languages

        lang, source_lang = resolve_languages(draft, None, source_lang, draft_lang=lang, default="vi")
        style = None
        if lang == "vi":
            style = conventions.document_style(draft) if tone_style == "auto" else tone_style
            if style not in conventions.STYLES:
                raise ValueError(f"tone_style must be auto, traditional or modern, not {tone_style!r}")
        pairing = pair(draft, source, draft_lang=lang, source_lang=source_lang, matcher=self.matcher,
                       names=names)
        pieces = list(_pieces(draft, pairing.segments))
        doc = _DocContext(self, draft, pieces, lang, source_lang, style)
        doc.min_confidence = min_confidence
        if source is None and self.memory and lang == "vi":
            from tm.qa.pseudo import pseudo_sources

            doc.pseudo = pseudo_sources([p[3] for p in pieces], self.memory, self.matcher,
                                        projector=self.projector)
        applied, suggested = [], []
        starts = line_starts(draft)
        for n_piece, (seg, seg_off, abs_off, text) in enumerate(pieces):
            doc.piece = n_piece
            cands = self._piece(doc, text, seg.source if seg.source else None, fix_numbers)
            chosen, rest = _resolve(cands, min_confidence)
            line = line_of(starts, abs_off)
            for c, bucket in [(c, applied) for c in chosen] + [(c, suggested) for c in rest]:
                bucket.append(Edit(seg.number, seg_off + c.start, seg_off + c.end, text[c.start:c.end],
                                   c.after, c.rule, c.confidence, c.message, line, abs_off + c.start,
                                   bucket is applied))
        out, pos = [], 0
        for e in sorted(applied, key=lambda e: e.offset):
            out.append(draft[pos:e.offset])
            out.append(e.after)
            pos = e.offset + len(e.before)
        out.append(draft[pos:])
        return Correction("".join(out), sorted(applied, key=lambda e: e.offset),
                          sorted(suggested, key=lambda e: e.offset), style, pairing.method)

    # -- one line (or part of a line) -------------------------------------------------------

    def _piece(self, doc, text: str, source: str | None, fix_numbers: bool) -> list[_Cand]:
        lang = doc.lang
        matches = whole_word_matches(text, self.matcher.find(text, lang), self.projector.units, lang,
                                     self.matcher)
        good = [m for m in matches if m.status != "deprecated"]
        src_ids = None
        if source is not None:
            src_ids = Counter(m.entry.id for m in self.matcher.find(source, doc.source_lang))
        cands: list[_Cand] = []
        for m in matches:
            if m.status == "deprecated":
                cands.append(self._deprecated(doc, text, m, src_ids))
        cands += self._untranslated(doc, text, matches, src_ids)
        taken = Spans([(c.start, c.end) for c in cands] + [(m.start, m.end) for m in matches if m.status == "deprecated"])
        if lang == "vi":
            for g in finder_for(self.matcher, lang).find(text, matches, min_confidence=0.5):
                if _overlaps(g.start, g.end, taken) or self.projector.units.cuts(text, g.start, g.end, g.form):
                    continue  # a span that cuts a word in two would leave part of it behind
                conf = g.confidence
                if src_ids is not None:
                    conf = min(0.98, conf + 0.15) if src_ids[g.entry.id] else conf * _NO_SOURCE_SUPPORT
                after = " ".join((self._render(doc, g.form, text, g.start),) + g.kept)
                cands.append(_Cand(g.start, g.end, after, "term-garbled", conf,
                                   f"garbled {g.form!r}" + (f"; dropped {' '.join(g.extra)!r}" if g.extra else "")
                                   + (f"; was missing {' '.join(g.missing)!r}" if g.missing else "")
                                   + (f"; kept {g.kept[0]!r} after it" if g.kept else ""),
                                   g.entry.id))
                taken.append((g.start, g.end))
        cands += self._confusions(doc, text, good, src_ids, source)
        if src_ids is not None:
            cands += self._from_source(doc, text, source, matches, good, cands)
            cands += _numbers(text, source, lang, doc.source_lang, fix_numbers, [(m.start, m.end) for m in matches],
                              [(m.start, m.end) for m in self.matcher.find(source, doc.source_lang)])
        elif doc.pseudo and doc.pseudo[doc.piece]:
            cands += self._from_source(doc, text, doc.pseudo[doc.piece], matches, good, cands, pseudo=True)
        if lang == "vi":
            edited = [(c.start, c.end) for c in cands if c.rule != "number-mismatch"]
            terms = [(m.start, m.end) for m in good]
            for f in conventions.convention_fixes(text, style=doc.style, terms=terms, edited=edited,
                                                  named=self._named_months):
                cands.append(_Cand(f.start, f.end, f.after, f.rule, f.confidence, f.message))
        return [c for c in cands if c is not None and (text[c.start:c.end] != c.after or c.rule == "number-mismatch")]

    def _render(self, doc, form: str, text: str, start: int) -> str:
        """*form* in the document's tone style, capitalised at a sentence start."""
        out = canonical_tones(form, doc.style) if doc.style else form
        if out and _SENTENCE_START.search(text, max(0, start - 80), start) and out[0].islower():
            out = out[0].upper() + out[1:]
        return out

    def _best_form(self, doc, entry, written: str) -> str:
        """The entry's correct form closest to *written* (syllable overlap), then the one the
        document uses most, then the preferred one."""
        forms = [f for f, _ in entry.forms(doc.lang)]
        return max(forms, key=lambda f: (round(_dice(written, f), 6), doc.usage[entry.id][match_key(f)],
                                         -forms.index(f)))

    def _deprecated(self, doc, text, m, src_ids):
        after = self._render(doc, self._best_form(doc, m.entry, m.text), text, m.start)
        kept = []
        for inner in self.matcher.find(m.text, doc.lang, include_deprecated=False):
            rest = m.text[:inner.start] + " " + m.text[inner.end:]
            # A qualifier beside the garbled term (``… CHDCND Triều Tiên hội``), not part of its name.
            if inner.entry.id != m.entry.id and inner.entry.type in ("place", "person") \
                    and match_key(inner.text) not in match_key(after) and _dice(rest, after) >= 0.5:
                kept.append(inner.text)
        if kept:
            after = " ".join([after] + kept)
        conf = 0.95
        if src_ids is not None:
            conf = 0.98 if src_ids[m.entry.id] else conf * _NO_SOURCE_SUPPORT
        reason = _deprecation_reason(m.entry, doc.lang, m.form)
        return _Cand(m.start, m.end, after, "term-deprecated", conf,
                     f"deprecated form of {m.entry.preferred(doc.lang)!r}" + (f": {reason}" if reason else ""),
                     m.entry.id)

    def _untranslated(self, doc, text, matches, src_ids) -> list[_Cand]:
        lang, other = doc.lang, ("en" if doc.lang == "vi" else "vi")
        spans = Spans((m.start, m.end) for m in matches)
        out = []
        found = [(m, "source") for m in self.matcher.find(text, other, include_deprecated=False)]
        if lang == "vi" and has_vietnamese_diacritics(text):
            found += [(m, "folded") for m in self.matcher.find(text, "vi", folded=True, include_deprecated=False)
                      if not has_vietnamese_diacritics(m.text) and len(_tokens(m.form)) >= 2]
        for m, how in found:
            if _overlaps(m.start, m.end, spans):
                continue
            if match_key(m.text) in doc.target_keys(m.entry):
                continue
            if how == "source" and _ACRONYM.match(m.form) and m.text != m.form:
                continue  # "spa" is not the SPA
            if how == "folded" and not _same_case_shape(m.text, m.form):
                continue
            if _in_foreign_name(text, m.start, m.end):
                continue  # "Black Lab", "All Hands Volunteers": part of a name in another language
            if how == "source":
                single = len(_tokens(m.form)) == 1
                conf = 0.7 if single and m.text.islower() else 0.9
            else:
                conf = 0.9
            if src_ids is not None:
                conf = min(0.98, conf + 0.08) if src_ids[m.entry.id] else conf * _NO_SOURCE_SUPPORT
            form = self._best_form(doc, m.entry, fold(m.text)) if how == "folded" else \
                self._best_form(doc, m.entry, m.text)
            spans.append((m.start, m.end))
            what = "without diacritics" if how == "folded" else "in the source language"
            out.append(_Cand(m.start, m.end, self._render(doc, form, text, m.start), "term-untranslated", conf,
                             f"{m.entry.preferred(lang)!r} written {what}", m.entry.id))
        return out

    def _confusions(self, doc, text, good, src_ids, source) -> list[_Cand]:
        out = []
        in_order = sorted(good, key=lambda o: o.start)
        starts = [o.start for o in in_order]
        for m in good:
            for right in self._confusers.get(m.entry.id, ()):
                if src_ids is not None:
                    if src_ids[m.entry.id] or not src_ids[right.id]:
                        continue
                    conf, why = 0.95, "the source names the other entity"
                else:
                    n_right, n_wrong = doc.mentions[right.id], doc.mentions[m.entry.id]
                    if n_right <= n_wrong:
                        continue  # nothing suggests a confusion
                    beside = any(o.entry.id == right.id and _near(text, m, o) for o in _around(in_order, starts, m))
                    supported = (n_right >= _CONFUSION_MIN and n_right >= _CONFUSION_RATIO * n_wrong
                                 and n_wrong <= _CONFUSION_MAX_SUSPECT and not beside)
                    conf = 0.85 if supported else 0.4
                    why = (f"the document names {right.preferred(doc.lang)!r} {_times(n_right)} and "
                           f"{m.entry.preferred(doc.lang)!r} {_times(n_wrong)}")
                form = max((f for f, _ in right.forms(doc.lang)),
                           key=lambda f: doc.usage[right.id][match_key(f)])
                out.append(_Cand(m.start, m.end, self._render(doc, form, text, m.start), "entity-confusion",
                                 conf, f"{m.text!r} is probably {right.preferred(doc.lang)!r}: {why}", right.id))
                break
        return out

    @property
    def projector(self):
        """The :class:`tm.qa.projection.Projector` in use."""
        if self._projector is None:
            from tm.qa.projection import Projector

            self._projector = Projector(self.matcher)
        return self._projector

    def _from_source(self, doc, text, source, matches, good, cands, *, pseudo=False) -> list[_Cand]:
        """Source terms with no target form in the segment: the span that renders them
        (:mod:`tm.qa.projection`), replaced by the entry's closest form; *pseudo*: *source* is
        English text of the memory, not the draft's source."""
        from tm.qa.termspans import project_missing, source_terms

        if doc.lang != "vi":
            return []
        sl = doc.source_lang or "en"
        src = [m for m in source_terms(self.matcher, source, sl,
                                       self.matcher.find(source, sl, include_deprecated=False))
               if not (m.form != m.form.lower() and m.text == m.text.lower())]
        sure = [c for c in cands if c.entry_id and c.confidence >= doc.min_confidence]
        edited = [(c.start, c.end) for c in sure]
        for c in sure:
            if c.entry_id:
                good = good + [_Rendered(self.by_id[c.entry_id], c.start, c.end, c.after)]
        out = []
        if not pseudo:  # a space lost or a letter misread (``BắcTriều Tiên``, ``Kim II- Sung``)
            have = Counter(m.entry.id for m in good)
            taken = [(m.start, m.end) for m in good] + [(c.start, c.end) for c in sure]
            for entry_id, n in Counter(m.entry.id for m in src).items():
                if have[entry_id] >= n:
                    continue
                best = _fuzzy_span(text, self.by_id[entry_id], doc.lang, taken)
                if best is not None and not self.projector.units.cuts(text, best[1], best[2], best[3]):
                    conf, start, end, form = best
                    taken.append((start, end))
                    out.append(_Cand(start, end, self._render(doc, form, text, start), "term-source", conf,
                                     f"the source has {self.by_id[entry_id].preferred(doc.source_lang)!r}; "
                                     f"this span is {form!r} misspelt", entry_id))
                    good = good + [_Rendered(self.by_id[entry_id], start, end, form)]
                    edited.append((start, end))
        located = project_missing(self.projector, source, text, src, good, matches, edited, pseudo=pseudo)
        for p in located:
            if self.projector.units.cuts(text, p.start, p.end):
                continue
            form = self._best_form(doc, p.entry, p.text)
            what = "a pseudo-source (English text of the memory)" if pseudo else "the source"
            out.append(_Cand(p.start, p.end, self._render(doc, form, text, p.start), "term-source",
                             p.confidence, f"{what} has {p.entry.preferred(sl)!r}; this span renders "
                             f"it: {p.describe()}", p.entry.id))
        return out


class _Rendered:
    """A term an earlier rule already puts in place (stands for a glossary match)."""

    def __init__(self, entry, start, end, text):
        self.entry, self.start, self.end, self.text = entry, start, end, text
        self.status = "preferred"


def _near(text: str, a, b) -> bool:
    """True when at most :data:`_NEAR_WORDS` words stand between matches *a* and *b*
    (``Triều Tiên và Hàn Quốc``: a contrast, not a confusion)."""
    import itertools

    words = _TOKEN.finditer(text, min(a.end, b.end), max(a.start, b.start, min(a.end, b.end)))
    return sum(1 for _ in itertools.islice(words, _NEAR_WORDS + 1)) <= _NEAR_WORDS  # stops early: linear


# Matches farther apart than this many characters are never within _NEAR_WORDS words.
_NEAR_CHARS = 400


def _around(matches, starts, m) -> list:
    """The *matches* (in text order, *starts* their starts) within :data:`_NEAR_CHARS` of *m*."""
    import bisect

    lo = bisect.bisect_left(starts, m.start - 2 * _NEAR_CHARS)
    hi = bisect.bisect_right(starts, m.end + _NEAR_CHARS)
    return [o for o in matches[lo:hi] if o.end >= m.start - _NEAR_CHARS]


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


_PREV_WORD = re.compile(r"([^\W\d_]+)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")


def _in_foreign_name(text: str, start: int, end: int) -> bool:
    """True when a capitalised word without Vietnamese letters stands right before or after."""
    prev = _PREV_WORD.search(text, max(0, start - 80), start)
    nxt = _NEXT_WORD.match(text, end)
    return any(m is not None and m.group(1)[0].isupper() and m.group(1).isascii() for m in (prev, nxt))


def _same_case_shape(text: str, form: str) -> bool:
    """Capitalised where the form is (``Truong Tan Sang`` for ``Trương Tấn Sang``)."""
    a, b = text.split(), form.split()
    return len(a) == len(b) and all(x[:1].isupper() == y[:1].isupper() for x, y in zip(a, b))


def _fuzzy_span(text, entry, lang, taken):
    """The token window of *text* most like one of *entry*'s forms: ``(conf, start, end, form)``.

    A window has as many words as the form or one more (or one fewer), shares all but one of its
    syllables or is the form with a space lost (``BắcTriều Tiên``), and is at least 85% alike
    character by character (``Kim II- Sung``)."""
    from rapidfuzz import fuzz

    k = key(text)
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(k.text)]
    best = None
    for form, _ in entry.forms(lang):
        fk = match_key(form)
        fsyl = Counter(_TOKEN.findall(fk))
        n = sum(fsyl.values())
        if n < 2:
            continue
        for size in (n - 1, n, n + 1):
            for i in range(0, len(toks) - size + 1):
                ks, ke = toks[i][0], toks[i + size - 1][1]
                start, end = k.span(ks, ke)
                if _overlaps(start, end, taken):
                    continue
                window = k.text[ks:ke]
                glued = _SPACES.sub("", window) == _SPACES.sub("", fk)
                if sum((Counter(_TOKEN.findall(window)) & fsyl).values()) < n - 1 and not glued:
                    continue
                if size < n and not glued:
                    continue  # a syllable short is a different wording (projection's case), not a misspelling
                wsyl = Counter(_TOKEN.findall(window))
                odd_w, odd_f = " ".join((wsyl - fsyl).elements()), " ".join((fsyl - wsyl).elements())
                if not glued and odd_w and fuzz.ratio(odd_w, odd_f) < 50:
                    continue  # another word (``chống lại`` for ``chống Mỹ``), not the same one misspelt
                ratio = fuzz.ratio(window, fk)
                if ratio >= 85 and (best is None or ratio > best[0]):
                    best = (ratio, start, end, form)
    if best is None:
        return None
    ratio, start, end, form = best
    return (round(0.3 + 0.5 * ratio / 100, 3), start, end, form)


def _numbers(text, source, lang, source_lang, fix_numbers, terms=(), source_terms=()) -> list[_Cand]:
    """Numbers of the draft that are not in the source (:func:`corpus.quantities.compare`, the
    rules ``check`` uses), each with the source's odd one out; *terms*, *source_terms*: spans of
    glossary terms in each text, whose numbers are the terms'."""
    from corpus.quantities import compare, extract, render_value

    cmp = compare(extract(source, source_lang), extract(text, lang), source_text=source, draft_text=text,
                  source_lang=source_lang, draft_lang=lang, source_terms=source_terms, draft_terms=terms)
    out = []
    for mis in cmp.mismatched:
        q, partner = mis.quantity, mis.partner
        fix = render_value(q, partner, lang) if partner else None
        if fix and lang == "vi":
            for f in reversed(conventions.currency_fixes(fix)):
                fix = fix[:f.start] + f.after + fix[f.end:]
        if fix == q.text:
            fix = None
        # A measurement may be converted (8 inches = 20 cm) and a scale word missed: never clear.
        clear = (fix is not None and mis.candidates == 1 and len(cmp.mismatched) == 1
                 and not (q.kind == "number" and (_UNIT_AFTER.match(text, q.end)
                                                  or _UNIT_AFTER.match(source, partner.end))))
        conf = 0.9 if fix_numbers and clear else 0.3
        msg = (f"{q.text!r} is not in the source" if not partner else
               f"{q.text!r} in the draft, {partner.text!r} in the source")
        out.append(_Cand(q.start, q.end, fix or q.text, "number-mismatch", conf, msg))
    return out


_UNIT_AFTER = re.compile(
    r"[\s-]*(?:cm|mm|km|m|kg|g|ha|mét|kilomet|kilômét|ki-lô-mét|ki-lô-gam|kilogam|gam|tấn|lít|độ|dặm|mẫu|°"
    r"|inch(?:es)?|feet|foot|ft|miles?|pounds?|lbs?|degrees?|gallons?|acres?|yards?|ounces?|meters?|metres?"
    r"|kilomet(?:er|re)s?|hundreds?|thousands?|millions?|billions?|nghìn|ngàn|trăm|triệu|tỷ|tỉ)(?!\w)",
    re.IGNORECASE)


def _resolve(cands: list[_Cand], min_confidence: float):
    """Non-overlapping edits to apply (by rule priority, then confidence) and suggestions."""
    order = sorted(cands, key=lambda c: (c.confidence < min_confidence, _PRIORITY.get(c.rule, 9),
                                         -c.confidence, c.start))
    chosen, rest = [], []
    chosen_spans, rest_spans = Spans(), Spans()
    for c in order:
        applied = c.confidence >= min_confidence
        # A number that disagrees with the source is reported even where another edit applies.
        if _overlaps(c.start, c.end, rest_spans) or (
                (applied or c.rule != "number-mismatch") and _overlaps(c.start, c.end, chosen_spans)):
            continue
        (chosen if applied else rest).append(c)
        (chosen_spans if applied else rest_spans).add(c.start, c.end)
    return sorted(chosen, key=lambda c: c.start), sorted(rest, key=lambda c: c.start)


class _DocContext:
    """What the rules need to know about the whole draft."""

    def __init__(self, corrector, draft, pieces, lang, source_lang, style):
        self.lang, self.source_lang, self.style = lang, source_lang, style
        self.pseudo, self.piece = None, 0
        self.min_confidence = DEFAULT_MIN_CONFIDENCE
        self.mentions: Counter = Counter()
        self.usage: dict[str, Counter] = {}
        self._keys: dict[str, set] = {}
        for entry in corrector.matcher.entries:
            self.usage[entry.id] = Counter()
        for _seg, _so, _ao, text in pieces:
            for m in corrector.matcher.find(text, lang):
                self.mentions[m.entry.id] += 1
                if m.status != "deprecated":
                    self.usage[m.entry.id][match_key(m.text)] += 1
                else:
                    best = max((f for f, _ in m.entry.forms(lang)), key=lambda f: _dice(m.text, f))
                    self.usage[m.entry.id][match_key(best)] += 1

    def target_keys(self, entry) -> set:
        if entry.id not in self._keys:
            self._keys[entry.id] = {match_key(f) for f, _ in entry.forms(self.lang)}
        return self._keys[entry.id]


def _pieces(draft: str, segments):
    """``(segment, offset in segment, offset in draft, text)`` for each line-part of each segment."""
    cursor = 0
    for seg in segments:
        if not seg.draft:
            continue
        seg_off = 0
        for part in seg.draft.split("\n"):
            pos = draft.find(part, cursor) if part else -1
            if pos >= 0:
                yield seg, seg_off, pos, part
                cursor = pos + len(part)
            seg_off += len(part) + 1


def correct(draft: str, entries, source: str | None = None, **options) -> Correction:
    """Correct *draft* with the glossary *entries* (see :meth:`Corrector.correct` for options)."""
    return Corrector(entries).correct(draft, source, **options)
