"""Find glossary terms in a text: one engine for lookup, check, score and correct.

Matches are leftmost-longest and non-overlapping, on word (syllable)
boundaries, compared on normalised keys (case, NFC and tone placement
insensitive; optionally diacritic-insensitive) with offsets in the original
text.

How: in the key of the text (:func:`corpus.normalize.key`, tones left as
written) every character that is not a letter or digit becomes a separator, and
one is added at each end; term keys, in both tone styles, get the same
treatment. Every separator is then widened to *width* spaces (2, or 3 when a
term begins with punctuation), so that a term can begin on the last space of
the separator before it and end on the first space of the one after it: two
terms side by side each have a space of their own, and an Aho-Corasick search
(ahocorasick-rs) for non-overlapping leftmost-longest matches of these padded
terms gives the answer directly: an occurrence can only begin and end on word
boundaries (``Nam`` never matches inside ``Namibia``), ``Bắc Triều Tiên`` wins
over ``Triều Tiên`` and ``Việt Nam`` over ``Nam``. Punctuation at a term's edge
(``U.S.``) takes a separator of the text as its own: the first spaces of it at
the end, the last ones at the start (with width 3, ``x.`` and ``.y`` cannot
both own the one separator of ``x.y``).
Punctuation inside a term matches any single separator (``Kim Yong-nam`` finds
``Kim Yong Nam``); the form written exactly as in the text is then reported.
Punctuation at a term's edge is reported only when the text has it there
(``U.S.`` finds ``U.S,`` as ``U.S``).

Texts are keyed here directly, which is several times faster than
:func:`corpus.normalize.key` and gives the same matches; only the lines that
hold combining marks (NFD input) or zero-width characters go through
:func:`~corpus.normalize.key`. Long texts are searched over a one-byte
alphabet with word-initial letters marked instead (:mod:`glossary.narrow`),
which gives the same matches with no padding.
"""
from __future__ import annotations

import gc
import re
from bisect import bisect_left
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
from ahocorasick_rs import BytesAhoCorasick, MatchKind

from corpus.normalize import MODERN, TRADITIONAL, canonical_tones, key, nfc
from glossary.model import LANGS, Entry
from glossary.narrow import NarrowSearch

__all__ = ["TermMatch", "Matcher", "term_keys", "paused_gc"]

