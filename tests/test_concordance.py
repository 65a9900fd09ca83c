"""Concordance on the IWSLT pairs: whole-word phrase hits equal a brute-force scan, diacritic folding,
tone-placement variants, highlighted spans, both languages, limit/more and the CLI."""
from __future__ import annotations

import json
import re

import pytest

from corpus.normalize import fold, match_key
from tm.concordance import Concordance
from tm.store import Unit, open_store
from conftest import copy_into

PHRASES = [  # (phrase, lang)
    ("quan he", "vi"), ("quan hệ", "vi"), ("ban", "vi"), ("bạn", "vi"), ("hòa nhập", "vi"),
    ("cuộc sống mới", "vi"), ("nguoi my", "vi"), ("nguoi", "vi"),
    ("art", "en"), ("the world", "en"), ("in the", "en"), ("United States", "en"), ("don't", "en"),
]


@pytest.fixture(scope="module")
def memory(iwslt, tmp_path_factory):
    path = tmp_path_factory.mktemp("conc") / "tm.db"
    store = open_store(path)
    with store.transaction():
        store.add_units([Unit(v, e, kind="parallel", provenance=[{"file": "iwslt", "tuid": str(i)}])
                         for i, (v, e) in enumerate(iwslt("tst2012") + iwslt("tst2013")) if v.strip() and e.strip()])
    yield store, path
    store.close()


@pytest.fixture(scope="module")
def conc(memory):
    return Concordance(memory[0])


def brute(store, phrase, lang):
    """Ids of the units whose *lang* side holds the phrase's words in sequence (folded if no diacritics)."""
    norm = fold if phrase.isascii() else match_key  # the phrases above: ASCII = no diacritics
    want = " ".join(re.findall(r"\w+", norm(phrase)))
    return [u.id for u in store.iter_units()
            if f" {want} " in " " + " ".join(re.findall(r"\w+", norm(u.text(lang)))) + " "]


@pytest.mark.parametrize("phrase, lang", PHRASES)
def test_hits_equal_a_brute_force_scan(conc, memory, phrase, lang):
    want = brute(memory[0], phrase, lang)
    hits, more = conc.search(phrase, lang=lang, limit=100_000)
    assert [h.unit.id for h in hits] == want and not more
    assert want, phrase  # every phrase above occurs in the data
    norm = fold if phrase.isascii() else match_key
    for h in hits:
        text = h.unit.text(lang)
        assert h.spans, (phrase, text)
        for a, b in h.spans:  # the highlighted text is the phrase, on word boundaries
            assert " ".join(re.findall(r"\w+", norm(text[a:b]))) == " ".join(re.findall(r"\w+", norm(phrase)))
            assert not (a and text[a - 1].isalnum()) and not (b < len(text) and text[b].isalnum())


def test_whole_words_and_diacritics(conc):
    hits, _ = conc.search("art", lang="en", limit=1000)
    assert all(re.search(r"\bart\b", h.unit.en, re.I) for h in hits)
    folded = {h.unit.id for h in conc.search("ban", lang="vi", limit=1000)[0]}
    exact = {h.unit.id for h in conc.search("bạn", lang="vi", limit=1000)[0]}
    assert exact < folded  # "ban" also finds bàn, bán, bản ...
    spans = {h.unit.vi[a:b].lower() for h in conc.search("ban", lang="vi", limit=1000)[0] for a, b in h.spans}
    assert {"bạn", "bản"} <= spans
    exact_spans = {h.unit.vi[a:b].lower() for h in conc.search("bạn", lang="vi", limit=1000)[0] for a, b in h.spans}
    assert exact_spans == {"bạn"}


def test_tone_placement_variants_are_equal(conc):
    new_style, _ = conc.search("hoà nhập", lang="vi", limit=50)
    old_style, _ = conc.search("hòa nhập", lang="vi", limit=50)
    assert new_style and [h.unit.id for h in new_style] == [h.unit.id for h in old_style]
    assert any("hoà nhập" in h.unit.vi for h in old_style)


def test_both_languages_limit_and_more(conc, memory):
    total = len(brute(memory[0], "the world", "en"))
    assert total > 5
    hits, more = conc.search("the world", lang="en", limit=5)
    assert len(hits) == 5 and more
    hits, more = conc.search("the world", lang="en", limit=total)
    assert len(hits) == total and not more
    d = hits[0].to_dict()
    assert d["vi"] == hits[0].unit.vi and d["en"] == hits[0].unit.en and d["lang"] == "en"
    (a, b), *_ = d["spans"]
    assert d["en"][a:b].lower() == "the world"
    assert conc.search("qqzv", lang="en") == ([], False)
    assert conc.search("!!!", lang="vi") == ([], False)


def test_auto_language(conc):
    (hit, *_), _ = conc.search("cuộc sống", limit=3)
    assert hit.lang == "vi"
    (hit, *_), _ = conc.search("the world", limit=3)
    assert hit.lang == "en"


def test_cli(cli, memory, db_path):
    copy_into(memory[1], db_path)
    res = cli("concordance", "quan he", "--lang", "vi", "--limit", "2", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["phrase"] == "quan he" and len(data["hits"]) == 2 and data["more"] is True
    for h in data["hits"]:
        (a, b), *_ = h["spans"]
        assert fold(h["vi"][a:b]) == "quan he" and h["en"]
    res = cli("concordance", "quan hệ", "--limit", "1")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].startswith("#") and "quan hệ" in lines[1].lower() and lines[2].startswith("  en: ")
    assert lines[-1] == "1 units shown; more contain it (--limit)"
    res = cli("concordance", "qqzv")
    assert res.exit_code == 0 and res.output.strip() == "no unit contains: qqzv"


def test_a_phrase_never_spans_two_units(store):
    with store.transaction():  # unit 1 ends with "peace", unit 2 starts with "talks"; both hold both words
        store.add_units([Unit("Đàm phán về hòa bình", "Talks about peace"),
                         Unit("Đàm phán bắt đầu vì hòa bình", "Talks began with peace"),
                         Unit("Hòa đàm", "The peace talks")])
    hits, more = Concordance(store).search("peace talks", lang="en")
    assert [h.unit.en for h in hits] == ["The peace talks"] and not more
