"""Quality checks of a draft translation, with or without its source.

Each finding names its check (a stable name, see :data:`CHECKS`), a severity,
the 1-based segment, the span in the draft segment as given, a suggestion (or
None) and a message. Terms are matched on normalised keys (``hoà`` = ``hòa``),
quantities compared by value across the Vietnamese and English conventions.

Example::

    from tm.qa.check import Checker
    report = Checker(entries).check(draft_text, source_text)
    report.exit_code   # 0 clean, 1 when there is an error-severity finding
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from corpus.errors import InputError
from corpus.segment import TOKEN, WORD
from corpus.spans import Spans, overlaps as _overlaps
from corpus.normalize import (MODERN, TRADITIONAL, canonical_tones, has_vietnamese_diacritics, key, match_key,
                              tone_style)
from glossary.matcher import paused_gc
from tm.qa.garbled import MIN_SYLLABLES, find_garbled, finder_for
from tm.qa.pairing import Pairing, Segment, pair, resolve_languages
from tm.qa.termspans import project_missing, rendered_elsewhere, source_terms, whole_word_matches

__all__ = ["CHECKS", "SEVERITIES", "Finding", "SegmentStats", "Report", "Checker",
           "resolve_languages"]

SEVERITIES = ("error", "warning", "info")

CHECKS = {
    "term-missing": "a glossary term of the source has no preferred or admitted form in the draft",
    "term-mistranslated": "the draft span that renders a source term differs from the glossary's forms",
    "term-deprecated": "a deprecated or wrong variant of a glossary term is used",
    "term-untranslated": "a term stands in the draft in its source-language form",
    "garbled-term": "a span looks like a glossary term with syllables missing, extra or reordered",
    "number-mismatch": "a number differs from the source",
    "date-mismatch": "a date differs from the source",
    "currency-mismatch": "an amount of money differs from the source",
    "inconsistent": "the same source segment or term is translated two ways in the document",
    "untranslated": "a draft segment is identical to its source or in the source language",
    "omitted": "a source sentence has no translation in the draft",
    "term-confused": "a term the glossary says is often put in place of another the document is about",
    "mixed-tone-style": "old (hòa) and new (hoà) tone-mark placement mixed in one document",
}

_WORD = WORD
# A segment needs this many words before its language is judged on its own.
_LANGID_MIN_WORDS = 5
# Identical source and draft of fewer words may be a name or a code ("Kim Yong-nam.", "OK").
_IDENTICAL_MIN_WORDS = 3
# Offices and phrases are worded by context ("President" of the US is "Tổng thống",
# "aid" may be "hỗ trợ"): their absence is a warning, a missing name an error.
_CONTEXTUAL_TYPES = {"office", "phrase"}
_QUANTITY_CHECK = {"date": "date-mismatch", "currency": "currency-mismatch"}
_SYLLABLE = TOKEN
_DIGIT = re.compile(r"\d")
# A located rendering of a source term is reported at its span from this confidence on.
MIN_LOCATED = 0.4
# A garbled span holds at least this many syllables of the form it garbles (see tm.qa.garbled).
_GARBLE_MIN_HITS = 3


@dataclass
class Finding:
    """One problem found in the draft (see the module docs)."""

    check: str
    severity: str
    segment: int
    start: int
    end: int
    text: str
    suggestion: str | None
    message: str
    source_span: tuple[int, int] | None = None  # where it applies in the source segment

    def to_dict(self) -> dict:
        return {"check": self.check, "severity": self.severity, "segment": self.segment,
                "span": {"start": self.start, "end": self.end, "text": self.text},
                "suggestion": self.suggestion, "message": self.message}


@dataclass
class SegmentStats:
    """Counts behind the findings of one segment (used by :mod:`tm.qa.score`)."""

    terms_expected: int = 0     # term occurrences in the source
    terms_correct: int = 0      # ... rendered by a preferred or admitted form (WMT21 exact match)
    terms_seen: int = 0         # target-language term occurrences in the draft
    terms_deprecated: int = 0
    terms_untranslated: int = 0
    garbled: int = 0
    quantities_expected: int = 0
    quantities_matched: int = 0


@dataclass
class Report:
    """The findings of one check run, with the segments they refer to."""

    segments: list[Segment]
    findings: list[Finding]
    stats: list[SegmentStats]
    pairing: str
    draft_lang: str
    source_lang: str
    warnings: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 without error-severity findings, 1 with."""
        return 1 if self.has_errors else 0

    def summary(self) -> dict:
        by_sev = Counter(f.severity for f in self.findings)
        return {
            "segments": len(self.segments),
            "segments_with_errors": len({f.segment for f in self.findings if f.severity == "error"}),
            "findings": len(self.findings),
            **{s: by_sev.get(s, 0) for s in SEVERITIES},
            "by_check": dict(sorted(Counter(f.check for f in self.findings).items())),
            "pairing": self.pairing,
            "source_lang": self.source_lang,
            "draft_lang": self.draft_lang,
            "warnings": list(self.warnings),
        }

    def to_dict(self) -> dict:
        findings = [f.to_dict() for f in self.findings]
        for f, d in zip(self.findings, findings):
            if self.segments[f.segment - 1].unit is not None:
                d["unit"] = self.segments[f.segment - 1].unit
        return {"findings": findings, "summary": self.summary()}

    def to_text(self, name: str = "draft") -> str:
        """Human-readable report: one line per finding, then a summary line."""
        lines = []
        for f in self.findings:
            seg = self.segments[f.segment - 1]
            where = f"{name}:{seg.draft_line}" if seg.draft_line else f"{name}:seg {f.segment}"
            if seg.unit is not None:
                where += f" unit {seg.unit}"
            text = f" «{f.text}»" if f.text and f.end - f.start < len(seg.draft) else ""
            sugg = f" → «{f.suggestion}»" if f.suggestion else ""
            lines.append(f"{where} [{f.segment}:{f.start}-{f.end}] {f.severity} {f.check}:{text}{sugg}"
                         f" {f.message}")
        s = self.summary()
        langs = (self.draft_lang if self.pairing == "none" else f"{self.source_lang} -> {self.draft_lang}")
        how = {"lines": "paired line by line", "sentences": "paired by sentence alignment",
               "none": "no source"}[self.pairing]
        lines.append(f"{s['segments']} segments ({how}, {langs}): "
                     f"{s['error']} errors, {s['warning']} warnings, {s['info']} info")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _terms(matches) -> list:
    """Glossary *matches* without acronyms matched in lower case (``us`` is not ``US``)."""
    return [m for m in matches if not (len(m.form) <= 6 and m.form.isupper() and not m.text.isupper())]


