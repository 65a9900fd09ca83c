"""A pseudo-source for a draft that has none: the memory's English sentences on the same facts.

A Vietnamese draft without its source may still be about events the memory holds in English
(comparable or parallel units, English documents: seeds 001/002 for seed 000). Each sentence of
a draft segment gets the English sentence that shares the most rare facts with it (numbers and dates,
glossary terms, names; :func:`tm.align.comparable.score_matrix`), when that sentence is clearly the
best (a score of at least :data:`MIN_SCORE`). ``correct`` projects that sentence's terms onto the
draft (:mod:`tm.qa.projection`) with lower confidence and says so in the edit log.
"""
from __future__ import annotations

__all__ = ["MIN_SCORE", "memory_sentences", "pseudo_sources", "from_store"]

MIN_SCORE = 1.5


def memory_sentences(store, *, limit: int = 20000) -> list[str]:
    """English sentences of *store*: its English documents' sentences and the English side of
    its units (first *limit*), without repeats."""
    seen, out = set(), []
    texts = store.sentences("en", limit)
    for u in store.iter_units():
        if len(texts) >= 2 * limit:
            break
        texts.append(u.en)
    for t in texts:
        t = t.strip()
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def _link_scores(pieces, english, projector):
    """``[i][j]``: the share of English sentence *j*'s content words (weighted by their rarity
    among *english*) that the projector's lexica link to a syllable of Vietnamese *pieces[i]*."""
    import math
    import re

    import numpy as np

    from tm.qa.projection import EN_STOP
    from tm.qa.wordunits import tokens

    words = [{w.lower() for w in re.findall(r"[A-Za-z]+", e)} - EN_STOP for e in english]
    df: dict = {}
    for ws in words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    n = len(english) + 1
    idf = {w: math.log(n / c) for w, c in df.items()}
    keys = [{t.key for t in tokens(p)} for p in pieces]
    out = np.zeros((len(pieces), len(english)))
    for j, ws in enumerate(words):
        total = sum(idf[w] for w in ws)
        if not total:
            continue
        linked = {w: projector.links(w) for w in ws}
        for i, ks in enumerate(keys):
            out[i, j] = sum(idf[w] for w in ws if linked[w] & ks) / total
    return out


def pseudo_sources(draft_texts, english, matcher, *, projector=None, min_score: float = MIN_SCORE) -> list:
    """For each of *draft_texts*, the best English sentence of *english*, or None.

    Parameters:
        projector: a :class:`tm.qa.projection.Projector` whose lexica's links also count (up to 3
            points for an English sentence whose words all have a linked syllable in the draft).
    """
    from tm.align.comparable import score_matrix

    if not english or not draft_texts:
        return [None] * len(draft_texts)
    from corpus.segment import split_sentences

    # Each sentence of a segment gets its own English sentence (a line may hold two).
    pieces, owner = [], []
    for n, text in enumerate(draft_texts):
        for span in split_sentences(text, "vi") or []:
            pieces.append(span.text)
            owner.append(n)
    if not pieces:
        return [None] * len(draft_texts)
    scores = score_matrix(pieces, list(english), matcher)
    if projector is not None:
        scores = scores + 3.0 * _link_scores(pieces, list(english), projector)
    chosen: list = [[] for _ in draft_texts]
    for n, row in zip(owner, scores):
        j = int(row.argmax()) if len(row) else -1
        if j >= 0 and row[j] >= min_score and english[j] not in chosen[n]:
            chosen[n].append(english[j])
    return [" ".join(c) if c else None for c in chosen]


def from_store(store, matcher, *, max_pairs: int = 20000):
    """``(projector, english)`` for ``check`` and ``correct`` from a translation memory: a
    :class:`tm.qa.projection.Projector` with the lexicon learned from the store's parallel and
    imported units (IBM Model 1, :class:`tm.align.lexicon.Lexicon`; from
    :data:`tm.build.MIN_LEXICON_UNITS` units on) and the word units of its Vietnamese text
    (:func:`word_units`), and the store's English sentences (:func:`memory_sentences`) for
    pseudo-sources."""
    from tm.align.lexicon import Lexicon
    from tm.build import MIN_LEXICON_UNITS
    from tm.qa.projection import Projector
    kinds = ("parallel", "imported")
    lexicon = None
    if store.count_units(kinds) >= MIN_LEXICON_UNITS:
        lexicon = Lexicon.from_pairs(((u.vi, u.en) for u in store.iter_units(kinds)), threshold=0.2,
                                     max_pairs=max_pairs)
    return Projector(matcher, lexicon, word_units(store, matcher, max_pairs=max_pairs)), memory_sentences(store)


def word_units(store, matcher, *, max_pairs: int = 20000):
    """The Vietnamese word units of the store's memory (:mod:`tm.qa.wordunits`): learned from
    bigram counts over its first *max_pairs* Vietnamese segments and the glossary's forms (a
    sentencepiece model did no better on the dev sets, see README). Learned afresh by each
    process: checks only read the store."""
    from tm.qa.wordunits import WordUnits

    vi = [u.vi for _, u in zip(range(max_pairs), store.iter_units())]
    vi += [f for e in matcher.entries for f, _ in e.forms("vi")]
    return WordUnits.learn(vi)
