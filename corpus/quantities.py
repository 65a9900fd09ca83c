"""Numbers, dates, currency amounts and percentages in Vietnamese and English text.

``extract(text, lang)`` returns :class:`Quantity` objects whose values are normalised so
that the same fact written in either convention compares equal: ``10,7`` (vi) and ``10.7``
(en); ``1.000`` (vi) and ``1,000`` (en); ``US$ 16 million``, ``16 triệu USD``, ``16 triệu $``
and ``16 triệu đô la``; ``January 31, 1950``, ``Jan. 31, 1950``, ``31 tháng 1 năm 1950``,
``ngày 31/1/1950`` and ``31-1-1950``. Offsets index into *text* as given (NFC or not).

Values:
    number, percent: ``int`` when integral, else ``float`` (computed exactly, so equal
    readings give equal floats). Ordinals (``3rd``, ``thứ hai``) are numbers with
    ``ordinal=True``. ``spelled=True`` marks values written in words (``five``, ``hai``).
    currency: ``(code, amount)``, code in USD, VND, EUR, GBP, JPY, CNY.
    date: :class:`Date` ``(year, month, day)`` with None for a missing part
    (``August 2012`` -> ``Date(2012, 8, None)``, ``(1961)`` -> ``Date(1961)``), or a
    :class:`DateRange` (``July 8-12, 1957``, ``từ ngày 5 đến ngày 7 tháng 8``, ``2000-2012``).

Compare with :meth:`Quantity.same` or by intersecting :meth:`Quantity.keys`: they include
the other readings of an ambiguous form, and a year equals the integer it is written as.

Ambiguity rules:
    - Separators: a group of exactly three digits after one separator is read as
      thousands first (``1.000``, ``10,000``), except ``.`` in English (``7.322 million``
      is a decimal); the other reading is kept in ``alternatives``. Any other single
      separator is a decimal point (``10,7``, ``6.3``), except ``,`` in English, which then
      separates two numbers (``October 1,1956``). Several groups: thousands; both
      separators: the last one is the decimal point.
    - ``$`` alone is USD (Vietnamese news use). ``m``/``bn``/``mn`` scale only an amount
      with a currency sign (``$16m``); elsewhere ``16m`` is 16 (metres).
    - Years: a bare four-digit integer 1500-2100 without separator is a year (``in 2011``,
      ``(1961)``, ``1960s``); ``năm`` + 1000-2100 is a year; ``YYYY-YYYY`` a range.
    - Slashes: ``d/m/yyyy`` is day/month in Vietnamese; in English both orders are read
      (month/day preferred) when both fit; ``d/m`` without a year needs ``ngày`` before it
      (a bare ``2/3`` may be a fraction and is not extracted). ``10:30`` (times),
      numbers glued to letters (``G20``, ``COVID-19``, ``MH370``) and HTML entities
      (``&#91;``, ``&apos;``) are not extracted; ``mid-1993`` is the year 1993.
    - Number words: ``one``/``một``/``không`` are not extracted alone (article, pronoun,
      negation), only in compounds (``một trăm``, ``one million``). Words that are also
      common nouns or names (vi ``năm`` year, ``ba`` father, ``chín`` ripe, ``tư``
      private) are numerals only inside a compound or when a counted noun follows
      (``năm ngày`` = 5 days, ``năm 2012`` is the year, ``5 năm`` is five years). After
      ``mười``/``mươi`` five is ``lăm`` and one is ``mốt``: ``mười năm`` is ten years.
      ``hundreds``, ``hàng trăm``, ``vài nghìn`` (plurals, approximations) are not numbers.
    - English months: ``May``/``March`` and abbreviations are months only when capitalised
      and next to a day or year or after ``in``, ``since``... Vietnamese ``tháng`` + number
      is a month unless a numeral comes before it (``5 tháng`` is five months).
    - Ordinals: ``first``/``đầu tiên``/``lần đầu``/``thứ nhất`` are 1; ``thứ hai`` (also
      Monday) is 2; ``second`` after ``a``/``per``/``every`` is the unit of time.
    - ``năm tháng`` (the years) is not five months. Negative signs are not kept.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from corpus.normalize import canonical_tones, key
from corpus.segment import WORD

__all__ = ["Quantity", "Date", "DateRange", "extract", "compare", "Comparison", "Mismatch", "render_value",
           "VI_MONTH_NAMES", "SCALES"]

KINDS = ("number", "date", "currency", "percent")


class Date(NamedTuple):
    """A date, possibly partial."""

    year: int | None
    month: int | None = None
    day: int | None = None


class DateRange(NamedTuple):
    """A span of days, months or years."""

    start: Date
    end: Date


@dataclass(frozen=True)
class Quantity:
    """One quantity found in a text.

    Parameters:
        kind: ``number``, ``date``, ``currency`` or ``percent``.
        value: the preferred normalised value (see the module docs).
        start, end: offsets of the span in the text as given.
        text: ``text[start:end]``.
        alternatives: other values an ambiguous form may have.
        spelled: written in words.
        ordinal: an ordinal number.
    """

    kind: str
    value: object
    start: int
    end: int
    text: str
    alternatives: tuple = ()
    spelled: bool = False
    ordinal: bool = False

    def keys(self) -> frozenset:
        """Hashable ``(kind, value)`` keys of every reading; a year also keys as its number."""
        out = set()
        for v in (self.value, *self.alternatives):
            out.add((self.kind, v))
            if self.kind == "date" and isinstance(v, Date) and v.month is None and v.day is None:
                out.add(("number", v.year))
            elif self.kind == "number" and not self.ordinal and isinstance(v, int) and 1000 <= v <= 2100:
                out.add(("date", Date(v)))
        return frozenset(out)

    def same(self, other: "Quantity") -> bool:
        """True when some reading of *self* equals some reading of *other*."""
        return not self.keys().isdisjoint(other.keys())


# --- vocabularies (keys are lower case, traditional tone placement) ---

def _canon(words):
    return {canonical_tones(w): v for w, v in words.items()} if isinstance(words, dict) \
        else {canonical_tones(w) for w in words}


EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90}
EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
EN_MONTH_CUES = {"in", "since", "until", "till", "by", "from", "to", "of", "during", "before",
                 "after", "early", "late", "mid", "last", "next", "this", "each", "every", "and"}
EN_ORDINAL_SUFFIX = {"st", "nd", "rd", "th"}

VI_UNITS = _canon({"hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
                   "tám": 8, "chín": 9, "một": 1, "tư": 4})
VI_AFTER_TENS = _canon({"mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "lăm": 5, "nhăm": 5,
                        "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9})
VI_SCALES = _canon({"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9})
# Numerals that are also common words: only in a compound or before a counted noun.
VI_AMBIGUOUS = _canon({"một", "ba", "năm", "chín", "tư"})
VI_NEVER_ALONE = _canon({"một", "tư"})
VI_APPROX = _canon({"hàng", "vài", "mấy", "dăm", "mươi"})
VI_COUNTED = _canon({
    "người", "ngày", "đêm", "tuần", "tháng", "năm", "giờ", "phút", "giây", "lần", "nước", "tỉnh",
    "biên", "hiệp", "thỏa", "thoả", "đứa", "con", "cái", "chiếc", "cuốn", "quyển", "bài", "trang",
    "km", "cây", "mét", "tấn", "kg", "ký", "đô", "đồng", "usd", "tuổi", "thế", "phần", "điểm",
    "bước", "mảnh", "loại", "nhóm", "đoàn", "chuyến", "cuộc", "lĩnh", "dự", "tầng", "câu", "chữ",
    "bên", "anh", "chị", "em", "học", "thành", "gia", "trẻ", "đời", "thập", "lớp", "hộ", "căn",
    "ngôi", "quả", "hạt", "viên", "tiếng", "buổi", "điều", "vấn", "ý", "cách", "yếu", "chương",
    "quốc", "công", "nhà", "hội", "tổ", "đơn", "mặt", "khu", "vùng", "xã", "huyện", "đảng",
    "ông", "bà", "cô", "chú", "bạn", "vị", "thứ", "kiểu", "dạng", "mẫu", "lá", "tờ", "bức",
    "chặng", "vòng", "trận", "ván", "hiệp", "cấp", "bậc", "mức", "lít", "ha", "hecta",
    "phòng", "tòa", "toà", "con", "bản", "văn", "giai", "kỳ", "khóa", "khoá", "lượt", "đợt",
    "triệu", "nghìn", "ngàn", "tỷ", "tỉ", "trăm", "mươi", "%",
})
VI_MONTHS = _canon({"giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
                    "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "chạp": 12})
VI_ORDINAL_WORDS = _canon({"nhất": 1, "nhì": 2})
VI_DAY, VI_MONTH, VI_YEAR = (canonical_tones(w) for w in ("ngày", "tháng", "năm"))
VI_RANGE = _canon({"đến", "tới"})
VI_THU = canonical_tones("thứ")

CURRENCY_PREFIX = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP",
                   "¥": "JPY", "vnd": "VND"}
CURRENCY_SUFFIX = _canon({
    "usd": "USD", "$": "USD", "dollars": "USD", "dollar": "USD", "us dollars": "USD",
    "u . s . dollars": "USD", "american dollars": "USD", "mỹ kim": "USD", "đô - la mỹ": "USD",
    "đô la mỹ": "USD", "đô la": "USD", "đô - la": "USD", "đôla": "USD", "đô": "USD",
    "đồng": "VND", "vnd": "VND", "vnđ": "VND", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "€": "EUR", "yuan": "CNY", "nhân dân tệ": "CNY", "yen": "JPY", "yên nhật": "JPY",
    "bảng anh": "GBP", "pounds sterling": "GBP",
})
_SUFFIX_WORDS = sorted((tuple(k.split()) for k in CURRENCY_SUFFIX), key=len, reverse=True)
PERCENT_WORDS = [("%",), ("percent",), ("per", "cent"), (canonical_tones("phần"), canonical_tones("trăm"))]
CURRENCY_SCALE_SUFFIX = {"m": 10**6, "mn": 10**6, "bn": 10**9, "k": 10**3}
CODE_PREFIX_OK = {"mid", canonical_tones("giữa")}

# Words and signs a quantity can begin with (the scan skips every other token).
_STARTS = frozenset(
    set(EN_UNITS) | set(EN_TENS) | set(EN_ORDINALS) | set(EN_MONTHS) | set(VI_UNITS) | set(VI_SCALES)
    | {"a", "us", "mười", VI_DAY, VI_MONTH, VI_YEAR, canonical_tones("thứ"), canonical_tones("đầu")}
    | {k for k in CURRENCY_PREFIX}
)
# A text with none of these signs and none of the words of _STARTS holds no quantity.
_TRIGGER_SIGN = re.compile(r"\d|[$€£¥]")
_TRIGGER_WORD = WORD
# "a" starts a quantity only before "hundred" or a scale word, "us" only in "US$" (a sign).
_START_WORDS = frozenset(w for w in _STARTS if w.isalpha()) - {"a", "us"}
_A_FOLLOWERS = frozenset(EN_SCALES) | {"hundred"}


def _triggered(text: str) -> bool:
    """Cheap test that *text* (NFC) may hold a quantity."""
    if _TRIGGER_SIGN.search(text):
        return True
    words = set(_TRIGGER_WORD.findall(text.lower()))
    return not (_START_WORDS.isdisjoint(words) and ("a" not in words or _A_FOLLOWERS.isdisjoint(words)))

_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+)"
    r"|(?P<ent>&#?[a-z0-9]+;)"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<punct>\S)"
)


class _Tok(NamedTuple):
    t: str  # key text (lower case, canonical tones)
    s: int  # key offsets
    e: int
    kind: str  # num, word, punct


def _tokens(ktext: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(ktext):
        kind = m.lastgroup
        if kind in ("url", "ent"):
            out.append(_Tok(m.group(), m.start(), m.end(), "skip"))
        else:
            out.append(_Tok(m.group(), m.start(), m.end(), kind))
    return out


def _num(v: Decimal):
    """int when integral, else float."""
    return int(v) if v == v.to_integral_value() else float(v)


def _readings(s: str, lang: str):
    """Values of a digit token, preferred first; None if *s* is not one number in *lang*."""
    if s.isdigit():
        return [Decimal(s)]
    seps = {c for c in s if c in ".,"}
    if len(seps) == 2:
        last = max(s.rfind("."), s.rfind(","))
        head, tail = s[:last], s[last + 1:]
        groups = re.split(r"[.,]", head)
        if len(set(c for c in head if c in ".,")) != 1 or not 1 <= len(groups[0]) <= 3 \
                or any(len(g) != 3 for g in groups[1:]):
            return None
        return [Decimal("".join(groups) + "." + tail)]
    sep = seps.pop()
    groups = s.split(sep)
    if len(groups) > 2:
        if 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
            return [Decimal("".join(groups))]
        return None
    a, b = groups
    if len(b) == 3 and 1 <= len(a) <= 3 and a != "0":
        thousands, decimal = Decimal(a + b), Decimal(a + "." + b)
        if lang == "en" and sep == ".":
            return [decimal, thousands]
        return [thousands] if b.endswith("0") else [thousands, decimal]
    if lang == "en" and sep == ",":
        return None
    return [Decimal(a + "." + b)]


def _split_bad_numbers(toks, lang):
    out = []
    for tok in toks:
        if tok.kind == "num" and not tok.t.isdigit() and _readings(tok.t, lang) is None:
            for m in re.finditer(r"\d+|[.,]", tok.t):
                out.append(_Tok(m.group(), tok.s + m.start(), tok.s + m.end(),
                                "num" if m.group()[0].isdigit() else "punct"))
        else:
            out.append(tok)
    return out


class _Parser:
    def __init__(self, text: str, lang: str, text_key=None):
        self.text, self.lang = text, lang
        self.k = key(text) if text_key is None else text_key
        self.toks = _split_bad_numbers(_tokens(self.k.text), lang)
        self.n = len(self.toks)

    # --- token helpers ---
    def t(self, i):
        return self.toks[i].t if 0 <= i < self.n else ""

    def kind(self, i):
        return self.toks[i].kind if 0 <= i < self.n else ""

    def adj(self, i, j):
        """Tokens i and j touch (no space between)."""
        return 0 <= i < self.n and 0 <= j < self.n and self.toks[i].e == self.toks[j].s

    def orig(self, i) -> str:
        s, e = self.k.span(self.toks[i].s, self.toks[i].e)
        return self.text[s:e]

    def capital(self, i) -> bool:
        return self.orig(i)[:1].isupper()

    def seq(self, i, words) -> int:
        """End index if tokens from i spell *words* (a tuple), else -1."""
        for w in words:
            if self.t(i) != w:
                return -1
            i += 1
        return i

    def int_at(self, i, lo, hi, digits=None):
        if self.kind(i) != "num" or not self.t(i).isdigit():
            return None
        if digits and len(self.t(i)) not in digits:
            return None
        v = int(self.t(i))
        return v if lo <= v <= hi else None

    def make(self, kind, value, i, j, alternatives=(), spelled=False, ordinal=False):
        s, _ = self.k.span(self.toks[i].s, self.toks[i].e)
        _, e = self.k.span(self.toks[j - 1].s, self.toks[j - 1].e)
        alts = tuple(a for a in dict.fromkeys(alternatives) if a != value)
        return Quantity(kind, value, s, e, self.text[s:e], alts, spelled, ordinal), j

    def is_numeral(self, i) -> bool:
        if self.kind(i) == "num":
            return True
        t = self.t(i)
        return t in VI_UNITS or t in VI_SCALES or t in ("mười", "mươi", "trăm") \
            or t in EN_UNITS or t in EN_TENS

    # --- the scan ---
    def run(self) -> list[Quantity]:
        out, i = [], 0
        while i < self.n:
            kind = self.kind(i)
            if kind == "skip" or (kind != "num" and self.t(i) not in _STARTS):
                i += 1
                continue
            if kind == "num" and self.glued_code(i):
                i = self.skip_code(i)
                continue
            for rule in (self.currency, self.percent, self.date, self.ordinal, self.number):
                found = rule(i)
                if found:
                    q, i = found
                    out.append(q)
                    break
            else:
                i += 1
        return out

    def glued_code(self, i) -> bool:
        """Digits glued to letters before them (G20, COVID-19) or part of a time (10:30)."""
        if self.adj(i - 1, i) and self.kind(i - 1) == "word":
            return True
        if self.adj(i - 1, i) and self.t(i - 1) == "-" and self.adj(i - 2, i - 1) \
                and self.kind(i - 2) == "word" and self.t(i - 2) not in CODE_PREFIX_OK:
            return True
        return self.t(i + 1) == ":" and self.adj(i, i + 1) and self.kind(i + 2) == "num" \
            or self.t(i - 1) == ":" and self.adj(i - 1, i)

    def skip_code(self, i) -> int:
        while self.kind(i) in ("num", "word") or (self.t(i) in ":-." and self.kind(i + 1) == "num"):
            if not self.adj(i, i + 1) and self.kind(i) != "skip":
                return i + 1
            i += 1
        return i

    # --- amounts ---
    def amount(self, i, money=False, alone=False):
        """(values, end, spelled) for digits [+ scale words] or a number in words, or None."""
        if self.kind(i) == "num":
            vals = _readings(self.t(i), self.lang)
            if vals is None:
                return None
            j = i + 1
            if money and self.adj(i, j) and self.t(j) in CURRENCY_SCALE_SUFFIX:
                return [v * CURRENCY_SCALE_SUFFIX[self.t(j)] for v in vals], j + 1, False
            while True:
                # "10 thousands of people" (non-native English) is 10,000 all the same
                scale = EN_SCALES.get(self.t(j)) or VI_SCALES.get(self.t(j)) or (
                    self.lang == "en" and EN_SCALES.get(self.t(j)[:-1]) if self.t(j).endswith("s") else None)
                if not scale or (self.lang == "vi" and self.t(j) in EN_SCALES):
                    break
                vals = [v * scale for v in vals]
                j += 1
            return vals, j, False
        found = self.vi_words(i, alone) if self.lang == "vi" else self.en_words(i)
        if found:
            return [Decimal(found[0])], found[1], True
        return None

    def en_words(self, i):
        if self.t(i - 1) in ("hundreds", "thousands", "millions", "dozens"):
            return None
        total, cur, j, last, count = 0, 0, i, None, 0
        if self.t(i) == "a" and (self.t(i + 1) == "hundred" or self.t(i + 1) in EN_SCALES):
            cur, j, last = 1, i + 1, "unit"
        while j < self.n:
            t = self.t(j)
            if t in EN_UNITS and last in (None, "and", "hundred", "scale") or \
                    (t in EN_UNITS and last == "tens" and 1 <= EN_UNITS[t] <= 9):
                cur += EN_UNITS[t]
                last = "unit"
            elif t in EN_TENS and last in (None, "and", "hundred", "scale"):
                cur += EN_TENS[t]
                last = "tens"
            elif t == "-" and last == "tens" and self.adj(j - 1, j) and self.adj(j, j + 1) \
                    and EN_UNITS.get(self.t(j + 1), 0) in range(1, 10) and self.t(j + 1) != "zero":
                j += 1
                continue
            elif t == "hundred" and last in ("unit", "tens") and 0 < cur % 1000 < 100:
                cur = cur - cur % 1000 + (cur % 1000) * 100
                last = "hundred"
            elif t in EN_SCALES and last in ("unit", "tens", "hundred") and cur:
                total += cur * EN_SCALES[t]
                cur, last = 0, "scale"
            elif t == "and" and last in ("hundred", "scale") and (
                    self.t(j + 1) in EN_UNITS or self.t(j + 1) in EN_TENS):
                last = "and"
            else:
                break
            j += 1
            count += 1
        if last in (None, "and"):
            return None
        if j - 1 >= 0 and self.t(j - 1) == "and":
            j -= 1
        if count == 1 and self.t(i) in ("one", "zero") or self.t(j) in ("hundreds", "thousands", "millions"):
            return None
        return total + cur, j

    def vi_words(self, i, alone=False):
        if self.t(i - 1) in VI_APPROX:
            return None
        total, hundreds, tens, unit = 0, 0, 0, None
        j, last, words = i, None, 0
        while j < self.n:
            t = self.t(j)
            if last in ("mười", "mươi") and t in VI_AFTER_TENS and unit is None:
                unit, last = VI_AFTER_TENS[t], "unit"
            elif t in VI_UNITS and unit is None and last in (None, "trăm", "linh", "scale"):
                unit, last = VI_UNITS[t], "unit"
            elif t == "mười" and unit is None and tens == 0 and last in (None, "trăm", "linh", "scale"):
                tens, last = 10, "mười"
            elif t == "mươi" and last == "unit" and unit and unit > 1 and tens == 0:
                tens, unit, last = unit * 10, None, "mươi"
            elif t == "trăm" and last == "unit" and hundreds == 0:
                hundreds, unit, last = unit * 100, None, "trăm"
            elif t in ("linh", "lẻ") and last == "trăm":
                last = "linh"
            elif t in VI_SCALES and last in ("unit", "mười", "mươi", "trăm"):
                total += (hundreds + tens + (unit or 0)) * VI_SCALES[t]
                hundreds, tens, unit, last = 0, 0, None, "scale"
            elif t in VI_SCALES and last == "scale" and VI_SCALES[t] > VI_SCALES.get(self.t(j - 1), 0):
                total *= VI_SCALES[t]
            else:
                break
            j += 1
            words += 1
        if last in (None, "linh"):
            return None
        if words == 1:
            first = self.t(i)
            if first in VI_NEVER_ALONE and not alone:
                return None
            if first in VI_AMBIGUOUS and not alone:
                if self.is_numeral(i - 1) or self.t(j) not in VI_COUNTED:
                    return None
                if first == VI_YEAR and (self.kind(j + 1) == "num" or self.t(j) == VI_MONTH):
                    return None  # "năm tháng" is "the years"
            if self.t(j) in ("trăm",) and self.t(i - 1) == "hàng":
                return None
        return total + hundreds + tens + (unit or 0), j

    # --- rules ---
    def currency(self, i):
        t = self.t(i)
        code, j = None, i
        if t == "us" and self.t(i + 1) == "$" and self.adj(i, i + 1) and self.orig(i) == "US":
            code, j = "USD", i + 2
        elif t in CURRENCY_PREFIX and (t not in ("usd", "eur", "vnd") or self.orig(i).isupper()):
            code, j = CURRENCY_PREFIX[t], i + 1
        if code:
            found = self.amount(j, money=True)
            if found:
                vals, k, spelled = found
                v = [_num(x) for x in vals]
                return self.make("currency", (code, v[0]), i, k, [(code, x) for x in v[1:]], spelled)
            return None
        found = self.amount(i, money=True, alone=False)
        if not found:
            return None
        vals, k, spelled = found
        if self.t(k) == "us" and self.t(k + 1) in ("dollars", "dollar"):
            k += 1
        for words in _SUFFIX_WORDS:
            end = self.seq(k, words)
            if end > 0 and (words[0] not in ("usd", "eur", "vnd") or self.orig(k).isupper()):
                code = CURRENCY_SUFFIX[" ".join(words)]
                v = [_num(x) for x in vals]
                return self.make("currency", (code, v[0]), i, end, [(code, x) for x in v[1:]], spelled)
        return None

    def percent(self, i):
        found = self.amount(i)
        if not found:
            return None
        vals, k, spelled = found
        for words in PERCENT_WORDS:
            end = self.seq(k, words)
            if end > 0:
                v = [_num(x) for x in vals]
                return self.make("percent", v[0], i, end, v[1:], spelled)
        return None

    def ordinal(self, i):
        t = self.t(i)
        if self.lang == "en":
            if self.kind(i) == "num" and t.isdigit() and self.adj(i, i + 1) and self.t(i + 1) in EN_ORDINAL_SUFFIX:
                return self.make("number", int(t), i, i + 2, ordinal=True)
            if t in EN_TENS and self.t(i + 1) == "-" and self.t(i + 2) in EN_ORDINALS and EN_ORDINALS[self.t(i + 2)] < 10:
                return self.make("number", EN_TENS[t] + EN_ORDINALS[self.t(i + 2)], i, i + 3,
                                 spelled=True, ordinal=True)
            if t in EN_ORDINALS:
                if t == "second" and self.t(i - 1) in ("a", "one", "per", "split", "every", "each"):
                    return None
                return self.make("number", EN_ORDINALS[t], i, i + 1, spelled=True, ordinal=True)
            return None
        if t == VI_THU:
            if self.t(i + 1) in VI_ORDINAL_WORDS:
                return self.make("number", VI_ORDINAL_WORDS[self.t(i + 1)], i, i + 2, spelled=True, ordinal=True)
            if self.kind(i + 1) == "num" and self.t(i + 1).isdigit():
                return self.make("number", int(self.t(i + 1)), i, i + 2, ordinal=True)
            found = self.vi_words(i + 1, alone=True)
            if found:
                return self.make("number", found[0], i, found[1], spelled=True, ordinal=True)
        if t == canonical_tones("đầu") and self.t(i + 1) == "tiên":
            return self.make("number", 1, i, i + 2, spelled=True, ordinal=True)
        if t == canonical_tones("đầu") and self.t(i - 1) == canonical_tones("lần"):
            return self.make("number", 1, i, i + 1, spelled=True, ordinal=True)  # "lần đầu": first time
        return None

    def number(self, i):
        found = self.amount(i)
        if not found:
            return None
        vals, k, spelled = found
        v = [_num(x) for x in vals]
        return self.make("number", v[0], i, k, v[1:], spelled)

    # --- dates ---
    def date(self, i):
        return self.vi_date(i) if self.lang == "vi" else self.en_date(i)

    def year_at(self, i):
        return self.int_at(i, 1000, 2100, digits=(4,))

    def unit_follows(self, j) -> bool:
        t = self.t(j)
        return t in EN_SCALES or t in VI_SCALES or t == "%" or any(
            self.seq(j, w) > 0 for w in _SUFFIX_WORDS) or t in ("percent", canonical_tones("phần"))

    def bare_year(self, i, lo=1500):
        y = self.int_at(i, lo, 2100, digits=(4,))
        if y is None or self.unit_follows(i + 1) or self.t(i - 1) in ("$", "us$"):
            return None
        j = i + 1
        if self.t(j) == "s" and self.adj(i, j):
            return self.make("date", Date(y), i, j + 1)
        if self.t(j) == "-" and self.year_at(j + 1) and self.year_at(j + 1) > y:
            return self.make("date", DateRange(Date(y), Date(self.year_at(j + 1))), i, j + 2)
        return self.make("date", Date(y), i, j)

    def slash_date(self, i, need_year):
        """d/m/yyyy, d-m-yyyy, d.m.yyyy (all touching); yyyy-mm-dd."""
        y0 = self.year_at(i)
        if y0 and self.t(i + 1) == "-" and self.adj(i, i + 1) and self.adj(i + 1, i + 2) \
                and self.t(i + 3) == "-" and self.adj(i + 3, i + 4):
            m, d = self.int_at(i + 2, 1, 12), self.int_at(i + 4, 1, 31)
            if m and d:
                return self.make("date", Date(y0, m, d), i, i + 5)
        a = self.int_at(i, 1, 31, digits=(1, 2))
        sep = self.t(i + 1)
        if a is None or sep not in "/-." or not sep or not self.adj(i, i + 1) or not self.adj(i + 1, i + 2):
            return None
        b = self.int_at(i + 2, 1, 31, digits=(1, 2))
        if b is None:
            return None
        y, end = None, i + 3
        if self.t(i + 3) == sep and self.adj(i + 2, i + 3) and self.adj(i + 3, i + 4):
            y = self.year_at(i + 4)
            end = i + 5
        if y is None:
            if need_year or sep != "/":
                return None
            end = i + 3
        # (day, month) readings: Vietnamese day first; English month first, day first kept
        readings = [(b, a), (a, b)] if self.lang == "en" else [(a, b)]
        dates = [Date(y, m, d) for d, m in readings if 1 <= m <= 12]
        if not dates:
            return None
        return self.make("date", dates[0], i, end, dates[1:])

    def en_month(self, i):
        t = self.t(i)
        m = EN_MONTHS.get(t)
        if m is None or not self.capital(i):
            return None
        j = i + 1
        abbrev = t not in ("may", "june", "july") and len(t) <= 4
        if abbrev and self.t(j) == "." and self.adj(i, j):
            j += 1
        elif abbrev and self.kind(j) != "num":
            return None
        weak = t in ("may", "march") or abbrev
        if weak and self.kind(j) != "num" and self.t(i - 1) not in EN_MONTH_CUES:
            return None
        return m, j

    def en_date(self, i):
        found = self.en_month(i)
        if found:
            m, j = found
            d = self.int_at(j, 1, 31, digits=(1, 2))
            d2 = None
            if d is not None and not self.unit_follows(j + 1):
                j += 1
                if self.t(j) in EN_ORDINAL_SUFFIX and self.adj(j - 1, j):
                    j += 1
                if self.t(j) in ("-", "to") and self.int_at(j + 1, d + 1, 31, digits=(1, 2)):
                    d2, j = self.int_at(j + 1, 1, 31), j + 2
                k = j + 1 if self.t(j) == "," else j
                y = self.year_at(k)
                if y:
                    j = k + 1
                start = Date(y, m, d)
                value = DateRange(start, Date(y, m, d2)) if d2 else start
                return self.make("date", value, i, j)
            k = j + 1 if self.t(j) == "," else j
            y = self.year_at(k)
            if y:
                return self.make("date", Date(y, m), i, k + 1)
            return self.make("date", Date(None, m), i, j)
        d = self.int_at(i, 1, 31, digits=(1, 2))
        if d is not None:
            j, d2 = i + 1, None
            if self.t(j) in EN_ORDINAL_SUFFIX and self.adj(i, j):
                j += 1
            if self.t(j) in ("-", "to") and self.int_at(j + 1, d + 1, 31, digits=(1, 2)):
                d2, j = self.int_at(j + 1, 1, 31), j + 2
            if self.t(j) == "of":
                j += 1
            found = self.en_month(j) if self.t(j) in EN_MONTHS else None
            if found:
                m, j = found
                k = j + 1 if self.t(j) == "," else j
                y = self.year_at(k)
                if y:
                    j = k + 1
                start = Date(y, m, d)
                return self.make("date", DateRange(start, Date(y, m, d2)) if d2 else start, i, j)
            return self.slash_date(i, need_year=True)
        return self.slash_date(i, True) or self.bare_year(i)

    def vi_month(self, i):
        """(month, end) for the words after ``tháng`` at i."""
        t = self.t(i + 1)
        if self.kind(i + 1) == "num":
            m = self.int_at(i + 1, 1, 12, digits=(1, 2))
            return (m, i + 2) if m else None
        if t == "mười" and self.t(i + 2) in ("một", "hai"):
            return (11 if self.t(i + 2) == "một" else 12), i + 3
        if t in VI_MONTHS:
            # "tháng năm" followed by a counted noun is "months, five ...": rare; "tháng năm 2002" is May
            return VI_MONTHS[t], i + 2
        return None

    def vi_year_after(self, j):
        """(year, end) for ``năm YYYY`` / ``/YYYY`` / ``-YYYY`` at j."""
        if self.t(j) == ",":
            j += 1
        if self.t(j) == VI_YEAR and self.int_at(j + 1, 1000, 2100):
            return self.int_at(j + 1, 1000, 2100), j + 2
        if self.t(j) in ("/", "-") and self.adj(j - 1, j) and self.adj(j, j + 1) and self.year_at(j + 1):
            return self.year_at(j + 1), j + 2
        return None, j

    def vi_date(self, i):
        t = self.t(i)
        j = i
        if t == VI_DAY:
            j += 1
        d = self.int_at(j, 1, 31, digits=(1, 2))
        if d is not None:
            k, d2 = j + 1, None
            if self.t(k) == "-" or self.t(k) in VI_RANGE:
                k2 = k + 1 + (self.t(k + 1) == VI_DAY)
                d2 = self.int_at(k2, d + 1, 31, digits=(1, 2))
                if d2 is not None and (self.t(k2 + 1) == VI_MONTH or self.t(k2 + 1) == "/"):
                    k = k2 + 1
                else:
                    d2 = None
            if self.t(k) == VI_MONTH:
                found = self.vi_month(k)
                if found:
                    m, end = found
                    y, end = self.vi_year_after(end)
                    start = Date(y, m, d)
                    return self.make("date", DateRange(start, Date(y, m, d2)) if d2 else start, i, end)
            if d2 is not None and self.t(k) == "/" and self.adj(k, k + 1):
                m = self.int_at(k + 1, 1, 12, digits=(1, 2))
                if m:
                    y, end = self.vi_year_after(k + 2)
                    return self.make("date", DateRange(Date(y, m, d), Date(y, m, d2)), i, end)
            found = self.slash_date(j, need_year=(j == i))
            if found:
                q, end = found
                return self.make("date", q.value, i, end, q.alternatives)
            if j > i:
                return None
        if t == VI_MONTH and not self.is_numeral(i - 1):
            found = self.vi_month(i)
            if found:
                m, end = found
                y, end = self.vi_year_after(end)
                return self.make("date", Date(y, m), i, end)
        if t == VI_YEAR and self.int_at(i + 1, 1000, 2100) and not self.unit_follows(i + 2):
            y = self.int_at(i + 1, 1000, 2100)
            if self.t(i + 2) == "-" and self.year_at(i + 3) and self.year_at(i + 3) > y:
                return self.make("date", DateRange(Date(y), Date(self.year_at(i + 3))), i, i + 4)
            return self.make("date", Date(y), i, i + 2)
        if self.kind(i) == "num":
            return self.bare_year(i)
        return None


def extract(text: str, lang: str, *, text_key=None) -> list[Quantity]:
    """Quantities of *text* in reading order.

    Parameters:
        text: one sentence or a longer text, as the user wrote it (NFC or not).
        lang: ``"vi"`` or ``"en"``: decides separators, number words and date order.
        text_key: ``corpus.normalize.key(text)`` when the caller has it.
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    if not text or not _triggered(unicodedata.normalize("NFC", text)):
        return []
    return _Parser(text, lang, text_key).run()


