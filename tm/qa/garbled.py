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
from glossary.matcher import paused_gc

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
# Terms whose holding forms a GarbledFinder keeps (see GarbledFinder._holding; emptied when full).
_HOLDERS_KEPT = 100_000


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
    __slots__ = ("entry", "text", "sylls", "written", "counts", "keys_seq", "name", "keys", "distinct",
                 "where", "rarity", "need", "limit")

    def __init__(self, entry, text, sylls, written):
        self.entry, self.text, self.sylls, self.written = entry, text, sylls, written
        self.counts = Counter(sylls)
        # Syllables of the form a scored window holds at least; words a window spans at most.
        self.need = _required(len(sylls))
        self.limit = len(sylls) + _max_debris(len(sylls))
        self.keys = frozenset(self.counts)
        # Distinct syllables a scored window holds at least (each one absent costs one or more).
        self.distinct = len(self.keys) - (len(sylls) - self.need)
        self.keys_seq = tuple(sylls)
        self.name = 2 * sum(w[:1].isupper() for w in written) >= len(written)
        self.where: dict[str, tuple] = {}  # syllable -> its positions in the form
        for p, syl in enumerate(sylls):
            self.where[syl] = self.where.get(syl, ()) + (p,)
        self.rarity: tuple = ()  # its distinct syllables, rarest in the glossary first


def _syllables(text: str, k=None) -> tuple[list[str], list[tuple[int, int]], str]:
    """Token keys, their original spans, and the key text (*k*: ``key(text)``, or None to compute it)."""
    if k is None:
        k = key(text)
    found = list(_TOKEN.finditer(k.text))
    return [m.group() for m in found], k.spans([m.span() for m in found]), k.text


