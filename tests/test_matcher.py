"""The term matcher (glossary.matcher): leftmost-longest, non-overlapping, on word/syllable boundaries,
offsets in the original text; on the seeds and the IWSLT talks."""
from __future__ import annotations

import random
import re
import unicodedata

import pytest

from corpus.normalize import MODERN, TRADITIONAL, canonical_tones, key
from glossary.matcher import Matcher
from glossary.model import Entry
from glossary.tsv import load_bundled

KOREA = Entry("place.korea", "place", "Triều Tiên", "Korea")
NORTH_KOREA = Entry("place.north-korea", "place", "Bắc Triều Tiên", "North Korea")
SOUTH = Entry("phrase.south", "phrase", "Nam", "south")
VIETNAM = Entry("place.vietnam", "place", "Việt Nam", "Viet Nam", en_variants=["Vietnam"])
SOUTHEAST_ASIA = Entry("place.southeast-asia", "place", "Đông Nam Á", "Southeast Asia")
SOUTH_AFRICA = Entry("place.south-africa", "place", "Nam Phi", "South Africa")
RECONCILE = Entry("phrase.reconcile", "phrase", "làm hòa", "make peace")
KIM = Entry("person.kim-yong-nam", "person", "Kim Yong Nam", "Kim Yong-nam", vi_variants=["Kim Yong-nam"])
SMALL = [KIM, KOREA, NORTH_KOREA, SOUTH, VIETNAM, SOUTHEAST_ASIA, SOUTH_AFRICA, RECONCILE]


@pytest.fixture(scope="module")
def bundled():
    return Matcher(load_bundled())


@pytest.fixture(scope="module")
def small():
    return Matcher(SMALL)


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("0*.txt"))}


@pytest.fixture(scope="module")
def iwslt_line(iwslt):
    def line(name, number):  # 1-based, as grep -n shows it
        return iwslt(name)[number - 1][0]
    return line


def found(matcher, text, lang="vi", **kw):
    return [(m.text, m.entry.id) for m in matcher.find(text, lang, **kw)]


def assert_well_formed(matches, text):
    """Offsets give the text back, in order, without overlap, on word boundaries
    (or at the term's own edge punctuation: ``Co.`` in ``Co.Ltd``)."""
    last = 0
    for m in matches:
        assert last <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start == 0 or not text[m.start - 1].isalnum() or not m.text[0].isalnum(), m
        assert m.end == len(text) or not text[m.end].isalnum() or not m.text[-1].isalnum(), m
        last = m.end


def test_longest_wins_and_syllables_are_whole(small, iwslt_line):
    line = iwslt_line("tst2013", 15)  # "Vào giữa những năm 90 , Bắc Triều Tiên trải qua một nạn đói ..."
    assert found(small, line) == [("Bắc Triều Tiên", "place.north-korea")]
    line = iwslt_line("tst2013", 16)  # "... một triệu người Triều Tiên chết ..."
    assert found(small, line) == [("Triều Tiên", "place.korea")]
    # "BắcTriều" is one word: no term begins inside it.
    line = iwslt_line("tst2013", 1)
    assert "BắcTriều Tiên" in line and found(small, line) == []
    line = iwslt_line("tst2012", 447)  # "... tại Đông Nam Á"
    assert found(small, line) == [("Đông Nam Á", "place.southeast-asia")]
    line = iwslt_line("tst2012", 172)  # "vùng quê miền Nam"
    assert found(small, line) == [("Nam", "phrase.south")]


def test_nam_never_inside_viet_nam(small, seeds):
    text = seeds["000"]
    matches = small.find(text, "vi")
    assert_well_formed(matches, text)
    vietnam = [m for m in matches if m.entry is VIETNAM]
    assert len(vietnam) == text.count("Việt Nam")
    for m in matches:
        if m.entry is SOUTH:
            assert not text[:m.start].endswith("Việt "), text[m.start - 10:m.end]
    # seed 000 line 4 splits Kim Yong Nam: "Kim Yong hội của Nam Việt Nam" has one "Nam" of its own
    assert sum(m.entry is SOUTH for m in matches) == 1


def test_case_and_old_tone_marks(small, iwslt_line):
    line = iwslt_line("tst2012", 259)  # "Ở Nam phi , ... cam kết với sự thật và làm hoà"
    assert found(small, line) == [("Nam phi", "place.south-africa"), ("làm hoà", "phrase.reconcile")]
    modern = Matcher([Entry("phrase.reconcile", "phrase", "làm hoà", "make peace")])
    assert found(modern, "Họ muốn làm hòa.") == [("làm hòa", "phrase.reconcile")]


