"""Garbled glossary terms: a term's syllables reordered, split or mixed with debris.

Machine translation (notably through Chinese) scrambles multi-word names and
titles: ``chủ tịch của Ủy ban Thường vụ lần thứ hai của nhân dân tối cao``,
``Kim Yong hội của Nam``. :func:`find_garbled` finds spans whose syllables
mostly belong to one glossary term (a preferred or admitted form of three or
more syllables) but are out of order, interleaved with other words, or short
of a few syllables.

How: every form is indexed under its rarest syllables (enough of them that a
span missing the allowed number of syllables still holds one), so only forms
sharing a rare syllable with the text are tried. For each, every window of
the text that starts and ends on one of its syllables (not a surplus repeat),
crosses no punctuation and no other glossary term except, for a title, body,
event or treaty, one place or person name (a scrambled title wrapped around its
country, ``… tối cao CHDCND Triều Tiên hội``: the name is skipped, reported in
``kept`` and costs a factor 0.95),
and is at most half debris is scored:

- coverage: share of the form's syllables present (at least all of a
  three-syllable form, n-1 of four to six, 3/4 of longer ones);
- order: longest in-order run of the matched syllables over their number;
- debris: share of the window's words that are not the form's.

``confidence = coverage² × (1 - debris/2) × (0.7 + 0.3 × order)``, times 0.7
when an in-order common-noun term (not a name: fewer than half its syllables
capitalised) is split by a content word: ``Nhà hát khoa học`` (a theatre) is not
a garbled ``nhà khoa học``, while machine-translation debris is mostly
function words (``của``, ``các``, ``lần``). A window that is already a
correct form, or a plain in-order piece of one (a shortening, not a
garbling), or that holds a correct form of the same entry at least as long
(``quan hệ hữu nghị truyền thống và hợp tác`` for ``… và hợp tác truyền
thống``), is not reported. Two-syllable terms are never reported: a swapped
pair is usually another word (``Nam Việt``).
"""
from __future__ import annotations

import math
import re
import weakref
from collections import Counter
from dataclasses import dataclass

from corpus.normalize import key

__all__ = ["Garbled", "GarbledFinder", "find_garbled", "finder_for", "MIN_SYLLABLES", "FUNCTION_WORDS"]

MIN_SYLLABLES = 3
# Names (the country, the holder) a scrambled title or body may wrap around, kept after it.
QUALIFIER_TYPES = frozenset({"place", "person"})
WRAPPING_TYPES = frozenset({"office", "organisation", "event", "treaty"})
_QUALIFIER_FACTOR = 0.95
_TOKEN = re.compile(r"\w+")
# Function words: the usual debris a machine translation leaves inside a term.
FUNCTION_WORDS = frozenset(key("""
của các là và những được có cho với trong thì mà này đó ấy một lần thứ đã sẽ đang bị bởi về tại ở từ
đến nhằm để như hay hoặc cũng rất nên vào ra lên theo sự việc cái chiếc người nhà""").text.split())
# What may stand between two syllables of one span: spaces, hyphens, apostrophes.
_JOINER = re.compile(r"[\s\-']*\Z")
_EMPTY: frozenset = frozenset()


@dataclass(frozen=True)
class Garbled:
    """A span that looks like a garbled glossary term.

    Parameters:
        start, end: offsets in the text as given.
        text: ``text[start:end]``.
        entry: the :class:`glossary.model.Entry` it garbles.
        confidence: 0..1 (see the module docs).
        missing: syllables of the form absent from the span (as the glossary writes them).
        extra: words of the span that are not the form's (as the text writes them).
        form: the preferred or admitted form the span was compared with.
        kept: a place or person name inside the span, between the form's syllables
            (``… tối cao CHDCND Triều Tiên hội``): the replacement keeps it after the form.
    """

    start: int
    end: int
    text: str
    entry: object
    confidence: float
    missing: tuple = ()
    extra: tuple = ()
    form: str = ""
    kept: tuple = ()


def _required(n: int) -> int:
    return n if n <= 3 else math.ceil(0.75 * n)


