"""Pairing Vietnamese documents with English ones before alignment.

By name first: ``NAME.vi.txt`` goes with ``NAME.en.txt`` (any suffix after the language
tag), as parallel documents. The other documents pair by content: a document's facts are
the anchors of its sentences (quantities, folded names, glossary terms; see
:mod:`tm.align.anchors`); two documents pair when they share at least
:data:`MIN_SHARED` facts of which :data:`MIN_QUANTITIES` are quantities (dates, amounts:
names alone pair every article on a country) and their overlap (shared / the smaller fact
set) reaches :data:`MIN_OVERLAP`; the score is that overlap. A content pair is ``parallel`` when its sentence counts are within
25% of each other and most sentences align well (see ``auto`` in :func:`tm.align.align`),
else ``comparable``. One document may pair with several (the seeds: 000 with 001 and 002).
"""
from __future__ import annotations

import re

from tm.align.anchors import sentence_anchors
from tm.align.model import DocPair

MIN_SHARED = 3
MIN_QUANTITIES = 2
MIN_OVERLAP = 0.05
_LANG_TAG = re.compile(r"^(?P<stem>.+?)[._-](?P<lang>vi|en)(?:\.[^.]+)*$", re.I)


def _name(doc) -> str:
    path = getattr(doc, "path", None)
    return str(getattr(path, "name", "") or getattr(doc, "name", ""))


def _facts(doc, matcher) -> set:
    out = set()
    for s in doc.sentences():
        a = sentence_anchors(s.text, doc.lang, matcher)
        for q in a.quantities:
            out.add(min(q, key=repr))
        out |= a.names
        out |= {("term", t) for t in a.terms}
    return out


def pair_documents(docs, matcher=None) -> list[DocPair]:
    """Pairs of (Vietnamese, English) documents among *docs*.

    Parameters:
        docs: :class:`corpus.document.Document` objects (``name``/``path``, ``lang``,
            ``sentences()``); documents of unknown language are left out.
        matcher: optional glossary matcher: shared terms count as facts.
    """
    from tm.align import align

    vi_docs = [d for d in docs if d.lang == "vi"]
    en_docs = [d for d in docs if d.lang == "en"]
    pairs, used = [], set()
    by_stem = {}
    for d in en_docs:
        m = _LANG_TAG.match(_name(d))
        if m and m["lang"].lower() == "en":
            by_stem[m["stem"].lower()] = d
    for d in vi_docs:
        m = _LANG_TAG.match(_name(d))
        if m and m["lang"].lower() == "vi" and m["stem"].lower() in by_stem:
            partner = by_stem[m["stem"].lower()]
            pairs.append(DocPair(d, partner, "parallel", 1.0))
            used |= {id(d), id(partner)}
    rest_vi = [d for d in vi_docs if id(d) not in used]
    rest_en = [d for d in en_docs if id(d) not in used]
    facts = {id(d): _facts(d, matcher) for d in rest_vi + rest_en}
    for v in rest_vi:
        for e in rest_en:
            fv, fe = facts[id(v)], facts[id(e)]
            shared = len(fv & fe)
            quantities = sum(1 for f in fv & fe if isinstance(f, tuple) and f[0] != "term")
            if shared < MIN_SHARED or quantities < MIN_QUANTITIES:
                continue
            overlap = shared / min(len(fv), len(fe))
            if overlap < MIN_OVERLAP:
                continue
            nv, ne = len(v.sentences()), len(e.sentences())
            mode = "comparable"
            if max(nv, ne) <= 1.25 * min(nv, ne):
                mode = align([s.text for s in v.sentences()], [s.text for s in e.sentences()],
                             mode="auto", matcher=matcher).mode
            pairs.append(DocPair(v, e, mode, round(overlap, 4)))
    return pairs
