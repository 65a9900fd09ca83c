"""Parallel sentence alignment: Gale-Church length, anchors, then a lexical model.

Pass 1 runs the banded DP (:mod:`tm.align.dp`) around the diagonal with the length
model and the anchors; pass 2 reruns it in a narrow band around the first path with
the lexical model added: the lexicon of the translation memory, when given, joined
with one learned from the confident 1-1 beads of pass 1 (as hunalign does).

The cost of a bead is ``-log prior + length cost + miss * (quantities and known words
of the bead) - (gain + miss) * (what its sentences share)``: a shared anchor or link
refunds its miss and earns its gain, so unpaired sentences pay for the evidence they
leave unexplained. The weights in :data:`WEIGHTS` were tuned on synthetic tasks made
from IWSLT tst2012 (``python benchmarks/align_eval.py --tune``).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from tm.align.anchors import sentence_anchors
from tm.align.dp import BEADS, banded_dp
from tm.align.lengthmodel import length_cost
from tm.align.lexicon import Lexicon, tokenize

WEIGHTS = {
    "prior_11": 0.0, "prior_del": 6.0, "prior_merge": 2.3, "prior_22": 12.0,
    "anchor": 1.0, "anchor_miss": 1.0, "lex": 0.05, "lex_miss": 0.25,
    "band": 40, "band2": 12, "self_train": 1, "confident": 1.0,
}


@dataclass
class Side:
    """Per-sentence features of one side of a document pair."""

    lang: str
    texts: list
    cum: np.ndarray  # prefix sums of character lengths
    anchors: list
    tokens: list

    def __len__(self):
        return len(self.texts)


def features(texts, lang, matcher=None) -> Side:
    """Lengths, anchors and tokens of *texts* in *lang*."""
    lengths = np.array([max(len(t.strip()), 1) for t in texts], dtype=float)
    return Side(lang, list(texts), np.concatenate([[0.0], np.cumsum(lengths)]),
                [sentence_anchors(t, lang, matcher) for t in texts], [tokenize(t) for t in texts])


class _Rewards:
    """What the sentences of a bead share: anchors, and links when there is a lexicon.

    Without a lexicon (pass 1, wide band) the rewards of sentence pairs are found through
    an index of anchor keys and summed over a bead's pairs (anchors are sparse, so a
    bead rarely counts one twice). With a lexicon (pass 2, narrow band) a bead's reward
    is computed on the union of its sentences: neighbours share topic words, and summing
    pairs would favour merging them.
    """

    def __init__(self, vi: Side, en: Side, lexicon, w):
        self.vi, self.en, self.lex, self.w = vi, en, lexicon, w
        self.miss_vi = np.array([w["anchor_miss"] * len(a.quantities) for a in vi.anchors])
        self.miss_en = np.array([w["anchor_miss"] * len(a.quantities) for a in en.anchors])
        if lexicon is not None:
            self.wv = [lexicon.weights([t for t in tk if lexicon.known(t, "vi")], "vi") for tk in vi.tokens]
            self.we = [lexicon.weights([t for t in tk if lexicon.known(t, "en")], "en") for tk in en.tokens]
            self.tv = [lexicon.translations(x, "vi") for x in self.wv]
            self.te = [lexicon.translations(x, "en") for x in self.we]
            self.miss_vi += w["lex_miss"] * np.array([sum(x.values()) for x in self.wv])
            self.miss_en += w["lex_miss"] * np.array([sum(x.values()) for x in self.we])
        self.base = np.zeros(len(vi), dtype=int)
        self.cums: list = [None] * len(vi)
        self.merged: dict = {}
        self.cache: dict = {}

    def _side(self, lang, lo, hi):
        """(weights, translations, anchor keys, quantities) of sentences lo..hi-1."""
        k = (lang, lo, hi)
        hit = self.merged.get(k)
        if hit is None:
            side = self.vi if lang == "vi" else self.en
            anchors = side.anchors[lo:hi]
            keys = frozenset().union(*(a.keys for a in anchors))
            quantities = [q for a in anchors for q in a.quantities]
            names = frozenset().union(*(a.names for a in anchors))
            terms = frozenset().union(*(a.terms for a in anchors))
            weights, trans = {}, set()
            if self.lex is not None:
                ws, ts = (self.wv, self.tv) if lang == "vi" else (self.we, self.te)
                for x in range(lo, hi):
                    weights.update(ws[x])
                    trans |= ts[x]
            hit = self.merged[k] = (weights, trans, keys, quantities, names, terms)
        return hit

    def bead(self, a0, a1, j0, j1) -> float:
        """Reward of the bead vi[a0:a1] / en[j0:j1] computed on unions."""
        k = (a0, a1, j0, j1)
        hit = self.cache.get(k)
        if hit is not None:
            return hit
        w = self.w
        wv, tv, kv, qv, nv, rv = self._side("vi", a0, a1)
        we, te, ke, qe, ne, re_ = self._side("en", j0, j1)
        r = 0.0
        if kv and ke:
            sq = sum(1 for q in qv if not q.isdisjoint(ke)) + sum(1 for q in qe if not q.isdisjoint(kv))
            both = sq + len(nv & ke) + len(ne & kv)
            both += sum(1 for t in rv if ("term", t) in ke) + sum(1 for t in re_ if ("term", t) in kv)
            r += w["anchor"] * both / 2 + w["anchor_miss"] * sq
        if wv and we:
            links = sum(v for t, v in we.items() if t in tv) + sum(v for t, v in wv.items() if t in te)
            r += (w["lex"] + w["lex_miss"]) * links
        self.cache[k] = r
        return r

    def fill(self, lo, width):
        """Without a lexicon: pair rewards of the band through an index of anchor keys."""
        if self.lex is not None:
            return
        n, m = len(self.vi), len(self.en)
        index = {}
        for j, anc in enumerate(self.en.anchors):
            for k in anc.keys:
                index.setdefault(k, []).append(j)
        for a in range(n):
            rows = lo[a + 1:a + 3]  # beads holding sentence a end on these rows
            start = max(0, int(rows.min()) - 2)
            stop = min(m, int(rows.max()) + width)
            cand = set()
            for k in self.vi.anchors[a].keys:
                post = index.get(k, ())
                cand.update(post[bisect.bisect_left(post, start):bisect.bisect_left(post, stop)])
            if not cand:
                continue
            row = np.zeros(stop - start)
            for j in cand:
                row[j - start] = self.bead(a, a + 1, j, j + 1)
            self.base[a] = start
            self.cums[a] = np.concatenate([[0.0], np.cumsum(row)])

    def window(self, a, j0, j1):
        """Sum of pair rewards of vi sentence a with en sentences j0..j1-1 (arrays)."""
        cs = self.cums[a]
        if cs is None:
            return 0.0
        top = len(cs) - 1
        hi = np.clip(j1 - self.base[a], 0, top)
        low = np.clip(j0 - self.base[a], 0, top)
        return cs[hi] - cs[low]


class _Cost:
    """Bead costs for :func:`tm.align.dp.banded_dp`."""

    def __init__(self, vi: Side, en: Side, rewards: _Rewards, w):
        self.vi, self.en, self.r = vi, en, rewards
        self.prior = [w["prior_11"], w["prior_del"], w["prior_del"], w["prior_merge"], w["prior_merge"], w["prior_22"]]
        self.miss_vi = np.concatenate([[0.0], np.cumsum(rewards.miss_vi)])
        self.miss_en = np.concatenate([[0.0], np.cumsum(rewards.miss_en)])

    def __call__(self, b, i, js):
        di, dj = BEADS[b]
        c = np.full(js.shape, self.prior[b], dtype=float)
        c += self.miss_vi[i] - self.miss_vi[i - di]
        c += self.miss_en[js] - self.miss_en[js - dj]
        if di and dj:
            c += length_cost(self.vi.cum[i] - self.vi.cum[i - di], self.en.cum[js] - self.en.cum[js - dj])
            if self.r.lex is None:
                for a in range(i - di, i):
                    c -= self.r.window(a, js - dj, js)
            else:
                bead = self.r.bead
                c -= np.fromiter((bead(i - di, i, j - dj, j) for j in js.tolist()), float, len(js))
        return c

    def bead(self, di, dj, i, j) -> float:
        return float(self(BEADS.index((di, dj)), i, np.array([j]))[0])


def _diagonal_band(n, m, half):
    centre = np.round(np.arange(n + 1) * (m / n if n else 0)).astype(int)
    return centre - half, 2 * half + 1


def _path_band(path, n, half, cap=4000):
    jmin = np.full(n + 1, 10**9)
    jmax = np.full(n + 1, -1)
    jmin[0] = jmax[0] = 0
    for di, dj, i, j in path:
        jmin[i] = min(jmin[i], j - (dj if di == 0 else 0))
        jmax[i] = max(jmax[i], j)
    for i in range(1, n + 1):  # rows inside a 2-x bead: the row before
        if jmax[i] < 0:
            jmin[i], jmax[i] = jmin[i - 1], jmax[i - 1]
    width = int(min(cap, (jmax - jmin).max() + 2 * half + 1))
    return jmin - half, width


def run(vi: Side, en: Side, lexicon, weights, path=None):
    """One DP pass: around *path* in a narrow band when given, else around the diagonal.

    Returns ``(path, cost)``: beads ``(di, dj, i, j)`` and the cost function used.
    """
    n, m = len(vi), len(en)
    if path is None:
        half = int(max(weights["band"], abs(n - m) + 10, 0.05 * max(n, m)))
        lo, width = _diagonal_band(n, m, min(half, 4000))
    else:
        lo, width = _path_band(path, n, weights["band2"])
    rewards = _Rewards(vi, en, lexicon, weights)
    rewards.fill(lo, width)
    cost = _Cost(vi, en, rewards, weights)
    found = banded_dp(n, m, lo, width, cost)
    if found is None and path is not None:
        return run(vi, en, lexicon, weights)
    return found, cost


def self_lexicon(vi: Side, en: Side, path, cost: _Cost, base: Lexicon | None, confident: float):
    """*base* joined with a lexicon learned from the 1-1 beads of *path* cheaper than *confident*."""
    pairs = [(vi.texts[i - 1], en.texts[j - 1]) for di, dj, i, j in path
             if (di, dj) == (1, 1) and cost.bead(1, 1, i, j) < confident]
    if len(pairs) < 20:
        return base
    learned = Lexicon.from_pairs(pairs, max_pairs=5000)
    return learned if base is None else base.joined(learned)


def align_parallel(vi: Side, en: Side, lexicon=None, weights=WEIGHTS):
    """Beads ``(di, dj, i, j)`` and the final cost function."""
    path, cost = run(vi, en, None, weights)
    lex = lexicon
    if weights["self_train"]:
        lex = self_lexicon(vi, en, path, cost, lexicon, weights["confident"])
    if lex is not None:
        path, cost = run(vi, en, lex, weights, path)
    return path, cost
