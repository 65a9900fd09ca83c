"""Concordance: every translation unit whose text contains a phrase.

The phrase and the units are compared as token sequences (``\\w+`` runs of the
match key: NFC, canonical tone placement, lower case), so punctuation and
spacing between words do not matter and a hit always covers whole words.
When the phrase has no Vietnamese diacritics the search ignores diacritics
(``quan he`` finds ``quan hệ``); otherwise they must agree (``hòa`` and ``hoà``
still do: tone placement is canonical).

The units holding the words in sequence come from the word index
(:func:`tm.index.phrase_ids`), in id order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from corpus.normalize import fold, has_vietnamese_diacritics, key, match_key
from tm.index import WORD, StoreSearch, key_tokens, phrase_ids
from tm.match import origin

__all__ = ["Concordance", "Hit", "phrase_spans"]

@dataclass
class Hit:
    """A unit containing the phrase; ``spans`` are offsets of the hits in its *lang* side."""

    unit: object
    lang: str
    spans: list = field(default_factory=list)

    def to_dict(self) -> dict:
        u = self.unit
        return {"id": u.id, "lang": self.lang, "vi": u.vi, "en": u.en, "kind": u.kind,
                "origin": origin(u.provenance), "spans": [list(s) for s in self.spans]}


def phrase_spans(text: str, phrase: str, folded: bool) -> list[tuple[int, int]]:
    """Offsets in *text* of every occurrence of *phrase* as a word sequence."""
    want = key_tokens(fold(phrase) if folded else match_key(phrase))
    k = key(text, folded=folded)  # folding keeps lengths: offsets map back the same way
    found = list(WORD.finditer(k.text))
    words = [m.group() for m in found]
    n = len(want)
    spans = []
    for j in range(len(words) - n + 1):
        if n and words[j:j + n] == want:
            spans.append(k.span(found[j].start(), found[j + n - 1].end()))
    return spans


class Concordance(StoreSearch):
    """Phrase search over one store (parameters: see :class:`tm.index.StoreSearch`)."""

    def search(self, phrase: str, lang: str = "auto", limit: int = 20):
        """Units whose *lang* side contains *phrase*, in id order.

        Parameters:
            phrase: words as the user typed them.
            lang: ``vi``, ``en`` or ``auto`` (:meth:`tm.index.TokenIndex.guess_lang`).
            limit: at most this many hits.

        Returns ``(hits, more)``: the hits and whether more units contain the phrase.
        """
        if lang == "auto":
            lang = self.index.guess_lang(phrase)
        folded = not has_vietnamese_diacritics(phrase)
        toks = key_tokens(match_key(phrase))
        if not toks:
            return [], False
        wanted = []  # per position: the token ids that count as that word
        for tok in toks:
            if folded:
                ids = self.index.variants(lang, fold(tok))
            else:
                ids = [v for v in [self.index.lookup(lang, [tok]).get(tok)] if v]
            if not ids:
                return [], False
            wanted.append(ids)
        found = []
        for chunk in phrase_ids(self.index, lang, [[eid for eid, _ in ids] for ids in wanted]):
            found += chunk.tolist()
            if len(found) > limit:
                break
        units = self.store.get_units(found[:limit])
        hits = [Hit(u, lang, phrase_spans(u.text(lang), phrase, folded)) for u in units]
        return hits, len(found) > limit
