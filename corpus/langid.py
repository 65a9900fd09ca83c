"""Vietnamese or English, without a model.

Each word votes:

- a word with a Vietnamese letter (a tone mark, ``ă â ê ô ơ ư đ``): 2 for vi,
  0.3 when capitalised (a name such as ``Nguyễn`` in an English sentence);
- a Vietnamese function word written without diacritics (``va``, ``cua``,
  ``duoc`` ...): 1 for vi;
- an English function word (``the``, ``of``, ``and`` ...): 1 for en;
- any other word that cannot be a Vietnamese syllable (``strong``, ``words``):
  0.5 for en; one that can (``nam``, ``tien``): 0.25 for vi, none when
  capitalised (``Tran Duc Luong`` is a name in either language).

So English names inside a Vietnamese sentence (``Kim Yong Nam``, ``Pyongyang``)
are outvoted by the Vietnamese words around them, and Vietnamese typed without
diacritics (``Viet Nam va Trieu Tien``) is still recognised by its function
words. A text needs at least 1 point to get a language.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from corpus.normalize import fold, has_vietnamese_diacritics

__all__ = ["detect", "scores", "lang_of"]

_VI_WORDS = frozenset("""
va cua cac nhung duoc trong voi cho nay mot khong da se dang tai de nguoi nuoc thi nhu cung rang
khi giua theo tren duoi ong toi viec lam nhieu hon rat nhat neu vao ra len xuong phai lai nen ay gi
sao la co chua cai nao moi
""".split())
_EN_WORDS = frozenset("""
a the of and to in is that for it with as was on be by at this are from or have has had an not but
which were they their will would can been we you he she i his her its there what about so all if my
me our your them more one also into than then who when how these those just like because very no up
out know don t s re ll ve m d isn didn doesn it's i'm don't can't we're that's there's
""".split())
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(?:uye|uya|oai|oay|uoi|uou|ieu|yeu|uay|[aeiouy]{1,2})"
    r"(?:ng|nh|ch|[cmnpt])?\Z"
)


def _vote(token: str) -> tuple[float, float]:
    """(vi, en) points of one NFC token."""
    name = token[0].isupper() and not token.isupper()
    if has_vietnamese_diacritics(token):
        return (0.3 if name else 2.0), 0.0
    plain = token.lower().replace("’", "'")
    if plain in _VI_WORDS:
        return 1.0, 0.0
    if plain in _EN_WORDS:
        return 0.0, 1.0
    if _SYLLABLE.match(fold(plain)):
        return (0.0 if name else 0.25), 0.0
    return 0.0, 0.5


_VOTES: dict = {}  # token -> (vi, en): a bounded cache


def _points(text: str) -> tuple[float, float]:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if len(_VOTES) > 200_000:
        _VOTES.clear()
    vi = en = 0.0
    for token in _TOKEN.findall(text):
        vote = _VOTES.get(token)
        if vote is None:
            vote = _VOTES[token] = _vote(token)
        vi += vote[0]
        en += vote[1]
    return vi, en


def scores(text: str) -> dict:
    """Share of the evidence for each language.

    Parameters:
        text: any text.

    Returns ``{"vi": float, "en": float}`` summing to 1, or both 0.0 when the
    text has no words.
    """
    vi, en = _points(text)
    total = vi + en
    if not total:
        return {"vi": 0.0, "en": 0.0}
    return {"vi": vi / total, "en": en / total}


def detect(text: str):
    """``"vi"``, ``"en"`` or None (no words, too little evidence or a tie).

    Parameters:
        text: a sentence or a longer text.
    """
    vi, en = _points(text)
    if vi + en < 1.0 or vi == en:
        return None
    return "vi" if vi > en else "en"


_ISO639_2 = {"vie": "vi", "eng": "en"}


@lru_cache(maxsize=1024)
def lang_of(code: str | None) -> str:
    """The primary language of a language code (TMX ``xml:lang``, TBX ``langSec``...), lower case,
    ISO 639-2/3 codes of our languages mapped to two letters: ``VI-VN`` -> ``vi``, ``en_GB`` -> ``en``,
    ``vie`` -> ``vi``, ``fr-CA`` -> ``fr``."""
    primary = re.split(r"[-_]", (code or "").strip(), maxsplit=1)[0].lower()
    return _ISO639_2.get(primary, primary)
