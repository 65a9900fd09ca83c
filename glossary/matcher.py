"""Find glossary terms in a text: one engine for lookup, check, score and correct.

Matches are leftmost-longest and non-overlapping, on word (syllable)
boundaries, compared on normalised keys (case, NFC and tone placement
insensitive; optionally diacritic-insensitive) with offsets in the original
text.

How: in the key of the text (:func:`corpus.normalize.key`, tones left as
written) every character that is not a letter or digit becomes a space, and a
space is added at each end; each term key, in both tone styles, gets the same
treatment plus a space on each side where it begins or ends with a letter or
digit. An Aho-Corasick automaton (pyahocorasick) then finds every occurrence
of every term; an occurrence can only begin and end on word boundaries
(``Nam`` never matches inside ``Namibia``). Leftmost-longest selection keeps
``Bắc Triều Tiên`` over ``Triều Tiên`` and ``Việt Nam`` over ``Nam``.
Punctuation inside a term matches any single separator (``Kim Yong-nam`` finds
``Kim Yong Nam``); the form written exactly as in the text is then reported.
"""
from __future__ import annotations

import re
from typing import NamedTuple

import ahocorasick

from corpus.normalize import MODERN, TRADITIONAL, canonical_tones, key, nfc
from glossary.model import LANGS, Entry

__all__ = ["TermMatch", "Matcher", "term_keys"]

_SEP = re.compile(r"[^\w ]")
_RANK = {"preferred": 0, "admitted": 1, "deprecated": 2}


class TermMatch(NamedTuple):
    """A glossary term found in a text.

    Attributes:
        entry: the :class:`glossary.model.Entry`.
        start, end: offsets in the original text.
        text: ``original[start:end]``, as written there.
        form: the glossary form that matched, as the glossary writes it.
        status: ``preferred``, ``admitted`` or ``deprecated``.
    """

    entry: Entry
    start: int
    end: int
    text: str
    form: str
    status: str


def term_keys(form: str, *, folded: bool = False) -> set[str]:
    """The keys under which *form* is found: both tone styles (or the folded key)."""
    if folded:
        return {key(form, folded=True).text.strip()} - {""}
    base = nfc(form)
    variants = {base, canonical_tones(base, TRADITIONAL), canonical_tones(base, MODERN)}
    return {key(v, tones=False).text.strip() for v in variants} - {""}


def _pattern(term_key: str):
    """Automaton word for a term key, with its padding on each side (see module docs)."""
    core = _SEP.sub(" ", term_key)
    if not core.strip():
        return None
    lead = 0 if core[0] == " " else 1
    trail = 0 if core[-1] == " " else 1
    return " " * lead + core + " " * trail, lead, trail


class Matcher:
    """Finds the terms of *entries* in texts.

    Parameters:
        entries: :class:`glossary.model.Entry` objects. When two forms share a
            key, the one written exactly as in the text wins; then a preferred
            form over an admitted one over a deprecated one; then the first entry.
    """

    def __init__(self, entries):
        self.entries = list(entries)
        self.by_id = {e.id: e for e in self.entries}
        self._automata: dict = {}

    def _automaton(self, lang: str, folded: bool, deprecated: bool):
        spec = (lang, folded, deprecated)
        if spec not in self._automata:
            groups: dict[str, list] = {}
            for index, entry in enumerate(self.entries):
                for form, status in entry.forms(lang, deprecated=deprecated):
                    keys = term_keys(form, folded=folded)
                    cand = (_RANK[status], index, form, status, frozenset(keys))
                    for pattern in {_pattern(k) for k in keys} - {None}:
                        groups.setdefault(pattern, []).append(cand)
            automaton, candidates = None, []
            if groups:
                automaton = ahocorasick.Automaton()
                for (word, lead, trail), cands in groups.items():
                    automaton.add_word(word, (lead - len(word), len(word) - lead - trail, len(candidates)))
                    candidates.append(sorted(set(cands)))
                automaton.make_automaton()
            self._automata[spec] = (automaton, candidates)
        return self._automata[spec]

    def find(self, text: str, lang: str, *, folded: bool = False,
             include_deprecated: bool = True) -> list[TermMatch]:
        """Terms of language *lang* in *text*, leftmost-longest, in text order.

        Parameters:
            text: any text, as written.
            lang: ``vi`` or ``en``: whose forms to look for.
            folded: also ignore diacritics (``Nong Duc Manh`` finds ``Nông Đức Mạnh``).
            include_deprecated: also find deprecated forms (status ``deprecated``).
        """
        if lang not in LANGS:
            raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
        automaton, candidates = self._automaton(lang, folded, include_deprecated)
        if automaton is None or not text:
            return []
        k = key(text, folded=folded, tones=False)
        padded = " " + _SEP.sub(" ", k.text) + " "
        best: dict[int, tuple[int, int]] = {}
        get = best.get
        for end, (offset, inner, cid) in automaton.iter(padded):
            start = end + offset  # where the term's text starts in the key
            prev = get(start)
            if prev is None or prev[0] < inner:
                best[start] = (inner, cid)
        out = []
        last_end = 0
        for start in sorted(best):
            if start < last_end:
                continue
            inner, cid = best[start]
            written = k.text[start:start + inner]
            if written[0] == " " or written[-1] == " ":  # a term's edge punctuation met a space
                continue
            last_end = start + inner
            cands = candidates[cid]
            _, index, form, status, _ = next((c for c in cands if written in c[4]), cands[0])
            o_start, o_end = k.span(start, last_end)
            out.append(TermMatch(self.entries[index], o_start, o_end, text[o_start:o_end], form, status))
        return out
