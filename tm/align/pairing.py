"""Pairing Vietnamese documents with English ones before alignment.

By name first: ``NAME.vi.txt`` goes with ``NAME.en.txt`` (any suffix after the language
tag), as parallel documents, even when one is empty or in the other language (the aligner
then warns and pairs nothing). The other documents pair by content: a document's facts are
the anchors of its sentences (quantities, folded names, glossary terms; see
:mod:`tm.align.anchors`), leaving out round numbers and numbers under ten (two unrelated
talks share ``10``, ``20``, ``500``); two documents pair when they share at least
:data:`MIN_SHARED` facts of which :data:`MIN_QUANTITIES` are quantities (dates, amounts:
names alone pair every article on a country) and their overlap (shared / the smaller fact
set) reaches :data:`MIN_OVERLAP`, and their sentences state facts together: two sentence pairs sharing a quantity and another
fact, or one sharing three facts or an amount, percentage or date with its month (not one
coincidence such as ``13`` and ``Mỹ`` / ``13-year-old`` and ``United States``); the score is the overlap. A content pair is ``parallel`` when
its sentence counts are within 25% of each other and most sentences align well (see ``auto`` in :func:`tm.align.align`),
else ``comparable``. One document may pair with several (the seeds: 000 with 001 and 002).
"""
from __future__ import annotations

import re

from tm.align.anchors import sentence_anchors
from tm.align.model import DocPair

MIN_SHARED = 3
MIN_QUANTITIES = 2
MIN_OVERLAP = 0.05
MIN_EVIDENCE = 2
_LANG_TAG = re.compile(r"^(?P<stem>.+?)[._-](?P<lang>vi|en)(?:\.[^.]+)*$", re.I)


def _name(doc) -> str:
    path = getattr(doc, "path", None)
    return str(getattr(path, "name", "") or getattr(doc, "name", ""))


def _generic(quantity) -> bool:
    """A plain number under ten or a multiple of ten: any two texts may share it."""
    return all(k[0] == "number" and isinstance(k[1], int) and (k[1] < 10 or k[1] % 10 == 0) for k in quantity)


def _facts(doc, matcher) -> list:
    """The facts of each sentence: quantity keys (one per quantity), names, ``("term", id)``."""
    out = []
    for s in doc.sentences():
        a = sentence_anchors(s.text, doc.lang, matcher)
        facts = {min(q, key=repr) for q in a.quantities if not _generic(q)}
        out.append(facts | a.names | {("term", t) for t in a.terms})
    return out


def _is_quantity(fact) -> bool:
    return isinstance(fact, tuple) and fact[0] != "term"


def _strong(fact) -> bool:
    """An amount, a percentage or a date with its month: rarely shared by chance."""
    if not _is_quantity(fact) or fact[0] not in ("currency", "percent", "date"):
        return False
    return fact[0] != "date" or getattr(fact[1], "month", True) is not None


def _sentence_evidence(fv, fe) -> bool:
    """Whether sentences of the two documents state facts together: pairs of sentences
    sharing a quantity and another fact, counting twice those sharing three facts or a
    strong quantity, reach :data:`MIN_EVIDENCE`."""
    by_quantity: dict = {}
    for j, facts in enumerate(fe):
        for f in facts:
            if _is_quantity(f):
                by_quantity.setdefault(f, []).append(j)
    evidence = 0
    for facts in fv:
        for j in {j for f in facts if _is_quantity(f) for j in by_quantity.get(f, ())}:
            both = facts & fe[j]
            if len(both) >= 2:
                evidence += 2 if len(both) >= 3 or any(map(_strong, both)) else 1
            if evidence >= MIN_EVIDENCE:
                return True
    return False


def pair_documents(docs, matcher=None) -> list[DocPair]:
    """Pairs of (Vietnamese, English) documents among *docs*.

    Parameters:
        docs: :class:`corpus.document.Document` objects (``name``/``path``, ``lang``,
            ``sentences()``); untagged documents of unknown language are left out.
        matcher: optional glossary matcher: shared terms count as facts.
    """
    from tm.align import align

    pairs, used = [], set()
    tagged: dict = {}
    for d in docs:
        m = _LANG_TAG.match(_name(d))
        if m:
            tagged.setdefault(m["stem"].lower(), {})[m["lang"].lower()] = d
    for both in tagged.values():  # paired whatever their text: align() warns when it is not vi/en
        if "vi" in both and "en" in both:
            pairs.append(DocPair(both["vi"], both["en"], "parallel", 1.0))
            used |= {id(both["vi"]), id(both["en"])}
    rest_vi = [d for d in docs if d.lang == "vi" and id(d) not in used]
    rest_en = [d for d in docs if d.lang == "en" and id(d) not in used]
    per_sentence = {id(d): _facts(d, matcher) for d in rest_vi + rest_en}
    facts = {k: set().union(*v) for k, v in per_sentence.items()}
    for v in rest_vi:
        for e in rest_en:
            fv, fe = facts[id(v)], facts[id(e)]
            both = fv & fe
            if len(both) < MIN_SHARED or sum(map(_is_quantity, both)) < MIN_QUANTITIES:
                continue
            overlap = len(both) / min(len(fv), len(fe))
            if overlap < MIN_OVERLAP or not _sentence_evidence(per_sentence[id(v)], per_sentence[id(e)]):
                continue
            nv, ne = len(v.sentences()), len(e.sentences())
            mode = "comparable"
            if max(nv, ne) <= 1.25 * min(nv, ne):
                mode = align([s.text for s in v.sentences()], [s.text for s in e.sentences()],
                             mode="auto", matcher=matcher).mode
            pairs.append(DocPair(v, e, mode, round(overlap, 4)))
    return pairs
