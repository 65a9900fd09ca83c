"""Document structure: title, paragraphs, sentences, boilerplate, Markdown (corpus.document)."""
import codecs
import hashlib
import unicodedata
from pathlib import Path

import pytest

from corpus.document import Document, Paragraph, Sentence, load_document, parse_document
from corpus.errors import InputError
from corpus.reader import read_text

EXPECTED = Path(__file__).parent / "data" / "segment_expected"
SEEDS = {
    "000": ("000_b4a9749fad615be5.txt", "Việt Nam và Bắc Triều Tiên tăng cường quan hệ song phương", "vi"),
    "001": ("001_a5cbd450689a7eb3.txt", None, "en"),
    "002": ("002_c75c8b4c4322e8e2.txt", "Overview of VN – DPRK diplomatic relations", "en"),
}


def expected_blocks(name):
    text = (EXPECTED / name).read_text(encoding="utf-8")
    return [block.split("\n") for block in text.strip("\n").split("\n\n")]


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_structure(seed_paths, key):
    name, title, lang = SEEDS[key]
    doc = load_document(seed_paths[key])
    blocks = expected_blocks(name)
    assert doc.name == name
    assert doc.path == str(seed_paths[key])
    assert doc.title == title
    assert doc.lang == lang
    assert [p.text for p in doc.paragraphs] == [" ".join(b) for b in blocks]
    sentences = doc.sentences()
    assert [s.text for s in sentences] == [s for b in blocks for s in b]
    assert [s.index for s in sentences] == list(range(1, len(sentences) + 1))
    assert all(s.lang == lang for s in sentences)
    assert doc.sha256 == hashlib.sha256(read_text(seed_paths[key]).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_line_numbers(seed_paths, key):
    lines = read_text(seed_paths[key]).split("\n")
    doc = load_document(seed_paths[key])
    for par in doc.paragraphs:
        assert lines[par.line - 1].strip().startswith(par.text[:40])
    for s in doc.sentences():
        assert s.text[:40] in lines[s.line - 1]
        assert doc.paragraphs[s.para - 1].text.find(s.text) >= 0


def test_seed_dropped_lines(seed_paths):
    texts = {k: " ".join(p.text for p in load_document(p).paragraphs) for k, p in seed_paths.items()}
    assert "-----" not in texts["000"]
    assert "./." not in texts["001"] and texts["001"].endswith("anniversaries.")
    assert "./." not in texts["002"] and texts["002"].endswith("in Pyongyang.")
    assert "breaking news" not in texts["002"]
    headings = [p.text for p in load_document(seed_paths["002"]).paragraphs if p.heading]
    assert headings == [
        "Overview of VN – DPRK diplomatic relations", "Delegation exchanges", "Key cooperation mechanisms",
        "Signed agreements", "Trade, investment, aid", "Cultural-education cooperation",
    ]


def test_same_text_in_other_encodings_is_the_same_document(tmp_path, seed_paths):
    original = load_document(seed_paths["000"])
    text = read_text(seed_paths["000"])
    variants = {
        "bom.txt": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf16.txt": codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
        "nfd.txt": unicodedata.normalize("NFD", text).encode("utf-8"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        doc = load_document(path)
        assert doc.sha256 == original.sha256
        assert [unicodedata.normalize("NFC", s.text) for s in doc.sentences()] == [
            s.text for s in original.sentences()]
        assert [s.lang for s in doc.sentences()] == [s.lang for s in original.sentences()]


def test_text_is_kept_as_written():
    doc = parse_document("Bộ Văn hoá và sức khoẻ.\n", "d.txt")
    assert doc.sentences()[0].text == "Bộ Văn hoá và sức khoẻ."


def test_markdown():
    text = (
        "# Quan hệ **Việt Nam** – Triều Tiên #\n"
        "\n"
        "Hai nước có *quan hệ* tốt. Xem [trang này](https://example.org/a.html) và `mã`.\n"
        "\n"
        "***\n"
        "## Các hiệp định\n"
        "- Hiệp định thương mại (2002).\n"
        "* Hiệp định _đầu tư_ (2002).\n"
        "1. Hiệp định hàng không.\n"
        "\n"
        "> Trích dẫn một câu.\n"
        "\n"
        "Kết luận\n"
        "========\n"
        "Hết.\n"
    )
    doc = parse_document(text, "notes.md")
    assert doc.title == "Quan hệ Việt Nam – Triều Tiên"
    assert [(p.text, p.line, p.heading) for p in doc.paragraphs] == [
        ("Quan hệ Việt Nam – Triều Tiên", 1, True),
        ("Hai nước có quan hệ tốt. Xem trang này và mã.", 3, False),
        ("Các hiệp định", 6, True),
        ("Hiệp định thương mại (2002).", 7, False),
        ("Hiệp định đầu tư (2002).", 8, False),
        ("1. Hiệp định hàng không.", 9, False),
        ("Trích dẫn một câu.", 11, False),
        ("Kết luận", 13, True),
        ("Hết.", 15, False),
    ]
    assert doc.lang == "vi"
    assert [s.text for s in doc.sentences()][1:3] == ["Hai nước có quan hệ tốt.", "Xem trang này và mã."]


def test_arithmetic_and_identifiers_are_not_emphasis():
    doc = parse_document("The ratio is 5 * 3 * 2 in file_name_here.\n", "d.txt")
    assert doc.paragraphs[0].text == "The ratio is 5 * 3 * 2 in file_name_here."


def test_hard_wrapped_paragraphs_and_line_numbers():
    text = (
        "A short heading\n"
        "The two countries regularly exchanged visits at all levels. President Ho\n"
        "Chi Minh visited the DPRK in 1957 and the visit laid the foundation for\n"
        "the development of bilateral relations. They met again\n"
        "in 1958.\n"
        "\n"
        "One sentence per line.\n"
        "Another one on the next line.\n"
    )
    doc = parse_document(text, "wrapped.txt")
    assert doc.title == "A short heading"
    assert [(p.text[:20], p.line) for p in doc.paragraphs] == [
        ("A short heading", 1), ("The two countries re", 2), ("One sentence per lin", 7), ("Another one on the n", 8)]
    assert [(s.text[:20], s.line, s.para) for s in doc.sentences()] == [
        ("A short heading", 1, 1),
        ("The two countries re", 2, 2),
        ("President Ho Chi Min", 2, 2),
        ("They met again in 19", 4, 2),
        ("One sentence per lin", 7, 3),
        ("Another one on the n", 8, 4),
    ]


@pytest.mark.parametrize("line, kept", [
    ("Hai bên ký hiệp định./.", "Hai bên ký hiệp định."),
    ("Hai bên ký hiệp định ./.", "Hai bên ký hiệp định."),
    ("Hai bên ký hiệp định../.", "Hai bên ký hiệp định."),
    ("Hai bên ký hiệp định!./.", "Hai bên ký hiệp định!"),
])
def test_end_mark(line, kept):
    assert parse_document(line + "\n", "d.txt").paragraphs[-1].text == kept


def test_end_mark_on_its_own_line_and_rulers():
    doc = parse_document("Tin vắn\n___\nHai bên ký hiệp định.\n./.\n= = =\n~~~~~~\n", "d.txt")
    assert [p.text for p in doc.paragraphs] == ["Tin vắn", "Hai bên ký hiệp định."]


TAGS_VI = "Tin tức, thời sự, tin nóng, tin Việt Nam, tin thế giới, tin mới, tin trong ngày"


def test_keyword_boilerplate_is_detected_generically():
    body = "Quan hệ Việt – Triều\n\nHai nước ký hiệp định thương mại năm 2002.\n\n"
    doc = parse_document(body + TAGS_VI + "\n", "d.txt")
    assert [p.text for p in doc.paragraphs][-1] == "Hai nước ký hiệp định thương mại năm 2002."
    # repeats the title: dropped wherever it is
    doc = parse_document(body + "Quan hệ Việt – Triều, ngoại giao, kinh tế, văn hóa, giáo dục, du lịch\n\nHết.\n", "d.txt")
    assert [p.text for p in doc.paragraphs] == ["Quan hệ Việt – Triều", "Hai nước ký hiệp định thương mại năm 2002.", "Hết."]


@pytest.mark.parametrize("paragraph", [
    # a list with numbers (the agreements of seed 002)
    "Agreements: trade (2002), investment (2002), aviation (1997), culture (1957), health (1966), visas (1956)",
    # a real sentence listing places
    "Delegations visited Hanoi, Hue, Da Nang, Hai Phong, Can Tho, Nha Trang and Vung Tau in one week.",
    # short list that does not repeat anything and is not at the end
    "Hanoi news, Hue news, Da Nang news, Can Tho news, Vinh news, Hai Phong news",
])
def test_lists_that_are_content_are_kept(paragraph):
    doc = parse_document(f"Title\n\n{paragraph}\n\nThe end of the article.\n", "d.txt")
    assert paragraph in [p.text for p in doc.paragraphs]


def test_title_rules():
    assert parse_document("This is a sentence.\nAnother.\n", "d").title is None
    assert parse_document("\n\n  Trade, investment, aid  \n\nText here.\n", "d").title == "Trade, investment, aid"
    assert parse_document("Vì sao Triều Tiên?\n\nVì thế.\n", "d").title == "Vì sao Triều Tiên?"
    long_line = " ".join(["word"] * 30)
    assert parse_document(long_line + "\n", "d").title is None
    assert parse_document("", "empty").title is None


def test_empty_document():
    doc = parse_document("\n\n---\n", "empty.txt")
    assert doc.paragraphs == [] and doc.sentences() == [] and doc.lang is None


def test_sentences_are_cached_and_lazy():
    doc = parse_document("One. Two.\n", "d.txt")
    assert doc.sentences() is doc.sentences()
    built = Document("x", None, None, [Paragraph("Hai nước ký. Xong.", 3)], "vi", "0" * 64)
    assert built.sentences() == [Sentence(1, "Hai nước ký.", "vi", 1, 3), Sentence(2, "Xong.", "vi", 1, 3)]


def test_load_document_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "missing.txt")
    binary = tmp_path / "a.bin"
    binary.write_bytes(b"PK\x03\x04\x00\x00")
    with pytest.raises(InputError, match=r"\(byte 4\): not a text file"):
        load_document(binary)
