"""Tone-mark canonicalisation, diacritic folding and key offsets (corpus.normalize)."""
import unicodedata

import pytest

from corpus.normalize import (
    MODERN, TRADITIONAL, canonical_tones, fold, has_vietnamese_diacritics, key, match_key,
    nfc, tone_style,
)


def nfd(text):
    return unicodedata.normalize("NFD", text)


# (modern placement, traditional placement = the canonical key style)
STYLE_PAIRS = [
    # oa with the five tones: huyền, sắc, hỏi, ngã, nặng
    ("hoà", "hòa"), ("hoá", "hóa"), ("hoả", "hỏa"), ("hoã", "hõa"), ("hoạ", "họa"),
    # oe
    ("hoè", "hòe"), ("khoé", "khóe"), ("khoẻ", "khỏe"), ("loẽ", "lõe"), ("hoẹ", "họe"),
    # uy
    ("thuỳ", "thùy"), ("thuý", "thúy"), ("thuỷ", "thủy"), ("huỹ", "hũy"), ("tuỵ", "tụy"),
    # without an initial consonant
    ("oà", "òa"), ("uỷ", "ủy"),
    # capitals
    ("Hoà", "Hòa"), ("HOÀ", "HÒA"), ("Thuỷ", "Thủy"), ("THUỶ", "THỦY"), ("Khoẻ", "Khỏe"),
    ("Uỷ ban", "Ủy ban"), ("TOẠ", "TỌA"),
    # in running text
    ("hoà bình", "hòa bình"), ("Bộ Văn hoá", "Bộ Văn hóa"), ("sức khoẻ và hoà bình", "sức khỏe và hòa bình"),
    ("thuỷ lợi, thuỷ sản", "thủy lợi, thủy sản"), ("thoả thuận", "thỏa thuận"), ("xoè", "xòe"),
    ("tuỳ", "tùy"), ("uỷ viên", "ủy viên"),
]

# Words whose tone has one place only: both styles leave them alone.
UNCHANGED = [
    "quý", "giỏi", "già", "quốc", "khuya", "người", "hoàng", "toàn", "thuyền", "khuyến", "ngoài",
    "gì", "gìn", "giữa", "quả", "quà", "của", "mùa", "hưởng", "Nguyễn", "thuở", "tuổi", "quỳnh",
    "khuỷu", "Quốc", "GIỎI", "QUÝ", "Khuya", "hoặc", "khoắng", "chìa", "yêu", "ý", "ở",
]

# Misplaced marks go to their orthographic place.
MISPLACED = [("tòan", "toàn"), ("muà", "mùa"), ("qúy", "quý"), ("gìa", "già"), ("hòai", "hoài"), ("thủơ", "thuở")]


@pytest.mark.parametrize("modern, traditional", STYLE_PAIRS)
def test_modern_placement_becomes_traditional(modern, traditional):
    assert canonical_tones(modern) == traditional
    assert canonical_tones(traditional) == traditional
    assert match_key(modern) == match_key(traditional) == traditional.lower()


@pytest.mark.parametrize("modern, traditional", STYLE_PAIRS)
def test_modern_style_is_available(modern, traditional):
    assert canonical_tones(traditional, MODERN) == modern


@pytest.mark.parametrize("modern, traditional", STYLE_PAIRS[:17])
def test_tone_style_of_a_word(modern, traditional):
    assert tone_style(modern) == MODERN
    assert tone_style(traditional) == TRADITIONAL


@pytest.mark.parametrize("word", UNCHANGED)
def test_words_with_one_tone_place_do_not_change(word):
    assert canonical_tones(word) == word
    assert canonical_tones(word, MODERN) == word
    assert tone_style(word) is None
    assert match_key(word) == word.lower()


@pytest.mark.parametrize("wrong, right", MISPLACED)
def test_misplaced_marks_are_moved(wrong, right):
    assert canonical_tones(wrong) == right


def test_canonical_tones_keeps_length_and_other_text():
    text = "Kim Yong-nam (Triều Tiên) và Bộ Văn hoá, năm 2012."
    out = canonical_tones(text)
    assert len(out) == len(text)
    assert out == "Kim Yong-nam (Triều Tiên) và Bộ Văn hóa, năm 2012."


def test_nfd_input_gets_the_same_key():
    assert match_key(nfd("Hoà Bình")) == match_key("Hòa Bình") == "hòa bình"
    assert nfc(nfd("Trương Tấn Sang")) == "Trương Tấn Sang"


@pytest.mark.parametrize("text, folded", [
    ("Trương Tấn Sang", "truong tan sang"),
    ("đ", "d"),
    ("Đ", "d"),
    ("Đà Nẵng", "da nang"),
    ("ĐỨC", "duc"),
    ("Bắc Triều Tiên", "bac trieu tien"),
    ("hòa hoà hóa hỏa hõa họa", "hoa hoa hoa hoa hoa hoa"),
    ("ă â ê ô ơ ư", "a a e o o u"),
    ("Nguyễn Thị Bình", "nguyen thi binh"),
    ("  Hồ Chí Minh  ", "ho chi minh"),
])
def test_fold(text, folded):
    assert fold(text) == folded
    assert fold(nfd(text)) == folded


def test_has_vietnamese_diacritics():
    assert has_vietnamese_diacritics("Việt Nam")
    assert has_vietnamese_diacritics("đi")
    assert has_vietnamese_diacritics("ư")
    assert not has_vietnamese_diacritics("Viet Nam va Trieu Tien")
    assert not has_vietnamese_diacritics("DPRK")


def test_key_offsets_on_nfd_input():
    original = nfd("Hoà Bình, Thuỷ")
    k = key(original)
    assert k.text == "hòa bình, thủy"
    for word in ("hòa", "bình", "thủy"):
        start = k.text.index(word)
        a, b = k.span(start, start + len(word))
        assert nfc(original[a:b]).lower() == word.replace("hòa", "hoà").replace("thủy", "thuỷ")
    a, b = k.span(0, len(k.text))
    assert (a, b) == (0, len(original))


def test_key_offsets_over_double_and_non_breaking_spaces():
    original = "Kim  Yong\u00a0Nam\u2009và\u200b  ông"
    k = key(original)
    assert k.text == "kim yong nam và ông"
    for word, shown in (("kim", "Kim"), ("yong", "Yong"), ("nam", "Nam"), ("và", "và"), ("ông", "ông")):
        start = k.text.index(word)
        a, b = k.span(start, start + len(word))
        assert original[a:b] == shown
    space = k.text.index(" ")
    assert original[slice(*k.span(space, space + 1))] == "  "
    a, b = k.span(k.text.index("yong"), k.text.index("nam") + 3)
    assert original[a:b] == "Yong\u00a0Nam"


def test_key_unifies_quotes_and_dashes():
    assert match_key("“Đổi mới” – ‘Kim Yong‑nam’") == match_key('"đổi mới" - \'kim yong-nam\'')
    assert match_key("  Kim  Yong\u2011nam ") == "kim yong-nam"


def test_key_with_tones_off_keeps_placement():
    assert key("Hoà", tones=False).text == "hoà"
    assert key("Hoà", folded=True).text == "hoa"
