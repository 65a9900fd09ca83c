"""Candidate term pairs from a translation memory, for a curator to review.

Two sources of candidates, both over aligned units (Vietnamese, English):

1. **Co-occurrence.** English candidates are capitalised sequences (``Supreme
   People's Assembly``: capitalised words, with ``of``/``and``/``the``... inside)
   and noun-phrase-like n-grams (2-4 words, no function word at either end, no
   digits); Vietnamese candidates are syllable n-grams (2-4 syllables, no
   function syllable at either end). A candidate contained in a longer one that
   occurs nearly as often is dropped (``Kim Jong`` inside ``Kim Jong Il``).
   Pairs are scored by Dunning's log-likelihood ratio over the units and linked
   one-to-one, best first (competitive linking).
2. **Names.** An English capitalised sequence whose diacritic-folded form is in
   the folded Vietnamese side (``Nong Duc Manh`` / ``Nông Đức Mạnh``,
   ``San Francisco`` / ``San Francisco``), scored the same way.

Each candidate has its score, the number of units supporting it and how it was
found; pairs whose Vietnamese or English side is already a glossary form are left out.
The function-word lists below are closed-class words written by hand, not learned.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from corpus.normalize import fold, match_key

__all__ = ["Candidate", "extract_terms"]

EN_FUNCTION = frozenset("""
a an the of and or for to in on at by with from as into about than that this these those it its is are was
were be been being has have had do does did not no but if so then there their they them he she his her we
our you your i me my us what which who whom whose when where why how all any some more most very just also
can could will would should may might must s t re ve ll d m one two three many much such other own same each
every both few here now only out up down over again once too well even still because while after before
like get got go going know think say said see thing things way lot really actually yeah oh okay
""".split())
EN_CONNECTORS = frozenset({"of", "and", "the", "for", "on", "in", "de", "to", "at", "s", "'", "’"})
EN_INSIDE = frozenset({"of", "for", "on", "in", "the", "to"})
VI_FUNCTION = frozenset("""
và của là các những được có cho với trong này đó đã sẽ đang một không thì mà nhưng như để khi về từ tại
rằng bị bởi vì nên cũng rất lại ra vào lên xuống đi đến nó họ chúng tôi ta bạn anh chị em ông bà này kia ấy
nào gì ai đâu sao thế vậy hay hoặc nếu còn vẫn đều mỗi mọi cả chỉ thật quá hơn nhất lắm nhiều ít người cái
con chiếc việc điều sự cuộc những đây kìa ạ à ư nhé nhỉ thôi rồi ở theo trên dưới sau trước giữa qua làm
""".split())
VI_NOT_INSIDE = frozenset("và hoặc những các của là thì mà được bị cũng đã sẽ đang không".split())

_TOKEN = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*|\d+(?:[.,]\d+)*|[^\w\s]")


@dataclass
class Candidate:
    """A candidate term pair.

    Attributes:
        vi, en: the terms as most often written.
        score: log-likelihood ratio (higher is stronger).
        support: units in which both occur.
        vi_count, en_count: units in which each occurs.
        method: ``cooccurrence`` or ``name``.
    """

    vi: str
    en: str
    score: float
    support: int
    vi_count: int
    en_count: int
    method: str

    def to_dict(self) -> dict:
        return {"vi": self.vi, "en": self.en, "score": round(self.score, 2), "support": self.support,
                "vi_count": self.vi_count, "en_count": self.en_count, "method": self.method}


_KEYS: dict[str, str] = {}


def _tokens(text: str):
    """``(token, start, end, key)`` of *text*; the key is the token's match key."""
    out = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        k = _KEYS.get(tok)
        if k is None:
            k = _KEYS[tok] = match_key(tok)
        out.append((tok, m.start(), m.end(), k))
    return out


def _is_word(tok: str) -> bool:
    return tok[0].isalpha()


