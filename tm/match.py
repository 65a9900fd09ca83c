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
  those posting lists are scanned for candidates (``t`` = ``--min``);
- the candidates' counts over the elements read, plus one for each element not
  read yet, bound ``o``; the survivors are looked up in the remaining (longer)
  posting lists one at a time, each lookup tightening their bound, until few
  are left; they are then scored exactly, best bound first, and scoring stops
  when the best remaining bound is below the K-th best score found so far.

Units that were never read hold none of the prefix elements and every pruned
unit's bound was below ``t``, so by the bound above they score below ``t``: the
top ``K`` scores equal a brute-force scan's.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from corpus.normalize import key, match_key
from tm.index import WORD, StoreSearch, elements, key_tokens

__all__ = ["Match", "Matcher", "tokens", "plain_score", "token_score", "differing_spans",
           "origin"]

EPS = 1e-9
ROUND = 256  # candidates scored per batch
TIGHTEN_MIN = 64  # below this many candidates, verify them rather than look them up in more lists


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


class Matcher(StoreSearch):
    """Fuzzy search over one store (parameters: see :class:`tm.index.StoreSearch`)."""

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
        read, lists, volume = 0, [], 0
        while read < min(self.prefix(), n):  # prefix: every unit that can reach theta holds one of these
            eid = self.order[read][1]
            if eid is not None:
                post = self.index.postings(eid)
                count[post] += 1
                lists.append(post)
                volume += len(post)
            read += 1
        cands = self.touched(lists, volume, count).astype(np.uint32)
        cands, counts, m = self.prune(cands, count[cands].astype(np.int32), lens[cands], read)
        while read < n and len(cands) > TIGHTEN_MIN:  # tighten the bounds: look the survivors up in the rest
            eid = self.order[read][1]
            read += 1
            if eid is not None:
                counts = counts + self.member(cands, self.index.postings(eid), len(lens))
                cands, counts, m = self.prune(cands, counts, m, read)
        self.verify(cands, counts, m, read)
        return [(s, -neg) for s, neg in sorted(self.heap, key=lambda x: (-x[0], -x[1]))]

    @staticmethod
    def member(ids, post, size):
        """Which of the sorted *ids* are in the sorted posting list *post* (binary search, or a
        bitmap of *size* units when there are many ids)."""
        if len(ids) * 8 > len(post):
            hit = np.zeros(size, dtype=bool)
            hit[post] = True
            return hit[ids]
        return post[np.minimum(np.searchsorted(post, ids), len(post) - 1)] == ids

    @staticmethod
    def touched(lists, volume, count):
        """Sorted ids of the units in any of the posting *lists* read so far."""
        if not lists:
            return np.zeros(0, dtype=np.int64)
        if volume * 16 < len(count):
            ids = np.sort(np.concatenate(lists))
            return ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
        return np.flatnonzero(count)

    def prune(self, ids, counts, m, read):
        """The candidates, their counts and lengths *m* that pass the length filter and whose bound
        reaches theta.

        The bound ``100 * min(o, m) / max(n, m)`` with ``o = count + (n - read)`` (every unread query
        element assumed present) reaches theta iff ``min(o, m) >= need[m]``, an integer table.
        """
        n, theta = self.n, self.theta
        lo = math.ceil(n * theta / 100 - EPS)
        hi = math.floor(100 * n / theta + EPS)
        keep = (m >= lo) & (m <= hi)
        ids, counts, m = ids[keep], counts[keep], m[keep]
        need = np.ceil(theta * np.maximum(n, np.arange(hi + 1)) / 100 - EPS).astype(np.int32)
        keep = np.minimum(counts + (n - read), m) >= need[m]
        return ids[keep], counts[keep], m[keep]

    def verify(self, ids, counts, m, read):
        """Score exactly, best bound first, the candidates whose bound reaches theta (which rises as
        the top *K* fills up)."""
        bound = 100.0 * np.minimum(counts + (self.n - read), m) / np.maximum(self.n, m)
        order = np.argsort(-bound, kind="stable")
        ids, bound = ids[order], bound[order]
        for start in range(0, len(ids), ROUND):
            if bound[start] + EPS < self.theta:
                break
            self._score(ids[start:start + ROUND])

    def _score(self, ids):
        """Score units *ids* exactly (tokens coded in the query's local alphabet) into the top *K*."""
        flat, lens = self.index.sequences(self.lang, ids)
        pos = np.searchsorted(self.known, flat)
        hit = pos < len(self.known)
        hit[hit] = self.known[pos[hit]] == flat[hit]
        text = np.where(hit, pos + 3, 1).astype("<u4").tobytes().decode("utf-32-le")
        ends = np.cumsum(lens).tolist()
        units = [text[a:b] for a, b in zip([0] + ends[:-1], ends)]
        dist = cdist([self.qstr], units, scorer=Levenshtein.distance, dtype=np.int32)[0]
        longer = np.maximum(self.n, lens)
        scores = 100.0 * (longer - dist) / longer  # plain_score, vectorised (same float operations)
        keep = scores + EPS >= self.theta
        for score, uid in zip(scores[keep].tolist(), ids[keep].tolist()):
            entry = (score, -uid)
            if len(self.heap) < self.top:
                if score + EPS >= self.min:
                    heapq.heappush(self.heap, entry)
            elif entry > self.heap[0]:
                heapq.heapreplace(self.heap, entry)
