"""Normalisation of Vietnamese and English text for matching.

Text shown to users is never rewritten; these functions build *keys* used for
comparison and search:

- :func:`nfc`: Unicode NFC.
- :func:`canonical_tones`: one tone-mark placement. The canonical key uses the
  **traditional** placement (``hòa``, ``thủy``, ``khỏe``: the mark on the first
  vowel of an open ``oa``/``oe``/``uy``), which Vietnamese news agencies and
  government documents use; the *modern* placement (``hoà``, ``thuỷ``,
  ``khoẻ``) is the other accepted style. Misplaced marks (``muà``, ``tòan``)
  are moved to their orthographic place too.
- :func:`key`: NFC + canonical tones + lower case + unified quotes, dashes and
  spaces, with a map from key offsets back to the original text.
- :func:`fold`: :func:`key` with diacritics removed and ``đ`` -> ``d``
  (``Trương Tấn Sang`` -> ``truong tan sang``).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "Key", "nfc", "key", "match_key", "fold", "canonical_tones",
    "tone_style", "TRADITIONAL", "MODERN", "has_vietnamese_diacritics",
]

TRADITIONAL = "traditional"
MODERN = "modern"

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave acute tilde hook dot-below
_QUALITY_VOWELS = set("ăâêôơư")
_VOWELS = set("aeiouy") | _QUALITY_VOWELS
_INITIALS = {
    "", "b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng",
    "ngh", "nh", "p", "ph", "q", "r", "s", "t", "th", "tr", "v", "x",
}
_FINALS = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"}
_STYLE_CLUSTERS = {"oa", "oe", "uy"}


def nfc(text: str) -> str:
    """Return *text* in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def _split_letters(word: str):
    """NFD *word* into (letters without tone, tone mark or None); None if not splittable."""
    letters: list[str] = []
    tone = None
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            if not letters:
                return None
            if ch in _TONE_MARKS:
                if tone is not None:
                    return None
                tone = ch
            else:
                letters[-1] += ch
        else:
            letters.append(ch)
    return letters, tone


def _tone_position(low: list[str], style: str):
    """Index in *low* (NFC lower-case letters) that carries the tone, or None."""
    n = len(low)
    i = 0
    while i < n and low[i] not in _VOWELS:
        i += 1
    if i == n or "".join(low[:i]) not in _INITIALS:
        return None
    if low[:i] == ["q"]:
        if low[i] != "u" or i + 1 == n or low[i + 1] not in _VOWELS:
            return None
        i += 1
    elif low[:i] == ["g"] and low[i] == "i" and i + 1 < n and low[i + 1] in _VOWELS:
        i += 1
    j = i
    while j < n and low[j] in _VOWELS:
        j += 1
    final = "".join(low[j:])
    cluster = low[i:j]
    if final not in _FINALS or not 1 <= len(cluster) <= 3:
        return None
    marked = [k for k, c in enumerate(cluster) if c in _QUALITY_VOWELS]
    if marked:
        pos = marked[-1]
    elif final:
        pos = len(cluster) - 1
    elif len(cluster) == 3:
        pos = 1
    elif len(cluster) == 2 and style == MODERN and "".join(cluster) in _STYLE_CLUSTERS:
        pos = 1
    else:
        pos = 0
    return i + pos


@lru_cache(maxsize=65536)
def _canon_word(word: str, style: str) -> str:
    split = _split_letters(word)
    if split is None or split[1] is None:
        return word
    letters, tone = split
    low = [unicodedata.normalize("NFC", letter).lower() for letter in letters]
    pos = _tone_position(low, style)
    if pos is None:
        return word
    letters = list(letters)
    letters[pos] += tone
    out = unicodedata.normalize("NFC", "".join(letters))
    return out if len(out) == len(word) else word