# --- comparing the quantities of a text and its translation (check and correct share this) ---

# English weekday names and the Vietnamese ordinals that name them (thứ 2 = Monday … thứ 7 = Saturday).
_WEEKDAYS = {"monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7}
_WEEKDAY_WORD = re.compile(r"(?<!\w)(" + "|".join(_WEEKDAYS) + r")s?(?!\w)", re.IGNORECASE)
# "hai bên" (both sides), "hai nước" (the two countries), "hai lần" (twice): a Vietnamese two
# before these nouns is how the language says "both", "bilateral", "mutual", "twice"; English
# need not write a number. Such a two left unmatched is not reported.
VI_PAIR_NOUNS = _canon({"bên", "nước", "phía", "lần", "miền", "đảng", "dân tộc", "quốc gia",
                        "chính phủ", "đoàn", "nhà nước", "phe", "chiều"})
# Every month name a Vietnamese text may write after "tháng" (key style: lower case, traditional tones).
VI_MONTH_NAMES = {**VI_MONTHS, "mười": 10, "mười một": 11, "mười hai": 12}
# Scale words of both languages (key style).
SCALES = {**EN_SCALES, **VI_SCALES}


@dataclass(frozen=True)
class Mismatch:
    """A quantity of one side without an equal on the other.

    Parameters:
        quantity: the draft's quantity (or, in :attr:`Comparison.missing`, the source's).
        partner: the source's left-over quantity of the same kind it most likely renders, or None.
        candidates: how many left-over source quantities of that kind there were.
    """

    quantity: Quantity
    partner: Quantity | None = None
    candidates: int = 0


@dataclass
class Comparison:
    """How the quantities of a draft compare with its source's (see :func:`compare`).

    Parameters:
        matched: ``(source, draft)`` pairs of equal quantities.
        unit_dropped: ``(source, draft)`` pairs of the same amount with a currency on one side only.
        mismatched: draft quantities the source lacks, with their likely partner.
        missing: source quantities the draft lacks (no partner left).
        expected: how many source quantities count; found: how many of them the draft renders.
    """

    matched: list = field(default_factory=list)
    unit_dropped: list = field(default_factory=list)
    mismatched: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    expected: int = 0
    found: int = 0


def _amounts(q) -> set:
    values = (q.value, *q.alternatives)
    if q.kind == "currency":
        return {v[1] for v in values}
    return set(values) if q.kind == "number" else set()


def _unit_dropped(a, b) -> bool:
    """An amount with a currency on one side, the same number without it on the other."""
    return {a.kind, b.kind} == {"currency", "number"} and not _amounts(a).isdisjoint(_amounts(b))


def _lone_one(q) -> bool:
    """``1``, ``first``: English writes one as ``a``/``an``/``one``, first as ``đầu tiên``,
    ``trước tiên``, ``lần đầu``, which are not all extracted: such a 1 alone proves nothing."""
    return q.kind == "number" and q.value == 1


def _decade(a, b) -> bool:
    """``1990s`` = ``những năm 90`` / ``thập niên 90``: a decade written by its last two digits."""
    for d, n in ((a, b), (b, a)):
        if d.kind == "date" and n.kind == "number" and not n.ordinal and d.text.rstrip().endswith("s"):
            year = getattr(d.value, "year", None)
            if year and year % 10 == 0 and n.value == year % 100:
                return True
    return False


def _weekday(q, lang: str, other_text: str, other_lang: str) -> bool:
    """``thứ 6`` (a Vietnamese ordinal) naming a weekday the other text names (``Friday``)."""
    if lang != "vi" or other_lang != "en" or q.kind != "number" or not q.ordinal:
        return False
    if not key(q.text).text.startswith(VI_THU):
        return False
    return any(_WEEKDAYS[w.group(1).lower()] == q.value for w in _WEEKDAY_WORD.finditer(other_text))


_NEXT_WORDS = re.compile(r"[ \t]+([^\W\d_]+)(?:[ \t]+([^\W\d_]+))?")


def _pair_idiom(q, lang: str, text: str) -> bool:
    """A spelled Vietnamese two before a pair noun (``hai bên``, ``hai nước``, ``hai lần``)."""
    if lang != "vi" or q.kind != "number" or not q.spelled or q.value != 2 or q.ordinal:
        return False
    words = key(q.text).text.split()[1:]  # the counted noun may end the quantity ("hai lần")
    nxt = _NEXT_WORDS.match(text, q.end)
    if nxt is not None:
        words += [canonical_tones(w.lower()) for w in nxt.groups() if w]
    return bool(words) and (words[0] in VI_PAIR_NOUNS or " ".join(words[:2]) in VI_PAIR_NOUNS)


def _outside(quantities, spans):
    """*quantities* not inside one of *spans* (``đánh thuế hai lần``: the term's number, no quantity)."""
    if not spans:
        return list(quantities)
    return [q for q in quantities if not any(s <= q.start and q.end <= e for s, e in spans)]


def compare(source: list, draft: list, *, source_text: str, draft_text: str, source_lang: str,
            draft_lang: str, source_terms=(), draft_terms=()) -> Comparison:
    """Compare the quantities of a source segment and its translation, by value.

    Equal values match (``10,7`` = ``10.7``), a decade matches its last two digits (``1990s`` =
    ``những năm 90``), ``thứ 6`` matches ``Friday``; quantities inside a glossary term's span
    (``đánh thuế hai lần``) are the term's, and a spelled ``hai`` before a pair noun (``hai bên``)
    is not a count; a lone 1 (``first``, ``one``) proves nothing either way.

    Parameters:
        source, draft: :func:`extract` results of the two texts.
        source_text, draft_text: the texts; source_lang, draft_lang: ``vi`` or ``en``.
        source_terms, draft_terms: ``(start, end)`` spans of glossary terms matched in each text.
    """
    source = _outside(source, source_terms)
    out = Comparison(expected=len(source))
    source = [s for s in source if not _weekday(s, source_lang, draft_text, draft_lang)]
    draft = _outside(draft, draft_terms)
    left_src, left_dft = list(source), []
    for q in draft:
        hit = next((s for s in left_src if s.same(q)), None) or next(
            (s for s in left_src if _decade(s, q)), None)
        if hit is None:
            left_dft.append(q)
        else:
            left_src.remove(hit)
            out.matched.append((hit, q))
    for q in list(left_dft):
        hit = next((s for s in left_src if _unit_dropped(s, q)), None)
        if hit is not None:
            left_src.remove(hit)
            left_dft.remove(q)
            out.unit_dropped.append((hit, q))
    left_dft = [q for q in left_dft if not _weekday(q, draft_lang, source_text, source_lang)
                and not _pair_idiom(q, draft_lang, draft_text)]
    left_src = [s for s in left_src if not _pair_idiom(s, source_lang, source_text)]
    out.found = out.expected - len(left_src)
    for q in left_dft:
        if _lone_one(q):
            continue
        same_kind = [s for s in left_src if s.kind == q.kind]
        partner = same_kind[0] if same_kind else None
        if partner is not None:
            left_src.remove(partner)
        out.mismatched.append(Mismatch(q, partner, len(same_kind)))
    out.missing = [Mismatch(s) for s in left_src if not _lone_one(s)]
    return out


def render_value(q: Quantity, src: Quantity, lang: str) -> str | None:
    """The draft quantity *q* rewritten with the value of *src* in the draft's convention and
    scale (``81 triệu USD`` with ``US$18 million`` -> ``18 triệu USD``; ``ngày 8 tháng 6`` with
    ``August 6`` -> ``ngày 6 tháng 8``); None when unsure.

    Parameters:
        q: a draft quantity; src: the source quantity it renders; lang: the draft's language.
    """
    if q.spelled or src.spelled:
        return None
    if q.kind == "date":
        return _render_date(q, src, lang)
    digits = re.search(r"\d[\d.,]*", q.text)
    if digits is None:
        return None
    if q.kind in ("number", "percent") and src.kind == q.kind:
        value, scale = src.value, 1
    elif q.kind == "currency" and src.kind == "currency" and q.value[0] == src.value[0]:
        word = re.match(r"\s*([^\W\d_]+)", q.text[digits.end():])
        value = src.value[1]
        scale = SCALES.get(canonical_tones(word.group(1).lower()), 1) if word else 1
    else:
        return None
    number = Decimal(str(value)) / scale
    whole, _, frac = f"{number:f}".partition(".")
    frac = frac.rstrip("0")
    thousands, decimal = (".", ",") if lang == "vi" else (",", ".")
    if len(whole) > 4 or (len(whole) == 4 and re.search(r"\d[.,]\d{3}", digits.group())):
        whole = f"{int(whole):,}".replace(",", thousands)
    out = whole + (decimal + frac if frac else "")
    return q.text[:digits.start()] + out + q.text[digits.end():]


def _render_date(q: Quantity, src: Quantity, lang: str) -> str | None:
    """A date whose parts are all written in digits, in the draft's order, given the source's
    parts (the same parts known on both sides): ``ngày 8 tháng 6`` -> ``ngày 6 tháng 8``."""
    a, b = q.value, src.value
    if not isinstance(a, Date) or not isinstance(b, Date) or q.alternatives:
        return None
    if [x is None for x in a] != [x is None for x in b]:
        return None
    if lang == "vi":
        order = [("day", a.day, b.day), ("month", a.month, b.month), ("year", a.year, b.year)]
    else:
        order = [("month", a.month, b.month), ("day", a.day, b.day), ("year", a.year, b.year)]
    order = [part for part in order if part[1] is not None]
    groups = list(re.finditer(r"\d+", q.text))
    if len(groups) != len(order) or any(int(g.group()) != was for g, (_, was, _) in zip(groups, order)):
        return None
    out, pos = [], 0
    for g, (_, _, new) in zip(groups, order):
        out += [q.text[pos:g.start()], str(new)]
        pos = g.end()
    return "".join(out) + q.text[pos:]
