"""Mining sentence pairs that state the same facts from comparable documents.

Each (vi, en) sentence pair scores what it shares: quantities equal across conventions
(weight 2; dates and amounts are the facts news articles repeat), glossary terms (1.5),
folded names (1), each scaled by its rarity in the two documents, and with a lexicon
the share of linked words (up to 3). A pair is kept
when it is the best candidate of both its sentences, scores at least
:data:`MIN_SCORE` and beats the mean of each sentence's other best candidates
(the margin, after Artetxe & Schwenk 2019) by at least :data:`MIN_MARGIN`. Its bead
score is ``margin / (margin + 1)``, so :data:`THRESHOLD` = 0.6 keeps margins >= 1.5. The
thresholds were set on the seeds (000 against 001 and 002), the only comparable documents
at hand: see tests/test_align.py for the pairs judged by hand.
"""
from __future__ import annotations

import math

import numpy as np

from tm.align.anchors import sentence_anchors

MIN_SCORE = 1.5
MIN_MARGIN = 1.5
THRESHOLD = MIN_MARGIN / (MIN_MARGIN + 1)
_TOP = 3


def _facts(a) -> list:
    """(keys, weight) of each fact of a sentence's anchors; ``1``/``first`` left out."""
    out = [(q, 2.0) for q in a.quantities if ("number", 1) not in q]
    out += [(frozenset([("term", t)]), 1.5) for t in a.terms]
    out += [(frozenset([n]), 1.0) for n in a.names]
    return out


def score_matrix(vi_texts, en_texts, matcher=None, lexicon=None) -> np.ndarray:
    """Fact-sharing scores of every (vi sentence, en sentence).

    A shared fact weighs its kind's weight times ``log(1 + N / df) / log(1 + N)`` of its
    rarest shared key (``df``: sentences of both documents holding it, ``N``: all of
    them), so ``Viet Nam`` or ``two``, found everywhere, count little.
    """
    va = [_facts(sentence_anchors(t, "vi", matcher, small_numbers=True)) for t in vi_texts]
    ea = [_facts(sentence_anchors(t, "en", matcher, small_numbers=True)) for t in en_texts]
    keysets = [frozenset().union(*(k for k, _ in f)) for f in va + ea]
    df: dict = {}
    for ks in keysets:
        for k in ks:
            df[k] = df.get(k, 0) + 1
    total = max(len(keysets), 2)
    idf = {k: math.log(1 + total / c) / math.log(1 + total) for k, c in df.items()}
    kv, ke = keysets[:len(va)], keysets[len(va):]
    s = np.zeros((len(va), len(ea)))
    for i, fv in enumerate(va):
        for j, fe in enumerate(ea):
            if not kv[i] & ke[j]:
                continue
            got = sum(w * max(idf[k] for k in keys & ke[j]) for keys, w in fv if keys & ke[j])
            got += sum(w * max(idf[k] for k in keys & kv[i]) for keys, w in fe if keys & kv[i])
            s[i, j] = got / 2
    if lexicon is not None:
        wv = [lexicon.weights([t for t in lexicon.tokenize(x) if lexicon.known(t, "vi")], "vi") for x in vi_texts]
        we = [lexicon.weights([t for t in lexicon.tokenize(x) if lexicon.known(t, "en")], "en") for x in en_texts]
        tv = [lexicon.translations(w, "vi") for w in wv]
        te = [lexicon.translations(w, "en") for w in we]
        for i in range(len(wv)):
            total_i = sum(wv[i].values())
            for j in range(len(we)):
                both = total_i + sum(we[j].values())
                if both:
                    links = sum(v for t, v in we[j].items() if t in tv[i]) + sum(v for t, v in wv[i].items() if t in te[j])
                    s[i, j] += 3.0 * links / both
    return s


def mine(vi_texts, en_texts, matcher=None, lexicon=None, min_score=None):
    """Mined pairs as ``(i, j, score)``, score in [0, 1).

    Parameters:
        vi_texts, en_texts: sentences.
        matcher, lexicon: optional glossary matcher and :class:`~tm.align.lexicon.Lexicon`.
        min_score: keep pairs scoring at least this (default :data:`THRESHOLD`).
    """
    threshold = THRESHOLD if min_score is None else min_score
    s = score_matrix(vi_texts, en_texts, matcher, lexicon)
    if not s.size:
        return []
    out = []
    for i in range(s.shape[0]):
        j = int(s[i].argmax())
        if s[i, j] < MIN_SCORE or int(s[:, j].argmax()) != i:
            continue
        others_i = np.sort(np.delete(s[i], j))[::-1][:_TOP]
        others_j = np.sort(np.delete(s[:, j], i))[::-1][:_TOP]
        rival = (others_i.mean() if others_i.size else 0.0) + (others_j.mean() if others_j.size else 0.0)
        margin = s[i, j] - rival / 2
        score = max(margin, 0.0) / (max(margin, 0.0) + 1)
        if score >= threshold:
            out.append((i, j, round(float(score), 4)))
    return out
