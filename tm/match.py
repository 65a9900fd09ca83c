"""Fuzzy matches from the translation memory, exact and fast.

The score is the one CAT tools show, defined so anyone can recompute it:
normalise both sentences with :func:`corpus.normalize.match_key` (NFC, canonical
tone placement, lower case), take the tokens as the ``\\w+`` runs, and::

    score = 100 * (1 - d / L)

where ``d`` is the Levenshtein distance between the two token sequences and
``L`` the longer sequence's length.

Search is exact: the index (:mod:`tm.index`) only prunes units that provably
cannot reach the threshold ``t`` (percent), then the survivors are scored
exactly with rapidfuzz. For a query of ``n`` tokens and a unit of ``m``:

- an alignment with ``M`` equal pairs has ``d >= max(n, m) - M``, and ``M`` is at
  most the multiset overlap ``o`` of the token bags, so
  ``score <= 100 * min(o, n, m) / max(n, m)`` (the upper bound used to order
  and stop verification);
- hence ``score >= t`` needs ``n * t/100 <= m <= 100 * n / t`` (length filter)
  and ``o >= tau = ceil(t * n / 100)`` (count filter);
- prefix filter: sort the query's ``n`` elements (tokens numbered by
  occurrence, so bag overlap is set overlap) rarest first; a unit with
  ``o >= tau`` holds at least one of the first ``n - tau + 1`` of them, so only
  those posting lists are read. As verified matches fill the top ``K``, ``t``
  rises to the K-th best score and the prefix shrinks (top-k join).

Units that were never read hold none of the prefix elements, so by the bound
above they score below ``t``: the top ``K`` scores equal a brute-force scan's.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from corpus.normalize import key, match_key
from tm.index import WORD, TokenIndex, elements, key_tokens

__all__ = ["Match", "Matcher", "tokens", "plain_score", "token_score", "differing_spans",
           "origin"]

EPS = 1e-9
ROUND_DF = 2000  # before reading a posting list longer than this, verify the best candidates so far
ROUND = 256  # candidates scored per batch
ROUND_MAX = 100_000  # no early scoring rounds once this many postings were read
SCATTER_VS_VERIFY = 300  # scoring one candidate costs about as much as counting this many postings


def tokens(text: str) -> list[str]:
    """The tokens the score compares: ``\\w+`` runs of the match key."""
    return key_tokens(match_key(text))


def plain_score(distance: int, n: int, m: int) -> float:
    """``100 * (1 - distance / max(n, m))``; 100.0 when both are empty."""
    longer = max(n, m)
    return 100.0 if longer == 0 else 100.0 * (longer - distance) / longer


def token_score(a: str, b: str) -> float:
    """The fuzzy-match score of two texts (see the module docs)."""
    ta, tb = tokens(a), tokens(b)
    return plain_score(Levenshtein.distance(ta, tb), len(ta), len(tb))


def differing_spans(query: str, text: str) -> list[tuple[int, int]]:
    """Offsets in *text* of the words that differ from *query* (for highlighting)."""
    k = key(text)
    found = list(WORD.finditer(k.text))
    ops = Levenshtein.opcodes(tokens(query), [m.group() for m in found])
    spans = []
    for op in ops:
        if op.tag in ("replace", "insert"):
            for m in found[op.dest_start:op.dest_end]:
                spans.append(k.span(m.start(), m.end()))
    return spans


def origin(provenance) -> str:
    """A short description of where a unit came from."""
    if not provenance:
        return ""
    p = provenance[0]
    if isinstance(p, dict) and "file" in p:
        text = p["file"] + (f"#{p['tuid']}" if p.get("tuid") else "")
    elif isinstance(p, dict) and "vi" in p and "en" in p:
        text = f"{p['vi'].get('doc', '?')} / {p['en'].get('doc', '?')}"
    else:
        text = str(p)
    return text + (f" (+{len(provenance) - 1} more)" if len(provenance) > 1 else "")


@dataclass
class Match:
    """One fuzzy match: the unit, its score and the language searched."""

    unit: object
    score: float
    lang: str

    @property
    def source(self) -> str:
        return self.unit.text(self.lang)

    @property
    def target(self) -> str:
        return self.unit.text("en" if self.lang == "vi" else "vi")

    def to_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "score": round(self.score, 2),
                "kind": self.unit.kind, "origin": origin(self.unit.provenance), "id": self.unit.id}


class Matcher:
    """Fuzzy search over one store (catches the index up first).

    Parameters:
        store: an open :class:`tm.store.SQLiteStore`.
        progress: optional callback ``(done, total)`` while the index catches up.
    """

    def __init__(self, store, progress=None):
        self.store = store
        self.index = TokenIndex(store)
        self.index.refresh(progress)

    def search(self, text: str, lang: str = "auto", top: int = 5, min_score: float = 50.0) -> list[Match]:
        """The *top* best units whose *lang* side scores at least *min_score* against *text*.

        Parameters:
            text: the query sentence, as written.
            lang: ``vi``, ``en`` or ``auto`` (:meth:`tm.index.TokenIndex.guess_lang`).
            top: how many matches at most (>= 1).
            min_score: threshold in percent, 0 < min_score <= 100.

        Returns matches best first (ties by unit id).
        """
        if lang == "auto":
            lang = self.index.guess_lang(text)
        if not 0 < min_score <= 100 or top < 1:
            raise ValueError("min_score must be in (0, 100] and top >= 1")
        scored = self.search_ids(tokens(text), lang, top, min_score)
        units = {u.id: u for u in self.store.get_units([uid for _, uid in scored])}
        return [Match(units[uid], s, lang) for s, uid in scored if uid in units]

    def search_ids(self, toks: list[str], lang: str, top: int, min_score: float) -> list[tuple[float, int]]:
        """``[(score, unit id)]`` best first, for query tokens *toks* (see :meth:`search`)."""
        return _Search(self.index, toks, lang, top, min_score).run()


class _Search:
    """One top-k query: prefix reading, bounds and exact verification."""

    def __init__(self, index, toks, lang, top, min_score):
        self.index, self.lang, self.top, self.min = index, lang, top, min_score
        self.n = len(toks)
        elems = elements(toks)
        info = index.lookup(lang, elems)
        self.order = sorted(((info[e][1], info[e][0]) if e in info else (0, None) for e in elems),
                            key=lambda x: x[0])
        known = sorted({info[t][0] for t in toks if t in info})
        self.known = np.array(known, dtype=np.uint32)
        # Local alphabet: 1 = unit token absent from the query, 2 = query token absent from the index.
        code = {eid: 3 + i for i, eid in enumerate(known)}
        self.qstr = "".join(chr(code[info[t][0]]) if t in info else chr(2) for t in toks)
        self.heap = []  # (score, -id) of the best `top`

    @property
    def theta(self) -> float:
        if len(self.heap) == self.top:
            return max(self.min, self.heap[0][0])
        return self.min

    def prefix(self) -> int:
        tau = max(1, math.ceil(self.theta * self.n / 100 - EPS))
        return self.n - tau + 1

    def run(self):
        if not self.n or not any(eid for _, eid in self.order):
            return []
        n = self.n
        lens = self.index.lengths(self.lang)
        count = np.zeros(len(lens), dtype=np.uint8 if n < 255 else np.uint16)
        done = np.zeros(len(lens), dtype=bool)
        read, lists, volume = 0, [], 0
        while read < min(self.prefix(), n):  # prefix: every unit that can reach theta holds one of these
            df, eid = self.order[read]
            if eid is not None:
                if df > ROUND_DF and lists and volume < ROUND_MAX:  # score the most promising first
                    seen, counts = np.unique(np.concatenate(lists), return_counts=True)
                    self.verify(seen, counts, read, lens, done, limit=ROUND)
                    if read >= self.prefix():
                        break
                post = self.index.postings(eid)
                count[post] += 1
                lists.append(post)
                volume += len(post)
            read += 1
        if volume < len(lens) // 16:
            cands = np.unique(np.concatenate(lists)) if lists else np.zeros(0, dtype=np.int64)
        else:
            cands = np.flatnonzero(count)
        cands, _ = self.prune(cands, count[cands], read, lens)
        rest = sum(df for df, _ in self.order[read:])
        if len(cands) * SCATTER_VS_VERIFY > rest:  # cheaper to count the rest exactly than to verify
            for _, eid in self.order[read:]:
                count[self.index.postings(eid)] += 1
            read = n
        self.verify(cands, count[cands], read, lens, done)
        return [(s, -neg) for s, neg in sorted(self.heap, key=lambda x: (-x[0], -x[1]))]

    def prune(self, ids, counts, read, lens):
        """The candidates whose bound reaches theta, and their bounds."""
        n, theta = self.n, self.theta
        m = lens[ids]
        lo = math.ceil(n * theta / 100 - EPS)
        hi = math.floor(100 * n / theta + EPS)
        bound = 100.0 * np.minimum(np.minimum(counts.astype(np.int64) + (n - read), n), m) / np.maximum(n, m)
        keep = (m >= lo) & (m <= hi) & (bound + EPS >= theta)
        return ids[keep], bound[keep]

    def verify(self, ids, counts, read, lens, done, limit=None):
        """Score exactly, best bound first, the unscored candidates whose bound reaches theta."""
        fresh = ~done[ids]
        ids, bound = self.prune(ids[fresh], counts[fresh], read, lens)
        order = np.argsort(-bound, kind="stable")[:limit]
        ids, bound = ids[order], bound[order]
        for start in range(0, len(ids), ROUND):
            if bound[start] + EPS < self.theta:
                break
            chunk = ids[start:start + ROUND]
            done[chunk] = True
            self._score(chunk)

    def _score(self, ids):
        flat, lens = self.index.sequences(self.lang, ids)
        pos = np.searchsorted(self.known, flat)
        hit = pos < len(self.known)
        hit[hit] = self.known[pos[hit]] == flat[hit]
        text = np.where(hit, pos + 3, 1).astype("<u4").tobytes().decode("utf-32-le")
        n, start, theta = self.n, 0, self.theta
        for uid, m in zip(ids.tolist(), lens.tolist()):
            unit = text[start:start + m]
            start += m
            longer = max(n, m)
            cutoff = math.floor((100 - theta) * longer / 100 + EPS)
            d = Levenshtein.distance(self.qstr, unit, score_cutoff=cutoff)
            if d > cutoff:
                continue
            entry = (plain_score(d, n, m), -uid)
            if len(self.heap) < self.top:
                heapq.heappush(self.heap, entry)
            elif entry > self.heap[0]:
                heapq.heapreplace(self.heap, entry)
            else:
                continue
            theta = self.theta
