"""One set of number/date rules for check and correct (corpus.quantities.compare): decades,
weekdays, counted nouns, numbers inside glossary terms, swapped day and month."""
from __future__ import annotations

import pytest

from corpus.quantities import Date, compare, extract, render_value
from glossary.tsv import load_bundled
from tm.qa.check import Checker
from tm.qa.correct import Corrector


@pytest.fixture(scope="module")
def checker():
    return Checker(load_bundled())


@pytest.fixture(scope="module")
def corrector():
    return Corrector(load_bundled())


def _number_findings(report):
    return [f for f in report.findings if f.check.endswith("-mismatch")]


def _number_edits(result):
    return [e for e in result.edits + result.suggestions if e.rule == "number-mismatch"]


# (draft, source): correct translations whose numbers agree however they are written
AGREE = [
    ("Trong những năm 90, thứ 6 tuần trước đoàn đã đến.", "In the mid-1990s, last Friday the delegation came."),
    ("Hai bên nhất trí tăng cường hợp tác.", "Both sides agreed to step up cooperation."),
    ("Hai nước thiết lập quan hệ ngoại giao.", "The two countries established diplomatic relations."),
    ("Hai nước ký hiệp định tránh đánh thuế hai lần.",
     "The two countries signed an agreement on avoiding double taxation."),
    ("Các bộ trưởng gặp nhau hai lần mỗi năm.", "The ministers meet twice a year."),
]


@pytest.mark.parametrize("draft,source", AGREE)
def test_check_and_correct_agree_on_correct_numbers(checker, corrector, draft, source):
    assert _number_findings(checker.check(draft, source)) == []
    assert _number_edits(corrector.correct(draft, source, fix_numbers=True)) == []


# (draft, source, the draft's wrong text): both commands report the same span
DISAGREE = [
    ("Trong những năm 80, đoàn đã đến.", "In the 1990s, the delegation came.", "80"),
    ("Thứ 5 tuần trước đoàn đã đến.", "Last Friday the delegation came.", "Thứ 5"),
    ("Ba nước ký hiệp định.", "Two countries signed the agreement.", "Ba"),
    ("Kim ngạch đạt 18 triệu USD.", "Trade reached US$81 million.", "18 triệu USD"),
]


@pytest.mark.parametrize("draft,source,wrong", DISAGREE)
def test_check_and_correct_report_the_same_mismatch(checker, corrector, draft, source, wrong):
    found = _number_findings(checker.check(draft, source))
    edits = _number_edits(corrector.correct(draft, source))
    assert [f.text for f in found if f.start > 0 or f.end < len(draft)] == [wrong]
    assert [e.before for e in edits] == [wrong]


def test_a_number_inside_a_glossary_term_is_the_terms():
    text = "Quốc hội thông qua Kế hoạch 5 năm."
    term = text.index("Kế"), text.index(".")

    def odd(terms):
        return compare(extract("The assembly adopted the development plan.", "en"), extract(text, "vi"),
                       source_text="The assembly adopted the development plan.", draft_text=text,
                       source_lang="en", draft_lang="vi", draft_terms=terms).mismatched

    assert [m.quantity.text for m in odd(())] == ["5"]
    assert odd([term]) == []


def test_a_counted_two_still_matches_an_english_two():
    cmp = compare(extract("two countries", "en"), extract("hai nước", "vi"), source_text="two countries",
                  draft_text="hai nước", source_lang="en", draft_lang="vi")
    assert len(cmp.matched) == 1 and cmp.missing == [] and cmp.found == cmp.expected == 1


def test_swapped_day_and_month_is_fixed(corrector):
    draft, source = "Hội nghị khai mạc ngày 8 tháng 6.", "The conference opened on August 6."
    result = corrector.correct(draft, source, fix_numbers=True)
    assert result.text == "Hội nghị khai mạc ngày 6 tháng 8."
    assert [e.rule for e in result.edits] == ["number-mismatch"]
    assert corrector.correct(result.text, source, fix_numbers=True).edits == []
    # without --fix-numbers: a suggestion carrying the fix
    [sugg] = corrector.correct(draft, source).suggestions
    assert sugg.after == "ngày 6 tháng 8"


@pytest.mark.parametrize("draft,source,fixed", [
    ("ngày 8/6/2012", "on August 6, 2012", "ngày 6/8/2012"),
    ("ngày 8 tháng 6 năm 2012", "on 6 August 2012", "ngày 6 tháng 8 năm 2012"),
    ("tháng Tám", "in June", None),  # a month in words: not rewritten here
])
def test_render_date(draft, source, fixed):
    [q] = extract(draft, "vi")
    [s] = extract(source, "en")
    assert isinstance(q.value, Date)
    assert render_value(q, s, "vi") == fixed


def test_a_month_inside_a_mistranslated_name_is_left(corrector):
    """``tháng Tư`` in the festival's name stays, whatever the rest of the name says."""
    for draft in ("Đoàn tham gia Liên hoan Nghệ thuật Hữu nghị Mùa xuân tháng Tư tại Bình Nhưỡng.",
                  "Đoàn tham gia Lễ hội Nghệ thuật Hữu nghị Mùa xuân tháng Tư tại Bình Nhưỡng."):
        assert not [e for e in corrector.correct(draft).edits if e.rule == "month-digits"]
    assert corrector.correct("Đoàn đến vào tháng Tư năm nay.").text == "Đoàn đến vào tháng 4 năm nay."