def test_seed_000_with_the_bundled_glossary(bundled, seeds):
    text = seeds["000"]
    matches = bundled.find(text, "vi")
    assert_well_formed(matches, text)
    by_text = {m.text: (m.entry.id, m.status) for m in matches}
    assert by_text["Bắc Triều Tiên"][0] == by_text["CHDCND Triều Tiên"][0] == "place.dprk"
    assert by_text["Bình Nhưỡng"] == ("place.pyongyang", "preferred")
    assert by_text["Kim Yong hội của Nam"] == ("person.kim-yong-nam", "deprecated")
    assert by_text["Hội đồng Quản trị"] == ("org.administration-council", "deprecated")
    # Việt Nam of "Kim Yong hội của Nam Việt Nam" is its own match, after the split name
    kim = next(m for m in matches if m.text == "Kim Yong hội của Nam")
    after = [m for m in matches if m.start > kim.start][0]
    assert (after.text, after.start) == ("Việt Nam", kim.end + 1)
    no_deprecated = bundled.find(text, "vi", include_deprecated=False)
    assert all(m.status != "deprecated" for m in no_deprecated)
    assert "Hội đồng Quản trị" not in {m.text for m in no_deprecated}


def test_nfd_input_maps_back(bundled, seeds):
    text = seeds["000"]
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    a, b = bundled.find(text, "vi"), bundled.find(nfd, "vi")
    assert [(m.entry.id, m.form, m.status) for m in a] == [(m.entry.id, m.form, m.status) for m in b]
    for m in b:
        assert nfd[m.start:m.end] == m.text
        assert unicodedata.normalize("NFC", m.text) == unicodedata.normalize("NFC", a[b.index(m)].text)


@pytest.mark.parametrize("style", [TRADITIONAL, MODERN])
def test_either_tone_style_finds_the_same_terms(bundled, seeds, style):
    text = seeds["000"]
    restyled = canonical_tones(text, style)
    assert len(restyled) == len(text)
    a, b = bundled.find(text, "vi"), bundled.find(restyled, "vi")
    assert [(m.entry.id, m.start, m.end) for m in a] == [(m.entry.id, m.start, m.end) for m in b]
    assert_well_formed(b, restyled)


def test_curly_quotes_and_double_spaces(bundled, seeds):
    text = seeds["001"]
    matches = bundled.find(text, "en")
    assert_well_formed(matches, text)
    by_text = {m.text: (m.entry.id, m.status) for m in matches}
    assert by_text["Democratic People’s Republic of Korea"] == ("place.dprk", "admitted")
    assert by_text["Workers’ Party of the DPRK"] == ("org.workers-party-of-korea", "deprecated")
    assert by_text["Nong Duc Manh"] == ("person.nong-duc-manh", "preferred")
    spaced = re.sub(r" ", "  ", text)
    wide = bundled.find(spaced, "en")
    assert_well_formed(wide, spaced)
    assert [(m.entry.id, m.form) for m in wide] == [(m.entry.id, m.form) for m in matches]
    assert [m.text.replace("  ", " ") for m in wide] == [m.text for m in matches]
    wrapped = bundled.find("leaders of the\nDemocratic People's\n  Republic of Korea met", "en")
    assert [(m.text, m.entry.id) for m in wrapped] == [("Democratic People's\n  Republic of Korea", "place.dprk")]


def test_punctuation_breaks_a_term_but_a_hyphen_inside_matches(bundled):
    assert found(bundled, "ở Việt. Nam có") == []  # no term across a full stop
    assert found(bundled, "Kim Yong-Nam đến") == [("Kim Yong-Nam", "person.kim-yong-nam")]
    assert found(bundled, "ông Kim Yong nam") == [("Kim Yong nam", "person.kim-yong-nam")]
    assert found(bundled, "the U.S. and the U.S, and the US", "en") == [
        ("U.S.", "place.united-states"), ("U.S", "place.united-states"), ("US", "place.united-states")]
    assert found(bundled, "U.S said", "en") == [("U.S", "place.united-states")]


