"""Vietnamese news conventions a machine translation gets wrong.

Each function returns :class:`Fix` proposals (offsets in the text as given,
the replacement, a rule name and a confidence); nothing is rewritten here.

- ``currency-usd``: ``18 triệu $``, ``$18 triệu``, ``US$ 18 triệu`` -> ``18 triệu USD``.
- ``month-digits``: ``tháng Tám`` -> ``tháng 8`` (month names in digits).
- ``day-range``: ``từ ngày 05-ngày 7 Tháng Tám`` -> ``từ ngày 5 đến ngày 7 tháng 8``.
- ``date-zero``: ``ngày 05`` -> ``ngày 5``.
- ``tone-style``: one tone-mark placement for the whole document
  (:func:`corpus.normalize.canonical_tones`).

Example::

    fixes = convention_fixes("18 triệu $ vào tháng Tám", style="traditional")
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.normalize import MODERN, TRADITIONAL, canonical_tones, key, nfc, tone_style
from corpus.quantities import VI_MONTH_NAMES, VI_SCALES
from corpus.segment import WORD
from corpus.spans import Spans, overlaps as _overlaps

__all__ = ["Fix", "currency_fixes", "date_fixes", "tone_fixes", "document_style", "convention_fixes",
           "month_number", "STYLES"]

STYLES = (TRADITIONAL, MODERN)


@dataclass(frozen=True)
class Fix:
    """A proposed replacement of ``text[start:end]`` by *after*.

    Parameters:
        start, end: character offsets in the text as given.
        after: the replacement.
        rule: the rule's stable name.
        confidence: 0..1; callers apply fixes at or above their threshold.
        message: why, for the change log.
    """

    start: int
    end: int
    after: str
    rule: str
    confidence: float
    message: str = ""


_MONTHS = VI_MONTH_NAMES  # key style: lower case, traditional tones
_MONTH_WORD = "|".join(sorted((w.replace(" ", r"\s+") for w in _MONTHS), key=len, reverse=True))
_MONTH = rf"(?:{_MONTH_WORD}|0?[1-9]|1[0-2])(?![\w])"
_GAP = r"[ \t]+"  # keys have single spaces; never cross a line
_NUM = r"\d+(?:[.,]\d+)*"
# scale words (corpus.quantities.VI_SCALES), compounds first ("nghìn tỷ": a thousand billion)
_SCALE = "(?:" + "|".join(sorted({f"{a} {b}" for a in VI_SCALES for b in VI_SCALES if VI_SCALES[a] < VI_SCALES[b]}
                                 | set(VI_SCALES), key=len, reverse=True)) + ")"

_AMOUNT_DOLLAR = re.compile(rf"(?<![\w.,])({_NUM})(?:{_GAP}({_SCALE}))?[ \t]?(?:us)?\$(?![\w$])")
_DOLLAR_AMOUNT = re.compile(rf"(?<![\w$])(?:us[ \t]?)?\$[ \t]?({_NUM})(?:{_GAP}({_SCALE}))?(?![\w.,]\d)")
_RANGE = re.compile(
    rf"(?<!\w)(?:(từ){_GAP})?ngày{_GAP}(\d{{1,2}})[ \t]*-[ \t]*(?:ngày{_GAP})?(\d{{1,2}})"
    rf"(?:{_GAP}(tháng){_GAP}({_MONTH})|/(0?[1-9]|1[0-2])(?!\d))")
_MONTH_NAME = re.compile(rf"(?<!\w)(tháng){_GAP}({_MONTH_WORD})(?!\w)")
_ZERO = re.compile(r"(?<!\w)(ngày|tháng)[ \t]+0([1-9])(?!\d)")
# Words after "tháng <n>" that make it a count ("mỗi tháng hai lần"), not a month.
_NOT_MONTH_AFTER = re.compile(r"[ \t]+(?:lần|lượt|người|kỳ|đợt|buổi|ngày|tuần|tháng|giờ|bữa|chuyến)(?!\w)")
_YEAR_AFTER = re.compile(r"(?:[ \t]+năm[ \t]+\d|,?[ \t]*\d{4}(?!\d)|/\d)")
_DAY_BEFORE = re.compile(r"ngày[ \t]+\d{1,2}[ \t]+$")
_TIME_BEFORE = re.compile(
    r"(?<!\w)(?:vào|cuối|đầu|giữa|hồi|từ|đến|tới|trong|suốt|sau|trước|tuần|nay|hôm)[ \t]+$")
# A range without "từ" after these words stays a range as written ("trong các ngày 5-7").
_RANGE_KEEP_BEFORE = re.compile(r"(?<!\w)(?:trong|vào|các|những|suốt|hai|ba|mấy)[ \t]+$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(\[]\s*)$")
_WORDS = WORD


# How far back the context rules look (their patterns end at the match): a bounded window keeps
# a one-line draft of a megabyte linear.
_LOOK_BACK = 80


def _before(rx, text: str, pos: int):
    """*rx* (a pattern anchored at its end) searched in the text just before *pos*; ``^`` still
    means the real start of *text*."""
    return rx.search(text, max(0, pos - _LOOK_BACK), pos)


def month_number(word: str) -> int | None:
    """The month a Vietnamese month name or number denotes (``Tám`` -> 8), else None."""
    w = " ".join(key(word).text.split())
    if w.isdigit():
        n = int(w)
        return n if 1 <= n <= 12 else None
    return _MONTHS.get(w)


def currency_fixes(text: str) -> list[Fix]:
    """``$`` amounts written the Vietnamese news way (``18 triệu USD``).

    Parameters:
        text: one line or segment of Vietnamese text.
    """
    k = key(text)
    out: list[Fix] = []
    taken = Spans()
    for rx in (_AMOUNT_DOLLAR, _DOLLAR_AMOUNT):
        for m in rx.finditer(k.text):
            start, end = k.span(m.start(), m.end())
            if _overlaps(start, end, taken):
                continue
            taken.add(start, end)
            parts = [text[slice(*k.span(*m.span(i)))] for i in (1, 2) if m.group(i)]
            after = " ".join(parts) + " USD"
            out.append(Fix(start, end, after, "currency-usd", 0.95,
                           "amounts in US dollars are written with USD after the number"))
    return out


def _day(text: str) -> str:
    return str(int(text))


def date_fixes(text: str) -> list[Fix]:
    """Month names in digits, day ranges with ``từ … đến``, no zero-padded days.

    Parameters:
        text: one line or segment of Vietnamese text.
    """
    k = key(text)
    s = k.text
    out: list[Fix] = []
    taken = Spans()

    def add(m_start, m_end, after, rule, confidence, message):
        start, end = k.span(m_start, m_end)
        if not _overlaps(start, end, taken) and text[start:end] != after:
            out.append(Fix(start, end, after, rule, confidence, message))
            taken.add(start, end)

    for m in _RANGE.finditer(s):
        d1, d2 = int(m.group(2)), int(m.group(3))
        if not 1 <= d1 < d2 <= 31:
            continue
        month = month_number(m.group(5)) if m.group(4) else int(m.group(6))
        if month is None:
            continue
        tail = f" tháng {month}" if m.group(4) else f"/{month}"
        if m.group(1):
            lead, conf = text[slice(*k.span(*m.span(1)))], 0.95
        elif _before(_RANGE_KEEP_BEFORE, s, m.start()):
            continue
        else:
            lead, conf = "từ", 0.8
            if _before(_SENTENCE_START, s, m.start()):
                lead = "Từ"
        add(m.start(), m.end(), f"{lead} ngày {d1} đến ngày {d2}{tail}", "day-range", conf,
            "a range of days is written 'từ ngày … đến ngày …'")

    for m in _MONTH_NAME.finditer(s):
        month = _MONTHS[" ".join(m.group(2).split())]
        w_start, w_end = k.span(*m.span(2))
        written = text[w_start:w_end]
        if _NOT_MONTH_AFTER.match(s, m.end()):
            continue
        if written[:1].isupper() or _YEAR_AFTER.match(s, m.end()) or _before(_DAY_BEFORE, s, m.start()):
            conf = 0.95
        elif _before(_TIME_BEFORE, s, m.start()) and m.group(2) not in ("năm", "một"):
            conf = 0.8
        else:
            conf = 0.5
        t_start, t_end = k.span(*m.span(1))
        thang = text[t_start:t_end]
        if not _before(_SENTENCE_START, s, m.start()):
            thang = thang.lower()
        add(m.start(), m.end(), f"{thang} {month}", "month-digits", conf,
            "months are written in digits in news copy")

    for m in _ZERO.finditer(s):
        w_start, w_end = k.span(*m.span(1))
        add(m.start(), m.end(), f"{text[w_start:w_end]} {m.group(2)}", "date-zero", 0.9,
            "no leading zero in days and months")
    return sorted(out, key=lambda f: f.start)


def document_style(text: str) -> str:
    """The tone-mark style most words of *text* show; ties (and none) give the house style,
    traditional (``hòa``)."""
    counts = Counter(tone_style(nfc(w)) for w in _WORDS.findall(text))
    return MODERN if counts[MODERN] > counts[TRADITIONAL] else TRADITIONAL


def tone_fixes(text: str, style: str) -> list[Fix]:
    """Words whose tone mark is placed in the other style than *style*.

    Parameters:
        text: Vietnamese text.
        style: ``"traditional"`` (``hòa``) or ``"modern"`` (``hoà``).
    """
    out = []
    for m in _WORDS.finditer(text):
        word = nfc(m.group())
        found = tone_style(word)
        if found and found != style:
            out.append(Fix(m.start(), m.end(), canonical_tones(word, style), "tone-style", 0.95,
                           f"one tone-mark style per document ({style})"))
    return out


def named_months(forms) -> frozenset:
    """``(word before, month word)`` keys of the month names glossary *forms* hold
    (``Mùa xuân tháng Tư`` -> ``("xuân", "tư")``): such a month in a draft is part of the name,
    even when the rest of the name is mistranslated (``Lễ hội … Mùa xuân tháng Tư``)."""
    out = set()
    for form in forms:
        k = key(form).text
        for m in _MONTH_NAME.finditer(k):
            before = _WORDS.findall(k[:m.start()])
            if before:
                out.add((before[-1], " ".join(m.group(2).split())))
    return frozenset(out)


def _name_spans(text: str, named) -> list[tuple[int, int]]:
    """Spans of ``<word> tháng <month>`` of *text* that are part of a name (see :func:`named_months`)."""
    if not named:
        return []
    k = key(text)
    out = []
    for m in _MONTH_NAME.finditer(k.text):
        before = _WORDS.findall(k.text, max(0, m.start() - _LOOK_BACK), m.start())
        if before and (before[-1], " ".join(m.group(2).split())) in named:
            out.append(k.span(m.start(), m.end()))
    return out


def convention_fixes(text: str, *, style: str | None = None, terms=(), edited=(), named=()) -> list[Fix]:
    """All convention fixes of *text*, non-overlapping, in text order.

    Parameters:
        text: one line or segment of Vietnamese text.
        style: the document's tone-mark style; None leaves tone marks alone.
        terms: ``(start, end)`` spans of glossary terms: their dates and amounts are
            part of a name (``Mùa xuân tháng Tư``), only their tone marks are fixed.
        edited: spans other edits replace: nothing here touches them.
        named: :func:`named_months` of the glossary: a month named so stays as written.
    """
    edited = list(edited)
    keep = list(terms) + edited + _name_spans(text, named)
    keep = Spans(keep)
    out = [f for f in currency_fixes(text) + date_fixes(text) if not _overlaps(f.start, f.end, keep)]
    if style:
        taken = Spans([(f.start, f.end) for f in out] + edited)
        out += [f for f in tone_fixes(text, style) if not _overlaps(f.start, f.end, taken)]
    return sorted(out, key=lambda f: f.start)
