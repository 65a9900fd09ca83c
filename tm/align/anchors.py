"""Anchors: what a sentence and its translation share whatever the language.

- quantities equal across conventions (:mod:`corpus.quantities`): ``10,7`` = ``10.7``,
  ``31 tháng 1 năm 1950`` = ``January 31, 1950``; small spelled numbers and ``1``
  (the Vietnamese article is often written ``1``) are left out as too common;
- names equal after :func:`corpus.normalize.fold` (``Nông Đức Mạnh`` / ``Nong Duc Manh``):
  capitalised words not opening the sentence, acronyms (``DPRK``), codes (``G20``),
  URLs and e-mail addresses;
- glossary terms found on both sides by a matcher (any object with ``find(text, lang)``
  returning matches that carry an ``entry`` with an ``id``, or an ``id``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.normalize import fold
from corpus.quantities import extract

_WORD = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|[^\W_]+(?:[-.][^\W_]+)*")
_OPENERS = re.compile(r"^\W*")
_NOT_NAMES = frozenset("""january february march april may june july august september october november
december monday tuesday wednesday thursday friday saturday sunday""".split())


@dataclass
class Anchors:
    """Anchor keys of one sentence.

    Parameters:
        quantities: one frozenset of keys per quantity (any shared key is a match).
        names: folded names, acronyms, codes.
        terms: glossary entry ids.
    """

    quantities: list = field(default_factory=list)
    names: frozenset = frozenset()
    terms: frozenset = frozenset()

    @property
    def count(self) -> int:
        return len(self.quantities) + len(self.names) + len(self.terms)

    @property
    def keys(self) -> frozenset:
        out = set(self.names) | {("term", t) for t in self.terms}
        for q in self.quantities:
            out |= q
        return frozenset(out)


def _term_id(match):
    entry = getattr(match, "entry", None)
    for obj in (entry, match):
        ident = getattr(obj, "id", None)
        if ident is not None:
            return ident
    return entry if entry is not None else match


def _names(text: str) -> set:
    """Folded runs of capitalised words (``Việt Nam`` and ``Viet Nam`` -> ``vietnam``), their
    bigrams, acronyms, codes and addresses; a lone capital opening the sentence is skipped."""
    out, run = set(), []
    opener = len(_OPENERS.match(text).group())

    def flush():
        if len(run) > 1 or (run and (run[0][1] > opener or sum(c.isupper() for c in run[0][0]) > 1)):
            words = [fold(w).replace("-", "") for w, _, _ in run]
            out.add("".join(words))
            out.update(a + b for a, b in zip(words, words[1:]))
        run.clear()

    for m in _WORD.finditer(text):
        tok = m.group()
        if tok[0].islower() and tok.isalpha():  # the common case: a plain lower-case word
            if run:
                flush()
        elif any(c.isdigit() for c in tok):
            flush()
            if not tok.replace(".", "").replace(",", "").isdigit():
                out.add(fold(tok))
        elif "@" in tok or "://" in tok or tok.startswith("www."):
            flush()
            out.add(tok.lower().rstrip(").,;:!?\"'"))
        elif tok[0].isupper() and len(tok) > 1 and tok.lower() not in _NOT_NAMES:
            if run and text[run[-1][2]:m.start()].strip():
                flush()
            run.append((tok, m.start(), m.end()))
        else:
            flush()
    flush()
    return out


def sentence_anchors(text: str, lang: str, matcher=None, small_numbers: bool = False) -> Anchors:
    """Anchors of one sentence.

    Parameters:
        text: the sentence.
        lang: ``"vi"`` or ``"en"``.
        matcher: optional glossary matcher (``find(text, lang)``).
        small_numbers: keep ``1`` and spelled numbers under 10 (comparable mining,
            where a sentence has few other anchors).
    """
    quantities = []
    for q in extract(text, lang):
        if not small_numbers and q.kind == "number" and (
                q.value == 1 or (q.spelled and isinstance(q.value, int) and q.value < 10)):
            continue
        quantities.append(q.keys())
    terms = frozenset(_term_id(m) for m in matcher.find(text, lang)) if matcher is not None else frozenset()
    return Anchors(quantities, frozenset(_names(text)), terms)


def matched(a: Anchors, other_keys: frozenset) -> int:
    """How many anchors of *a* find a partner among *other_keys*."""
    n = sum(1 for q in a.quantities if not q.isdisjoint(other_keys))
    n += len(a.names & other_keys)
    n += sum(1 for t in a.terms if ("term", t) in other_keys)
    return n


def shared(a: Anchors, b: Anchors) -> int:
    """Anchors shared by two sentences (the mean of both directions)."""
    if not a.count or not b.count:
        return 0
    return (matched(a, b.keys) + matched(b, a.keys)) / 2
