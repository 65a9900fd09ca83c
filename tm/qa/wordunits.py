"""Vietnamese word units: which adjacent syllables belong to one word (``Công cộng``, ``thương mại``).

Vietnamese writes a space between the syllables of a word, so an edit that starts or ends
on a syllable boundary may still cut a word in two (``Bộ An ninh Công cộng`` -> ``Bộ Công an
cộng``). :class:`WordUnits` tells where a span may start and end, from two kinds of evidence:

- case: in a capitalised name each word starts with a capital (``Bộ Công nghiệp và Thương
  mại``), so a lower-case content syllable right after a capitalised one belongs to it;
- bigrams: syllable pairs that occur together in the memory's (and the glossary's)
  Vietnamese text far more often than apart (counted with :meth:`WordUnits.learn`).

Syllables are the tokens of :func:`tokens` (``\\w+`` runs with their offsets); keys are
:func:`corpus.normalize.match_key` forms (case, NFC and tone placement folded).
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import NamedTuple

from corpus.normalize import match_key
from tm.qa.garbled import FUNCTION_WORDS

__all__ = ["Token", "tokens", "WordUnits", "is_function"]

_TOKEN = re.compile(r"\w+")
# Only spaces (or a hyphen) between two syllables of one word.
_JOIN = re.compile(r"[ \t\-]+\Z")
# A pair is a word when seen this often, and this share of the rarer syllable's occurrences.
MIN_PAIR = 2
MIN_ASSOCIATION = 0.5


class Token(NamedTuple):
    """A syllable (or a digit run) of a text: its offsets, as written, and its key."""

    start: int
    end: int
    text: str
    key: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokens(text: str) -> tuple:
    """The ``\\w+`` tokens of *text* with offsets and match keys (cached: texts repeat)."""
    return _tokens(text)


@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple:
    return tuple(Token(m.start(), m.end(), m.group(), _key(m.group())) for m in _TOKEN.finditer(text))


@functools.lru_cache(maxsize=100_000)
def _key(word: str) -> str:
    return match_key(word)


def is_function(tok: Token) -> bool:
    """A lower-case function word (``của``, ``về``, ``đã``): debris, never a span's edge."""
    return not tok.capitalised and tok.key in FUNCTION_WORDS


class WordUnits:
    """Which adjacent syllables form one word.

    Parameters:
        pairs: known two-syllable words as ``(key, key)`` (see :meth:`learn`).
    """

    def __init__(self, pairs=()):
        self.pairs = set(pairs)

    @classmethod
    def learn(cls, texts, *, min_pair: int = MIN_PAIR, min_association: float = MIN_ASSOCIATION,
              strict: bool = False) -> "WordUnits":
        """Two-syllable words of Vietnamese *texts* (memory segments, glossary forms): pairs seen
        at least *min_pair* times that hold at least *min_association* of the rarer syllable's
        occurrences (*strict*: of the more frequent one's); pairs holding a function word are
        left out."""
        single, double = Counter(), Counter()
        for text in texts:
            toks = tokens(text)
            single.update(t.key for t in toks)
            for a, b in zip(toks, toks[1:]):
                if _JOIN.match(text[a.end:b.start]) and not (a.key.isdigit() or b.key.isdigit()):
                    double[a.key, b.key] += 1
        keep = set()
        for (a, b), n in double.items():
            if n < min_pair or a in FUNCTION_WORDS or b in FUNCTION_WORDS:
                continue
            if n >= min_association * (max if strict else min)(single[a], single[b]):
                keep.add((a, b))
        return cls(keep)

    def joined(self, text: str, toks: list[Token], i: int) -> bool:
        """Whether tokens *i* and *i + 1* of *text* are one word."""
        a, b = toks[i], toks[i + 1]
        if not _JOIN.match(text[a.end:b.start]):
            return False
        if (a.key, b.key) in self.pairs:
            return True
        # ``Công cộng``, ``Thương mại``: a capitalised syllable and a lower-case content syllable.
        return a.capitalised and not b.capitalised and not is_function(b) and not b.key.isdigit() \
            and a.text[1:].islower()

    def snap(self, text: str, toks: list[Token], i: int, j: int) -> tuple[int, int]:
        """Token range ``[i, j)`` widened so that it starts and ends on word boundaries."""
        while i > 0 and self.joined(text, toks, i - 1):
            i -= 1
        while j < len(toks) and self.joined(text, toks, j - 1):
            j += 1
        return i, j

    def cuts(self, text: str, start: int, end: int, form: str | None = None) -> bool:
        """True when the character span ``[start, end)`` of *text* starts or ends inside a word.

        With *form* (the term the span is replaced by), an edge on the form's own first or last
        syllable is a word's edge (``Triều Bắc Tiên | phải``: a scrambled ``Bắc Triều Tiên`` ends
        where the name does), unless a learned two-syllable word goes on past it."""
        toks = tokens(text)
        inside = [k for k, t in enumerate(toks) if start <= t.start and t.end <= end]
        if not inside:
            return False
        i, j = inside[0], inside[-1]
        f = tokens(form) if form else []

        def joined(k, edge, form_tok):
            # The form's own edge, written with the form's capital (``hội`` is no ``Hội``).
            if form_tok is not None and edge.key == form_tok.key and edge.capitalised >= form_tok.capitalised:
                return (toks[k].key, toks[k + 1].key) in self.pairs
            return self.joined(text, toks, k)

        left = i > 0 and joined(i - 1, toks[i], f[0] if f else None)
        right = j + 1 < len(toks) and joined(j, toks[j], f[-1] if f else None)
        return left or right

    def __len__(self):
        return len(self.pairs)



def learn_sentencepiece(texts, *, vocab_size: int = 4000):
    """Two-syllable words learned by a sentencepiece unigram model over *texts* (lower-cased
    match keys) trained with pieces allowed across spaces: the pairs of syllables a piece
    holds whole. For the comparison in ``benchmarks/projection_bench.py --units sentencepiece``.
    Needs the ``sentencepiece`` package (the ``bench`` extra)."""
    import io

    import sentencepiece as spm

    lines = [" ".join(t.key for t in tokens(text)) for text in texts]
    lines = [x for x in lines if x]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size,
                                   model_type="unigram", split_by_whitespace=False, character_coverage=1.0,
                                   hard_vocab_limit=False, minloglevel=2, max_sentencepiece_length=16)
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    pairs = set()
    for piece in (sp.id_to_piece(i) for i in range(sp.get_piece_size())):
        syl = piece.replace("\u2581", " ").split()
        if len(syl) >= 2 and piece.startswith("\u2581"):
            pairs.update(zip(syl, syl[1:]))
    return WordUnits({(a, b) for a, b in pairs if a not in FUNCTION_WORDS and b not in FUNCTION_WORDS})
