"""A word translation lexicon learned at run time from the user's translation memory.

IBM Model 1 (Brown et al. 1993) in both directions, trained with EM over the
(Vietnamese, English) pairs given, vectorised with numpy. Vietnamese is tokenised
into syllables, English into words, both lower case after
NFC and tone-mark canonicalisation. A link ``v <-> e`` is kept when ``t(e|v)`` or
``t(v|e)`` reaches ``threshold``; tokens weigh their inverse document frequency.
Nothing is shipped: the model lives in memory for one run.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter

import numpy as np

from corpus.normalize import canonical_tones

_TOKEN = re.compile(r"[^\W\d_]+|\d+")
COMMON = 30
MIN_IDF = math.log(COMMON)


@functools.lru_cache(maxsize=100_000)
def _canon(word: str) -> str:
    return canonical_tones(word)


def tokenize(text: str) -> list[str]:
    """Lower-case word (en) or syllable (vi) tokens of *text* after NFC and tone-mark
    canonicalisation (as :func:`corpus.normalize.match_key`), digits kept apart."""
    return [_canon(w) for w in _TOKEN.findall(unicodedata.normalize("NFC", text).lower())]


def _ibm1(pairs, iterations, threshold):
    """t(tgt|src) >= *threshold* of IBM Model 1 as {src: {tgt: p}}; pairs of (src tokens, tgt tokens)."""
    src_vocab: dict = {None: 0}
    tgt_vocab: dict = {}
    srcs, tgts, occs = [], [], []
    n_occ = 0
    for src, tgt in pairs:
        s_ids = np.fromiter({src_vocab.setdefault(w, len(src_vocab)) for w in src} | {0}, np.int64)
        t_ids = np.fromiter((tgt_vocab.setdefault(w, len(tgt_vocab)) for w in tgt), np.int64, len(tgt))
        srcs.append(np.tile(s_ids, len(t_ids)))
        tgts.append(np.repeat(t_ids, len(s_ids)))
        occs.append(np.repeat(np.arange(n_occ, n_occ + len(t_ids)), len(s_ids)))
        n_occ += len(t_ids)
    if not n_occ:
        return {}
    src_all, tgt_all, occ = np.concatenate(srcs), np.concatenate(tgts), np.concatenate(occs)
    keys, links = np.unique(src_all * len(tgt_vocab) + tgt_all, return_inverse=True)
    link_src = keys // len(tgt_vocab)
    t = np.ones(len(keys))
    for _ in range(iterations):
        p = t[links]
        post = p / np.bincount(occ, weights=p, minlength=n_occ)[occ]
        counts = np.bincount(links, weights=post, minlength=len(keys))
        totals = np.bincount(link_src, weights=counts, minlength=len(src_vocab))
        t = counts / np.maximum(totals[link_src], 1e-12)
    src_words = list(src_vocab)
    tgt_words = list(tgt_vocab)
    table: dict = {}
    keep = (link_src > 0) & (t >= threshold)
    for k, p in zip(keys[keep].tolist(), t[keep].tolist()):
        table.setdefault(src_words[k // len(tgt_vocab)], {})[tgt_words[k % len(tgt_vocab)]] = p
    return table


class Lexicon:
    """Translation links between Vietnamese and English tokens.

    Parameters:
        links_vi: {vi token: set of en tokens}; links_en: the reverse.
        idf_vi, idf_en: token weights; tokens missing from them weigh ``default_idf``.
        tokenize: the tokenizer used for both languages.
    """

    def __init__(self, links_vi, links_en, idf_vi, idf_en, tokenize=tokenize):
        self.links_vi, self.links_en = links_vi, links_en
        self.idf_vi, self.idf_en = idf_vi, idf_en
        self.tokenize = tokenize
        self.default_idf = max(list(idf_vi.values()) + list(idf_en.values()) + [1.0])

    def __len__(self):
        return sum(len(v) for v in self.links_vi.values())

    @classmethod
    def from_pairs(cls, pairs, *, iterations: int = 5, threshold: float = 0.1, max_pairs: int = 20000,
                   tokenize=tokenize):
        """Learn links from translation pairs.

        Parameters:
            pairs: iterable of ``(vi_text, en_text)`` (e.g. the units of a store).
            iterations: EM iterations of IBM Model 1.
            threshold: minimum translation probability of a kept link.
            max_pairs: only the first this many pairs are used (memory grows with them).
            tokenize: ``text -> list of tokens`` for both languages.
        """
        data = []
        for vi, en in pairs:
            tv, te = tokenize(vi), tokenize(en)
            if tv and te:
                data.append((tv, te))
            if len(data) >= max_pairs:
                break
        df_vi, df_en = Counter(), Counter()
        for tv, te in data:
            df_vi.update(set(tv))
            df_en.update(set(te))
        n = len(data) + 1
        idf_vi = {w: math.log(n / c) for w, c in df_vi.items()}
        idf_en = {w: math.log(n / c) for w, c in df_en.items()}
        e_given_v = _ibm1(data, iterations, threshold)
        v_given_e = _ibm1([(te, tv) for tv, te in data], iterations, threshold)
        links_vi: dict = {}
        links_en: dict = {}
        for v, row in e_given_v.items():
            for e in row:
                links_vi.setdefault(v, set()).add(e)
                links_en.setdefault(e, set()).add(v)
        for e, row in v_given_e.items():
            for v in row:
                links_en.setdefault(e, set()).add(v)
                links_vi.setdefault(v, set()).add(e)
        return cls(links_vi, links_en, idf_vi, idf_en, tokenize)

    def weights(self, tokens, lang: str) -> dict:
        """{token: weight} of the distinct *tokens* of a sentence; tokens in more than one
        sentence in :data:`COMMON` of the memory (function words) are left out."""
        idf = self.idf_vi if lang == "vi" else self.idf_en
        out = {t: idf.get(t, self.default_idf) for t in set(tokens)}
        return {t: w for t, w in out.items() if w >= MIN_IDF}

    def translations(self, tokens, lang: str) -> set:
        """Tokens of the other language linked to any of *tokens*."""
        links = self.links_vi if lang == "vi" else self.links_en
        out: set = set()
        for t in set(tokens):
            out |= links.get(t, ())
        return out

    def known(self, token, lang: str) -> bool:
        return token in (self.links_vi if lang == "vi" else self.links_en)

    def joined(self, other: "Lexicon") -> "Lexicon":
        """A lexicon with the links of both; weights from *self* first."""
        def union(a, b):
            out = {k: set(v) for k, v in a.items()}
            for k, v in b.items():
                out.setdefault(k, set()).update(v)
            return out
        return Lexicon(union(self.links_vi, other.links_vi), union(self.links_en, other.links_en),
                       {**other.idf_vi, **self.idf_vi}, {**other.idf_en, **self.idf_en}, self.tokenize)