class _Found:
    """The glossary matches of a document's segments, found in one pass a language
    (:meth:`glossary.matcher.Matcher.find_many`): drafts in both languages, sources in theirs."""

    def __init__(self, matcher, segments, dl: str, sl: str):
        self.matcher, self.found = matcher, {}
        drafts = [s.draft for s in segments if s.draft]
        sources = [s.source for s in segments if s.source]
        for texts, lang in ((drafts, dl), (drafts, sl), (sources, sl)):
            for text, matches in zip(texts, matcher.find_many(texts, lang)):
                self.found[text, lang] = matches

    def __call__(self, text: str, lang: str) -> list:
        """:func:`_terms` of *text* in *lang*."""
        found = self.found.get((text, lang))
        return _terms(self.matcher.find(text, lang) if found is None else found)


def _generic_use(m) -> bool:
    """A capitalised term written all in lower case: ``government`` is not ``the Government``."""
    return m.form != m.form.lower() and m.text == m.text.lower()


def _target_keys(entry, lang: str) -> set[str]:
    return {match_key(form) for form, _ in entry.forms(lang)}


def _outside(matches, quantities) -> list:
    """*matches* not inside an amount of money: the ``US`` of ``US$10.7 million`` is no term."""
    money = Spans((q.start, q.end) for q in quantities if q.kind == "currency")
    return [m for m in matches if not _overlaps(m.start, m.end, money)] if money else matches


