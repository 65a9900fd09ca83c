"""The curated glossary (glossary/data/glossary.tsv): valid, normalised, and covering the seed documents."""
from __future__ import annotations

import dataclasses
import unicodedata
from importlib import resources

import pytest

from corpus.normalize import TRADITIONAL, canonical_tones, match_key
from glossary.model import LANGS, TYPES, Deprecated, normalize_form
from glossary.tsv import COLUMNS, TsvGlossary, load_bundled, valid_id
from glossary.validate import validate

PREFIX = {"organisation": "org"}


@pytest.fixture(scope="module")
def entries():
    return load_bundled()


@pytest.fixture(scope="module")
def raw_lines():
    text = resources.files("glossary").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    return text.split("\n")


def _entry_with(entries, lang, form):
    """The entry having *form* as a preferred or admitted *lang* term (compared on match keys)."""
    k = match_key(form)
    found = [e for e in entries if any(match_key(f) == k for f, _ in e.forms(lang))]
    assert len(found) == 1, f"{lang} term {form!r} is in {len(found)} entries"
    return found[0]


def test_file_is_spreadsheet_tsv(raw_lines):
    assert raw_lines[0].split("\t") == list(COLUMNS)
    assert raw_lines[-1] == "", "the file ends with a newline"
    for number, line in enumerate(raw_lines[:-1], 1):
        assert "\r" not in line, f"line {number}: CRLF"
        assert line.count("\t") == len(COLUMNS) - 1, f"line {number}: not {len(COLUMNS)} columns"
        assert unicodedata.is_normalized("NFC", line), f"line {number}: not NFC"
        for cell in line.split("\t"):
            assert cell == cell.strip() and "  " not in cell, f"line {number}: spaces in {cell!r}"


def test_validator_finds_nothing(entries):
    assert len(entries) >= 100
    assert validate(entries) == []


def test_ids_types_and_preferred_terms(entries):
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert valid_id(e.id) and e.id == e.id.lower() and e.id.isascii(), e.id
        assert e.type in TYPES
        assert e.id.startswith(PREFIX.get(e.type, e.type) + "."), e.id
        assert e.vi.strip() and e.en.strip(), e.id
        assert e.source, f"{e.id}: no source"


def test_every_form_is_normalised(entries):
    for e in entries:
        for lang in LANGS:
            for form, _ in e.forms(lang, deprecated=True):
                assert form == normalize_form(form), (e.id, form)
                assert "|" not in form and "[" not in form, (e.id, form)


def test_no_term_in_two_entries_and_no_deprecated_admitted_form(entries):
    for lang in LANGS:
        owner = {}
        for e in entries:
            for form, _ in e.forms(lang):
                k = match_key(form)
                assert owner.setdefault(k, e.id) == e.id, f"{lang} {form!r}: {owner[k]} and {e.id}"
        admitted = set(owner)
        for e in entries:
            for d in e.deprecated(lang):
                assert match_key(d.form) not in admitted, (e.id, d.form)


def test_confused_with_names_other_entries(entries):
    ids = {e.id for e in entries}
    for e in entries:
        for target in e.confused_with:
            assert target in ids and target != e.id, (e.id, target)


def test_vietnamese_terms_use_traditional_tone_placement(entries):
    for e in entries:
        for form, _ in e.forms("vi"):
            assert canonical_tones(form, TRADITIONAL) == form, (e.id, form)