_SEP = re.compile(r"[^\w ]")
_RANK = {"preferred": 0, "admitted": 1, "deprecated": 2}
# Texts with these need corpus.normalize.key: combining marks (NFD input), zero-width
# characters and soft hyphens (dropped), control separators key() leaves alone.
_NEEDS_KEY = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                        "\u200b-\u200d\u00ad\ufeff\x1c-\x1f\x85]")
_SPACE_RUN = re.compile(r"\s{2,}")
_OTHER_SPACE = re.compile("[\t\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# _SEP.sub on the UTF-8 bytes: ASCII separators translated, then each other one replaced.
_ASCII = bytes(range(128))
_ASCII_SEP = bytes.maketrans(_ASCII, bytes(32 if _SEP.match(chr(c)) else c for c in _ASCII))
_OTHER_SEP = re.compile(r"[^\w\x00-\x7f]")
# Texts this long (characters) are searched over a one-byte alphabet (glossary.narrow): its
# array set-up is repaid past about 600 characters (measured with 100,000 terms on IWSLT lines).
NARROW_MIN = 600


@contextmanager
def paused_gc():
    """No garbage collection inside: for code that makes many small objects and no
    cycles (matches, glossary tables), which collections would only walk again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class TermMatch(NamedTuple):
    """A glossary term found in a text.

    Attributes:
        entry: the :class:`glossary.model.Entry`.
        start, end: offsets in the original text.
        text: ``original[start:end]``, as written there.
        form: the glossary form that matched, as the glossary writes it.
        status: ``preferred``, ``admitted`` or ``deprecated``.
    """

    entry: Entry
    start: int
    end: int
    text: str
    form: str
    status: str


def term_keys(form: str, *, folded: bool = False) -> set[str]:
    """The keys under which *form* is found: both tone styles (or the folded key)."""
    if folded:
        return {key(form, folded=True).text.strip()} - {""}
    base = nfc(form)
    if base.isascii():  # no tone marks to place
        return {key(base, tones=False).text.strip()} - {""}
    variants = {base, canonical_tones(base, TRADITIONAL), canonical_tones(base, MODERN)}
    return {key(v, tones=False).text.strip() for v in variants} - {""}


def _pattern(term_key: str):
    """``(core, lead, trail)`` of a term key: its separators made spaces; *lead* (*trail*)
    is 1 where it begins (ends) with a letter or digit and needs a separator there."""
    core = _SEP.sub(" ", term_key)
    if not core.strip():
        return None
    return core, int(core[0] != " "), int(core[-1] != " ")


def _widened(core: str, lead: int, trail: int, width: int) -> str:
    """Engine pattern of a term for a text whose separators are each *width* spaces (see module docs)."""
    wide = core.replace(" ", " " * width)
    wide = " " + wide if lead else wide[1:]
    return wide + " " if trail else wide[:-1]


class _Runs:
    """Offsets of a text whose whitespace runs were collapsed to one space, mapped back."""

    def __init__(self, text: str):
        self.at, self.shift = [], []
        removed = 0
        for m in _SPACE_RUN.finditer(text):
            self.at.append(m.start() - removed)  # where the run's single space is in the key
            removed += m.end() - m.start() - 1
            self.shift.append(removed)

    def span(self, start: int, end: int) -> tuple[int, int]:
        i, j = bisect_left(self.at, start), bisect_left(self.at, end - 1)
        return (start + (self.shift[i - 1] if i else 0), end + (self.shift[j - 1] if j else 0))


def _fast_key(text: str):
    """``(key text, span function or None for the identity)`` of a text without the
    characters of ``_NEEDS_KEY``: lower case, whitespace runs made one space; None
    when lower-casing changes the length (``İ``)."""
    low = text.lower()
    if len(low) != len(text):
        return None
    if not any(pair in low for pair in ("  ", " \n", "\n ", "\n\n")) and not _OTHER_SPACE.search(low):
        return low, None  # no whitespace run (str.find is much faster than a regex here)
    return _SPACE_RUN.sub(" ", low), _Runs(low).span


def _separated(k_text: str) -> bytes:
    """UTF-8 of *k_text* with every character that is not a letter, digit or space made a space."""
    out = k_text.encode("utf-8").translate(_ASCII_SEP)
    if k_text.isascii():
        return out
    # the other separators are looked for among the non-ASCII characters alone (few, fast)
    for char in set(_OTHER_SEP.findall(out.translate(None, _ASCII).decode("utf-8"))):
        out = out.replace(char.encode("utf-8"), b" ")
    return out


class _Pieces:
    """A key made of pieces keyed separately: ``(key offset, text offset, span function or None)``."""

    def __init__(self, pieces):
        self.pieces = pieces
        self.starts = [p[0] for p in pieces]

    def _piece(self, pos: int):
        return self.pieces[bisect_left(self.starts, pos + 1) - 1]

    def span(self, start: int, end: int) -> tuple[int, int]:
        k0, t0, span0 = self._piece(start)
        k1, t1, span1 = self._piece(end - 1)
        a = span0(start - k0, start - k0 + 1)[0] if span0 else start - k0
        b = span1(end - 1 - k1, end - k1)[1] if span1 else end - k1
        return t0 + a, t1 + b


def _slow_ranges(text: str):
    """Ranges of *text* that need :func:`corpus.normalize.key`: each line with a character of
    ``_NEEDS_KEY``, with the whitespace around it (so that no space run crosses a boundary)."""
    out = []
    for m in _NEEDS_KEY.finditer(text):
        if out and m.start() < out[-1][1]:
            continue
        start, end = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
        end = len(text) if end < 0 else end
        while start and text[start - 1].isspace():
            start -= 1
        while end < len(text) and text[end].isspace():
            end += 1
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _text_key(text: str, folded: bool):
    """``(key text, span function or None for the identity, punctuation unified)``:
    :func:`corpus.normalize.key` of *text* without tone canonicalisation, computed
    directly (punctuation left as written) where the text allows (see the module docs)."""
    slow = [] if folded else _slow_ranges(text)
    fast = None if folded or slow else _fast_key(text)
    if fast is not None:
        return (*fast, False)
    if folded or (len(slow) == 1 and slow[0] == (0, len(text))):
        k = key(text, folded=folded, tones=False)
        return k.text, k.span, True
    parts, pieces, k_pos = [], [], 0
    bounds = [b for r in slow for b in r]
    for t_start, t_end, is_slow in zip([0] + bounds, bounds + [len(text)], [False, True] * len(slow) + [False]):
        piece = text[t_start:t_end]
        if not piece:
            continue
        keyed = None if is_slow else _fast_key(piece)
        if keyed is None:
            k = key(piece, tones=False)
            keyed = (k.text, k.span)
        parts.append(keyed[0])
        pieces.append((k_pos, t_start, keyed[1]))
        k_pos += len(keyed[0])
    return "".join(parts), _Pieces(pieces).span, False


class Matcher:
    """Finds the terms of *entries* in texts.

    Parameters:
        entries: :class:`glossary.model.Entry` objects. When two forms share a
            key, the one written exactly as in the text wins; then a preferred
            form over an admitted one over a deprecated one; then the first entry.
    """

    def __init__(self, entries):
        self.entries = list(entries)
        self.by_id = {e.id: e for e in self.entries}
        self._automata: dict = {}
        self._cores: dict = {}  # spec -> (core, lead, trail) of its patterns, until its narrow search is built
        self._narrow: dict = {}  # spec -> (NarrowSearch or None, the simple patterns' matches)
        self._words: dict = {}  # spec -> the UTF-8 engine's patterns, until it is built
        self._engines: dict = {}
        self._form_keys: dict = {}  # (form, folded) -> (its keys, their patterns), for every spec

    def _automaton(self, lang: str, folded: bool, deprecated: bool):
        """``(separator width, patterns)`` for these options, built once; ``patterns[i]`` is
        ``(lead, inner length, candidates, edged)`` of the engines' pattern *i* (the engine
        for UTF-8 keys is built when first needed, as is the narrow search)."""
        spec = (lang, folded, deprecated)
        if spec not in self._automata:
            with paused_gc():
                self._automata[spec] = self._build(spec)
        return self._automata[spec]

    def _build(self, spec):
        """The ``(separator width, patterns)`` of :meth:`_automaton`."""
        lang, folded, deprecated = spec
        groups: dict[tuple, list] = {}
        known = self._form_keys
        for index, entry in enumerate(self.entries):
            for form, status in entry.forms(lang, deprecated=deprecated):
                keyed = known.get((form, folded))
                if keyed is None:
                    keys = frozenset(term_keys(form, folded=folded))
                    keyed = known[form, folded] = keys, {_pattern(k) for k in keys} - {None}
                cand = (_RANK[status], index, form, status, keyed[0])
                for pattern in keyed[1]:
                    groups.setdefault(pattern, []).append(cand)
        # Forms that differ only in edge punctuation (U.S. / U S) share one padded key:
        # the last group wins, as when one automaton word is added twice.
        by_word = {}
        for (core, lead, trail), cands in groups.items():
            if len(cands) > 1:
                cands = sorted(set(cands), key=lambda c: c[:4])
            by_word[" " * lead + core + " " * trail] = (core, lead, trail, cands)
        # A separator the term owns (U.S.) and the boundary next to it each need a space
        # of their own; two owned edges (x. then .y) must not share one: width 3.
        width = 3 if any(not lead for _, lead, _, _ in by_word.values()) else 2
        words, patterns, cores = [], [], []
        for core, lead, trail, cands in by_word.values():
            words.append(_widened(core, lead, trail, width))
            cores.append((core, lead, trail))
            patterns.append((lead, len(core), cands, not (lead and trail)))
        self._words[spec] = words
        self._cores[spec] = cores
        return width, patterns

    def _engine(self, spec):
        """The engine for UTF-8 keys of *spec* (see the module docs), built once."""
        if spec not in self._engines:
            words = self._words.pop(spec)
            self._engines[spec] = BytesAhoCorasick([w.encode("utf-8") for w in words],
                                                   matchkind=MatchKind.LeftmostLongest)
        return self._engines[spec]

    def _narrow_search(self, spec, patterns):
        """``(NarrowSearch or None, per pattern (entry, form, status) or None)`` for *spec*, built once;
        the second item is None for a pattern that needs :func:`_choose` (edged, or with candidates
        written otherwise than the first)."""
        if spec not in self._narrow:
            with paused_gc():
                search = NarrowSearch.build(self._cores.pop(spec), _NEEDS_KEY, _slow_ranges)
                # _choose picks the first candidate whatever the text when its keys hold every other's
                simple = [None if edged or any(not c[4] <= cands[0][4] for c in cands[1:])
                          else (self.entries[cands[0][1]], cands[0][2], cands[0][3])
                          for _, _, cands, edged in patterns]
            self._narrow[spec] = (search, simple)
        return self._narrow[spec]

    def find(self, text: str, lang: str, *, folded: bool = False,
             include_deprecated: bool = True) -> list[TermMatch]:
        """Terms of language *lang* in *text*, leftmost-longest, in text order.

        Parameters:
            text: any text, as written.
            lang: ``vi`` or ``en``: whose forms to look for.
            folded: also ignore diacritics (``Nong Duc Manh`` finds ``Nông Đức Mạnh``).
            include_deprecated: also find deprecated forms (status ``deprecated``).
        """
        if lang not in LANGS:
            raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
        width, patterns = self._automaton(lang, folded, include_deprecated)
        if not patterns or not text:
            return []
        spec = (lang, folded, include_deprecated)
        with paused_gc():
            if not folded and len(text) >= NARROW_MIN:
                found = self._find_narrow(text, patterns, *self._narrow_search(spec, patterns))
                if found is not None:
                    return found
            return self._collect(text, folded, width, self._engine(spec), patterns)

    def _find_narrow(self, text: str, patterns, search, simple):
        """The matches of :meth:`find` by the narrow *search* (None: it leaves *text* to the general path)."""
        k = search.key(text) if search is not None else None
        if k is None:
            return None
        pids, starts, ends = search.search(k)
        return self._collect_narrow(k, pids, starts, np.minimum(ends, len(k.codes)), 0, patterns, simple)

    def _collect(self, text: str, folded: bool, width: int, engine, patterns) -> list[TermMatch]:
        """The matches of :meth:`find`: the engine's, mapped back to offsets in *text*."""
        k_text, span, unified = _text_key(text, folded)
        wide = (b" " + _separated(k_text) + b" ").replace(b" ", b" " * width)
        out = []
        entries, new = self.entries, tuple.__new__  # TermMatch without its Python-level __new__
        chars = spaces = counted = 0  # before byte *counted* of wide
        extra = width - 1
        for pid, w_start, _ in engine.find_matches_as_indexes(wide):
            lead, inner, cands, edged = patterns[pid]
            at = w_start + 1 if lead else w_start - 1  # the term's first letter, or its first separator
            chars += len(wide[counted:at].decode("utf-8"))
            spaces += wide.count(b" ", counted, at)
            counted = at
            start = chars - 1 - spaces // width * extra  # in k_text (the padding space dropped)
            end = start + inner
            if edged:  # punctuation the term owns may fall on the padding at either end
                start, end = max(start, 0), min(end, len(k_text))
            cand = cands[0]
            o_start, o_end = span(start, end) if span else (start, end)
            if len(cands) > 1 or edged:
                cand, trim = _choose(cands, edged, k_text[start:end], text[o_start:o_end], unified)
                if trim:
                    o_start, o_end = span(start + trim[0], start + trim[1]) if span else \
                        (start + trim[0], start + trim[1])
            out.append(new(TermMatch, (entries[cand[1]], o_start, o_end, text[o_start:o_end], cand[2], cand[3])))
        return out

    def find_many(self, texts, lang: str, *, folded: bool = False,
                  include_deprecated: bool = True) -> list[list[TermMatch]]:
        """``[self.find(text, lang, ...) for text in texts]``, faster for many short texts
        (the lines of a document): they are searched as one, joined by separators no term spans.

        Parameters:
            texts: the texts, as written.
            lang, folded, include_deprecated: as for :meth:`find`.
        """
        texts = list(texts)
        if lang not in LANGS:
            raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
        _, patterns = self._automaton(lang, folded, include_deprecated)
        spec = (lang, folded, include_deprecated)
        search = None
        if patterns and not folded and sum(map(len, texts)) >= NARROW_MIN:
            search, simple = self._narrow_search(spec, patterns)
        if search is None or len(texts) < 2:
            return [self.find(text, lang, folded=folded, include_deprecated=include_deprecated) for text in texts]
        with paused_gc():
            k, offsets, general = search.key_many(texts)
            bounds = offsets if k.first is None else np.searchsorted(k.first, offsets)  # texts' starts in the key
            pids, starts, ends = search.search(k)
            owner = np.searchsorted(bounds, starts, "right") - 1
            # a term's edge punctuation may own the joiner's first separator, not more
            limits = np.append(bounds[1:] - len(search.joiner), len(k.codes))
            flat = self._collect_narrow(k, pids, starts, np.minimum(ends, limits[owner]), offsets[owner],
                                        patterns, simple)
            cuts = np.searchsorted(owner, np.arange(len(texts) + 1)).tolist()
            out = [flat[a:b] for a, b in zip(cuts, cuts[1:])]
            for i in general:  # keyed on their own (by key() where they need it), whatever their length
                out[i] = self._find_narrow(texts[i], patterns, search, simple)
                if out[i] is None:
                    out[i] = self.find(texts[i], lang, folded=folded, include_deprecated=include_deprecated)
        return out

    def _collect_narrow(self, k, pids, starts, ends, shift, patterns, simple) -> list[TermMatch]:
        """The matches from a :class:`~glossary.narrow.NarrowSearch`'s in the key *k*, with
        offsets less *shift* (0, or per match where its text begins in the joined one)."""
        if not len(pids):
            return []
        text = k.text
        o_starts, o_ends = k.spans(starts, ends)
        r_starts, r_ends = (o_starts - shift).tolist(), (o_ends - shift).tolist()
        o_starts, o_ends = o_starts.tolist(), o_ends.tolist()
        new = tuple.__new__
        out = [None if (m := simple[p]) is None else new(TermMatch, (m[0], a, b, text[s:e], m[1], m[2]))
               for p, a, b, s, e in zip(pids.tolist(), r_starts, r_ends, o_starts, o_ends)]
        for i in [i for i, m in enumerate(out) if m is None]:
            start, end, o_start, o_end = int(starts[i]), int(ends[i]), o_starts[i], o_ends[i]
            moved = o_start - r_starts[i]
            _, _, cands, edged = patterns[pids[i]]
            cand, trim = _choose(cands, edged, k.slice(start, end), text[o_start:o_end], k.unified)
            if trim:
                o_start, o_end = k.span(start + trim[0], start + trim[1])
            out[i] = new(TermMatch, (self.entries[cand[1]], o_start - moved, o_end - moved, text[o_start:o_end],
                                     cand[2], cand[3]))
        return out


