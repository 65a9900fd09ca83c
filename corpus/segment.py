"""Sentence splitting for Vietnamese and English.

A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (``...``, ``…``), with
the closing quotes and brackets that follow it (``."``, ``.)``, ``? &quot;``),
when the next sentence starts with an upper-case letter or a digit (after
any opening quotes or brackets). A blank line always ends a sentence.

A full stop does not end a sentence after:

- a title or inline abbreviation: ``Mr.``, ``Dr.``, ``TP.`` (``TP. Hồ Chí Minh``),
  ``TS.``, ``e.g.``, ``vs.`` ...;
- an abbreviation followed by a number: ``Jan. 31``, ``No. 5``, ``Art. 3``;
- an initial or a dotted initialism (``J. K. Rowling``, ``U.S.``, ``a.m.``,
  ``St.``, ``Inc.``), unless the next word is a common sentence opener
  (``7 a.m. I still …``, ``in the U.S. The …``);
- the number or letter of a numbered sentence (``1. The two sides …``), and a
  sentence ends before one (``… agreed. b) They …``);
- inside a token (``14.9``, ``US$2.99``, ``Change.org``, ``./.``).

Tokenized text (IWSLT: ``word .``, ``. &quot;``) works as it is: a straight
quote after a sentence end closes the sentence when a quotation is open (the
quotes are counted from the start of the block), else it opens the next one.

The word-token patterns the QA rules share live here too: :data:`WORD` (a run of letters,
combining marks included: a Vietnamese syllable or an English word, NFC or NFD) and
:data:`TOKEN` (a run of letters or digits).
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from typing import NamedTuple

__all__ = ["Span", "split_sentences"]


class Span(NamedTuple):
    """A sentence: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


# Never end a sentence (a name or a number follows).
_NEVER = frozenset("""
Mr Mrs Ms Messrs Mme Mlle Dr Drs Prof Gen Col Lt Capt Cmdr Sgt Cpl Gov Sen Rep Rev Hon Pres Maj Adm
Mt Ft Fr vs cf approx incl ca viz Fig fig Eq eq pp Vol vol
TP Tp tp TS Ts ThS Ths PGS GS BS KS TT TX Tx tr
""".split())
_NEVER_LOWER = frozenset({"e.g", "i.e"})
# End a sentence only before a common opener; never before a number.
_AMBIGUOUS = frozenset("""
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
No Nos Nr Art Sec Ch St Ave Blvd Rd Inc Ltd Co Corp Bros Jr Sr
""".split())
_OPENERS_EN = frozenset("""
The A An This That These Those It Its He She We They I You There Here But And Or So Then However
In On At For As If When While After Before Since Although Though Yet Also Now Today What Who Why How
Where Which Many Most Some All Our My His Her Their Your Let Please Thus Moreover Meanwhile According
During Both Each Every Not One Two Three Yes Well Oh Because Do Does Did Is Are Was Were Can Could
Will Would Should To From With By Of Other Another Such Last Next First Later Still Even Only Just
Instead Besides Furthermore Therefore Otherwise Unlike Like Under Over Between Among Despite Through
""".split())
_OPENERS_VI = frozenset(unicodedata.normalize("NFC", w) for w in """
Tuy Nhưng Và Trong Các Những Ông Bà Hai Chúng Tôi Đây Đó Theo Khi Năm Sau Trước Hiện Ngày Tại Với
Về Để Nếu Vì Do Cũng Một Điều Việc Này Nó Họ Anh Chị Em Còn Rồi Thế Vậy Như Ngoài Bên Từ Đến Qua
Có Không Đã Sẽ Đang Cả Mỗi Mọi Nhiều Hôm Cuối Đầu Ba Bốn
""".split())
_OPENERS = {"en": _OPENERS_EN, "vi": _OPENERS_VI, None: _OPENERS_EN | _OPENERS_VI}

WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
TOKEN = re.compile(r"\w+")
_ROMAN = re.compile(r"(?:X{0,3})(?:IX|IV|V?I{0,3})\Z")
_LIST_MARKER = re.compile(r"(?:[a-z]|[ivx]{1,4})[.)][ \t]+")
_BLOCK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_TERMINAL = re.compile(r"\.(?: \.){2,}|[.!?…]+")
_ENTITY = re.compile(r"&(?:quot|apos|#34|#39|rdquo|rsquo|raquo|ldquo|lsquo|laquo);")
_STRAIGHT = re.compile(r'"|&quot;|&#34;')
_CLOSERS = "\"'”’»)]}"
_OPENING = "\"'“‘«([{-–—¿¡.… "
_WORD_CHARS = ".'’-"


def _is_word_char(c: str) -> bool:
    return c.isalnum() or unicodedata.combining(c) != 0