@lru_cache(maxsize=65536)
def _form_syllables(form: str) -> tuple:
    """``(syllable, count)`` of a glossary form, empty when it is too short to be garbled."""
    need = Counter(_SYLLABLE.findall(match_key(form)))
    return tuple(need.items()) if sum(need.values()) >= MIN_SYLLABLES else ()


def _may_garble(form: str, sylls: Counter) -> bool:
    """Whether enough syllables of *form* occur in a text (syllable counts *sylls*) to garble it."""
    return sum(min(n, sylls[s]) for s, n in _form_syllables(form)) >= _GARBLE_MIN_HITS


def _foreign_place_names(text: str, dl: str, sl: str, good) -> list:
    """Admitted Vietnamese forms of a place that are its English name (``Pyongyang``).

    Vietnamese has its own names for foreign places (``Bình Nhưỡng``): the
    English one left in a Vietnamese text is worth a warning even when the
    glossary admits it. Romanised personal names (``Kim Yong-nam``) are not.
    """
    if dl != "vi" or not text:
        return []
    out = []
    for m in good:
        if m.status != "admitted" or m.entry.type != "place" or has_vietnamese_diacritics(m.text):
            continue
        if match_key(m.text) in _target_keys(m.entry, sl) and not _glossed(text, m, good):
            out.append(m)
    return out