class GarbledFinder:
    """An index of a glossary's multi-syllable forms in one language.

    Candidate forms of a line come from pairs of rare syllables: a form of n
    syllables may lack r = n - required(n) of them, so of its r + 2 rarest
    distinct syllables at least two stand in any span that scores; the form is
    indexed under every pair of those (forms with fewer distinct syllables,
    ``Kim Kim Kim``, under their r + 1 rarest, one being enough). A syllable
    counts only where a window may use it: outside any glossary term, or in a
    term all of whose syllables are the form's and that is not a correct form
    of the same entry as long as it. So a form that may score is indexed by
    syllables outside any term, or holds every syllable of a term of the line
    and is indexed under one of them (the forms holding a term are looked up
    once per term and grouped by the syllables one of which the line must hold);
    and it lacks at most r of its distinct syllables. Candidates are a superset
    of such forms: :meth:`_windows` makes the exact checks.

    Parameters:
        entries: :class:`glossary.model.Entry` objects.
        lang: ``vi`` or ``en``.
    """

    def __init__(self, entries, lang: str = "vi"):
        self.lang = lang
        with paused_gc():  # a hundred thousand forms' tables: nothing to collect
            self.forms: list[_Form] = []
            for entry in entries:
                for form, _status in entry.forms(lang):
                    toks, spans, _ = _syllables(form)
                    if len(toks) >= MIN_SYLLABLES:
                        written = [form[s:e] for s, e in spans]
                        self.forms.append(_Form(entry, form, toks, written))
            df = Counter(s for f in self.forms for s in f.counts)
            self._keys = [f.keys for f in self.forms]  # of each form, for the candidates' filter
            self._distinct = [f.distinct for f in self.forms]
            self._eids = [f.entry.id for f in self.forms]
            self._index: list[frozenset] = []  # of each form: the syllables it is indexed under
            self._sizes = [len(f.sylls) for f in self.forms]  # of each form: its number of syllables
            self.correct_keys: dict[str, set] = {}
            self._by_entry: dict[str, list[int]] = {}
            self._pairs: dict[str, dict[str, list]] = {}  # syllable -> a commoner one -> forms
            self._single: dict[str, list] = {}  # syllable -> forms indexed by one syllable
            self._having: dict[str, set] = {}  # syllable -> forms holding it
            self._under: dict[str, set] = {}  # syllable -> forms indexed under it
            self._holders: dict[tuple, tuple] = {}  # a term's syllables and blocker -> _holding()
            self._lengths: dict[str, int] = {}  # a glossary form -> its number of syllables
            for i, f in enumerate(self.forms):
                self.correct_keys.setdefault(f.entry.id, set()).add(f.keys_seq)
                self._by_entry.setdefault(f.entry.id, []).append(i)
                for syl in f.counts:
                    self._having.setdefault(syl, set()).add(i)
                spare = len(f.sylls) - f.need
                f.rarity = tuple(sorted(f.counts, key=lambda s: (df[s], s)))
                if len(f.rarity) >= spare + 2:
                    rare = f.rarity[:spare + 2]  # each pair under its rarer syllable first
                    for x, a in enumerate(rare):
                        for b in rare[x + 1:]:
                            self._pairs.setdefault(a, {}).setdefault(b, []).append(i)
                else:
                    rare, got = [], 0
                    for syl in f.rarity:
                        self._single.setdefault(syl, []).append(i)
                        rare.append(syl)
                        got += f.counts[syl]
                        if got > spare:
                            break
                self._index.append(frozenset(rare))
                for syl in rare:
                    self._under.setdefault(syl, set()).add(i)

    def find(self, text: str, matches=None, *, matcher=None, min_confidence: float = 0.5,
             only=None, text_key=None) -> list[Garbled]:
        """Garbled spans of *text*, non-overlapping, in text order.

        Parameters:
            text: one line or segment.
            matches: the glossary matches of *text* in this language (any status), or None
                to compute them with *matcher*.
            matcher: a :class:`glossary.matcher.Matcher` (needed when *matches* is None).
            min_confidence: drop spans scored below this.
            only: an entry id: look for this entry's forms only.
            text_key: ``corpus.normalize.key(text)`` when the caller has it.
        """
        if only is not None:
            return self.find_each(text, [only], matches, matcher=matcher,
                                  min_confidence=min_confidence, text_key=text_key).get(only, [])
        line = self._line(text, matches, matcher, text_key)
        if line is None:
            return []
        return self._select(line, self._candidates(line), min_confidence)

    def find_each(self, text: str, entry_ids, matches=None, *, matcher=None,
                  min_confidence: float = 0.5, text_key=None) -> dict[str, list[Garbled]]:
        """``find(text, matches, only=eid)`` for each of *entry_ids*, the line read once.

        Parameters:
            text, matches, matcher, min_confidence, text_key: as for :meth:`find`.
            entry_ids: entry ids; those with garbled spans are the keys of the result.
        """
        line = self._line(text, matches, matcher, text_key)
        out = {}
        for eid in entry_ids if line is not None else ():
            found = self._select(line, self._by_entry.get(eid, ()), min_confidence)
            if found:
                out[eid] = found
        return out

    def _line(self, text, matches, matcher, text_key=None):
        """The :class:`_Line` of *text* (its key *text_key*, or None to compute it), or None
        when it has fewer than two tokens."""
        toks, spans, _ = _syllables(text, text_key)
        if len(toks) < 2:
            return None
        if matches is None:
            matches = matcher.find(text, self.lang) if matcher is not None else []
        return _Line(text, toks, spans, self._owners(spans, matches), self._blocker)

    def _holding(self, sylls: frozenset, blocker: tuple) -> tuple:
        """Forms holding every syllable of a term (*sylls*) and indexed under one of them, but
        those *blocker* blocks (see :meth:`_blocker`), grouped (see :meth:`_grouped`; cached)."""
        held = self._holders.get((sylls, blocker))
        if held is None:
            # The forms indexed under a syllable of the term, or those holding all its syllables
            # (whichever are fewer), then the others.
            under = [self._under.get(s, _EMPTY) for s in sylls]
            having = sorted((self._having.get(s, _EMPTY) for s in sylls), key=len)
            if sum(map(len, under)) <= len(having[0]):
                found = set().union(*under).intersection(*having)
            else:
                index = self._index
                found = [i for i in having[0].intersection(*having[1:]) if not index[i].isdisjoint(sylls)]
            eid, n = blocker
            if eid is not None:
                eids, lengths = self._eids, self._sizes
                found = [i for i in found if eids[i] != eid or lengths[i] > n]
            if len(self._holders) >= _HOLDERS_KEPT:
                self._holders.clear()
            held = self._holders[(sylls, blocker)] = self._grouped(sylls, found)
        return held

    def _grouped(self, sylls: frozenset, found) -> tuple:
        """``(always, single)`` of the forms *found* holding a term's syllables *sylls*.
        A form may lack its spare number of distinct syllables, so of those beside the term's
        (*rest*) the line holds at least ``len(rest) - spare``: none (*always*, form indexes)
        or some (listed in *single* under each of its spare + 1 rarest of *rest*: one of them
        is in the line). Pairs of *rest*, as the glossary-wide index has, would prune more but
        cost more to build than a term's few sightings in a document save."""
        always, single = [], {}
        forms, distinct, n = self.forms, self._distinct, len(sylls)
        for i in found:
            if distinct[i] <= n:  # len(rest) - spare = distinct - n: none needed
                always.append(i)
                continue
            f = forms[i]
            want = len(f.keys) - distinct[i] + 1
            for syl in f.rarity:
                if syl not in sylls:
                    single.setdefault(syl, []).append(i)
                    want -= 1
                    if not want:
                        break
        return always, single

    def _candidates(self, line: "_Line") -> set:
        """Forms that may have a scored window in the line (a superset; see the class docs), with
        at most their spare number of distinct syllables absent: those indexed by syllables
        outside any term, and those holding a term and indexed under one of its syllables."""
        present, free, keys, distinct = line.present, line.free, self._keys, self._distinct
        indexed = [self._single[s] for s in free & self._single.keys()]
        for a in free & self._pairs.keys():
            later = self._pairs[a]
            indexed += [later[b] for b in later.keys() & free]
        out = set()
        for (_m, sylls), blocker in zip(line.terms, line.blockers):
            always, single = self._holding(sylls, blocker)
            out.update(always)
            indexed += [single[syl] for syl in single.keys() & present]
        seen = set().union(*indexed) - out
        out.update([i for i in seen if len(keys[i] & present) >= distinct[i]])
        return out

    def _blocker(self, m) -> tuple:
        """``(entry id, number of syllables)`` of a match that is a correct form, else ``(None, 0)``."""
        if m.status == "deprecated":
            return None, 0
        n = self._lengths.get(m.form)
        if n is None:
            n = self._lengths[m.form] = len(_TOKEN.findall(m.form))
        return m.entry.id, n

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
        n, need, limit, keys, eid = len(form.sylls), form.need, form.limit, form.keys, form.entry.id
        toks, runs, owner, term, terms = line.toks, line.runs, line.owner, line.term, line.terms
        positions, holders, blockers = line.positions, line.holders, line.blockers
        # A term of another entry blocks a window unless all its syllables belong to the form (an
        # inner term), or it is one place or person name inside a title's window (skipped, kept).
        # Nor may a window use a correct form of the entry as long as this one (see _score). Inner
        # terms hold a syllable of the form: only the terms over its syllables are looked at.
        inner, allowed = set(), set()
        for j in {j for syl in keys if syl in holders for j in holders[syl]}:
            if terms[j][1] <= keys:
                inner.add(j)
                if blockers[j][0] != eid or blockers[j][1] < n:
                    allowed.add(j)
        # Outside the blocked terms, at most the form's spare number of its distinct syllables
        # may be absent (else no window holds enough of them).
        usable = line.free.union(*(terms[j][1] for j in allowed)) if allowed else line.free
        if len(keys & usable) < form.distinct:
            return []
        hits, held = [], 0
        for syl, count in form.counts.items():
            at = [i for i in positions.get(syl, ()) if term[i] < 0 or term[i] in allowed]
            held += min(count, len(at))
            hits += at
        if held < need:
            return []
        hits.sort()
        if hits[-1] - hits[0] < len(hits) and _piece(toks[hits[0]:hits[-1] + 1], form.sylls):
            return []  # every window is an in-order piece of the form: a shortening (see _score)
        wraps = form.entry.type in WRAPPING_TYPES
        foreign = len(inner) < len(terms)  # a term of the line not inner
        blocking = {j for j, (b_eid, b_n) in enumerate(blockers) if b_eid == eid and b_n >= n}
        out = []
        for x in range(len(hits) - need + 1):
            # Windows from a that hold need syllables of the form: none across a break, and
            # without a name inside (not a title's) none longer than the limit.
            a, c = hits[x], hits[x + need - 1]
            if runs[c] != runs[a] or (not wraps and c - a >= limit):
                continue
            skip: set = set()
            inside: dict = {}
            prev = a
            for k, b in enumerate(hits[x:], 1):
                if runs[b] != runs[prev]:
                    break
                if foreign:
                    for i in range(prev + 1, b):
                        if term[i] >= 0 and term[i] not in inner:
                            skip.add(i)
                            inside[term[i]] = owner[i]
                prev = b
                if inside and (not wraps or len(inside) > 1 or any(
                        m.entry.type not in QUALIFIER_TYPES or m.entry.id == form.entry.id for m in inside.values())):
                    break
                if b - a + 1 - len(skip) > limit:
                    break
                if k < need:
                    continue  # fewer syllables of the form than _score requires
                scored = self._score(form, toks, a, b + 1, owner, skip, blocking, term)
                if scored is not None:
                    out.append(scored + (next(iter(inside.values()), None),))
        return out

    def _score(self, form: _Form, toks, a, b, owner, skip, blocking, term):
        """The window ``a:b`` of the line's tokens *toks* scored for *form*:
        ``(conf, a, b, missing, extra)``, or None when it is not reported. *skip*: the
        tokens of a name inside it; *blocking*: the indexes of the line's terms that
        are correct forms of the entry as long as *form*, *term* that of each token's."""
        m = owner[a]
        if m is not None and owner[b - 1] is m and all(owner[i] is m for i in range(a, b)):
            return None  # exactly one glossary term (handled as that term)
        if blocking and any(term[i] in blocking for i in range(a, b)):
            return None  # the term is already written here in a correct form as long as this one
        n = len(form.sylls)
        left = dict(form.counts)
        window, order, extra = [], [], []
        used = set()
        for i in range(a, b):
            if i in skip:
                continue
            t = toks[i]
            window.append(t)
            if left.get(t, 0) > 0:
                left[t] -= 1
                # The first unused position of t after the last one matched, else the first unused.
                last = order[-1] if order else -1
                positions = [p for p in form.where[t] if p not in used]
                p = next((p for p in positions if p > last), positions[0])
                used.add(p)
                order.append(p)
            else:
                extra.append(i)
        covered = len(order)
        if covered < form.need or len(extra) * 2 > len(window) or (extra and extra[-1] == b - 1):
            return None  # too little of the form, too much debris, or a surplus syllable at the end
        in_order = _lis(order)
        if not extra and in_order == covered:
            return None  # the form itself, or a plain shortening of it
        if tuple(window) in self.correct_keys.get(form.entry.id, ()):
            return None
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
    """What every form's search needs about one line: its text, tokens and their spans, the
    glossary term over each token (``owner``), token positions, the line's syllables (``present``)
    and those outside any term (``free``), each term with its syllables (``terms``), the index in
    ``terms`` of each token's term (``term``, -1 for none) and the number of breaks (punctuation
    between two tokens) up to each token (``runs``: a span holds no break when its ends agree);
    the indexes in ``terms`` of the terms holding each syllable (``holders``) and the
    :meth:`GarbledFinder._blocker` of each term (``blockers``, from *blocker*)."""

    __slots__ = ("text", "toks", "spans", "owner", "positions", "present", "free", "terms", "term", "runs",
                 "holders", "blockers")

    def __init__(self, text, toks, spans, owner, blocker):
        self.text, self.toks, self.spans, self.owner = text, toks, spans, owner
        self.positions: dict[str, list[int]] = {}
        self.free = set()
        self.term: list[int] = []
        self.runs: list[int] = []
        index: dict[int, int] = {}  # id of a match -> its index in terms
        sylls: list[set] = []
        matches = []
        breaks, end = 0, spans[0][0]
        for i, (t, m, (s, e)) in enumerate(zip(toks, owner, spans)):
            self.positions.setdefault(t, []).append(i)
            gap = text[end:s]
            if gap and gap != " " and not _JOINER.match(gap):
                breaks += 1
            self.runs.append(breaks)
            end = e
            if m is None:
                self.free.add(t)
                self.term.append(-1)
                continue
            j = index.setdefault(id(m), len(matches))
            if j == len(matches):
                matches.append(m)
                sylls.append(set())
            sylls[j].add(t)
            self.term.append(j)
        self.present = set(self.positions)
        self.terms = [(m, frozenset(s)) for m, s in zip(matches, sylls)]
        self.blockers = [blocker(m) for m in matches]
        self.holders: dict[str, list[int]] = {}
        for j, held in enumerate(sylls):
            for t in held:
                self.holders.setdefault(t, []).append(j)


def _piece(toks, sylls) -> bool:
    """Whether *toks* (a list) is a run of consecutive syllables of *sylls* (a list)."""
    n = len(toks)
    return any(sylls[i:i + n] == toks for i in range(len(sylls) - n + 1))


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
