"""Parallel sentence alignment: Gale-Church length, anchors, then a lexical model.

The banded DP (:mod:`tm.align.dp`) runs around the diagonal, doubling the band while
the path runs along its edge, with the length model, the anchors and the lexicon of
the translation memory when there is one. Without one, pass 2 reruns it in a narrow
band around the first path with a lexicon learned from the confident 1-1 beads of
pass 1 (as hunalign does).

The cost of a bead is ``-log prior + length cost + miss * (quantities and known words
of the bead) - (gain + miss) * (facts its two sides share)``: a shared anchor or link
refunds its miss and earns its gain, so unpaired sentences pay for the evidence they
leave unexplained. A fact is shared when one of its keys is among the other side's
keys (its anchors, and the translations of its words); a bead's facts are the union
of its sentences' facts. The weights in :data:`WEIGHTS` were tuned on synthetic tasks
made from IWSLT tst2012 with a lexicon from its other half (``python
benchmarks/align_eval.py --tune``); tst2013 is left for the benchmark.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tm.align.anchors import sentence_anchors
from tm.align.dp import BEADS, banded_dp
from tm.align.lengthmodel import length_cost
from tm.align.lexicon import Lexicon

WEIGHTS = {
    "prior_11": 0.0, "prior_del": 6.0, "prior_merge": 3.0, "prior_22": 12.0,
    "anchor": 1.0, "anchor_miss": 1.0, "lex": 0.1, "lex_miss": 0.12,
    "band": 40, "band2": 12, "self_train": 1, "confident": 1.0,
}
MAX_HALF_BAND = 4000  # memory: (n + 1) * (2 * half + 1) bytes of back pointers


@dataclass
class Side:
    """Per-sentence features of one side of a document pair."""

    lang: str
    texts: list
    cum: np.ndarray  # prefix sums of character lengths
    anchors: list

    def __len__(self):
        return len(self.texts)


def features(texts, lang, matcher=None) -> Side:
    """Lengths and anchors of *texts* in *lang*."""
    lengths = np.array([max(len(t.strip()), 1) for t in texts], dtype=float)
    return Side(lang, list(texts), np.concatenate([[0.0], np.cumsum(lengths)]),
                [sentence_anchors(t, lang, matcher) for t in texts])


def _csr(lists):
    """(pointers, flat int array) of a list of int sequences."""
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    flat = np.fromiter((v for x in lists for v in x), np.int64, int(ptr[-1]))
    return ptr, flat


def _gather(csr, rows, sents):
    """(row, value) of every value of sentences *sents*, each tagged with its item *rows*."""
    ptr, flat = csr
    lens = ptr[sents + 1] - ptr[sents]
    shift = np.repeat(ptr[sents] - (np.cumsum(lens) - lens), lens)
    return np.repeat(rows, lens), flat[shift + np.arange(int(lens.sum()))]


class _Rewards:
    """Facts and keys of every sentence as integer ids; rewards of beads.

    Parameters:
        vi, en: the two sides; lexicon: a :class:`Lexicon` or None (anchors only);
        w: the weights.
    """

    def __init__(self, vi: Side, en: Side, lexicon, w):
        self.lex = lexicon
        self._keys: dict = {}
        self._facts: dict = {}
        self._tokens: dict = {}
        self.fact_w: list = []
        self.fact_keys: list = []
        vi_facts, vi_keys, self.miss_vi = self._side(vi, "vi", "en", lexicon, w)
        en_facts, en_keys, self.miss_en = self._side(en, "en", "vi", lexicon, w)
        self.fact_w = np.array(self.fact_w, dtype=np.float32)  # float32: half the memory traffic
        self.any = any(vi_facts) and any(en_facts)
        self.vi_facts, self.vi_keys = _csr(vi_facts), _csr(vi_keys)
        self.en_facts, self.en_keys = _csr(en_facts), _csr(en_keys)
        self.fact_key = _csr(self.fact_keys)

    def _key(self, k) -> int:
        return self._keys.setdefault(k, len(self._keys))

    def _fact(self, keys, weight) -> int:
        ident = frozenset(keys)
        f = self._facts.get(ident)
        if f is None:
            f = self._facts[ident] = len(self.fact_w)
            self.fact_w.append(weight)
            self.fact_keys.append(sorted(self._key(k) for k in ident))
        return f

    def _token(self, token, lang, other, gain):
        """(fact id, weight, translation key ids) of a known, not common *token*, else None."""
        k = (lang, token)
        if k not in self._tokens:
            hit = None
            if self.lex.known(token, lang):
                weight = self.lex.weights([token], lang).get(token)
                if weight is not None:
                    keys = {self._key((other, t)) for t in self.lex.translations([token], lang)}
                    hit = (self._fact([k], gain * weight), weight, keys)
            self._tokens[k] = hit
        return self._tokens[k]

    def _side(self, side: Side, lang, other, lexicon, w):
        q_gain, gain = w["anchor"] / 2 + w["anchor_miss"], w["anchor"] / 2
        lex_gain = w["lex"] + w["lex_miss"]
        facts, keys, miss = [], [], []
        for a, text in zip(side.anchors, side.texts):
            fs = [self._fact(q, q_gain) for q in a.quantities]
            fs += [self._fact([n], gain) for n in a.names]
            fs += [self._fact([("term", t)], gain) for t in a.terms]
            ks = {self._key(k) for k in a.keys}
            lost = w["anchor_miss"] * len(a.quantities)
            if lexicon is not None:
                for t in set(lexicon.tokenize(text)):
                    hit = self._token(t, lang, other, lex_gain)
                    if hit is not None:
                        fs.append(hit[0])
                        ks |= hit[2]
                        lost += w["lex_miss"] * hit[1]
            facts.append(sorted(set(fs)))
            keys.append(sorted(ks))
            miss.append(lost)
        return facts, keys, np.array(miss)

    def along(self, spans) -> np.ndarray:
        """Rewards of beads given as ``(vi range, en range)``, in chunks of 64."""
        out = np.zeros(len(spans))
        for c in range(0, len(spans), 64):
            chunk = spans[c:c + 64]
            block = self.block(_encode([v for v, _ in chunk]), _encode([e for _, e in chunk]))
            out[c:c + len(chunk)] = np.diagonal(block)
        return out

    def block(self, xs, ys) -> np.ndarray:
        """Rewards ``(nx, ny)`` of Vietnamese items against English items.

        Parameters:
            xs, ys: ``(count, rows, sentences)``: item *rows[k]* holds sentence *sentences[k]*.
        """
        return (self._shared(xs, self.vi_facts, ys, self.en_keys)
                + self._shared(ys, self.en_facts, xs, self.vi_keys).T)

    def _shared(self, xs, facts, ys, keys) -> np.ndarray:
        """Weight of the facts of each item of *xs* found among the keys of each of *ys*."""
        out = np.zeros((xs[0], ys[0]))
        rows, cols = _gather(facts, xs[1], xs[2])
        if not len(cols):
            return out
        local, col = np.unique(cols, return_inverse=True)
        cell = np.unique(rows * len(local) + col)  # (item, fact), a fact once per item
        rows, col = cell // len(local), cell % len(local)
        pf, pk = _gather(self.fact_key, np.arange(len(local)), local)  # grouped by fact
        key_ids, pk = np.unique(pk, return_inverse=True)
        yr, yk = _gather(keys, ys[1], ys[2])
        if not len(yk):
            return out
        pos = np.minimum(np.searchsorted(key_ids, yk), len(key_ids) - 1)
        hit = key_ids[pos] == yk
        has = np.zeros((ys[0], len(key_ids)), dtype=np.float32)
        has[yr[hit], pos[hit]] = 1.0
        found = has[:, pk]
        if len(pf) != len(local):
            found = np.maximum.reduceat(found, np.flatnonzero(np.r_[True, pf[1:] != pf[:-1]]), axis=1)
        # sums per item of its facts' columns (no BLAS: its threads stall on a busy machine)
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] = np.add.reduceat(found[:, col] * self.fact_w[local[col]], starts, axis=1).T
        return out


class _Cost:
    """Bead costs over a band, block by block, for :func:`tm.align.dp.banded_dp`."""

    def __init__(self, vi: Side, en: Side, rewards: _Rewards, w):
        self.vi, self.en, self.r = vi, en, rewards
        self.prior = [w["prior_11"], w["prior_del"], w["prior_del"], w["prior_merge"], w["prior_merge"],
                      w["prior_22"]]
        self.miss_vi = np.concatenate([[0.0], np.cumsum(rewards.miss_vi)])
        self.miss_en = np.concatenate([[0.0], np.cumsum(rewards.miss_en)])

    def band(self, lo, width):
        """``block_cost(r0, r1)`` of the band *lo*, *width*."""
        n, m = len(self.vi), len(self.en)
        cols = np.arange(width)

        def block_cost(r0, r1):
            i = np.arange(r0, r1)[:, None]
            js = lo[r0:r1, None] + cols[None, :]
            jlo = int(np.clip(lo[r0:r1].min(), 0, m))
            span = int(np.clip(lo[r0:r1].max() + width, 0, m + 1)) - jlo
            reward = None
            if self.r.any:
                xs = _items(r0, r1)
                ys = _items(jlo, jlo + span)
                reward = self.r.block(xs, ys)
            out = np.full((len(BEADS), r1 - r0, width), np.inf)
            for b, (di, dj) in enumerate(BEADS):
                fit = (i >= di) & (js >= dj) & (js <= m)
                if not fit.any():
                    continue
                ic, jc = np.maximum(i, di), np.clip(js, dj, m)
                c = self.prior[b] + (self.miss_vi[ic] - self.miss_vi[ic - di]) + (self.miss_en[jc] - self.miss_en[jc - dj])
                if di and dj:
                    c = c + length_cost(self.vi.cum[ic] - self.vi.cum[ic - di], self.en.cum[jc] - self.en.cum[jc - dj])
                    if reward is not None:
                        x = (ic - r0) + (r1 - r0) * (di == 2)
                        y = np.clip(jc - jlo, 0, span - 1) + span * (dj == 2)
                        c = c - reward[np.broadcast_to(x, y.shape), y]
                out[b] = np.where(fit, c, np.inf)
            return out

        return block_cost

    def beads(self, path):
        """``(costs, apart)`` arrays: the cost of each bead of *path* and of leaving its
        sentences unpaired (1-0 and 0-1 beads)."""
        if not path:
            return np.zeros(0), np.zeros(0)
        di, dj, i, j = np.array(path).T
        miss = self.miss_vi[i] - self.miss_vi[i - di] + self.miss_en[j] - self.miss_en[j - dj]
        costs = np.array([self.prior[BEADS.index(p)] for p in zip(di.tolist(), dj.tolist())]) + miss
        both = np.flatnonzero((di > 0) & (dj > 0))
        if len(both):
            ib, jb, db, eb = i[both], j[both], di[both], dj[both]
            costs[both] += length_cost(self.vi.cum[ib] - self.vi.cum[ib - db], self.en.cum[jb] - self.en.cum[jb - eb])
            if self.r.any:
                costs[both] -= self.r.along([(range(x - a, x), range(y - b, y)) for x, y, a, b in
                                             zip(ib.tolist(), jb.tolist(), db.tolist(), eb.tolist())])
        return costs, (di + dj) * self.prior[1] + miss


def _encode(items):
    """``(count, rows, sentences)`` of items given as sequences of sentence indexes."""
    rows = [r for r, item in enumerate(items) for _ in item]
    return len(items), np.array(rows, dtype=np.int64), np.array([s for item in items for s in item], dtype=np.int64)


def _items(c0, c1):
    """Items of boundaries c0..c1-1: singles (the sentence before) then doubles (the two before),
    as ``(2 * (c1 - c0), rows, sentences)`` for :meth:`_Rewards.block`."""
    k = np.arange(c0, c1)
    one = k >= 1
    two = k >= 2
    size = c1 - c0
    rows = np.concatenate([(k - c0)[one], size + (k - c0)[two], size + (k - c0)[two]])
    sents = np.concatenate([k[one] - 1, k[two] - 2, k[two] - 1])
    return 2 * size, rows, sents


def _diagonal_band(n, m, half):
    centre = np.round(np.arange(n + 1) * (m / n if n else 0)).astype(int)
    return centre - half, 2 * half + 1


def _path_band(path, n, half):
    jmin = np.full(n + 1, 10**9)
    jmax = np.full(n + 1, -1)
    jmin[0] = jmax[0] = 0
    for di, dj, i, j in path:
        jmin[i] = min(jmin[i], j - (dj if di == 0 else 0))
        jmax[i] = max(jmax[i], j)
    for i in range(1, n + 1):  # rows inside a 2-x bead: the row before
        if jmax[i] < 0:
            jmin[i], jmax[i] = jmin[i - 1], jmax[i - 1]
    width = int(min(2 * MAX_HALF_BAND + 1, (jmax - jmin).max() + 2 * half + 1))
    return jmin - half, width


def _on_edge(path, lo, width, m, margin=3) -> bool:
    """Whether *path* runs within *margin* of a band edge that is not a document edge."""
    for di, dj, i, j in path:
        for col in (j, j - dj) if di == 0 else (j,):
            k = col - lo[i]
            if (k < margin and lo[i] > 0) or (k >= width - margin and lo[i] + width - 1 < m):
                return True
    return False


def run(vi: Side, en: Side, lexicon, weights, path=None):
    """One DP pass: around *path* in a narrow band when given, else around the diagonal.

    Returns ``(path, cost)``: beads ``(di, dj, i, j)`` and the cost function used.
    """
    n, m = len(vi), len(en)
    cost = _Cost(vi, en, _Rewards(vi, en, lexicon, weights), weights)
    if path is not None:
        lo, width = _path_band(path, n, weights["band2"])
        found = banded_dp(n, m, lo, width, cost.band(lo, width))
        if found is not None:
            return found, cost
    # a path wholly outside the band never touches its edge: start wide enough for a
    # section of 15% missing on each side (at most 100 sentences; widened after that)
    half = min(int(max(weights["band"], abs(n - m) + 10, min(0.15 * max(n, m), 100))), MAX_HALF_BAND)
    while True:
        lo, width = _diagonal_band(n, m, half)
        found = banded_dp(n, m, lo, width, cost.band(lo, width))
        wide = half >= MAX_HALF_BAND or width > 2 * max(n, m)
        if found is not None and (wide or not _on_edge(found, lo, width, m)):
            return found, cost
        if wide:  # pragma: no cover - the full matrix always holds a path
            raise RuntimeError("no alignment path in the band")
        half = min(2 * half, MAX_HALF_BAND)


def self_lexicon(vi: Side, en: Side, path, cost: _Cost, confident: float):
    """A lexicon learned from the 1-1 beads of *path* cheaper than *confident* (None: too few)."""
    costs, _ = cost.beads(path)
    pairs = [(vi.texts[i - 1], en.texts[j - 1]) for (di, dj, i, j), c in zip(path, costs.tolist())
             if (di, dj) == (1, 1) and c < confident]
    if len(pairs) < 20:
        return None
    return Lexicon.from_pairs(pairs, max_pairs=2000)


def align_parallel(vi: Side, en: Side, lexicon=None, weights=WEIGHTS):
    """Beads ``(di, dj, i, j)`` and the final cost function.

    With the memory's *lexicon*, one pass around the diagonal uses it; without, pass 1
    uses length and anchors and pass 2 a lexicon self-trained on pass 1's confident beads.
    """
    path, cost = run(vi, en, lexicon, weights)
    if lexicon is None and weights["self_train"]:
        learned = self_lexicon(vi, en, path, cost, weights["confident"])
        if learned is not None:
            path, cost = run(vi, en, learned, weights, path)
    return path, cost