class Checker:
    """Runs every check of a draft against one glossary.

    Parameters:
        entries: glossary entries (:class:`glossary.model.Entry`).
        matcher: a ready :class:`glossary.matcher.Matcher` over *entries* (built when None).
    """

    def __init__(self, entries=None, *, matcher=None, projector=None):
        if matcher is None:
            from glossary.matcher import Matcher

            matcher = Matcher(list(entries or []))
        self.matcher = matcher
        self._by_id = None
        self._projector = projector

    def check(self, draft: str, source: str | None = None, *, src_lang: str | None = None,
              draft_name: str = "draft", source_name: str = "source") -> Report:
        """Check *draft* (the whole text), against *source* when given.

        Parameters:
            draft: the draft translation.
            source: the source text, or None for the checks that need no source.
            src_lang: ``"vi"`` or ``"en"``, the source language; detected when None.
            draft_name, source_name: file names for error messages.
        """
        for name, text in ((draft_name, draft), (source_name, source)):
            if text is not None and not text.strip():
                raise InputError(name, "no text to check (the file is empty)")
        with paused_gc():  # a collection would walk the glossary's indexes: seconds for a large one
            draft_lang, source_lang = resolve_languages(draft, source, src_lang)
            pairing = pair(draft, source, draft_lang=draft_lang, source_lang=source_lang,
                           matcher=self.matcher, names=(draft_name, source_name))
            return self.check_pairing(pairing, draft_lang, source_lang)

    def check_pairing(self, pairing: Pairing, draft_lang: str, source_lang: str) -> Report:
        """Check already paired segments (see :func:`tm.qa.pairing.pair`)."""
        with paused_gc():  # many small objects, no cycles: collections would only walk the glossary
            findings, stats, renderings, terms = [], [], [], []
            text_keys = [(key(s.source), key(s.draft)) if s.source else (None, None) for s in pairing.segments]
            keys = [(src.text.strip(), dft.text.strip()) if src is not None else None for src, dft in text_keys]
            found = _Found(self.matcher, pairing.segments, draft_lang, source_lang)
            for seg, seg_keys, seg_text_keys in zip(pairing.segments, keys, text_keys):
                seg_findings, seg_stats, seg_renderings, seg_terms = self._segment(
                    seg, draft_lang, source_lang, found, seg_keys, seg_text_keys)
                findings += seg_findings
                stats.append(seg_stats)
                renderings += seg_renderings
                terms += [(seg.number, m) for m in seg_terms]
            findings += _inconsistent_segments(pairing.segments, keys)
            findings += _inconsistent_terms(renderings)
            if pairing.method == "none":
                findings += _confused_terms(terms, draft_lang)
            if draft_lang == "vi":
                findings += _mixed_tone_style(pairing.segments)
            findings.sort(key=lambda f: (f.segment, f.start, f.end, f.check))
            return Report(pairing.segments, findings, stats, pairing.method, draft_lang, source_lang,
                          list(pairing.warnings))

    # -- one segment ---------------------------------------------------------------------------

    def _segment(self, seg: Segment, dl: str, sl: str, terms, keys=None, text_keys=(None, None)):
        """Findings, stats, term renderings and draft term matches of one segment; *terms*:
        a :class:`_Found`; *keys*: the match keys ``(source, draft)`` of a segment with a source,
        *text_keys* their :func:`corpus.normalize.key`."""
        from corpus.quantities import extract

        stats = SegmentStats()
        out: list[Finding] = []
        text = seg.draft
        if seg.source and not text.strip():
            out.append(Finding("omitted", "warning", seg.number, 0, 0, "", None,
                               f"no translation of the source sentence: {_clip(seg.source)}"))
        src_q = extract(seg.source, sl, text_key=text_keys[0]) if seg.source else []
        # A spelled number ("hai") is only compared when the source has quantities.
        dft_q = extract(text, dl, text_key=text_keys[1]) if text and (src_q or _DIGIT.search(text)) else []
        draft_matches = whole_word_matches(text, _outside(terms(text, dl), dft_q), self.projector.units, dl,
                                           self.matcher) \
            if text else []
        good = [m for m in draft_matches if m.status != "deprecated"]
        taken = Spans((m.start, m.end) for m in draft_matches)
        stats.terms_seen = len(draft_matches)
        rendered = Counter(m.entry.id for m in good)

        for m in draft_matches:
            if m.status == "deprecated":
                stats.terms_deprecated += 1
                rendered[m.entry.id] += 1
                preferred = m.entry.preferred(dl)
                reason = _deprecation_reason(m.entry, dl, m.form)
                out.append(Finding("term-deprecated", "error", seg.number, m.start, m.end, m.text,
                                   preferred, f"deprecated form of “{preferred}”" +
                                   (f" ({reason})" if reason else "")))
        for m in self._foreign(text, dl, sl, good, dft_q, terms):
            stats.terms_untranslated += 1
            rendered[m.entry.id] += 1
            taken.append((m.start, m.end))
            preferred = m.entry.preferred(dl)
            out.append(Finding("term-untranslated", "error", seg.number, m.start, m.end, m.text,
                               preferred, f"{_LANG_NAME[sl]} form of “{preferred}” left in the "
                               f"{_LANG_NAME[dl]} text"))
        for m in _foreign_place_names(text, dl, sl, good):
            stats.terms_untranslated += 1
            preferred = m.entry.preferred(dl)
            out.append(Finding("term-untranslated", "warning", seg.number, m.start, m.end, m.text,
                               preferred, f"{_LANG_NAME[sl]} name of “{preferred}”: the glossary admits "
                               f"it, but {_LANG_NAME[dl]} texts should write “{preferred}”"))
        renderings = []
        if seg.source:
            src_matches = [m for m in _outside(source_terms(self.matcher, seg.source, sl, terms(seg.source, sl)),
                                               src_q) if not _generic_use(m)]
            expected = Counter(m.entry.id for m in src_matches)
            if text:
                garbled = [g for g in self._garbled_expected(text, text_keys[1], draft_matches, expected,
                                                             rendered, dl)
                           if not self.projector.units.cuts(text, g.start, g.end, g.form)]
                out += self._garbled(seg, garbled, taken, rendered, stats, dl)
            out += self._missing_terms(seg, src_matches, good, rendered, dl, stats, draft_matches, taken)
            renderings = _renderings(seg, src_matches, good)
            out += _quantities(seg, sl, dl, stats, src_q, dft_q, [(m.start, m.end) for m in src_matches],
                               [(m.start, m.end) for m in draft_matches])
            out += _untranslated_segment(seg, sl, keys)
        elif text:
            out += self._garbled(seg, find_garbled(text, self.matcher, dl, matches=draft_matches),
                                 taken, rendered, stats, dl)
            out += _foreign_segment(seg, sl, dl)
        return out, stats, renderings, draft_matches

    def _garbled_expected(self, text, text_key, draft_matches, expected, rendered, dl) -> list:
        """Garbled spans of the source's terms that the draft does not render often enough.

        The finder is asked only about entries with a form of which enough syllables
        occur in *text* (its :func:`corpus.normalize.key` *text_key*): every garbled span holds
        at least three.
        """
        sylls, ask = None, []
        for eid, n in expected.items():
            if rendered[eid] >= n:
                continue
            forms = [form for form, _ in self._entry(eid).forms(dl) if _form_syllables(form)]
            if not forms:
                continue
            sylls = sylls or Counter(_SYLLABLE.findall(text_key.text))
            if any(_may_garble(form, sylls) for form in forms):
                ask.append(eid)
        if not ask:
            return []
        found = finder_for(self.matcher, dl).find_each(text, ask, draft_matches, text_key=text_key)
        return sorted((g for eid in ask for g in found.get(eid, ())), key=lambda g: g.start)

    def _entry(self, eid: str):
        if self._by_id is None:
            self._by_id = {e.id: e for e in self.matcher.entries}
        return self._by_id[eid]

    @staticmethod
    def _garbled(seg, garbled, taken, rendered, stats, dl) -> list[Finding]:
        out = []
        for g in garbled:
            if _overlaps(g.start, g.end, taken):
                continue
            taken.append((g.start, g.end))
            stats.garbled += 1
            rendered[g.entry.id] += 1
            preferred = g.entry.preferred(dl)
            out.append(Finding("garbled-term", "error", seg.number, g.start, g.end, g.text, preferred,
                               f"looks like a garbled “{preferred}”" + _garble_detail(g)))
        return out

    def _foreign(self, text: str, dl: str, sl: str, good, quantities, terms) -> list:
        """Source-language term forms in the draft that are not also target forms
        (*quantities*: the draft's, whose amounts of money hold no term; *terms*: a :class:`_Found`)."""
        if not text:
            return []
        spans = Spans((m.start, m.end) for m in good)
        out = []
        for m in _outside(terms(text, sl), quantities):
            if _overlaps(m.start, m.end, spans) or match_key(m.text) in _target_keys(m.entry, dl):
                continue
            if _glossed(text, m, good):
                continue
            out.append(m)
        return out

    @property
    def projector(self):
        """The :class:`tm.qa.projection.Projector` (glossary lexicon only unless one was given)."""
        if self._projector is None:
            from tm.qa.projection import Projector

            self._projector = Projector(self.matcher)
        return self._projector

    def _missing_terms(self, seg, src_matches, good, rendered, dl, stats, draft_matches=(), taken=()) -> list[Finding]:
        out = []
        for eid in {m.entry.id for m in src_matches}:
            n = sum(1 for m in src_matches if m.entry.id == eid)
            if rendered[eid] < n:
                rendered[eid] += rendered_elsewhere(self._entry(eid), seg.draft, good, dl)
        located = {}
        if dl == "vi" and seg.draft:
            spans = {(g.start, g.end) for g in good}
            for p in project_missing(self.projector, seg.source, seg.draft, src_matches, good, draft_matches,
                                     [t for t in taken if t not in spans], have=rendered):
                if p.confidence >= MIN_LOCATED:
                    located.setdefault(p.entry.id, []).append(p)
        expected = Counter(m.entry.id for m in src_matches)
        correct = Counter(m.entry.id for m in good)
        stats.terms_expected = sum(expected.values())
        stats.terms_correct = sum(min(n, correct[e]) for e, n in expected.items())
        first = {}
        for m in src_matches:
            first.setdefault(m.entry.id, m)
        draft_ids = {m.entry.id for m in good}
        for eid, n in expected.items():
            missing = n - rendered[eid]
            m = first[eid]
            if missing > 0 and dl == "en" and m.entry.type == "place":
                missing -= _demonyms(m.entry, seg.draft, good)
            if missing <= 0:
                continue
            preferred = m.entry.preferred(dl)
            times = f" ({n} in the source, {n - missing} in the draft)" if n > 1 else ""
            start, end, msg, confused = 0, len(seg.draft), "", False
            for c in good:
                if c.entry.id in m.entry.confused_with and c.entry.id not in expected:
                    start, end, confused = c.start, c.end, True
                    msg = f"; “{c.text}” is “{c.entry.preferred('en')}”, often confused with it"
                    break
            if eid in draft_ids and not msg:
                msg = "; found fewer times than in the source"
            severity = "warning" if m.entry.type in _CONTEXTUAL_TYPES else "error"
            for p in ([] if confused else located.get(eid, [])[:missing]):
                missing -= 1
                p_start, p_end = p.report_start if p.report_start is not None else p.start, p.report_end or p.end
                out.append(Finding("term-mistranslated", severity, seg.number, p_start, p_end,
                                   seg.draft[p_start:p_end], p.form,
                                   f"“{m.text}” is rendered “{p.text}”: the glossary has “{p.form}” "
                                   f"({p.describe()}; confidence {p.confidence:.2f})", p.source_span))
            if missing <= 0:
                continue
            out.append(Finding("term-missing", severity, seg.number, start, end, seg.draft[start:end],
                               preferred, f"“{m.text}” should be translated “{preferred}”{times}{msg}",
                               (m.start, m.end)))
        return out