def split_sentences(text: str, lang=None) -> list[Span]:
    """Split *text* into sentences.

    Parameters:
        text: a paragraph or a whole text; blank lines are hard breaks.
        lang: ``"vi"``, ``"en"`` or None (both): chooses the list of sentence
            openers that lets ``U.S.`` or an initial end a sentence; with
            ``"vi"`` a full stop after a plain word also ends a sentence
            before a lower-case word (``… nhất. bất chấp …``, common in
            Vietnamese copy).

    Returns spans with offsets into *text*, surrounding spaces excluded.
    """
    openers = _OPENERS.get(lang, _OPENERS[None])
    spans: list[Span] = []
    pos = 0
    for block in _BLOCK.finditer(text):
        _split_block(text, pos, block.start(), openers, lang, spans)
        pos = block.end()
    _split_block(text, pos, len(text), openers, lang, spans)
    return spans


def _split_block(text, lo, hi, openers, lang, out):
    """Append the sentences of text[lo:hi] (no blank line inside) to *out*."""
    quotes = [m.start() for m in _STRAIGHT.finditer(text, lo, hi)]
    start = lo
    for m in _TERMINAL.finditer(text, lo, hi):
        end = _after_closers(text, m.end(), hi, quotes)
        if end is None:
            continue
        nxt = end
        while nxt < hi and text[nxt].isspace():
            nxt += 1
        if nxt >= hi:
            break
        if not any(_is_word_char(c) for c in text[start:m.start()]):
            continue
        if _ends_sentence(text, start, m, nxt, hi, openers, lang):
            _emit(text, start, end, out)
            start = nxt
    _emit(text, start, hi, out)


def _emit(text, start, end, out):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Span(start, end, text[start:end]))


def _after_closers(text, i, hi, quotes):
    """End of the sentence after the terminal run ending at *i*, or None if inside a token."""
    while i < hi:
        c = text[i]
        if c in _CLOSERS:
            i += 1
            continue
        ent = _ENTITY.match(text, i)
        if ent:
            i = ent.end()
            continue
        break
    if i < hi and not text[i].isspace():
        return None
    # Tokenized text: closers separated by spaces.
    while True:
        j = i
        while j < hi and text[j] in " \t":
            j += 1
        if j == i or j >= hi:
            return i
        c = text[j]
        if c in "”’»)]}":
            k = j + 1
        else:
            q = _STRAIGHT.match(text, j)
            if not q or bisect.bisect_left(quotes, j) % 2 == 0:
                return i
            k = q.end()
        if k < hi and not text[k].isspace():
            return i
        i = k


def _next_word(text, nxt, hi):
    """First character of the next word and the word, skipping openers."""
    i = nxt
    while i < hi:
        ent = _ENTITY.match(text, i)
        if ent:
            i = ent.end()
        elif text[i] in _OPENING:
            i += 1
        else:
            break
    j = i
    while j < hi and _is_word_char(text[j]):
        j += 1
    word = unicodedata.normalize("NFC", text[i:j])
    return (text[i] if i < hi else ""), word


def _previous_token(text, start, end):
    """The token glued to the terminal run at *end* (empty after a space)."""
    i = end
    while i > start and (_is_word_char(text[i - 1]) or text[i - 1] in _WORD_CHARS):
        i -= 1
    return unicodedata.normalize("NFC", text[i:end]), i


def _is_plain_word(token: str) -> bool:
    """A word of two letters or more that is not an abbreviation."""
    return (
        len(token) > 1 and token.replace("-", "").isalpha() and token not in _NEVER
        and token not in _AMBIGUOUS and token.lower() not in _NEVER_LOWER
    )


def _ends_sentence(text, start, m, nxt, hi, openers, lang):
    first, word = _next_word(text, nxt, hi)
    if not first or first in ",;:%)]}/":
        return False
    run = m.group()
    prev, prev_start = _previous_token(text, start, m.start())
    if first.islower():
        marker = _LIST_MARKER.match(text, nxt, hi)
        if marker and marker.end() < hi and text[marker.end()].isupper():
            return True  # "… trí. b) Hai bên …"
        # Vietnamese copy often starts a sentence in lower case: "… nhất. bất chấp …"
        return lang == "vi" and run == "." and _is_plain_word(prev)
    if not (first.isupper() or first.isdigit()):
        return True
    if run != ".":
        return True
    if not prev:
        return True
    starts_sentence = not any(_is_word_char(c) for c in text[start:prev_start])
    bare = prev.rstrip(_WORD_CHARS)
    if starts_sentence and bare and (
        (bare.isdigit() and len(bare) <= 2) or _ROMAN.match(bare) or (len(bare) == 1 and bare.isalpha())
    ):
        return False  # numbered sentence: "1. The …", "b. …"
    parts = prev.split(".")
    last = parts[-1]
    if prev in _NEVER or last in _NEVER or prev.lower() in _NEVER_LOWER:
        return False
    if prev == "v.v":
        return True  # Vietnamese "etc."
    if len(parts) > 1 and all(len(p) <= 2 and p.isalpha() for p in parts):
        ambiguous = True  # U.S, a.m, Ph.D
    else:
        ambiguous = prev in _AMBIGUOUS or (len(prev) == 1 and prev.isalpha() and not (prev == "I" and lang == "en"))
    if not ambiguous:
        return True
    return first.isupper() and word in openers
