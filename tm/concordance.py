"""Concordance: every translation unit whose text contains a phrase.

The phrase and the units are compared as token sequences (``\\w+`` runs of the
match key: NFC, canonical tone placement, lower case), so punctuation and
spacing between words do not matter and a hit always covers whole words.
When the phrase has no Vietnamese diacritics the search ignores diacritics
(``quan he`` finds ``quan hệ``); otherwise they must agree (``hòa`` and ``hoà``
still do: tone placement is canonical).

Candidates are the units holding every word of the phrase (an intersection of
the word index's posting lists, :mod:`tm.index`), taken in id order; their
token sequences (from the same index) are then checked for the words in
sequence.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corpus.normalize import fold, has_vietnamese_diacritics, key, match_key
from tm.index import WORD, StoreSearch, key_tokens
from tm.match import origin

__all__ = ["Concordance", "Hit", "phrase_spans"]

CHUNK = 4096  # candidate units checked per step


@dataclass
class Hit:
    """A unit containing the phrase; ``spans`` are offsets of the hits in its *lang* side."""

    unit: object
    lang: str
    spans: list = field(default_factory=list)

    def to_dict(self) -> dict:
        u = self.unit
        return {"id": u.id, "lang": self.lang, "vi": u.vi, "en": u.en, "kind": u.kind,
                "origin": origin(u.provenance), "spans": [list(s) for s in self.spans]}


def phrase_spans(text: str, phrase: str, folded: bool) -> list[tuple[int, int]]:
    """Offsets in *text* of every occurrence of *phrase* as a word sequence."""
    want = key_tokens(fold(phrase) if folded else match_key(phrase))
    k = key(text, folded=folded)  # folding keeps lengths: offsets map back the same way
    found = list(WORD.finditer(k.text))
    words = [m.group() for m in found]
    n = len(want)
    spans = []
    for j in range(len(words) - n + 1):
        if n and words[j:j + n] == want:
            spans.append(k.span(found[j].start(), found[j + n - 1].end()))
    return spans


class Concordance(StoreSearch):
    """Phrase search over one store (parameters: see :class:`tm.index.StoreSearch`)."""

    def search(self, phrase: str, lang: str = "auto", limit: int = 20):
        """Units whose *lang* side contains *phrase*, in id order.

        Parameters:
            phrase: words as the user typed them.
            lang: ``vi``, ``en`` or ``auto`` (:meth:`tm.index.TokenIndex.guess_lang`).
            limit: at most this many hits.

        Returns ``(hits, more)``: the hits and whether more units contain the phrase.
        """
        if lang == "auto":
            lang = self.index.guess_lang(phrase)
        folded = not has_vietnamese_diacritics(phrase)
        toks = key_tokens(match_key(phrase))
        if not toks:
            return [], False
        wanted = []  # per position: the token ids that count as that word
        for tok in toks:
            if folded:
                ids = self.index.variants(lang, fold(tok))
            else:
                ids = [v for v in [self.index.lookup(lang, [tok]).get(tok)] if v]
            if not ids:
                return [], False
            wanted.append(ids)
        lists = sorted(([self.index.postings(eid) for eid, _ in ids] for ids in wanted),
                       key=lambda posts: sum(len(p) for p in posts))
        sets = [np.array(sorted(eid for eid, _ in ids), dtype=np.uint32) for ids in wanted]
        driver = _union(lists[0], self.index.last_id + 1)
        found = []
        for start in range(0, len(driver), CHUNK):  # in id order, until limit + 1 hits
            chunk = driver[start:start + CHUNK]
            keep = np.ones(len(chunk), dtype=bool)
            for posts in lists[1:]:
                keep &= np.logical_or.reduce([_member(chunk, p) for p in posts])
            chunk = chunk[keep]
            if len(chunk):
                found += chunk[self._holds(chunk, sets, lang)].tolist()
            if len(found) > limit:
                break
        units = self.store.get_units(found[:limit])
        hits = [Hit(u, lang, phrase_spans(u.text(lang), phrase, folded)) for u in units]
        return hits, len(found) > limit


    def _holds(self, ids, sets, lang):
        """Which of units *ids* have, on their *lang* side, a token of ``sets[0]`` followed by one of
        ``sets[1]`` and so on (token-id sequences from the word index, checked with numpy)."""
        flat, lens = self.index.sequences(lang, ids)
        ok = np.isin(flat, sets[0])
        for j in range(1, len(sets)):
            ok[:-j] &= np.isin(flat[j:], sets[j])
        unit = np.repeat(np.arange(len(ids)), lens)
        ok &= np.arange(len(flat)) + len(sets) <= np.cumsum(lens)[unit]  # the phrase ends in the same unit
        held = np.zeros(len(ids), dtype=bool)
        held[unit[ok]] = True
        return held


def _union(posts, size):
    """Sorted ids in any of the sorted posting lists *posts* (ids below *size*)."""
    if len(posts) == 1:
        return posts[0]
    if sum(len(p) for p in posts) * 16 < size:
        ids = np.sort(np.concatenate(posts))
        return ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
    mark = np.zeros(size, dtype=bool)
    for p in posts:
        mark[p] = True
    return np.flatnonzero(mark)


def _member(ids, post):
    """Which of *ids* are in the sorted array *post*."""
    if not len(post):
        return np.zeros(len(ids), dtype=bool)
    pos = np.minimum(np.searchsorted(post, ids), len(post) - 1)
    return post[pos] == ids
