"""Sentence splitting on hand-made cases, every seed sentence and IWSLT lines (corpus.segment)."""
import re
import unicodedata
from pathlib import Path

import pytest

from corpus.reader import read_lines, read_text
from corpus.segment import Span, split_sentences

EXPECTED = Path(__file__).parent / "data" / "segment_expected"


def texts(text, lang=None):
    spans = split_sentences(text, lang)
    for span in spans:
        assert isinstance(span, Span)
        assert text[span.start:span.end] == span.text
        assert span.text == span.text.strip()
    return [span.text for span in spans]


CASES = [
    # abbreviations followed by numbers or names
    ("Ties were set up 60 years ago (Jan. 31, 1950). They grew.",
     ["Ties were set up 60 years ago (Jan. 31, 1950).", "They grew."]),
    ("Mr. Sam Jain left. Dr. King spoke.", ["Mr. Sam Jain left.", "Dr. King spoke."]),
    ("Ông ấy sống ở TP. Hồ Chí Minh. Bà ấy sống ở Hà Nội.",
     ["Ông ấy sống ở TP. Hồ Chí Minh.", "Bà ấy sống ở Hà Nội."]),
    ("PGS.TS. Nguyễn Văn Nam phát biểu. TS. Lê Hà nghe.",
     ["PGS.TS. Nguyễn Văn Nam phát biểu.", "TS. Lê Hà nghe."]),
    ("He moved to St. Petersburg. No. 5 was his house.", ["He moved to St. Petersburg.", "No. 5 was his house."]),
    ("J. K. Rowling wrote it. Michael J. Nelson laughed.", ["J. K. Rowling wrote it.", "Michael J. Nelson laughed."]),
    ("See e.g. the list. It is long.", ["See e.g. the list.", "It is long."]),
    # initialisms: only before a sentence opener
    ("The U.S. Secret Service froze it. He moved to the U.S. The end came.",
     ["The U.S. Secret Service froze it.", "He moved to the U.S.", "The end came."]),
    ("It was 7 a.m. I still slept. So L.A. Times ran it.", ["It was 7 a.m.", "I still slept.", "So L.A. Times ran it."]),
    ("He met Nguyễn Văn A. Ông ấy vui.", ["He met Nguyễn Văn A.", "Ông ấy vui."]),
    # numbers, money, dates
    ("Xuất khẩu lên tới 10,7 triệu $. Trong năm 2008, hai nước ký kết.",
     ["Xuất khẩu lên tới 10,7 triệu $.", "Trong năm 2008, hai nước ký kết."]),
    ("Exports reached US$ 16 million in 2010; US$2.99\u00a0million in 2016. Trade grew.",
     ["Exports reached US$ 16 million in 2010; US$2.99\u00a0million in 2016.", "Trade grew."]),
    ("Họ gặp nhau ngày 31/1/1950. Hai nước ký 5 MoU (MoU).", ["Họ gặp nhau ngày 31/1/1950.", "Hai nước ký 5 MoU (MoU)."]),
    ("It had 14.9 million U.S. dollars. 2012 was better.", ["It had 14.9 million U.S. dollars.", "2012 was better."]),
    ("vào cuối tháng Tám năm 2012. Cuộc họp thứ tám.", ["vào cuối tháng Tám năm 2012.", "Cuộc họp thứ tám."]),
    # numbered sentences
    ("1. The two sides agreed. 2. They signed. II. Trade grew.",
     ["1. The two sides agreed.", "2. They signed.", "II. Trade grew."]),
    ("a) Hai bên nhất trí. b) Hai bên ký kết.", ["a) Hai bên nhất trí.", "b) Hai bên ký kết."]),
    # quotes and brackets
    ("“Go home.” She left. He said “why?” and left.", ["“Go home.”", "She left.", "He said “why?” and left."]),
    ('She said: "I will bypass you." Then she went.', ['She said: "I will bypass you."', "Then she went."]),
    ("(This is it.) Next one. [Done!] Yes.", ["(This is it.)", "Next one.", "[Done!]", "Yes."]),
    ("‘Wait.’ ‘Why?’ she asked.", ["‘Wait.’", "‘Why?’ she asked."]),
    # IWSLT style: entities, space-tokenized punctuation
    ("&quot; Asian , go home . &quot; She said , &quot; Now do that . &quot; I said , &quot; Sure . &quot;",
     ["&quot; Asian , go home . &quot;", "She said , &quot; Now do that . &quot;", "I said , &quot; Sure . &quot;"]),
    ("&quot; Why ? &quot; she asked .", ["&quot; Why ? &quot; she asked ."]),
    ("Samuel is 16 . He &apos;s tall .", ["Samuel is 16 .", "He &apos;s tall ."]),
    ("And on the C.D. , this was on .", ["And on the C.D. , this was on ."]),
    # ellipses, ? and !
    ("This box belongs to ... And so I type. Wait… Really?! Yes!",
     ["This box belongs to ...", "And so I type.", "Wait…", "Really?!", "Yes!"]),
    ("... paying attention to crowd-sourcing .", ["... paying attention to crowd-sourcing ."]),
    ("I was thinking ... maybe not.", ["I was thinking ... maybe not."]),
    # tokens with dots, end marks
    ("See Change.org and vietnamnet.vn. Then vote.", ["See Change.org and vietnamnet.vn.", "Then vote."]),
    ("the two countries’ anniversaries./.", ["the two countries’ anniversaries./."]),
    # lower case after a full stop: a break only in Vietnamese copy
    ("And the emerg. staff pulled out all the stops.", ["And the emerg. staff pulled out all the stops."]),
    ("Câu chuyện này. chúng ta đã nghe nhiều lần.", ["Câu chuyện này.", "chúng ta đã nghe nhiều lần."]),
    # blank lines are hard breaks, single line breaks are not
    ("Delegation exchanges\n\nSince then, they met.\nTwice a year.", ["Delegation exchanges", "Since then, they met.", "Twice a year."]),
    ("A wrapped sentence goes\non the next line. Next.", ["A wrapped sentence goes\non the next line.", "Next."]),
    ("", []),
    ("   \n  ", []),
    ("No final punctuation", ["No final punctuation"]),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_cases(text, expected):
    lang = "vi" if "chúng ta" in text else None
    assert texts(text, lang) == expected


def test_lower_case_start_is_not_a_break_in_english():
    assert len(texts("Câu chuyện này. chúng ta đã nghe.", "en")) == 1


def test_nfd_text():
    text = unicodedata.normalize("NFD", "Ông ấy ở TP. Hồ Chí Minh. Đây là Hà Nội. chúng ta đi.")
    assert [unicodedata.normalize("NFC", s) for s in texts(text, "vi")] == [
        "Ông ấy ở TP. Hồ Chí Minh.", "Đây là Hà Nội.", "chúng ta đi."]


def expected_blocks(name):
    """Paragraphs of the hand-made split: lists of sentences, blank-line separated."""
    text = (EXPECTED / name).read_text(encoding="utf-8")
    return [block.split("\n") for block in text.strip("\n").split("\n\n")]


SEEDS = ["000_b4a9749fad615be5.txt", "001_a5cbd450689a7eb3.txt", "002_c75c8b4c4322e8e2.txt"]


@pytest.mark.parametrize("name", SEEDS)
def test_every_seed_sentence(name, seed_paths):
    raw = read_text(seed_paths[name[:3]])
    blocks = expected_blocks(name)
    assert sum(len(b) for b in blocks) >= 10
    for sentences in blocks:
        paragraph = " ".join(sentences)
        assert paragraph in raw  # the expected file is the seed's own text
        assert texts(paragraph) == sentences
        lang = "vi" if name.startswith("000") else "en"
        assert texts(paragraph, lang) == sentences


@pytest.mark.parametrize("name", SEEDS)
def test_seed_lines_as_they_are_in_the_file(name, seed_paths):
    """Raw lines (with `./.`, non-breaking spaces) split the same way."""
    flat = [s for block in expected_blocks(name) for s in block]
    got = []
    for line in read_text(seed_paths[name[:3]]).split("\n"):
        got += [s.removesuffix("/.") for s in texts(line)]
    assert [s for s in got if s in flat] == flat


# IWSLT tst2013 lines 201-400, checked by hand: the number of sentences of each
# line that has more than one; every other line is one sentence.
MULTI = {
    "en": {233: 2, 253: 2, 291: 3, 298: 2, 299: 2, 306: 2, 307: 3, 310: 2, 316: 2, 319: 2,
           322: 2, 324: 2, 327: 3, 333: 5, 335: 2, 370: 2, 385: 2},
    # 333: "… giúp ? bạn có thể …" stays one sentence (lower case after "?").
    "vi": {253: 2, 291: 3, 298: 2, 306: 2, 307: 3, 310: 2, 316: 2, 319: 2, 322: 2, 324: 2,
           327: 3, 333: 4, 335: 2, 370: 2, 385: 2},
}
# Lines elsewhere with abbreviations, initialisms, quotes and ellipses (file, line): sentences.
SPECIAL = {
    ("tst2012", "en"): {153: 2, 176: 4, 250: 1, 295: 1, 361: 3, 744: 1, 891: 1, 968: 2, 1209: 1,
                        1264: 4, 1505: 1, 1506: 1},
    ("tst2013", "en"): {65: 1, 151: 1, 192: 1, 421: 1, 446: 1, 447: 1, 630: 5, 632: 1, 699: 2,
                        806: 1, 815: 2, 819: 1, 1007: 1, 1044: 2},
    ("tst2012", "vi"): {176: 4, 426: 3, 891: 1, 930: 1},
    ("tst2013", "vi"): {78: 3, 815: 2, 819: 1, 1009: 2, 1033: 2},
}
ABBREVIATION_END = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|TP|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)|\b[A-Z])\.\Z")


