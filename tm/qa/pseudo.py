"""A pseudo-source for a draft that has none: the memory's English sentences on the same facts.

A Vietnamese draft without its source may still be about events the memory holds in English
(comparable or parallel units, English documents: seeds 001/002 for seed 000). Each draft
segment gets the English sentence that shares the most rare facts with it (numbers and dates,
glossary terms, names; :func:`tm.align.comparable.score_matrix`), when that sentence is clearly the
best (a score of at least :data:`MIN_SCORE`). ``correct`` projects that sentence's terms onto the
draft (:mod:`tm.qa.projection`) with lower confidence and says so in the edit log.
"""
from __future__ import annotations

__all__ = ["MIN_SCORE", "memory_sentences", "pseudo_sources"]

MIN_SCORE = 1.5


def memory_sentences(store, *, limit: int = 20000) -> list[str]:
    """English sentences of *store*: its English documents' sentences and the English side of
    its units (first *limit*), without repeats."""
    seen, out = set(), []
    rows = store.conn.execute("SELECT text FROM sentences WHERE lang = 'en' ORDER BY id LIMIT ?", (limit,))
    texts = [r[0] for r in rows]
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


def pseudo_sources(draft_texts, english, matcher, *, lexicon=None, min_score: float = MIN_SCORE) -> list:
    """For each of *draft_texts*, the best English sentence of *english*, or None.

    Parameters:
        lexicon: a :class:`tm.align.lexicon.Lexicon` whose links also count (the glossary's own).
    """
    from tm.align.comparable import score_matrix

    if not english or not draft_texts:
        return [None] * len(draft_texts)
    scores = score_matrix(list(draft_texts), list(english), matcher, lexicon)
    out = []
    for row in scores:
        j = int(row.argmax()) if len(row) else -1
        out.append(english[j] if j >= 0 and row[j] >= min_score else None)
    return out
