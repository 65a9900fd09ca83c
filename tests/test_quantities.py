"""corpus.quantities: values equal across the Vietnamese and English conventions."""
from __future__ import annotations

import unicodedata

import pytest

from corpus.quantities import Date, DateRange, extract


def values(text, lang, kind=None):
    return [q.value for q in extract(text, lang) if kind is None or q.kind == kind]


def one(text, lang):
    found = extract(text, lang)
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.mark.parametrize("vi, en", [
    ("10,7", "10.7"),
    ("1.000", "1,000"),
    ("13.000 tấn", "13,000 tons"),
    ("2,5 %", "2.5 percent"),
    ("16 triệu USD", "US$ 16 million"),
    ("16 triệu $", "US$16 million"),
    ("16 triệu đô la", "$16m"),
    ("2,99 triệu USD", "US$2.99  million"),
    ("31 tháng 1 năm 1950", "January 31, 1950"),
    ("ngày 31/1/1950", "Jan. 31, 1950"),
    ("31/1/1950", "31 January 1950"),
    ("31-1-1950", "January 31, 1950"),
    ("tháng Tám năm 2012", "August 2012"),
    ("tháng 5/2002", "May 2002"),
    ("năm 1961", "(1961)"),
    ("từ ngày 8 đến ngày 12 tháng 7 năm 1957", "July 8-12, 1957"),
    ("từ ngày 05-ngày 7 Tháng Tám", "August 5-7"),
    ("thứ ba", "3rd"),
    ("lần thứ hai", "second"),
    ("năm biên bản", "five memorandums"),
    ("hai nước", "two countries"),
    ("hai mươi lăm người", "twenty-five people"),
    ("một trăm linh năm", "one hundred and five"),
    ("ba triệu", "three million"),
])
def test_same_value_across_conventions(vi, en):
    a, b = one(vi, "vi"), one(en, "en")
    assert a.same(b) and b.same(a), (a, b)


@pytest.mark.parametrize("vi, en", [
    ("10,7 triệu USD", "US$10 million"),
    ("31 tháng 1 năm 1950", "January 30, 1950"),
    ("tháng Tám năm 2012", "August 2011"),
    ("18 triệu $", "18 million euros"),
])
def test_different_values_differ(vi, en):
    assert not one(vi, "vi").same(one(en, "en"))


def test_normalised_values():
    assert values("10,7 triệu $", "vi") == [("USD", 10_700_000)]
    assert values("US$7.322 million", "en") == [("USD", 7_322_000)]
    assert values("January 31, 1950", "en") == [Date(1950, 1, 31)]
    assert values("tháng Giêng", "vi") == [Date(None, 1)]
    assert values("tháng Chạp năm 2010", "vi") == [Date(2010, 12)]
    assert values("tháng tư ở Bình Nhưỡng", "vi") == [Date(None, 4)]
    assert values("July 8-12, 1957", "en") == [DateRange(Date(1957, 7, 8), Date(1957, 7, 12))]
    assert values("Between 2000-2012", "en") == [DateRange(Date(2000), Date(2012))]
    assert values("in 1960s", "en") == [Date(1960)]
    assert values("mid-1993", "en") == [Date(1993)]
    assert values("October 1,1956", "en") == [Date(1956, 10, 1)]


def test_kinds_and_flags():
    q = one("the 3rd country", "en")
    assert (q.kind, q.value, q.ordinal, q.spelled) == ("number", 3, True, False)
    q = one("năm biên bản", "vi")
    assert q.spelled and not q.ordinal
    assert one("10 %", "vi").kind == "percent"
    assert one("US$ 50,000", "en").kind == "currency"


def test_separator_ambiguity_keeps_the_other_reading():
    q = one("7.322", "vi")  # Vietnamese thousands first, decimal kept
    assert q.value == 7322 and 7.322 in q.alternatives
    q = one("7.322", "en")
    assert q.value == 7.322 and 7322 in q.alternatives
    assert one("1.000", "vi").alternatives == ()  # "1,000" as a decimal would not be written
    assert values("6.3", "vi") == [6.3]
    assert values("1,5", "vi") == [1.5]
    assert values("2,5", "en") == [2, 5]  # a list in English, not a decimal