_LETTER = r"[^\W\d_]"
_TONED = "".join(
    sorted({unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" for t in _TONE_MARKS})
)
_ANYVOWEL = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" + _TONED
_CANDIDATE = re.compile(
    rf"{_LETTER}*(?:[{_TONED}][{_ANYVOWEL}]|[{_ANYVOWEL}][{_TONED}]){_LETTER}*"
)


def canonical_tones(text: str, style: str = TRADITIONAL) -> str:
    """Move every tone mark of *text* (NFC) to its place in *style*.

    Parameters:
        text: NFC text; its length is preserved.
        style: ``"traditional"`` (``hòa``, the key style) or ``"modern"`` (``hoà``).
    """
    return _CANDIDATE.sub(lambda m: _canon_word(m.group(), style), text)


def tone_style(word: str):
    """``"traditional"`` or ``"modern"`` when *word* shows a style, else None."""
    trad, modern = _canon_word(word, TRADITIONAL), _canon_word(word, MODERN)
    if trad == modern:
        return None
    if word == trad:
        return TRADITIONAL
    if word == modern:
        return MODERN
    return None


def has_vietnamese_diacritics(text: str) -> bool:
    """True if *text* has a letter only Vietnamese uses here (tone or ă â ê ô ơ ư đ)."""
    return _VI_LETTER.search(text) is not None


_VI_LETTER = re.compile(f"[{_TONED}ăâêôơưđĂÂÊÔƠƯĐ]")

# Length-preserving punctuation and space unification for keys.
_PUNCT = str.maketrans({
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u02bc`\u00b4"},
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
    **{c: " " for c in "\t\n\r\f\v\u00a0\u1680\u2007\u202f\u205f\u3000\u2028\u2029"},
    **{chr(c): " " for c in range(0x2000, 0x200B)},
})
_DROP = re.compile("[\u200b\u200c\u200d\u00ad\ufeff]| {2,}")


def _fold_table():
    table = {"đ": "d", "Đ": "D"}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        c = chr(cp)
        base = "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))
        if len(base) == 1 and base != c:
            table[c] = base
    return str.maketrans(table)


_FOLD = _fold_table()


class Key:
    """A normalised key of a text, with offsets mapped back to the original.

    ``text`` is the key. ``span(start, end)`` gives the original offsets of the
    key slice ``text[start:end]``.
    """

    __slots__ = ("text", "_starts", "_ends")

    def __init__(self, text: str, starts=None, ends=None):
        self.text = text
        self._starts = starts
        self._ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self._starts is None:
            return start, end
        if end <= start:
            pos = self._starts[start] if start < len(self._starts) else (self._ends[-1] if self._ends else 0)
            return pos, pos
        return self._starts[start], self._ends[end - 1]

    def spans(self, spans: list) -> list:
        """``span(start, end)`` of each ``(start, end)`` of *spans* (none empty)."""
        if self._starts is None:
            return spans
        starts, ends = self._starts, self._ends
        return [(starts[a], ends[b - 1]) for a, b in spans]

    def __repr__(self):
        return f"Key({self.text!r})"


def _nfc_mapped(text: str):
    """NFC by grapheme cluster, keeping each output char's source span."""
    chars, starts, ends = [], [], []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for c in unicodedata.normalize("NFC", text[i:j]):
            chars.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(chars), starts, ends


def _squeeze_mapped(s: str, starts, ends):
    """Drop zero-width characters and collapse space runs, keeping the map."""
    if starts is None:
        starts, ends = list(range(len(s))), list(range(1, len(s) + 1))
    out, ns, ne = [], [], []
    prev_space = False
    for c, a, b in zip(s, starts, ends):
        if c in "\u200b\u200c\u200d\u00ad\ufeff":
            continue
        if c == " ":
            if prev_space:
                ne[-1] = b
                continue
            prev_space = True
        else:
            prev_space = False
        out.append(c)
        ns.append(a)
        ne.append(b)
    return "".join(out), ns, ne


def key(text: str, *, folded: bool = False, tones: bool = True) -> Key:
    """Normalised key of *text* with an offset map (see module docs).

    Parameters:
        text: any text, as the user wrote it.
        folded: also remove diacritics (``đ`` -> ``d``).
        tones: canonicalise tone placement (skip it for speed when the
            caller matches against both styles, as the term matcher does).
    """
    starts = ends = None
    s = text
    if not unicodedata.is_normalized("NFC", s):
        s, starts, ends = _nfc_mapped(s)
    s = s.translate(_PUNCT)
    if _DROP.search(s):
        s, starts, ends = _squeeze_mapped(s, starts, ends)
    if tones and not folded:
        s = canonical_tones(s)
    low = s.lower()
    if len(low) != len(s):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in s)
    if folded:
        low = low.translate(_FOLD)
    return Key(low, starts, ends)


def match_key(text: str) -> str:
    """Key for equality: ``hoà`` == ``hòa``, ``Kim  Yong‑nam`` == ``kim yong-nam``."""
    return key(text).text.strip()


def fold(text: str) -> str:
    """Diacritic-folded key: ``Trương Tấn Sang`` -> ``truong tan sang``."""
    return key(text, folded=True).text.strip()
