"""The term matcher's fast path for long texts: the search over a one-byte alphabet.

Every letter or digit of a glossary's patterns gets a byte of its own, and so
does each one that begins a word of a pattern, as a first letter (there is
room for 221 in all). A text is mapped, one UTF-16 code unit at a time,
through a numpy table to those bytes (its other letters to one more, all
whitespace and punctuation to one separator byte), and the first letter of
each of its words is marked. Lower-casing, separating and mapping offsets back
to the text are then array operations, offsets in the key are offsets in the
bytes, and word boundaries need no padding: a term's pattern begins on a
marked first letter and ends on a separator (its own edge punctuation, or the
one after it), so a match can only begin and end on word boundaries and two
terms side by side share nothing. That holds while no term begins with
punctuation; a glossary with one is left to the matcher's general path
(:meth:`NarrowSearch.build` returns None).

The mapping gives the key :mod:`glossary.matcher` makes (lower case,
whitespace runs made one space; the lines that need :func:`corpus.normalize.key`
keyed by it). A text with a letter whose lower case is not one character
(``İ``) or depends on its context (``Σ``), or with a character beyond the BMP,
is left to the general path (:meth:`NarrowSearch.key` returns None).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import chain

import numpy as np
from ahocorasick_rs import BytesAhoCorasick, MatchKind

from corpus.normalize import key

__all__ = ["NarrowSearch", "NarrowKey"]

SPACE, SEP, OTHER, BAIL = 0x20, 0x01, 0xFE, 0xFF
_CODES = list(range(SPACE + 1, OTHER))  # for the patterns' letters and digits, and marked first letters
_WORD = re.compile(r"\w")
_SPACE_RUN = re.compile(r"\s{2,}")
_INITIAL = re.compile(r"(?:^|(?<=[ \0]))[^ \0]")  # a word's first letter in the joined patterns
_SPACES = re.compile(" +")
_LETTER = 0


@lru_cache(maxsize=1)
def _classes(needs_key: re.Pattern):
    """``(kind, lower, word, keyed)`` of every BMP code point: *kind* is the byte of a
    character as written (whitespace, punctuation, or one left to the general path),
    0 for a letter or digit, whose lower case is then *lower*; *word*: whether it is
    ``\\w``; *keyed*: whether it is one of *needs_key* (its line is keyed by
    :func:`corpus.normalize.key`)."""
    kind = np.zeros(0x10000, np.uint8)
    lower = np.arange(0x10000, dtype=np.int64)
    word = np.zeros(0x10000, bool)
    keyed = np.zeros(0x10000, bool)
    for cp in range(0x10000):
        char = chr(cp)
        low = char.lower()
        word[cp] = bool(_WORD.match(char))
        keyed[cp] = bool(needs_key.match(char))
        if keyed[cp] or 0xD800 <= cp < 0xE000 or len(low) != 1 or char == "\u03a3":
            kind[cp] = BAIL
        elif low.isspace():
            kind[cp] = SPACE
        elif not _WORD.match(low):
            kind[cp] = SEP
        else:
            lower[cp] = ord(low)
    return kind, lower, word, keyed


class NarrowKey:
    """A text's key in the one-byte alphabet, with the map back to the text.

    Attributes:
        codes: the key, one byte a character (uint8 array).
        first: where each key character begins in the text (None: the identity).
        after: where each ends (None: ``first + 1``).
        unified: whether the whole text was keyed by :func:`corpus.normalize.key`, which
            unifies quotes, dashes and spaces as term keys do.
    """

    def __init__(self, text: str, codes, first=None, after=None, pieces=None, unified=False):
        self.text, self.codes, self.first, self.after, self.unified = text, codes, first, after, unified
        # (key start, text start, text end, key() of a piece that needed it, or None)
        self._pieces = pieces or [(0, 0, len(text), None)]
        self._starts = [p[0] for p in self._pieces]

    def spans(self, starts, ends):
        """Text offsets of the key spans ``starts[i]:ends[i]`` (arrays; spans not empty)."""
        if self.first is None:
            return starts, ends
        return self.first[starts], (self.first[ends - 1] + 1 if self.after is None else self.after[ends - 1])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Text offsets of the key span ``start:end`` (not empty)."""
        if self.first is None:
            return start, end
        last = int(self.first[end - 1]) + 1 if self.after is None else int(self.after[end - 1])
        return int(self.first[start]), last

    def slice(self, start: int, end: int) -> str:
        """The key text of ``start:end`` (not empty), as :mod:`glossary.matcher` writes it."""
        i, j = bisect_right(self._starts, start) - 1, bisect_right(self._starts, end - 1) - 1
        if i != j:  # across pieces
            base = self._starts[i]
            return "".join(self._piece(n, self._starts[n], None) for n in range(i, j + 1))[start - base:end - base]
        return self._piece(i, start, end)

    def _piece(self, n: int, start: int, end):
        """The key text of ``start:end`` (*end* None: to its end) inside piece *n*."""
        k_start, t_start, t_end, keyed = self._pieces[n]
        k_end = self._starts[n + 1] if n + 1 < len(self._pieces) else len(self.codes)
        end = k_end if end is None else end
        if keyed is not None:
            return keyed.text[start - k_start:end - k_start]
        if self.first is None:
            return self.text[start:end].lower()
        # up to the next key character: a whitespace run the span ends on is all in it
        stop = int(self.first[end]) if end < k_end else t_end
        return _SPACE_RUN.sub(" ", self.text[int(self.first[start]):stop].lower())