@pytest.fixture(scope="module")
def iwslt_raw(shared_dir):
    base = shared_dir / "data" / "iwslt15-en-vi"
    if not base.is_dir():
        pytest.skip(f"IWSLT data missing at {base}")
    return lambda name, lang: read_lines(base / f"{name}.{lang}")


def check_invariants(line, spans, lang):
    assert "".join(s.text for s in spans).replace(" ", "") == line.replace(" ", "")
    for before, after in zip(spans, spans[1:]):
        assert not ABBREVIATION_END.search(before.text), before.text
        assert not re.search(r"\d[.,]\Z", before.text) or not after.text[0].isdigit()
        if lang == "en":
            assert not after.text[0].islower(), after.text


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_iwslt_200_lines(iwslt_raw, lang):
    lines = iwslt_raw("tst2013", lang)[200:400]
    counts = {}
    for number, line in enumerate(lines, 201):
        spans = split_sentences(line, lang)
        check_invariants(line, spans, lang)
        counts[number] = len(spans)
    assert {n: c for n, c in counts.items() if c != 1} == MULTI[lang]


@pytest.mark.parametrize("name, lang", list(SPECIAL))
def test_iwslt_special_lines(iwslt_raw, name, lang):
    lines = iwslt_raw(name, lang)
    for number, count in SPECIAL[(name, lang)].items():
        spans = split_sentences(lines[number - 1], lang)
        check_invariants(lines[number - 1], spans, lang)
        assert len(spans) == count, (name, lang, number, [s.text for s in spans])


def test_iwslt_whole_files_keep_abbreviations(iwslt_raw):
    """No sentence of the 5642 lines ends on Mr./Dr./an initial, or inside a number."""
    for name in ("tst2012", "tst2013"):
        for lang in ("en", "vi"):
            for line in iwslt_raw(name, lang):
                check_invariants(line, split_sentences(line, lang), lang)