def test_edge_punctuation_owns_one_separator_of_the_text():
    """A term's edge punctuation takes a separator of the text as its own; a term beside it
    still has its boundary; two such edges cannot share one separator; nor can text edges."""
    co, net, ltd = (Entry("org.co", "org", "Co.", "Co."), Entry("product.net", "product", ".NET", ".NET"),
                    Entry("org.ltd", "org", "Ltd", "Ltd"))
    matcher = Matcher([co, net, ltd])
    cases = {"Co.Ltd": [("Co.", 0), ("Ltd", 3)], "Ltd.NET": [("Ltd", 0), (".NET", 3)],
             "Co.NET": [("Co.", 0)], "Co..NET": [("Co.", 0), (".NET", 3)], "Co. .NET": [("Co.", 0), (".NET", 4)],
             "Ltd Co. Ltd.NET.NET": [("Ltd", 0), ("Co.", 4), ("Ltd", 8), (".NET", 11), (".NET", 15)],
             "Co.": [("Co.", 0)], ".NET": [(".NET", 0)], "Co": [("Co", 0)], "NET": [("NET", 0)],
             "a Co": [("Co", 2)], "NET a": [("NET", 0)], "Co,\nLtd": [("Co", 0), ("Ltd", 4)]}
    for text, expected in cases.items():
        got = matcher.find(text, "en")
        assert [(m.text, m.start) for m in got] == expected, text
        assert_well_formed(got, text)


def test_terms_at_text_edges_and_across_line_breaks(small, bundled):
    for text in ("U.S.", "U.S", "said U.S", "U.S. and the U.S."):
        got = bundled.find(text, "en")
        assert {m.entry.id for m in got} == {"place.united-states"}, text
        assert [m.text for m in got] == re.findall(r"U\.S\.?", text)
    text = "Việt\nNam\n\nNam Phi\nNam"
    assert found(small, text) == [("Việt\nNam", "place.vietnam"), ("Nam Phi", "place.south-africa"),
                                  ("Nam", "phrase.south")]


