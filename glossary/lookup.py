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
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from corpus.normalize import fold, match_key
from glossary.matcher import Matcher
from glossary.model import LANGS, Entry, normalize_form

__all__ = ["LookupResult", "lookup", "suggest", "render_text", "KINDS"]

KINDS = ("exact", "normalized", "folded", "fuzzy", "contained")
SCORES = {"exact": 100, "normalized": 99, "folded": 97}
FUZZY_CUTOFF = 85
_STATUS_RANK = {"preferred": 0, "admitted": 1, "deprecated": 2}


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


def _rank(r: LookupResult):
    return KINDS.index(r.match), -r.score, _STATUS_RANK[r.status], r.entry.id


def _entry_rank(r: LookupResult):
    """Which result describes an entry best: a term contained in the query beats a fuzzy match."""
    kind = "fuzzy" if r.match == "contained" else "contained" if r.match == "fuzzy" else r.match
    return KINDS.index(kind), -r.score, _STATUS_RANK[r.status]


def lookup(query: str, entries, *, lang: str = "auto", limit: int = 10, store=None,
           matcher: Matcher | None = None) -> list[LookupResult]:
    """Entries matching *query*, best first (see the module docs).

    Parameters:
        query: a term or a phrase containing terms, in either language.
        entries: the glossary (:class:`glossary.model.Entry`).
        lang: ``auto`` (both languages), ``vi`` or ``en``.
        limit: at most this many results.
        store: when given, each result gets up to three example units from it.
        matcher: a ready :class:`Matcher` over *entries* (built when None).
    """
    entries = list(entries)
    langs = _langs(lang)
    q = normalize_form(query)
    if not q:
        return []
    q_key, q_fold = match_key(q), fold(q)
    best: dict[str, LookupResult] = {}

    def offer(result: LookupResult):
        old = best.get(result.entry.id)
        if old is None or _entry_rank(result) < _entry_rank(old):
            best[result.entry.id] = result

    fuzzy_pool = []
    for e, form_lang, form, status in _forms(entries, langs):
        form_norm, form_key, form_fold = _form_keys(form)
        if form_norm == q:
            kind = "exact"
        elif form_key == q_key:
            kind = "normalized"
        elif form_fold == q_fold:
            kind = "folded"
        else:
            fuzzy_pool.append((e, form_lang, form, status, form_fold))
            continue
        offer(LookupResult(e, kind, SCORES[kind], form, form_lang, status))
    if len(q_fold) >= 4 and fuzzy_pool:
        hits = process.extract(q_fold, [p[4] for p in fuzzy_pool], scorer=fuzz.ratio,
                               score_cutoff=FUZZY_CUTOFF, limit=None)
        for _, score, index in hits:
            e, form_lang, form, status, form_fold = fuzzy_pool[index]
            if re.search(rf"(?<!\w){re.escape(form_fold)}(?!\w)", q_fold):  # inside the query, not a typo
                offer(LookupResult(e, "contained", _contained_score(form_fold, q_fold), form, form_lang, status))
            else:
                offer(LookupResult(e, "fuzzy", min(96, round(score)), form, form_lang, status))
    matcher = matcher or Matcher(entries)
    for form_lang in langs:
        for folded in (False, True):
            for m in matcher.find(q, form_lang, folded=folded):
                if folded and " " not in m.form:  # one syllable without its marks is another word: Mỹ, my
                    continue
                offer(LookupResult(m.entry, "contained", _contained_score(m.text, q), m.form, form_lang, m.status))
    results = sorted(best.values(), key=_rank)[:limit]
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


def suggest(query: str, entries, *, lang: str = "auto", limit: int = 3) -> list[tuple[str, Entry]]:
    """The *limit* forms closest to *query* (``(form, entry)``), for a query that found nothing."""
    pool = [(form, e) for e, _, form, status in _forms(entries, _langs(lang)) if status != "deprecated"]
    if not pool or not fold(query):
        return []
    hits = process.extract(fold(query), [fold(f) for f, _ in pool], scorer=fuzz.WRatio, limit=limit * 4)
    out, seen = [], set()
    for _, score, index in hits:
        form, e = pool[index]
        if e.id not in seen and score >= 70:
            seen.add(e.id)
            out.append((form, e))
    return out[:limit]


def render_text(query: str, results: list[LookupResult], suggestions=()) -> str:
    """Lookup results as text for a translator."""
    if not results:
        lines = [f"no entry for {query!r}"]
        if suggestions:
            lines.append("closest: " + "; ".join(f"{form} ({e.vi} = {e.en})" for form, e in suggestions))
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