def _capitalised_runs(toks, text):
    """Capitalised sequences of an English sentence: ``(surface, key, token count)``."""
    out, i, n = [], 0, len(toks)
    while i < n:
        if not (_is_word(toks[i][0]) and toks[i][0][0].isupper()):
            i += 1
            continue
        j = i + 1
        last = i
        while j < n:
            tok = toks[j][0]
            if _is_word(tok) and tok[0].isupper():
                last = j
            elif tok.lower() not in EN_CONNECTORS:
                break
            j += 1
        run = toks[i:last + 1]
        while run and run[0][3] in EN_FUNCTION:
            run = run[1:]
        if run and not (i == 0 and len(run) == 1):
            out.append((text[run[0][1]:run[-1][2]], " ".join(t[3] for t in run), len(run)))
        i = last + 1
    return out


def _ngrams(toks, text, edge_stop, inside_ok, sizes):
    """``(surface, key)`` of word n-grams without a function word at either end.

    Parameters:
        edge_stop: words that may not begin or end an n-gram.
        inside_ok: a function word inside an n-gram must pass this test.
    """
    out = []
    for n in sizes:
        for i in range(len(toks) - n + 1):
            gram = toks[i:i + n]
            if gram[0][3] in edge_stop or gram[-1][3] in edge_stop:
                continue
            if not all(_is_word(t[0]) for t in gram):
                continue
            if not all(inside_ok(t[3]) for t in gram[1:-1]):
                continue
            out.append((text[gram[0][1]:gram[-1][2]], " ".join(t[3] for t in gram)))
    return out


def _en_inside(k: str) -> bool:
    return k not in EN_FUNCTION or k in EN_INSIDE


def _vi_inside(k: str) -> bool:
    return k not in VI_NOT_INSIDE


def _llr(k11: int, c1: int, c2: int, n: int) -> float:
    """Dunning's G² for a positive association (0 when not above chance)."""
    k12, k21 = c1 - k11, c2 - k11
    k22 = n - k11 - k12 - k21
    if k11 * n <= c1 * c2:
        return 0.0

    def h(*ks):
        total = sum(ks)
        return sum(k * math.log(k / total) for k in ks if k)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))


class _Side:
    """Candidate counts of one language: unit frequency and the most frequent surface form."""

    def __init__(self):
        self.count: Counter = Counter()
        self.surfaces: dict[str, Counter] = {}

    def add_unit(self, items):
        """Count one unit's ``(surface, key)`` candidates; returns their keys."""
        keys = set()
        for surface, k in items:
            self.surfaces.setdefault(k, Counter())[surface] += 1
            keys.add(k)
        self.count.update(keys)
        return keys

    def surface(self, k: str) -> str:
        return self.surfaces[k].most_common(1)[0][0]

    def nested_drop(self, min_count: int, ratio: float = 0.8) -> set[str]:
        """Keys kept: frequent, and not inside a longer key that occurs nearly as often."""
        frequent = {k for k, c in self.count.items() if c >= min_count}
        dropped = set()
        for k in frequent:
            parts = k.split(" ")
            for sub in (" ".join(parts[1:]), " ".join(parts[:-1])):
                if sub in frequent and self.count[k] >= ratio * self.count[sub]:
                    dropped.add(sub)
        return frequent - dropped