def test_nam_is_a_numeral_only_where_it_counts():
    assert values("năm 2012", "vi") == [Date(2012)]
    assert values("5 năm", "vi") == [5]
    assert values("hai năm", "vi") == [2]
    assert values("năm ngày đêm", "vi") == [5]
    assert values("mười năm", "vi") == [10]  # ten years: five after "mười" is "lăm"
    assert values("mười lăm", "vi") == [15]
    assert values("hai mươi năm", "vi") == [20]
    assert values("qua bao năm tháng", "vi") == []
    assert values("Hàng năm , Bộ Văn hoá", "vi") == []
    assert values("năm nay", "vi") == []


def test_not_numbers():
    assert values("DPRK helped train hundreds of students", "en") == []
    assert values("hàng trăm sinh viên", "vi") == []
    assert values("one of the countries", "en") == []
    assert values("một chuyến thăm", "vi") == []
    assert values("ba mẹ tôi", "vi") == []
    assert values("May I say", "en") == []
    assert values("COVID-19 and G20 at 10:30", "en") == []
    assert values("&#91; Laughter &#93; life &apos;s work &quot;", "en") == []


def test_offsets_index_the_text_as_given():
    text = "Trong năm 2008, hai nước đã ký kết 5 biên bản ghi nhớ."
    for lang_text in (text, unicodedata.normalize("NFD", text)):
        for q in extract(lang_text, "vi"):
            assert lang_text[q.start:q.end] == q.text
    nfd = unicodedata.normalize("NFD", "ngày 31 tháng Tám năm 2012")
    q = one(nfd, "vi")
    assert q.value == Date(2012, 8, 31) and (q.start, q.end) == (0, len(nfd))


def test_bad_lang():
    with pytest.raises(ValueError):
        extract("10", "fr")
    assert extract("", "vi") == []


def test_seed_000(seed_paths):
    text = seed_paths["000"].read_text(encoding="utf-8")
    found = {(q.kind, q.text) for q in extract(text, "vi")}
    assert ("date", "ngày 05-ngày 7 Tháng Tám") in found
    assert ("date", "tháng bảy năm 2011") in found
    assert ("date", "ngày 31 tháng 1 năm 1950") in found
    assert ("currency", "18 triệu $") in found and ("currency", "10,7 triệu $") in found
    assert ("number", "5") in found and ("number", "thứ tám") in found
    assert ("date", "tháng Tám năm 2012") in found and ("date", "tháng tư") in found
    assert not any(q.text.lower().startswith("hàng năm") for q in extract(text, "vi"))


def test_seed_002(seed_paths):
    text = seed_paths["002"].read_text(encoding="utf-8")
    by_text = {q.text: q for q in extract(text, "en")}
    assert by_text["January 31, 1950"].value == Date(1950, 1, 31)
    assert by_text["US$ 16 million"].value == ("USD", 16_000_000)
    assert by_text["US$2.99\u00a0 million"].value == ("USD", 2_990_000)  # a no-break space in the seed
    assert by_text["13,000"].value == 13000
    assert by_text["October 16-18, 2007"].value == DateRange(Date(2007, 10, 16), Date(2007, 10, 18))
    assert by_text["five"].value == 5 and by_text["3rd"].ordinal
    assert "hundreds" not in " ".join(by_text)


def test_seed_facts_match_across_documents(seed_paths):
    vi = extract(seed_paths["000"].read_text(encoding="utf-8"), "vi")
    en = extract(seed_paths["001"].read_text(encoding="utf-8"), "en")
    tie_vi = next(q for q in vi if q.text == "ngày 31 tháng 1 năm 1950")
    tie_en = next(q for q in en if q.text == "Jan. 31, 1950")
    assert tie_vi.same(tie_en)


def test_iwslt_numbers_agree(iwslt):
    """On real human translations, digit quantities found on one side are mostly found on the other."""
    agree = total = 0
    for vi, en in iwslt("tst2012") + iwslt("tst2013"):
        qe = [q for q in extract(en, "en") if not q.spelled]
        if not qe:
            continue
        qv = extract(vi, "vi")
        total += len(qe)
        agree += sum(1 for q in qe if any(q.same(r) for r in qv))
        for q in qe + qv:
            assert "&" not in q.text
    assert total > 150
    assert agree / total > 0.85, (agree, total)


def test_iwslt_examples(iwslt):
    pairs = iwslt("tst2012")
    vi, en = pairs[0]
    assert 10 in values(vi, "vi") and 10 in values(en, "en")
    assert 30 in values(vi, "vi") and 30 in values(en, "en")
    assert 5 in values(en, "en")  # "five days and nights"
    assert values("Imagine the first piece : a man burning his life 's work .", "en") == [1]