_LANG_NAME = {"vi": "Vietnamese", "en": "English"}


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"




def _deprecation_reason(entry, lang: str, form: str) -> str:
    key = match_key(form)
    for dep in entry.deprecated(lang):
        if match_key(dep.form) == key:
            return dep.reason
    return ""


def _garble_detail(g) -> str:
    parts = []
    if g.missing:
        parts.append("missing " + ", ".join(f"“{w}”" for w in g.missing))
    if g.extra:
        parts.append("extra " + ", ".join(f"“{w}”" for w in g.extra))
    return f" ({'; '.join(parts)})" if parts else " (syllables out of order)"


def _demonyms(entry, text: str, good) -> int:
    """English adjectives of a place in *text*: ``North Korean``, ``Chinese``, ``Vietnamese``."""
    spans = Spans((g.start, g.end) for g in good)
    found = set()
    for form, _ in entry.forms("en"):
        if len(form) < 4 or form.isupper():
            continue
        stem = form[:-1] if form[-1] in "aeiou" else form
        for hit in re.finditer(rf"(?<!\w){re.escape(stem)}[a-z]+(?!\w)", text, re.IGNORECASE):
            if not _overlaps(hit.start(), hit.end(), spans):
                found.add(hit.start())
    return len(found)


def _glossed(text: str, m, good) -> bool:
    """True for ``Bình Nhưỡng (Pyongyang)``: the original form in brackets after the term."""
    before = text[: m.start].rstrip()
    after = text[m.end:].lstrip()
    if not (before.endswith("(") and after.startswith(")")):
        return False
    head = before[:-1].rstrip()
    return any(g.entry.id == m.entry.id and g.end == len(head) for g in good)


