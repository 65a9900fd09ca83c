"""Term projection (issue 14): the draft's own wording of a source term located, replaced whole."""
from pathlib import Path

import pytest

from glossary.tsv import load_bundled
from tm.qa.check import Checker
from tm.qa.correct import Corrector
from tm.qa.termspans import source_terms
from tm.qa.wordunits import WordUnits

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def entries():
    return load_bundled()


def test_treaty_rendered_in_unlisted_words_is_located_and_replaced(entries):
    en = "The Treaty on Friendship and Cooperation was signed in 1961."
    draft = "Hiệp ước về Tình bạn và Hợp tác đã được ký vào năm 1961."
    report = Checker(entries).check(draft, en, src_lang="en")
    found = [f for f in report.findings if f.check == "term-mistranslated"]
    assert [(f.text, f.suggestion) for f in found] == [("Hiệp ước về Tình bạn và Hợp tác", "Hiệp ước hữu nghị và hợp tác")]
    fixed = Corrector(entries).correct(draft, en, lang="vi", source_lang="en").text
    assert fixed == "Hiệp ước hữu nghị và hợp tác đã được ký vào năm 1961."


def test_edit_never_leaves_part_of_a_word(entries):
    en = "Minister of Public Security Le Hong Anh visited the DPRK in October 2008."
    draft = "Bộ trưởng Bộ An ninh Công cộng Lê Hồng Anh đã thăm Triều Tiên vào tháng 10 năm 2008."
    fixed = Corrector(entries).correct(draft, en, lang="vi", source_lang="en").text
    assert "cộng" not in fixed and "ninh" not in fixed
    assert fixed.startswith("Bộ trưởng Bộ Công an Lê Hồng Anh")


def test_word_units_from_case_and_memory():
    units = WordUnits.learn(["thư ký của ông", "cô thư ký mới", "thư ký"])
    text = "Bộ An ninh Công cộng và thư ký"
    assert units.cuts(text, text.index("Bộ"), text.index(" cộng"))  # ends inside "Công cộng"
    assert not units.cuts(text, text.index("Bộ"), text.index(" và"))
    assert units.cuts(text, text.index("thư"), text.index("thư") + 3)


def test_nested_term_and_honorific_title_are_no_false_alarms(entries):
    checker = Checker(entries)
    for en, vi in [("Viet Nam and the DPRK established diplomatic relations on January 31, 1950.",
                    "Việt Nam và Triều Tiên thiết lập quan hệ ngoại giao ngày 31 tháng 1 năm 1950."),
                   ("President Ho Chi Minh visited the DPRK in July 1957.",
                    "Chủ tịch Hồ Chí Minh thăm Triều Tiên vào tháng 7 năm 1957.")]:
        report = checker.check(vi, en, src_lang="en")
        assert [f for f in report.findings if f.check.startswith("term")] == []
        assert Corrector(entries).correct(vi, en, lang="vi", source_lang="en").text == vi


def test_inflected_english_source_terms_match(entries):
    from glossary.matcher import Matcher

    m = Matcher(entries)
    text = "The two sides signed five memorandums of understanding."
    found = source_terms(m, text, "en", m.find(text, "en"))
    assert [(x.entry.id, x.text) for x in found] == [("phrase.mou", "memorandums of understanding")]


def test_clean_human_translations_of_the_dev_sets_are_left_alone(entries):
    checker, corrector = Checker(entries), Corrector(entries)
    for name in ("projection_dev.tsv", "projection_heldout.tsv"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()[3:]:
            _, en, ref, _, _ = line.split("\t")
            report = checker.check(ref, en, src_lang="en")
            assert not [f for f in report.findings if f.severity == "error"], (ref, report.to_text())
            assert corrector.correct(ref, en, lang="vi", source_lang="en").text == ref
