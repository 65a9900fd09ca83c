"""Term lookup: which glossary entries a query names, how it matched, and examples from the memory.

Match kinds, best first, each with a score 0-100:

- ``exact`` (100): the query is a form as written (after NFC and space clean-up);
- ``normalized`` (99): equal after case, NFC and tone-placement normalisation;
- ``folded`` (97): equal without diacritics (``binh nhuong``, ``Truong Tan Sang``);
- ``fuzzy`` (the rapidfuzz ratio of the folded strings, at least 85): typos (``Pyongyong``);
- ``contained`` (share of the query the term covers): the query contains a term
  (``the Treaty on Friendship and Cooperation of 1961``), also one inside a longer
  term the query names (the Presidium in the title of its President); without
  diacritics only for terms of two words or more (``my`` is not ``Mỹ``).

Every form counts, deprecated ones too: a result says which form matched and its status.
An entry found both ways is reported as ``contained`` rather than ``fuzzy`` (the
query holds the term itself, not a misspelling of it).

From a store, lookup reads only candidate entries, through keys the store
keeps with every glossary write (:func:`form_rows`): each form's exact,
normalised and folded key, the length of the folded one and a histogram of
its letters (a ratio of 85 allows an Indel distance of at most 15% of the two
lengths, which bounds both the length difference and the L1 distance of the
histograms: SQL keeps only the folded keys within those bounds, and each
distinct one is scored once), and each form's word key (the ``\\w+`` words of its match key, and of
its folded key), under which the term matcher's candidates for "contained"
are found: a term the matcher finds in the query has the words of a
contiguous run of the query's words. The matcher then runs over those entries
only, in glossary order, so the results equal a lookup over every entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from corpus.normalize import fold, match_key
from glossary.matcher import Matcher
from glossary.model import LANGS, Entry, normalize_form

__all__ = ["LookupResult", "lookup", "suggest", "render_text", "KINDS", "form_rows", "word_key", "histogram"]

KINDS = ("exact", "normalized", "folded", "fuzzy", "contained")
SCORES = {"exact": 100, "normalized": 99, "folded": 97}
FUZZY_CUTOFF = 85
_STATUS_RANK = {"preferred": 0, "admitted": 1, "deprecated": 2}
_WORD = re.compile(r"\w+")
# ratio(a, b) = 100 (1 - d / (len a + len b)) >= 85 with d their Indel distance: d <= 0.15 (len a + len b)
_SHARE = (100 - FUZZY_CUTOFF) / 100
# Letter groups of folded keys (each character counts in one): an insertion or deletion changes one
# group's count by one, so the L1 distance of two histograms is at most the Indel distance.
_GROUPS = str.maketrans({**{c: g for g, cs in enumerate(("a", "e", "iy", "ou", "nm", "hgck", "tdrs"))
                            for c in cs}})


def histogram(folded: str) -> tuple:
    """Counts of the letter groups of a folded key (8 numbers: a, e, i/y, o/u, n/m, h/g/c/k, t/d/r/s,
    every other character)."""
    counts = [0] * 8
    for c in folded:
        counts[_GROUPS.get(ord(c), 7)] += 1
    return tuple(counts)


def word_key(text: str, *, folded: bool = False) -> str:
    """The words of *text* as the term matcher compares them: the ``\\w+`` runs of its match key
    (of its folded key with *folded*), joined by single spaces."""
    return " ".join(_WORD.findall(fold(text) if folded else match_key(text)))


def form_rows(entry: Entry):
    """The lookup keys a store keeps for *entry*: ``(forms, words)`` with *forms* rows
    ``(lang, pos, form, status, exact, norm, folded, len(folded), *histogram(folded))`` (every form, deprecated ones
    too, *pos* its place in ``entry.forms(lang, deprecated=True)``) and *words* the pairs
    ``(word key, folded)`` of its forms (see :func:`word_key`)."""
    forms, words = [], set()
    for lang in LANGS:
        for pos, (form, status) in enumerate(entry.forms(lang, deprecated=True)):
            norm, folded = match_key(form), fold(form)
            forms.append((lang, pos, form, status, normalize_form(form), norm, folded, len(folded),
                          *histogram(folded)))
            for flag, k in ((0, norm), (1, folded)):  # word_key(form, folded=flag)
                k = " ".join(_WORD.findall(k))
                if k:
                    words.add((k, flag))
    return forms, sorted(words)


def _query_word_keys(q: str, folded: bool) -> list[str]:
    """Word keys of every contiguous run of the words of *q* (candidates for "contained")."""
    words = _WORD.findall(fold(q) if folded else match_key(q))
    return [" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]


@dataclass
class LookupResult:
    """One entry found by :func:`lookup`.

    Attributes:
        entry: the glossary entry.
        match: one of :data:`KINDS`.
        score: 0-100.
        form, lang, status: the form that matched, its language and status.
        examples: up to three ``{"vi", "en", "kind"}`` translation units containing the entry.
    """

    entry: Entry
    match: str
    score: int
    form: str
    lang: str
    status: str
    examples: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        e = self.entry
        deprecated = [{"form": d.form, "lang": lang, "reason": d.reason} for lang in LANGS for d in e.deprecated(lang)]
        return {
            "id": e.id, "type": e.type, "vi": e.vi, "en": e.en, "vi_variants": list(e.vi_variants),
            "en_variants": list(e.en_variants), "deprecated": deprecated, "confused_with": list(e.confused_with),
            "note": e.note, "source": e.source, "match": self.match, "score": self.score,
            "matched_form": self.form, "matched_lang": self.lang, "matched_status": self.status,
            "examples": list(self.examples),
        }


def _langs(lang: str):
    if lang == "auto":
        return LANGS
    if lang not in LANGS:
        raise ValueError(f"lang must be auto, vi or en, not {lang!r}")
    return (lang,)


def _forms(entries, langs):
    for e in entries:
        for lang in langs:
            for form, status in e.forms(lang, deprecated=True):
                yield e, lang, form, status


@lru_cache(maxsize=1 << 17)
def _form_keys(form: str) -> tuple[str, str, str]:
    """A glossary form's written, match-key and folded comparison forms (cached: a server or an
    editor looks up against the same forms again and again)."""
    return normalize_form(form), match_key(form), fold(form)


def _rank(r: tuple):
    """Order of results ``(kind, score, form, lang, status)`` (then the entry id)."""
    return KINDS.index(r[0]), -r[1], _STATUS_RANK[r[4]]


def _entry_rank(r: tuple):
    """Which result describes an entry best: a term contained in the query beats a fuzzy match."""
    kind = "fuzzy" if r[0] == "contained" else "contained" if r[0] == "fuzzy" else r[0]
    return KINDS.index(kind), -r[1], _STATUS_RANK[r[4]]


class _Memory:
    """The glossary in memory: every form is a candidate."""

    def __init__(self, entries, matcher):
        self.entries = list(entries)
        self.matcher = matcher
        self.by_id = {e.id: e for e in self.entries}

    def forms(self, langs, q, q_key, q_fold):
        """``(entry id, lang, form, status, None)`` in glossary order (keys computed when needed)."""
        return [(e.id, lang, form, status, None) for e, lang, form, status in _forms(self.entries, langs)]

    def contained_matcher(self, q):
        return self.matcher or Matcher(self.entries)

    def get(self, ids):
        return [self.by_id[i] for i in ids]


class _Stored:
    """The glossary of a store: only candidate forms and entries are read (see the module docs)."""

    def __init__(self, store):
        self.store = store

    def forms(self, langs, q, q_key, q_fold):
        """Forms equal to the query on a key (equal keys imply equal folded keys), and those whose
        folded key makes a fuzzy match (scored once per distinct key near the query's)."""
        folded = [q_fold]
        if len(q_fold) >= 4:
            keys = self.store.glossary_folded((len(q_fold), histogram(q_fold), _SHARE))
            folded += [k for k, _, _ in process.extract(q_fold, keys, scorer=fuzz.ratio,
                                                        score_cutoff=FUZZY_CUTOFF, limit=None)]
        return _in_order(self.store.glossary_forms(folded=folded), langs)

    def contained_matcher(self, q):
        ids = set()
        for folded in (False, True):
            ids.update(self.store.glossary_by_words(_query_word_keys(q, folded), folded))
        return Matcher(self.store.glossary_entries(ids))

    def get(self, ids):
        return self.store.glossary_entries(ids)


def _in_order(rows, langs):
    """Distinct form rows ``(entry id, lang, form, status, keys)`` of *langs* in glossary order
    (entry id, language, place in the entry) from the store's rows; *keys*: the form's exact,
    normalised and folded keys."""
    order = {lang: i for i, lang in enumerate(langs)}
    rows = {(eid, order[lang], pos): (eid, lang, form, status, (exact, norm, folded))
            for eid, lang, pos, form, status, exact, norm, folded in rows if lang in order}
    return [rows[k] for k in sorted(rows)]


def lookup(query: str, entries, *, lang: str = "auto", limit: int = 10, store=None,
           matcher: Matcher | None = None) -> list[LookupResult]:
    """Entries matching *query*, best first (see the module docs).

    Parameters:
        query: a term or a phrase containing terms, in either language.
        entries: the glossary (:class:`glossary.model.Entry`), or None to read the store's
            glossary through its lookup keys (only candidate entries are read).
        lang: ``auto`` (both languages), ``vi`` or ``en``.
        limit: at most this many results.
        store: when given, each result gets up to three example units from it.
        matcher: a ready :class:`Matcher` over *entries* (built when None).
    """
    source = _Stored(store) if entries is None else _Memory(entries, matcher)
    langs = _langs(lang)
    q = normalize_form(query)
    if not q:
        return []
    q_key, q_fold = match_key(q), fold(q)
    best: dict[str, tuple] = {}  # entry id -> (kind, score, form, lang, status)

    def offer(eid, kind, score, form, form_lang, status):
        new = (kind, score, form, form_lang, status)
        old = best.get(eid)
        if old is None or _entry_rank(new) < _entry_rank(old):
            best[eid] = new

    fuzzy_pool = []
    for eid, form_lang, form, status, keys in source.forms(langs, q, q_key, q_fold):
        form_norm, form_key, form_fold = keys or _form_keys(form)
        if form_norm == q:
            kind = "exact"
        elif form_key == q_key:
            kind = "normalized"
        elif form_fold == q_fold:
            kind = "folded"
        else:
            fuzzy_pool.append((eid, form_lang, form, status, form_fold))
            continue
        offer(eid, kind, SCORES[kind], form, form_lang, status)
    if len(q_fold) >= 4 and fuzzy_pool:
        folds = [p[4] for p in fuzzy_pool]
        hits = process.extract(q_fold, folds, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None)
        for _, score, index in sorted(hits, key=lambda h: (-h[1], h[2])):
            eid, form_lang, form, status, _ = fuzzy_pool[index]
            form_fold = folds[index]
            if re.search(rf"(?<!\w){re.escape(form_fold)}(?!\w)", q_fold):  # inside the query, not a typo
                offer(eid, "contained", _contained_score(form_fold, q_fold), form, form_lang, status)
            else:
                offer(eid, "fuzzy", min(96, round(score)), form, form_lang, status)
    found = {}
    contained = source.contained_matcher(q)
    for form_lang in langs:
        for folded in (False, True):
            for m in contained.find(q, form_lang, folded=folded):
                if folded and " " not in m.form:  # one syllable without its marks is another word: Mỹ, my
                    continue
                found[m.entry.id] = m.entry
                offer(m.entry.id, "contained", _contained_score(m.text, q), m.form, form_lang, m.status)
    ranked = sorted(best.items(), key=lambda item: (_rank(item[1]), item[0]))[:limit]
    missing = [eid for eid, _ in ranked if eid not in found]
    found.update((e.id, e) for e in source.get(missing))
    results = [LookupResult(found[eid], *r) for eid, r in ranked]
    if store is not None:
        for r in results:
            r.examples = examples(store, r.entry)
    return results


def _contained_score(term: str, query: str) -> int:
    """The share of *query* that *term* covers, 1-95."""
    return max(1, min(95, round(100 * len(term) / len(query))))


def examples(store, entry: Entry, limit: int = 3) -> list[dict]:
    """Up to *limit* translation units of *store* containing a preferred or admitted form of *entry*."""
    seen, out = set(), []
    forms = [(entry.vi, "vi"), (entry.en, "en")]
    forms += [(v, "vi") for v in entry.vi_variants] + [(v, "en") for v in entry.en_variants]
    for form, form_lang in forms:
        for unit in store.units_containing(form, form_lang, limit=limit):
            if unit.id in seen:
                continue
            seen.add(unit.id)
            out.append({"vi": unit.vi, "en": unit.en, "kind": unit.kind})
            if len(out) >= limit:
                return out
    return out


def suggest(query: str, entries, *, lang: str = "auto", limit: int = 3, store=None) -> list[tuple[str, Entry]]:
    """The *limit* forms closest to *query* (``(form, entry)``), for a query that found nothing.

    Parameters:
        entries: the glossary, or None to read *store*'s (every distinct folded key is scored: only
            for a query that found nothing).
    """
    if entries is None:  # the forms whose folded key scores at least 70: the others are never shown
        keys = [k for k, _, _ in process.extract(fold(query), store.glossary_folded(), scorer=fuzz.WRatio,
                                                 score_cutoff=70, limit=None)]
        rows = _in_order(store.glossary_forms(folded=keys), _langs(lang))
        pool = [(form, eid, keys[2]) for eid, _, form, status, keys in rows if status != "deprecated"]
    else:
        pool = [(form, e, None) for e, _, form, status in _forms(entries, _langs(lang)) if status != "deprecated"]
    if not pool or not fold(query):
        return []
    hits = process.extract(fold(query), [f if f is not None else fold(form) for form, _, f in pool],
                           scorer=fuzz.WRatio, limit=None)
    out, seen = [], set()
    for _, score, index in sorted(hits, key=lambda h: (-h[1], h[2]))[:limit * 4]:
        form, e, _ = pool[index]
        eid = e if entries is None else e.id
        if eid not in seen and score >= 70:
            seen.add(eid)
            out.append((form, e))
    out = out[:limit]
    if entries is None:
        by_id = {e.id: e for e in store.glossary_entries([eid for _, eid in out])}
        out = [(form, by_id[eid]) for form, eid in out]
    return out


def memory_examples(store, query: str, *, lang: str = "auto", limit: int = 3) -> list[dict]:
    """Up to *limit* units of *store* holding the words of *query* (``{"vi", "en", "kind", "lang"}``),
    for a query no glossary entry names: concordance over the memory's word index."""
    from tm.concordance import Concordance
    from tm.match import tokens

    if not tokens(query):
        return []
    hits, _ = Concordance(store).search(query, lang=lang, limit=limit)
    return [{"vi": h.unit.vi, "en": h.unit.en, "kind": h.unit.kind, "lang": h.lang} for h in hits]


def render_text(query: str, results: list[LookupResult], suggestions=(), memory=()) -> str:
    """Lookup results as text for a translator (*memory*: :func:`memory_examples` when no entry matched)."""
    if not results:
        lines = [f"no entry for {query!r}"]
        if suggestions:
            lines.append("closest: " + "; ".join(f"{form} ({e.vi} = {e.en})" for form, e in suggestions))
        if memory:
            lines.append("in the memory:")
            for ex in memory:
                lines += [f"  ({ex['kind']})", f"    vi: {ex['vi']}", f"    en: {ex['en']}"]
        return "\n".join(lines)
    out = []
    for r in results:
        e = r.entry
        how = f"{r.match} match, score {r.score}"
        if r.match != "exact" or r.status != "preferred":
            how += f", on {r.status} {r.lang} form {r.form!r}"
        out.append(f"{e.vi} = {e.en}")
        out.append(f"  type: {e.type}   id: {e.id}   ({how})")
        for lang, name in (("vi", "Vietnamese"), ("en", "English")):
            if e.variants(lang):
                out.append(f"  {name} variants: " + "; ".join(e.variants(lang)))
            for d in e.deprecated(lang):
                reason = f" ({d.reason})" if d.reason else ""
                out.append(f"  DEPRECATED {name}: {d.form}{reason}")
        if e.note:
            out.append(f"  note: {e.note}")
        for ex in r.examples:
            out.append(f"  example ({ex['kind']}):")
            out.append(f"    vi: {ex['vi']}")
            out.append(f"    en: {ex['en']}")
        out.append("")
    return "\n".join(out).rstrip("\n")