def _renderings(seg, src_matches, good) -> list[tuple]:
    """``(entry id, source form key, draft match, segment)`` for terms rendered in this segment."""
    by_src, by_draft = defaultdict(list), defaultdict(list)
    for m in src_matches:
        by_src[m.entry.id].append(m)
    for m in good:
        by_draft[m.entry.id].append(m)
    return [(eid, match_key(s.text), d, seg.number)
            for eid, ms in by_src.items() for s, d in zip(ms, by_draft.get(eid, []))]


def _inconsistent_terms(renderings) -> list[Finding]:
    """The same source form of a term rendered by different target forms."""
    groups = defaultdict(list)
    for eid, src_key, m, seg in renderings:
        groups[(eid, src_key)].append((m, seg))
    out = []
    for (eid, src_key), items in groups.items():
        counts = Counter(match_key(m.text) for m, _ in items)
        if len(counts) < 2:
            continue
        major = counts.most_common(1)[0][0]
        major_text = next(m.text for m, _ in items if match_key(m.text) == major)
        for m, seg in items:
            if match_key(m.text) != major:
                out.append(Finding("inconsistent", "warning", seg, m.start, m.end, m.text, major_text,
                                   f"“{src_key}” is translated “{major_text}” elsewhere in the document "
                                   f"({counts[major]}×)"))
    return out