def _previous_matcher():
    """The previous implementation (every occurrence, then leftmost-longest in Python),
    kept in the benchmark as its baseline."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "matcher_bench.py"
    spec = importlib.util.spec_from_file_location("matcher_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.OverlappingMatcher


def test_agrees_with_the_previous_matcher_on_punctuated_terms(iwslt):
    """Terms: n-grams of tst2012, some with punctuation at an edge or inside; text: tst2013."""
    previous = _previous_matcher()
    rng = random.Random(11)
    for lang, side in (("vi", 0), ("en", 1)):
        grams = sorted({" ".join(toks[i:i + n]) for pair in iwslt("tst2012")
                        for toks in [re.findall(r"\w+", pair[side])] for n in (1, 2, 3) for i in range(len(toks) - n + 1)})
        terms = []
        for gram in rng.sample(grams, 3000):
            roll = rng.random()
            terms.append(gram + "." if roll < .2 else "'" + gram if roll < .3 else gram.replace(" ", "-", 1)
                         if roll < .4 else "(" + gram + ")" if roll < .45 else gram)
        entries = [Entry(f"t{i}", "phrase", t, t) for i, t in enumerate(terms)]
        new, old = Matcher(entries), previous(entries)
        lines = [pair[side] for pair in iwslt("tst2013")[:600]]
        text = "\n".join(lines) + "\n"  # (the previous matcher fails on an edge term at the very end)
        got = new.find(text, lang)
        assert got == old.find(text, lang)
        assert_well_formed(got, text)
        assert len(got) > 1000 and sum(not m.form[-1].isalnum() or not m.form[0].isalnum() for m in got) > 50


def test_folded_finds_names_written_without_diacritics(bundled, seeds):
    text = seeds["002"]
    folded = bundled.find(text, "vi", folded=True)
    assert_well_formed(folded, text)
    ids = {m.entry.id for m in folded}
    assert {"person.nong-duc-manh", "person.pham-van-dong", "person.ho-chi-minh", "place.hai-duong"} <= ids
    assert not {"person.nong-duc-manh", "person.pham-van-dong"} & {m.entry.id for m in bundled.find(text, "vi")}


def _reference(terms: set, text: str, longest: int):
    """Leftmost-longest on whole words of the key, words joined by exactly one separator."""
    k = key(text)
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\w+", k.text)]
    out, i = [], 0
    while i < len(words):
        for j in range(min(len(words), i + longest) - 1, i - 1, -1):
            if all(words[n + 1][0] - words[n][1] == 1 for n in range(i, j)) \
                    and " ".join(w[2] for w in words[i:j + 1]) in terms:
                out.append(k.span(words[i][0], words[j][1]))
                i = j
                break
        i += 1
    return out


def _variants(text: str) -> dict:
    lines = text.split("\n")
    lines[2] = unicodedata.normalize("NFD", lines[2])
    return {"plain": text, "nfd": unicodedata.normalize("NFD", text), "one nfd line": "\n".join(lines),
            "spaced": text.replace(" ", " \u00a0 "), "zero-width": text.replace("Nam", "Na\u200bm"),
            "wrapped": text.replace(". ", ".\n\n  ")}


def test_piecewise_keying_gives_the_same_matches_as_key(bundled, seeds, iwslt, monkeypatch):
    """Texts are keyed piecewise, skipping corpus.normalize.key where they can:
    the matches must be those of key() on the whole text."""
    import glossary.matcher as matcher_module

    talk = "\n".join(vi for vi, _ in iwslt("tst2012")[1300:1450])  # lines 1376, 1395, 1417: stray marks
    assert len(matcher_module._slow_ranges(talk)) == 3
    texts = list(seeds.values()) + [talk]
    cases = [(name, changed) for text in texts for name, changed in _variants(text).items()]
    fast = [bundled.find(changed, lang) for _, changed in cases for lang in ("vi", "en")]
    monkeypatch.setattr(matcher_module, "_fast_key", lambda text: None)
    slow = [bundled.find(changed, lang) for _, changed in cases for lang in ("vi", "en")]
    for (name, changed), got, expected in zip([c for c in cases for _ in (0, 1)], fast, slow):
        assert got == expected, name
        assert_well_formed(got, changed)
        assert matcher_module._separated(changed).decode() == re.sub(r"[^\w ]", " ", changed), name
    assert sum(map(len, fast)) > 400


@pytest.mark.parametrize("variant", ["plain", "nfd", "spaced", "zero-width"])
def test_fast_keying_gives_the_same_matches_as_key(bundled, seeds, variant):
    """Most texts skip corpus.normalize.key; the matches must not depend on which path a text takes."""
    for text in seeds.values():
        changed = {"plain": text, "nfd": unicodedata.normalize("NFD", text),
                   "spaced": text.replace(" ", " \u00a0 "), "zero-width": text.replace("Nam", "Na\u200bm")}[variant]
        for lang in ("vi", "en"):
            fast = bundled.find(changed, lang)
            slow = bundled.find(changed + "\u200b", lang)  # a zero-width space forces key()
            assert fast == slow
            assert_well_formed(fast, changed)


def test_agrees_with_a_reference_on_iwslt(iwslt):
    """Terms: n-grams of tst2012; text: tst2013 lines; both languages."""
    rng = random.Random(7)
    for lang, side in (("vi", 0), ("en", 1)):
        grams = sorted({" ".join(toks[i:i + n]) for vi_en in iwslt("tst2012")
                        for toks in [re.findall(r"\w+", key(vi_en[side]).text)]
                        for n in (1, 2, 3, 4) for i in range(len(toks) - n + 1)})
        terms = set(rng.sample(grams, 4000))
        matcher = Matcher([Entry(f"t{i}", "phrase", t, t) for i, t in enumerate(sorted(terms))])
        total = 0
        for pair in iwslt("tst2013")[:400]:
            text = pair[side]
            got = matcher.find(text, lang)
            assert [(m.start, m.end) for m in got] == _reference(terms, text, 4), text
            total += len(got)
        assert total > 400


def _long_variants(text: str) -> dict:
    """Texts past NARROW_MIN that exercise each way the narrow search keys a text."""
    lines = text.split("\n")
    mid = len(lines) // 2
    one_nfd = lines[:mid] + [unicodedata.normalize("NFD", lines[mid])] + lines[mid + 1:]
    return {**_variants(text), "upper": text.upper(), "runs": text.replace("\n", " \n\n\t"),
            "one nfd line": "\n".join(one_nfd), "all one nfd line": unicodedata.normalize("NFD", text.replace("\n", " ")),
            "zero-width lines": text.replace("\n", "\n\u200b\n", 5),
            "stray mark lines": text.replace("\n", "\n\u0301\n", 2), "sigma": text + " Σ",
            "dotted I": text.replace("i", "İ", 2), "astral": text + " 😀 Việt Nam",
            "edges": text + " U.S. U.S, (U.S.) x.y Kim Yong-nam “Việt Nam”  Việt\n\n Nam"}


def test_narrow_search_gives_the_same_matches(bundled, seeds, iwslt, monkeypatch):
    """Long texts are searched over a one-byte alphabet (glossary.narrow): the matches
    must be those of the general path, whichever way the text is keyed."""
    import glossary.matcher as matcher_module
    from glossary.narrow import NarrowSearch

    rng = random.Random(3)
    talk = "\n".join(vi + "\n" + en for vi, en in iwslt("tst2012")[1300:1450])  # three lines with stray marks
    grams = sorted({" ".join(toks[i:i + n]) for vi, en in iwslt("tst2013")[:300] for side in (vi, en)
                    for toks in [side.split()] for n in (1, 2, 3) for i in range(len(toks) - n + 1)})
    synthetic = Matcher([Entry(f"t{i}", "phrase", t, t) for i, t in enumerate(rng.sample(grams, 3000))])
    texts = {f"{name} {variant}": changed for name, text in [*seeds.items(), ("talk", talk)]
             for variant, changed in _long_variants(text).items()}
    assert min(map(len, texts.values())) >= matcher_module.NARROW_MIN
    keyed = []
    real_key = NarrowSearch.key
    monkeypatch.setattr(NarrowSearch, "key", lambda self, text: keyed.append(real_key(self, text)) or keyed[-1])
    total, narrow_min = 0, matcher_module.NARROW_MIN
    for matcher in (bundled, synthetic):
        for name, text in texts.items():
            for lang in ("vi", "en"):
                narrow = matcher.find(text, lang)
                monkeypatch.setattr(matcher_module, "NARROW_MIN", 10 ** 9)
                general = matcher.find(text, lang)
                monkeypatch.setattr(matcher_module, "NARROW_MIN", narrow_min)
                assert narrow == general, (name, lang)
                assert_well_formed(narrow, text)
                total += len(narrow)
    assert total > 20_000
    pieces = [k for k in keyed if k is not None and len(k._pieces) > 1]
    assert len(pieces) > 20 and sum(k is None for k in keyed) > 20  # both ways, and the general path


def test_narrow_search_stands_aside_for_a_large_alphabet():
    """More letters than a byte holds: the general path finds the terms."""
    letters = [chr(c) for c in range(0x4E00, 0x4E00 + 300)]  # CJK ideographs, all \\w
    entries = [Entry(f"c{i}", "phrase", a + b, a + b) for i, (a, b) in enumerate(zip(letters, letters[1:]))]
    matcher = Matcher(entries)
    text = (" ".join(e.vi for e in entries) + "\n") * 10
    assert len(text) >= 2000
    found_terms = matcher.find(text, "vi")
    assert matcher._narrow[("vi", False, True)][0] is None
    assert len(found_terms) == 10 * len(entries)


def test_narrow_search_stands_aside_for_a_term_that_begins_with_punctuation(bundled):
    """Such a term may own the one separator the term before it ends on (``x.vn``): the
    one-byte search cannot see that, so the general path finds both."""
    matcher = Matcher([Entry("x", "phrase", "x", "x"), Entry("vn", "phrase", ".vn", ".vn")])
    text = "x.vn " * 200
    found_terms = matcher.find(text, "vi")
    assert matcher._narrow[("vi", False, True)][0] is None
    assert [m.text for m in found_terms[:2]] == ["x", ".vn"] and len(found_terms) == 400
    assert bundled._narrow_search(("vi", False, True), bundled._automaton("vi", False, True)[1])[0] is not None


def test_find_many_equals_find_on_each_line(bundled, seeds, iwslt):
    """Lines searched as one text (joined by separators no term spans) give each line's own matches,
    including the lines the one-byte search leaves to the general path."""
    rng = random.Random(11)
    grams = sorted({" ".join(toks[i:i + n]) for vi, en in iwslt("tst2013")[:300] for side in (vi, en)
                    for toks in [side.split()] for n in (1, 2, 3) for i in range(len(toks) - n + 1)})
    synthetic = Matcher([Entry(f"t{i}", "phrase", t, t) for i, t in enumerate(rng.sample(grams, 3000))])
    lines = [line for text in seeds.values() for line in text.split("\n")]
    lines += [side for pair in iwslt("tst2013")[:600] for side in pair]
    lines += ["", " ", "the U.S.", "U.S.  ", "\tViệt Nam\t", unicodedata.normalize("NFD", "Việt Nam và Triều Tiên"),
              "İstanbul Việt Nam", "😀 Việt Nam", "Σ Việt Nam", "Việt\u200bNam Việt Nam", "Kim Yong-nam "]
    rng.shuffle(lines)
    total = 0
    for matcher in (bundled, synthetic):
        for lang in ("vi", "en"):
            each = [matcher.find(line, lang) for line in lines]
            assert matcher.find_many(lines, lang) == each
            assert matcher.find_many(lines[:3], lang) == each[:3]
            total += sum(map(len, each))
    assert total > 5000
    assert bundled.find_many([], "vi") == [] and bundled.find_many(["Việt Nam"], "vi") == [bundled.find("Việt Nam", "vi")]