@pytest.mark.parametrize("vi, en", [
    ("Bình Nhưỡng", "Pyongyang"),
    ("Nông Đức Mạnh", "Nong Duc Manh"),
    ("biên bản ghi nhớ", "memorandum of understanding"),
    ("biên bản ghi nhớ", "MoU"),
    ("Kim Yong Nam", "Kim Yong-nam"),
    ("Trương Tấn Sang", "Truong Tan Sang"),
    ("Việt Nam", "Viet Nam"),
    ("Việt Nam", "Vietnam"),
    ("Triều Tiên", "DPRK"),
    ("CHDCND Triều Tiên", "Democratic People's Republic of Korea"),
    ("Triều Tiên", "North Korea"),
    ("Hồ Chí Minh", "Ho Chi Minh"),
    ("Kim Nhật Thành", "Kim Il Sung"),
    ("Kim Jong Il", "Kim Jong Il"),
    ("Trần Đức Lương", "Tran Duc Luong"),
    ("Chủ tịch nước", "President"),
    ("Thủ tướng", "Prime Minister"),
    ("Phó Thủ tướng", "Deputy Prime Minister"),
    ("Bộ trưởng Bộ Ngoại giao", "Minister of Foreign Affairs"),
    ("Bộ Ngoại giao", "Ministry of Foreign Affairs"),
    ("Bộ Văn hóa, Thể thao và Du lịch", "Ministry of Culture, Sports and Tourism"),
    ("Quốc hội", "National Assembly"),
    ("Tổng Bí thư", "General Secretary"),
    ("Đảng Cộng sản Việt Nam", "Communist Party of Vietnam"),
    ("Hội nghị Nhân dân Tối cao", "Supreme People's Assembly"),
    ("Ủy ban Thường vụ Hội nghị Nhân dân Tối cao", "Presidium of the Supreme People's Assembly"),
    ("Chủ tịch Ủy ban Thường vụ Hội nghị Nhân dân Tối cao",
     "President of the Presidium of the Supreme People's Assembly"),
    ("Đảng Lao động Triều Tiên", "Workers' Party of Korea"),
    ("Chính vụ viện", "Administration Council"),
    ("Phó Thủ tướng Chính vụ viện", "Vice Premier of the Administration Council"),
    ("Hiệp ước hữu nghị và hợp tác", "Treaty on Friendship and Cooperation"),
    ("Hiệp định thương mại", "Trade Agreement"),
    ("Liên hoan Nghệ thuật Hữu nghị Mùa xuân tháng Tư", "Spring Friendship Art Festival"),
    ("Hội Hữu nghị Việt Nam - Triều Tiên", "Vietnam-DPRK Friendship Association"),
    ("Hà Nội", "Hanoi"),
    ("quan hệ ngoại giao", "diplomatic ties"),
])
def test_seed_terms_are_one_entry(entries, vi, en):
    assert _entry_with(entries, "vi", vi) is _entry_with(entries, "en", en)


def test_named_variants(entries):
    dprk = _entry_with(entries, "en", "DPRK")
    assert {"DPRK", "Democratic People's Republic of Korea", "North Korea"} <= {f for f, _ in dprk.forms("en")}
    assert "Kim Yong-nam" in [f for f, _ in _entry_with(entries, "en", "Kim Yong Nam").forms("en")]
    assert _entry_with(entries, "en", "Vietnam").en == "Viet Nam"


def test_seed_000_garbles_are_deprecated_verbatim(entries, seeds_dir):
    """The scrambled title and split name of the machine translation, copied character for character."""
    seed = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    cited = [(e, d) for e in entries for d in e.vi_deprecated if "seed 000" in d.reason]
    assert len(cited) >= 8
    for e, d in cited:
        assert d.form in seed, (e.id, d.form)
    by_form = {d.form: e.id for e, d in cited}
    assert _entry_with(entries, "vi", "Kim Yong Nam").id == by_form["Kim Yong hội của Nam"]
    title = _entry_with(entries, "en", "President of the Presidium of the Supreme People's Assembly")
    assert sum(by_form[f] == title.id for f in by_form) >= 2


def _broken(entries, entry_id, **changes):
    out = [dataclasses.replace(e) for e in entries]
    i = next(i for i, e in enumerate(out) if e.id == entry_id)
    out[i] = dataclasses.replace(out[i], **changes)
    return out


def test_validator_reports_each_kind_of_problem(entries):
    """The checks above are only worth something if the validator catches these."""
    pyongyang = _entry_with(entries, "vi", "Bình Nhưỡng")
    cases = {
        "already a term": dict(en_variants=["North Korea"]),
        "not NFC": dict(vi_variants=[unicodedata.normalize("NFD", "Bình Nhưỡng")]),
        "whitespace": dict(vi_variants=["Bình  Nhưỡng"]),
        "both deprecated": dict(vi_deprecated=[Deprecated("Việt Nam", "")]),
        "empty preferred": dict(vi=""),
        "no entry with id": dict(confused_with=["place.atlantis"]),
    }
    for expected, change in cases.items():
        problems = validate(_broken(entries, pyongyang.id, **change))
        assert problems and all(p.entry_id == pyongyang.id for p in problems), expected
        assert any(expected in p.message for p in problems), (expected, problems)
    dup = _broken(entries, pyongyang.id, id=entries[0].id)
    assert any(p.field == "id" and "duplicate" in p.message for p in validate(dup))


def test_tsv_round_trip_is_identical(raw_lines, entries):
    assert TsvGlossary(entries).serialize() == "\n".join(raw_lines)