def _confused_terms(terms, lang) -> list[Finding]:
    """Without a source: ``Hàn Quốc`` (South Korea) in a document about the DPRK.

    *terms* are ``(segment number, match)`` of the whole draft. An entry's
    occurrences are suspect when an entry that lists it in ``confused_with``
    occurs more often in the document (in any form, deprecated ones included).
    """
    counts = Counter(m.entry.id for _, m in terms)
    found = [(number, m) for number, m in terms if m.status != "deprecated"]
    victims = {}
    for _, m in found:
        for other in m.entry.confused_with:
            if counts[m.entry.id] > counts.get(other, 0):
                victims.setdefault(other, m.entry)
    out = []
    for number, m in found:
        intended = victims.get(m.entry.id)
        if intended is not None:
            suggestion = intended.preferred(lang)
            out.append(Finding("term-confused", "warning", number, m.start, m.end, m.text, suggestion,
                               f"“{m.text}” is “{m.entry.preferred('en')}”, but the document is about "
                               f"“{intended.preferred('en')}” ({counts[intended.id]} mentions): "
                               f"a mistranslation of “{suggestion}”?"))
    return out


def _inconsistent_segments(segments, keys) -> list[Finding]:
    """A repeated source segment translated differently from its first translation.

    *keys*: ``(source key, draft key)`` of each segment with a source, else None.
    """
    first = {}
    out = []
    for seg, seg_keys in zip(segments, keys):
        if not seg.source or not seg.draft.strip() or len(_WORD.findall(seg.source)) < _IDENTICAL_MIN_WORDS:
            continue
        skey, dkey = seg_keys
        if skey not in first:
            first[skey] = (seg, dkey)
            continue
        prev, prev_key = first[skey]
        if dkey != prev_key:
            out.append(Finding("inconsistent", "warning", seg.number, 0, len(seg.draft), seg.draft,
                               prev.draft.strip(), f"the same source is translated differently in "
                               f"segment {prev.number}"))
    return out


def _untranslated_segment(seg, sl, keys) -> list[Finding]:
    """The draft identical to its source (*keys*: their match keys) or in the source language."""
    from corpus.langid import detect

    draft = seg.draft
    words = len(_WORD.findall(draft))
    if not words:
        return []
    if keys[0] == keys[1]:
        sev = "error" if words >= _IDENTICAL_MIN_WORDS else "info"
        return [Finding("untranslated", sev, seg.number, 0, len(draft), draft, None,
                        "the draft segment is identical to its source")]
    if words >= _LANGID_MIN_WORDS and detect(draft) == sl:
        return [Finding("untranslated", "error", seg.number, 0, len(draft), draft, None,
                        f"the draft segment is in {_LANG_NAME[sl]}, the source language")]
    return []