def extract_terms(units, glossary=(), *, min_count: int = 2, limit: int | None = None) -> list[Candidate]:
    """Candidate term pairs from aligned *units*, best first.

    Parameters:
        units: ``(vi, en)`` pairs or objects with ``vi`` and ``en`` (store units).
        glossary: entries whose forms are excluded from the candidates.
        min_count: minimum number of units for each side and for the pair.
        limit: at most this many candidates.
    """
    pairs = [(u.vi, u.en) if hasattr(u, "vi") else (u[0], u[1]) for u in units]
    known = {(lang, match_key(form)) for e in glossary for lang in ("vi", "en")
             for form, _ in e.forms(lang, deprecated=True)}
    vi_side, en_side, names = _Side(), _Side(), _Side()
    per_unit, folded_units = [], []
    for vi, en in pairs:
        vi_toks, en_toks = _tokens(vi), _tokens(en)
        caps = _capitalised_runs(en_toks, en)
        en_items = [(surface, k) for surface, k, n in caps if n > 1]
        en_keys = en_side.add_unit(en_items + _ngrams(en_toks, en, EN_FUNCTION, _en_inside, (2, 3, 4)))
        vi_keys = vi_side.add_unit(_ngrams(vi_toks, vi, VI_FUNCTION, _vi_inside, (2, 3, 4, 5)))
        vi_folded = [fold(t[0]) for t in vi_toks]
        folded_vi = f" {' '.join(vi_folded)} "
        folded_units.append((folded_vi, f" {' '.join(t[3] for t in en_toks)} "))
        found = []
        for surface, k, _ in caps:
            f = fold(k)
            at = folded_vi.find(f" {f} ")
            if at >= 0:
                start = folded_vi[:at].count(" ")
                span = vi_toks[start:start + f.count(" ") + 1]
                v_surface = vi[span[0][1]:span[-1][2]]
                found.append((f"{v_surface}\t{surface}", f"{match_key(v_surface)}\t{k}"))
        names.add_unit(found)
        per_unit.append((vi_keys, en_keys))
    n = len(pairs)
    vi_keep, en_keep = vi_side.nested_drop(min_count), en_side.nested_drop(min_count)
    together: Counter = Counter()
    for vi_keys, en_keys in per_unit:
        vk, ek = vi_keys & vi_keep, en_keys & en_keep
        for e in ek:
            for v in vk:
                together[(v, e)] += 1
    scored = []
    longer_vi: dict[str, list] = {}
    longer_en: dict[str, list] = {}
    for (v, e), k in together.items():
        if k < min_count or ("vi", v) in known or ("en", e) in known:
            continue
        score = _llr(k, vi_side.count[v], en_side.count[e], n)
        if score > 0:
            scored.append((score, k, v, e))
            longer_vi.setdefault(e, []).append((v, k))
            longer_en.setdefault(v, []).append((e, k))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2], t[3]))
    out, used_vi, used_en = [], set(), set()
    for score, k, v, e in scored:
        if v in used_vi or e in used_en:
            continue
        v = _extend(v, k, longer_vi[e], used_vi)
        e = _extend(e, k, longer_en[v] if v in longer_en else [], used_en)
        used_vi.add(v)
        used_en.add(e)
        k2 = together[(v, e)]
        out.append(Candidate(vi_side.surface(v), en_side.surface(e),
                             _llr(k2, vi_side.count[v], en_side.count[e], n), k2,
                             vi_side.count[v], en_side.count[e], "cooccurrence"))
    for key_pair, k in names.count.items():
        v, e = key_pair.split("\t")
        if k < min_count or v in used_vi or e in used_en or ("vi", v) in known or ("en", e) in known:
            continue
        v_surface, e_surface = names.surface(key_pair).split("\t")
        fv = f" {fold(v)} "
        v_count = sum(1 for folded_vi, _ in folded_units if fv in folded_vi)
        e_count = sum(1 for _, keyed_en in folded_units if f" {e} " in keyed_en)
        used_vi.add(v)
        used_en.add(e)
        out.append(Candidate(v_surface, e_surface, _llr(k, max(v_count, k), max(e_count, k), n), k,
                             v_count, e_count, "name"))
    out.sort(key=lambda c: (-c.score, -c.support, c.en))
    return out[:limit] if limit else out


def _extend(k: str, support: int, options, used) -> str:
    """The longest unused candidate containing *k* that keeps at least 3/4 of the pair's support."""
    best = k
    for other, count in options:
        if (len(other) > len(best) and other not in used and count >= 0.75 * support
                and f" {k} " in f" {other} "):
            best = other
    return best