def _choose(cands, edged: bool, k_slice: str, original: str, unified: bool):
    """``(candidate, trim)`` of a match with several candidates or edge punctuation:
    the candidate written as in the text (else the first); *trim* is None, or the
    span within *k_slice* (the match's key) without the text's edge punctuation
    where the term has other punctuation (see the module docs).

    Parameters:
        cands: the pattern's candidates, best first.
        edged: whether the pattern begins or ends with punctuation.
        k_slice, original: the match in the key and in the text.
        unified: whether the key already unifies quotes, dashes and spaces as term keys do.
    """
    written = k_slice
    if not unified and _SEP.search(written):
        written = key(original, tones=False).text
    cand = next((c for c in cands if written in c[4]), cands[0])
    if edged and written not in cand[4]:
        return cand, _trim(k_slice, written, next(iter(cand[4])))
    return cand, None


def _trim(k_slice: str, written: str, form_key: str) -> tuple[int, int]:
    """The span of *k_slice* without its edge punctuation (or space) where the term has other punctuation."""
    start, end = 0, len(k_slice)
    if not form_key[-1].isalnum() and written[-1] != form_key[-1]:
        while end > start and not k_slice[end - 1].isalnum():
            end -= 1
    if not form_key[0].isalnum() and written[0] != form_key[0]:
        while start < end and not k_slice[start].isalnum():
            start += 1
    return start, end