class NarrowSearch:
    """The engine's patterns in a one-byte alphabet, with what a match needs of its pattern.

    Build with :meth:`build`, which returns None when the patterns do not fit.
    """

    def __init__(self, engine, table, key_table, marks, keyed, inner, slow_ranges, joiner):
        self.engine, self.table, self.key_table, self.marks, self.keyed = engine, table, key_table, marks, keyed
        self.inner = np.asarray(inner, np.int64)
        self.slow_ranges = slow_ranges
        self.joiner = joiner  # joins texts searched as one (see key_many)

    @classmethod
    def build(cls, patterns: list[tuple[str, int, int]], needs_key: re.Pattern, slow_ranges):
        """The search for the matcher's *patterns*, or None when one begins with punctuation,
        or their letters are not all lower-case BMP letters or digits, or are too many.

        Parameters:
            patterns: ``(core, lead, trail)`` of each pattern, in pattern order (see
                :mod:`glossary.matcher`: *core* has its separators made spaces; *lead* and
                *trail* are 1 where it begins or ends with a letter or digit).
            needs_key: the characters only :func:`corpus.normalize.key` can key.
            slow_ranges: the function giving the ranges of a text to key with
                :func:`~corpus.normalize.key` (whole lines, with the whitespace around them).
        """
        if not all(lead for _, lead, _ in patterns):
            return None
        kind, lower, word, keyed = _classes(needs_key)
        words = [core + " " * trail for core, _, trail in patterns]  # a term ends on a separator
        joined = "\0".join(words)  # "\0" is punctuation: its byte stands in no pattern
        alphabet = sorted(set(map(ord, joined)) - {0, ord(" ")})
        if any(cp > 0xFFFF or kind[cp] != _LETTER or lower[cp] != cp for cp in alphabet):
            return None
        initials = sorted(map(ord, set(_INITIAL.findall(joined))))
        if len(alphabet) + len(initials) > len(_CODES):
            return None
        codes = np.full(0x10000, OTHER, np.uint8)
        codes[alphabet] = _CODES[:len(alphabet)]
        table = np.where(kind == _LETTER, codes[lower], kind).astype(np.uint8)
        # key() has lower-cased its text and made its spaces one " ": no table of kinds
        key_table = np.where(word, codes, SEP).astype(np.uint8)
        key_table[ord(" ")] = SPACE
        key_table[0xD800:0xE000] = BAIL
        # marks[code + 256 * (after a separator)]: separators made one, a word's first letter marked
        marks = np.arange(512, dtype=np.uint8)
        marks[[SEP, SEP + 256, SPACE + 256]] = SPACE
        marks[codes[initials].astype(np.int64) + 256] = _CODES[len(alphabet):len(alphabet) + len(initials)]
        encoded = _marked(table[np.frombuffer(joined.encode("utf-16-le"), np.uint16)], marks).tobytes()
        at = np.cumsum([0] + [len(w) + 1 for w in words]).tolist()
        engine = BytesAhoCorasick([encoded[a:b - 1] for a, b in zip(at, at[1:])], matchkind=MatchKind.LeftmostLongest)
        # more separators in a row than any pattern holds
        joiner = "\0" * (1 + max(map(len, _SPACES.findall(joined)), default=0))
        return cls(engine, table, key_table, marks, keyed, [len(core) for core, _, _ in patterns], slow_ranges,
                   joiner)

    def key(self, text: str):
        """The :class:`NarrowKey` of *text*, or None when the general path must key it."""
        units = np.frombuffer(text.encode("utf-16-le"), np.uint16)
        mapped = self.table[units]
        if mapped.max() != BAIL:
            return _collapsed(text, mapped, None)
        if not self.keyed[np.unique(units[mapped == BAIL])].all():
            return None
        slow = self.slow_ranges(text)
        parts, bounds, k_at = [], [b for r in slow for b in r], 0
        for t_start, t_end, is_slow in zip([0] + bounds, bounds + [len(text)],
                                           [False, True] * len(slow) + [False]):
            if t_start == t_end:
                continue
            if is_slow:
                k = key(text[t_start:t_end], tones=False)
                codes = self.key_table[np.frombuffer(k.text.encode("utf-16-le"), np.uint16)]
                if len(codes) != len(k.text) or (len(codes) and codes.max() == BAIL):
                    return None
                span = [k.span(p, p + 1) for p in range(len(k.text))]
                first = np.array([a for a, _ in span], np.int64) + t_start
                after = np.array([b for _, b in span], np.int64) + t_start
                parts.append((k_at, t_start, t_end, k, codes, first, after))
            else:
                part = _collapsed(text[t_start:t_end], mapped[t_start:t_end], t_start)
                parts.append((k_at, t_start, t_end, None, part.codes, part.first, part.first + 1))
            k_at += len(parts[-1][4])
        return NarrowKey(text, *(np.concatenate([p[n] for p in parts]) for n in (4, 5, 6)),
                         [p[:4] for p in parts], unified=slow == [(0, len(text))])

    def key_many(self, texts: list[str]):
        """``(key, offsets, general)``: the :class:`NarrowKey` of *texts* joined by
        separators no term spans, where each begins in the joined text, and the
        indexes of the texts the general path must key (blanked in the key)."""
        joined = self.joiner.join(texts)
        units = joined.encode("utf-16-le")
        if len(units) != 2 * len(joined):  # characters beyond the BMP: those texts are left out
            astral = {i for i, t in enumerate(texts) if len(t.encode("utf-16-le")) != 2 * len(t)}
            k, offsets, general = self.key_many(["" if i in astral else t for i, t in enumerate(texts)])
            return k, offsets, sorted(astral.union(general))
        offsets = np.cumsum([0] + [len(t) + len(self.joiner) for t in texts[:-1]])
        mapped = self.table[np.frombuffer(units, np.uint16)]
        general = []
        if mapped.max() == BAIL:
            general = np.unique(np.searchsorted(offsets, np.flatnonzero(mapped == BAIL), "right") - 1).tolist()
            for i in general:
                mapped[offsets[i]:offsets[i] + len(texts[i])] = SEP
        return _collapsed(joined, mapped, None), offsets, general

    def search(self, k: NarrowKey):
        """``(patterns, starts, ends)`` of the matches in the key *k*: per match its pattern
        index and its span in the key (arrays). A term's edge punctuation may own the
        separator after the text: the caller cuts such ends back to the text's."""
        found = self.engine.find_matches_as_indexes(_marked(k.codes, self.marks).tobytes() + b" ")
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        found = np.fromiter(chain.from_iterable(found), np.int64, 3 * len(found)).reshape(-1, 3)
        pids, starts = found[:, 0], found[:, 1]
        return pids, starts, starts + self.inner[pids]


def _marked(codes, marks):
    """*codes* (uint8) with their separators made one and the first letter of each word marked."""
    index = codes.astype(np.uint16)
    if len(index):
        index[0] += 256
        index[1:] += (codes[:-1] <= SPACE).astype(np.uint16) << 8
    return marks[index]


def _collapsed(text: str, mapped, offset) -> NarrowKey:
    """The :class:`NarrowKey` of *text* (a piece at *offset* of a longer one, or None)
    from its mapped characters: whitespace runs made one character."""
    space = mapped == SPACE
    repeat = space[1:] & space[:-1]  # a whitespace character after another one
    if not repeat.any():  # the identity, as an array inside a longer text
        return NarrowKey(text, mapped, None if offset is None else np.arange(offset, offset + len(mapped)))
    keep = np.ones(len(mapped), bool)
    keep[1:] = ~repeat
    return NarrowKey(text, mapped[keep], np.flatnonzero(keep) + (offset or 0))