def _foreign_segment(seg, sl, dl) -> list[Finding]:
    """Without a source: a segment written in the other language."""
    from corpus.langid import detect

    if len(_WORD.findall(seg.draft)) >= _LANGID_MIN_WORDS and detect(seg.draft) == sl:
        return [Finding("untranslated", "error", seg.number, 0, len(seg.draft), seg.draft, None,
                        f"this segment is in {_LANG_NAME[sl]}, the document is in {_LANG_NAME[dl]}")]
    return []


def _quantities(seg, sl, dl, stats, src, dft, src_terms=(), dft_terms=()) -> list[Finding]:
    """Numbers, dates and amounts compared by value (:func:`corpus.quantities.compare`).

    A mismatch is an error when written in digits, a warning when a number word
    is involved (translators render ``two of them`` as ``cả hai`` and the like)
    or when only the currency is missing on one side. *src*, *dft*: the
    quantities (:func:`corpus.quantities.extract`) of the source and draft segments;
    *src_terms*, *dft_terms*: spans of glossary terms, whose numbers are the terms'.
    """
    from corpus.quantities import compare

    cmp = compare(src, dft, source_text=seg.source, draft_text=seg.draft, source_lang=sl, draft_lang=dl,
                  source_terms=src_terms, draft_terms=dft_terms)
    stats.quantities_expected, stats.quantities_matched = cmp.expected, cmp.found
    out = []
    for hit, q in cmp.unit_dropped:
        out.append(Finding("currency-mismatch", "warning", seg.number, q.start, q.end, q.text, hit.text,
                           f"the amount matches “{hit.text}” of the source but one side names no currency",
                           (hit.start, hit.end)))
    for mis in cmp.mismatched:
        q, partner = mis.quantity, mis.partner
        if partner is not None:
            msg = f"“{q.text}” in the draft, “{partner.text}” in the source"
        else:
            msg = f"“{q.text}” is not in the source"
        spelled = q.spelled or (partner is not None and partner.spelled)
        out.append(Finding(_QUANTITY_CHECK.get(q.kind, "number-mismatch"), "warning" if spelled else "error",
                           seg.number, q.start, q.end, q.text, partner.text if partner else None, msg,
                           (partner.start, partner.end) if partner else None))
    for mis in cmp.missing:
        s = mis.quantity
        out.append(Finding(_QUANTITY_CHECK.get(s.kind, "number-mismatch"), "warning" if s.spelled else "error",
                           seg.number, 0, len(seg.draft), seg.draft, s.text,
                           f"“{s.text}” of the source is missing from the draft", (s.start, s.end)))
    return out


def _mixed_tone_style(segments) -> list[Finding]:
    """Words in the minority tone-mark style of the document."""
    words = []
    counts = Counter()
    styles: dict[str, str | None] = {}  # a word -> its style (words repeat)
    for seg in segments:
        for m in _WORD.finditer(seg.draft):
            word = m.group()
            style = styles.get(word, 0)
            if style == 0:
                style = styles[word] = tone_style(word)
            if style:
                counts[style] += 1
                words.append((seg.number, m, style))
    if len(counts) < 2:
        return []
    major = TRADITIONAL if counts[TRADITIONAL] >= counts[MODERN] else MODERN
    label = {TRADITIONAL: "old style (hòa)", MODERN: "new style (hoà)"}
    out = []
    for number, m, style in words:
        if style != major:
            out.append(Finding("mixed-tone-style", "warning", number, m.start(), m.end(), m.group(),
                               canonical_tones(m.group(), major),
                               f"{label[style]} tone mark in a document written in the {label[major]} "
                               f"({counts[major]} words against {counts[style]})"))
    return out