def _max_debris(n: int) -> int:
    return max(2, n // 2)


class _Form:
    __slots__ = ("entry", "text", "sylls", "written", "counts", "keys_seq", "name", "keys", "distinct")

    def __init__(self, entry, text, sylls, written):
        self.entry, self.text, self.sylls, self.written = entry, text, sylls, written
        self.counts = Counter(sylls)
        self.keys = frozenset(self.counts)
        # Distinct syllables a scored window holds at least (each one absent costs one or more).
        self.distinct = len(self.keys) - (len(sylls) - _required(len(sylls)))
        self.keys_seq = tuple(sylls)
        self.name = 2 * sum(w[:1].isupper() for w in written) >= len(written)


def _syllables(text: str) -> tuple[list[str], list[tuple[int, int]], str]:
    """Token keys, their original spans, and the key text."""
    k = key(text)
    toks, spans = [], []
    for m in _TOKEN.finditer(k.text):
        toks.append(m.group())
        spans.append(k.span(m.start(), m.end()))
    return toks, spans, k.text


class GarbledFinder:
    """An index of a glossary's multi-syllable forms in one language.

    Candidate forms of a line come from pairs of rare syllables: a form of n
    syllables may lack r = n - required(n) of them, so of its r + 2 rarest
    distinct syllables at least two stand in any span that scores; the form is
    indexed under every pair of those (forms with fewer distinct syllables,
    ``Kim Kim Kim``, under their r + 1 rarest, one being enough). A syllable
    counts only where a window may use it: outside any glossary term, or in a
    term all of whose syllables are the form's and that is not a correct form
    of the same entry as long as it.

    Parameters:
        entries: :class:`glossary.model.Entry` objects.
        lang: ``vi`` or ``en``.
    """

    def __init__(self, entries, lang: str = "vi"):
        self.lang = lang
        self.forms: list[_Form] = []
        for entry in entries:
            for form, _status in entry.forms(lang):
                toks, spans, _ = _syllables(form)
                if len(toks) >= MIN_SYLLABLES:
                    written = [form[s:e] for s, e in spans]
                    self.forms.append(_Form(entry, form, toks, written))
        df = Counter(s for f in self.forms for s in f.counts)
        self.correct_keys: dict[str, set] = {}
        self._by_entry: dict[str, list[int]] = {}
        self._pairs: dict[str, dict[str, set]] = {}  # syllable -> other syllable -> forms
        self._single: dict[str, set] = {}  # syllable -> forms indexed by one syllable
        self._having: dict[str, set] = {}  # syllable -> every form holding it
        for i, f in enumerate(self.forms):
            self.correct_keys.setdefault(f.entry.id, set()).add(f.keys_seq)
            self._by_entry.setdefault(f.entry.id, []).append(i)
            for syl in f.counts:
                self._having.setdefault(syl, set()).add(i)
            spare = len(f.sylls) - _required(len(f.sylls))
            rare = sorted(f.counts, key=lambda s: (df[s], s))
            if len(rare) >= spare + 2:
                rare = rare[:spare + 2]
                for x, a in enumerate(rare):
                    for b in rare[x + 1:]:
                        self._pairs.setdefault(a, {}).setdefault(b, set()).add(i)
                        self._pairs.setdefault(b, {}).setdefault(a, set()).add(i)
                continue
            got = 0
            for syl in rare:
                self._single.setdefault(syl, set()).add(i)
                got += f.counts[syl]
                if got > spare:
                    break

    def find(self, text: str, matches=None, *, matcher=None, min_confidence: float = 0.5,
             only=None) -> list[Garbled]:
        """Garbled spans of *text*, non-overlapping, in text order.

        Parameters:
            text: one line or segment.
            matches: the glossary matches of *text* in this language (any status), or None
                to compute them with *matcher*.
            matcher: a :class:`glossary.matcher.Matcher` (needed when *matches* is None).
            min_confidence: drop spans scored below this.
            only: an entry id: look for this entry's forms only.
        """
        if only is not None:
            return self.find_each(text, [only], matches, matcher=matcher,
                                  min_confidence=min_confidence).get(only, [])
        line = self._line(text, matches, matcher)
        if line is None:
            return []
        return self._select(line, self._candidates(line), min_confidence)

    def find_each(self, text: str, entry_ids, matches=None, *, matcher=None,
                  min_confidence: float = 0.5) -> dict[str, list[Garbled]]:
        """``find(text, matches, only=eid)`` for each of *entry_ids*, the line read once.

        Parameters:
            text, matches, matcher, min_confidence: as for :meth:`find`.
            entry_ids: entry ids; those with garbled spans are the keys of the result.
        """
        line = self._line(text, matches, matcher)
        out = {}
        for eid in entry_ids if line is not None else ():
            found = self._select(line, self._by_entry.get(eid, ()), min_confidence)
            if found:
                out[eid] = found
        return out

    def _line(self, text, matches, matcher):
        """The :class:`_Line` of *text*, or None when it has fewer than two tokens."""
        toks, spans, _ = _syllables(text)
        if len(toks) < 2:
            return None
        if matches is None:
            matches = matcher.find(text, self.lang) if matcher is not None else []
        breaks = [False] + [not _JOINER.match(text[spans[i - 1][1]:spans[i][0]]) for i in range(1, len(toks))]
        return _Line(text, toks, spans, breaks, self._owners(spans, matches))

    def _indexed(self, syllables, partners) -> set:
        """Forms indexed by one of *syllables*, or by one of them paired with one of *partners*."""
        out = set()
        for s in syllables:
            out |= self._single.get(s, _EMPTY)
            sub = self._pairs.get(s)
            if sub:
                for t in sub.keys() & partners:
                    out |= sub[t]
        return out

    def _candidates(self, line: "_Line") -> set:
        """Forms of which two indexed syllables (one, for a form indexed by one) stand
        where a window of the form may use them (see the class docs)."""
        present = set(line.toks)
        free = {t for t, m in zip(line.toks, line.owner) if m is None}
        out = self._indexed(free, free)
        for m, sylls in line.terms.values():
            # Forms holding every syllable of the term, indexed by one of them.
            cand = self._indexed(sylls, present)
            for s in sorted(sylls, key=lambda s: len(self._having.get(s, ()))):
                if not cand:
                    break
                cand &= self._having.get(s, set())
            if cand and m.status != "deprecated":
                n = len(_TOKEN.findall(m.form))
                cand.difference_update(i for i in self._by_entry.get(m.entry.id, ())
                                       if len(self.forms[i].sylls) <= n)
            out |= cand
        forms = self.forms
        return [i for i in out if len(forms[i].keys & present) >= forms[i].distinct]

    def _select(self, line: "_Line", candidates, min_confidence: float) -> list[Garbled]:
        """The best non-overlapping scored windows of the *candidates* (form indexes); of
        equal ones, the one of the form listed first in the glossary."""
        found = []
        for fi in sorted(candidates):
            form = self.forms[fi]
            found += [w + (form,) for w in self._windows(form, line) if w[0] >= min_confidence]
        found.sort(key=lambda g: (-g[0], -(g[2] - g[1])))
        out: list[Garbled] = []
        taken: list[tuple[int, int]] = []
        text, spans = line.text, line.spans
        for conf, a, b, missing, extra, qualifier, form in found:
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            start, end = spans[a][0], spans[b - 1][1]
            out.append(Garbled(start, end, text[start:end], form.entry, round(conf, 3),
                               tuple(missing), tuple(text[spans[i][0]:spans[i][1]] for i in extra),
                               form.text, (qualifier.text,) if qualifier is not None else ()))
        return sorted(out, key=lambda g: g.start)

    @staticmethod
    def _owners(spans, matches) -> list:
        """For each token, the glossary match covering it, or None."""
        owner = [None] * len(spans)
        j = 0
        for i, (s, e) in enumerate(spans):
            while j < len(matches) and matches[j].end <= s:
                j += 1
            if j < len(matches) and matches[j].start < e and s < matches[j].end:
                owner[i] = matches[j]
        return owner

    def _windows(self, form: _Form, line: "_Line") -> list[tuple]:
        """Every scored window of *form* in the line: ``(conf, a, b, missing, extra, qualifier)``."""
        n = len(form.sylls)
        need = _required(n)
        counts = form.counts
        if sum(min(c, line.counts[syl]) for syl, c in counts.items()) < need:
            return []
        limit = n + _max_debris(n)
        toks, breaks, owner = line.toks, line.breaks, line.owner
        # A term of another entry blocks a window unless all its syllables belong to the form,
        # or it is one place or person name inside a title's window (skipped, kept).
        foreign = {key for key, (_m, sylls) in line.terms.items() if not sylls <= counts.keys()}
        wraps = form.entry.type in WRAPPING_TYPES
        # Nor may a window touch a correct form of the entry as long as this one (see _score).
        own = {key for key, (m, _s) in line.terms.items() if m.entry.id == form.entry.id
               and m.status != "deprecated" and len(_TOKEN.findall(m.form)) >= n}
        hits = sorted(i for syl in counts for i in line.positions.get(syl, ())
                      if line.term_of(i) not in foreign and line.term_of(i) not in own)
        held = Counter(toks[i] for i in hits)
        if sum(min(c, held[syl]) for syl, c in counts.items()) < need:
            return []
        out = []
        for x, a in enumerate(hits):
            skip: set = set()
            inside: dict = {}
            prev = a
            for k, b in enumerate(hits[x:], 1):
                if any(breaks[i] for i in range(prev + 1, b + 1)):
                    break
                for i in range(prev + 1, b):
                    if line.term_of(i) in foreign:
                        skip.add(i)
                        inside[line.term_of(i)] = owner[i]
                prev = b
                if inside and (not wraps or len(inside) > 1 or any(
                        m.entry.type not in QUALIFIER_TYPES or m.entry.id == form.entry.id for m in inside.values())):
                    break
                if b - a + 1 - len(skip) > limit:
                    break
                if k < need:
                    continue  # fewer syllables of the form than _score requires
                scored = self._score(form, toks, a, b + 1, need, owner, skip)
                if scored is not None:
                    out.append(scored + (next(iter(inside.values()), None),))
        return out

    def _score(self, form: _Form, toks, a, b, need, owner, skip=frozenset()):
        window = [t for i, t in enumerate(toks[a:b], a) if i not in skip]
        n = len(form.sylls)
        left = Counter(form.counts)
        order, extra = [], []
        used = set()
        for i, t in enumerate(toks[a:b], a):
            if i in skip:
                continue
            if left[t] > 0:
                left[t] -= 1
                positions = [p for p, s in enumerate(form.sylls) if s == t and p not in used]
                after = [p for p in positions if not order or p > order[-1]]
                p = (after or positions)[0]
                used.add(p)
                order.append(p)
            else:
                extra.append(i)
        covered = len(order)
        if covered < need or len(extra) * 2 > len(window) or (extra and extra[-1] == b - 1):
            return None  # too little of the form, too much debris, or a surplus syllable at the end
        in_order = _lis(order)
        if not extra and in_order == covered:
            return None  # the form itself, or a plain shortening of it
        if tuple(window) in self.correct_keys.get(form.entry.id, ()):
            return None
        m = owner[a]
        if m is not None and owner[b - 1] is m and all(owner[i] is m for i in range(a, b)):
            return None  # exactly one glossary term (handled as that term)
        if any(o is not None and o.entry.id == form.entry.id and o.status != "deprecated"
               and len(_TOKEN.findall(o.form)) >= n for o in owner[a:b]):
            return None  # the term is already written here in a correct form as long as this one
        cov = covered / n
        debris = len(extra) / len(window)
        conf = cov * cov * (1 - debris / 2) * (0.7 + 0.3 * in_order / covered)
        if in_order == covered and not form.name and any(toks[i] not in FUNCTION_WORDS for i in extra):
            conf *= 0.7
        if skip:
            conf *= _QUALIFIER_FACTOR
        missing = [form.written[p] for p in range(n) if p not in used]
        return conf, a, b, missing, extra


class _Line:
    """What every form's search needs about one line: its text, tokens and their spans, breaks,
    the glossary term over each token (``owner``), token counts and positions, and each term's
    syllables."""

    __slots__ = ("text", "toks", "spans", "breaks", "owner", "counts", "positions", "terms")

    def __init__(self, text, toks, spans, breaks, owner):
        self.text, self.toks, self.spans, self.breaks, self.owner = text, toks, spans, breaks, owner
        self.counts = Counter(toks)
        self.positions: dict[str, list[int]] = {}
        self.terms: dict[int, tuple] = {}
        for i, (t, m) in enumerate(zip(toks, owner)):
            self.positions.setdefault(t, []).append(i)
            if m is not None:
                self.terms.setdefault(id(m), (m, set()))[1].add(t)

    def term_of(self, i: int):
        """The id of the term over token *i*, or None."""
        m = self.owner[i]
        return None if m is None else id(m)


def _lis(seq) -> int:
    """Length of the longest strictly increasing subsequence."""
    import bisect

    tails: list[int] = []
    for v in seq:
        i = bisect.bisect_left(tails, v)
        if i == len(tails):
            tails.append(v)
        else:
            tails[i] = v
    return len(tails)


_FINDERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def finder_for(matcher, lang: str = "vi") -> GarbledFinder:
    """The :class:`GarbledFinder` of a matcher's entries (built once per matcher and language)."""
    per = _FINDERS.setdefault(matcher, {})
    if lang not in per:
        per[lang] = GarbledFinder(matcher.entries, lang)
    return per[lang]


def find_garbled(text: str, matcher_or_entries, lang: str = "vi", *, matches=None,
                 min_confidence: float = 0.5) -> list[Garbled]:
    """Spans of *text* that look like garbled glossary terms.

    Parameters:
        text: one line or segment, as written.
        matcher_or_entries: a :class:`glossary.matcher.Matcher` (its index is built once and
            cached) or a list of entries.
        lang: the language of *text*.
        matches: the matcher's matches of *text* in *lang*, when the caller has them.
        min_confidence: drop spans scored below this.
    """
    from glossary.matcher import Matcher

    matcher = matcher_or_entries if isinstance(matcher_or_entries, Matcher) else Matcher(matcher_or_entries)
    return finder_for(matcher, lang).find(text, matches, matcher=matcher, min_confidence=min_confidence)
