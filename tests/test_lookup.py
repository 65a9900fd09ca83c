"""Term lookup (glossary.lookup and `songngu lookup`): each kind of match, the JSON shape, no match,
examples from the memory after `songngu build`."""
from __future__ import annotations

import json

import pytest

from corpus.normalize import fold
from glossary.lookup import KINDS, lookup, render_text, suggest
from glossary.tsv import load_bundled

JSON_KEYS = {"vi", "en", "vi_variants", "en_variants", "deprecated", "type", "match", "score", "examples"}


@pytest.fixture(scope="module")
def entries():
    return load_bundled()


def first(query, entries, **kw):
    results = lookup(query, entries, **kw)
    assert results, query
    return results[0]


@pytest.mark.parametrize("query, entry_id, kind, form", [
    ("Bình Nhưỡng", "place.pyongyang", "exact", "Bình Nhưỡng"),
    ("Nông Đức Mạnh", "person.nong-duc-manh", "exact", "Nông Đức Mạnh"),
    ("Kim Yong-nam", "person.kim-yong-nam", "exact", "Kim Yong-nam"),
    ("North Korea", "place.dprk", "exact", "North Korea"),
    ("bình  nhưỡng", "place.pyongyang", "normalized", "Bình Nhưỡng"),
    ("KIM YONG-NAM", "person.kim-yong-nam", "normalized", "Kim Yong-nam"),
    ("Hiệp định hợp tác văn hoá", "treaty.cultural-cooperation-1957", "normalized", "Hiệp định hợp tác văn hóa"),
    ("binh nhuong", "place.pyongyang", "folded", "Bình Nhưỡng"),
    ("bien ban ghi nho", "phrase.mou", "folded", "biên bản ghi nhớ"),
    ("Pyongyong", "place.pyongyang", "fuzzy", "Pyongyang"),
    ("Nong Duc Mahn", "person.nong-duc-manh", "fuzzy", "Nong Duc Manh"),
    ("the Treaty on Friendship and Cooperation of 1961", "treaty.friendship-cooperation-1961", "contained",
     "Treaty on Friendship and Cooperation"),
    ("chuyến thăm của Chủ tịch nước", "office.president-of-state", "contained", "Chủ tịch nước"),
])
def test_each_kind_of_match(entries, query, entry_id, kind, form):
    r = first(query, entries)
    assert (r.entry.id, r.match) == (entry_id, kind)
    assert r.form == form or (kind == "fuzzy" and fold(r.form) == fold(form))
    assert 0 < r.score <= 100


def test_truong_tan_sang_without_diacritics(entries):
    # the English preferred term is written without diacritics, so the query is exact in English...
    r = first("Truong Tan Sang", entries)
    assert (r.entry.id, r.match, r.lang) == ("person.truong-tan-sang", "exact", "en")
    # ...and folded against the Vietnamese term
    r = first("Truong Tan Sang", entries, lang="vi")
    assert (r.entry.id, r.match, r.form) == ("person.truong-tan-sang", "folded", "Trương Tấn Sang")


def test_scores_follow_the_order_of_kinds(entries):
    scores = {kind: first(q, entries).score for q, kind in [
        ("Bình Nhưỡng", "exact"), ("bình nhưỡng", "normalized"), ("binh nhuong", "folded"),
        ("Pyongyong", "fuzzy")]}
    assert scores["exact"] == 100 > scores["normalized"] > scores["folded"] > scores["fuzzy"] >= 85


def test_a_deprecated_form_finds_its_entry_and_says_so(entries):
    r = first("Minister of Trade and Industry", entries)
    assert (r.entry.id, r.status) == ("office.minister-of-industry-and-trade", "deprecated")
    assert "DEPRECATED English: Minister of Trade and Industry" in render_text("q", [r])


def test_contained_finds_every_term_of_a_sentence(entries):
    line = "Chủ tịch nước Trương Tấn Sang đón Kim Yong Nam tại Hà Nội"
    results = lookup(line, entries, lang="vi")
    assert {r.entry.id for r in results} >= {"office.president-of-state", "person.truong-tan-sang",
                                              "person.kim-yong-nam", "place.hanoi"}
    assert all(r.match == "contained" for r in results)


def test_lang_restricts_the_forms(entries):
    assert first("Pyongyang", entries, lang="en").lang == "en"
    assert lookup("Bình Nhưỡng", entries, lang="en") == []
    assert first("Bình Nhưỡng", entries, lang="vi").match == "exact"


def test_suggestions_when_nothing_matches(entries):
    assert lookup("Presidium", entries) == []
    ids = [e.id for _, e in suggest("Presidium", entries)]
    assert "org.presidium-of-spa" in ids


def test_cli_json_has_the_keys(cli):
    result = cli("lookup", "Pyongyong", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "Pyongyong"
    (entry,) = [e for e in data["entries"] if e["en"] == "Pyongyang"]
    assert JSON_KEYS <= set(entry)
    assert (entry["vi"], entry["type"], entry["match"]) == ("Bình Nhưỡng", "place", "fuzzy")
    assert entry["match"] in KINDS and 0 <= entry["score"] <= 100
    assert entry["examples"] == []  # no store: the bundled glossary, no examples
    dprk = json.loads(cli("lookup", "Bắc Hàn", "--format", "json").output)["entries"][0]
    assert {"form": "Bắc Hàn", "lang": "vi"}.items() <= dprk["deprecated"][0].items()
    assert "Democratic People's Republic of Korea" in dprk["en_variants"]


def test_cli_no_match_exit_0(cli):
    result = cli("lookup", "Presidium", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["entries"] == []
    text = cli("lookup", "Presidium")
    assert text.exit_code == 0
    assert "no entry for 'Presidium'" in text.output
    assert "closest:" in text.output and "Presidium of the Supreme People's Assembly" in text.output


def test_cli_examples_from_the_memory_after_build(cli):
    assert cli("build").exit_code == 0
    data = json.loads(cli("lookup", "binh nhuong", "--format", "json").output)
    (entry,) = data["entries"]
    assert entry["match"] == "folded" and 1 <= len(entry["examples"]) <= 3
    for ex in entry["examples"]:
        assert "Bình Nhưỡng" in ex["vi"] or "Pyongyang" in ex["en"]
        assert ex["vi"] and ex["en"]
    text = cli("lookup", "biên bản ghi nhớ").output
    assert "biên bản ghi nhớ = memorandum of understanding" in text
    assert "example (comparable):" in text and "memorandums of understanding (MoU)" in text


def test_cli_limit_and_text_output(cli):
    result = cli("lookup", "Chủ tịch nước Trương Tấn Sang và Kim Yong Nam", "--limit", "2", "--format", "json")
    assert len(json.loads(result.output)["entries"]) == 2
    text = cli("lookup", "Kim Yong Nam").output
    assert text.startswith("Kim Yong Nam = Kim Yong-nam")
    assert "type: person" in text and "DEPRECATED Vietnamese: Kim Yong hội của Nam" in text


def test_contained_also_inside_a_longer_term_and_folded_only_for_phrases(entries):
    results = lookup("Chủ tịch Ủy ban Thường vụ Hội nghị Nhân dân Tối cao", entries)
    assert [(r.entry.id, r.match) for r in results] == [
        ("office.president-of-presidium-spa", "exact"), ("org.presidium-of-spa", "contained")]
    found = {r.entry.id: r.match for r in lookup("chu tich nuoc truong tan sang", entries)}
    assert found == {"person.truong-tan-sang": "contained", "office.president-of-state": "contained"}
    assert lookup("my friend", entries) == []  # not Mỹ (United States) without its mark


# --- lookup from a store's keys (issue 15) ----------------------------------------------------

def _ngram_entries(iwslt, count=1500):
    """Entries made of word n-grams of IWSLT tst2013 lines (vi with en), for a larger glossary."""
    import random

    from glossary.model import Entry

    rng = random.Random(3)
    out, seen = [], set()
    pairs = [(v.split(), e.split()) for v, e in iwslt("tst2013") if len(v.split()) > 4 and len(e.split()) > 4]
    while len(out) < count:
        v, e = rng.choice(pairs)
        n = rng.randint(1, 4)
        i, j = rng.randrange(len(v) - n), rng.randrange(len(e) - n)
        vi, en = " ".join(v[i:i + n]).strip(".,;:\"'"), " ".join(e[j:j + n]).strip(".,;:\"'")
        if vi and en and (vi, en) not in seen:
            seen.add((vi, en))
            out.append(Entry(id=f"ngram.{len(out):05d}", type="phrase", vi=vi, en=en))
    return out


def _typo(text, rng):
    chars = list(text)
    at = rng.randrange(len(chars))
    op = rng.choice("sdi")
    if op == "d" and len(chars) > 1:
        del chars[at]
    elif op == "s":
        chars[at] = rng.choice("aeioutnhg")
    else:
        chars.insert(at, rng.choice("aeioutnhg"))
    return "".join(chars)


def test_lookup_from_the_store_keys_equals_lookup_over_every_entry(entries, iwslt, tmp_path):
    import random

    from corpus.normalize import match_key
    from glossary.matcher import Matcher
    from tm.store import open_store

    glossary = sorted(entries + _ngram_entries(iwslt), key=lambda e: e.id)  # the store's order
    store = open_store(tmp_path / "g.db")
    with store.transaction():
        store.upsert_glossary(glossary, origin="test")
    rng = random.Random(11)
    forms = [f for e in glossary for lang in ("vi", "en") for f, _ in e.forms(lang, deprecated=True)]
    queries = rng.sample(forms, 40)
    queries += [_typo(f, rng) for f in rng.sample(forms, 60)]
    queries += [fold(f) for f in rng.sample(forms, 20)] + [match_key(f).upper() for f in rng.sample(forms, 20)]
    queries += [v for v, _ in rng.sample(iwslt("tst2012"), 15)] + [e for _, e in rng.sample(iwslt("tst2012"), 15)]
    queries += ["Chủ tịch nước Trương Tấn Sang và Kim Yong Nam", "my friend", "Pyongyong", "Presidium"]
    matcher = Matcher(glossary)
    found = 0
    for i, q in enumerate(queries):
        for lang in ("auto", "vi") if i % 4 == 0 else ("auto",):
            want = [r.to_dict() for r in lookup(q, glossary, lang=lang, matcher=matcher)]
            got = [r.to_dict() for r in lookup(q, None, lang=lang, store=store)]
            assert got == want, q
            found += bool(want)
    assert found > 120  # most queries find something: the comparison is not vacuous
    for q in ("Presidium", "Pyongyyang Korea xyz", "zzzz"):
        assert [(f, e.id) for f, e in suggest(q, None, store=store)] == [(f, e.id) for f, e in suggest(q, glossary)]
    store.close()


def test_cli_lookup_shows_the_memory_for_a_word_only_in_it(cli, tmp_path):
    """`lookup autism` finds no entry, but the memory's sentences holding it (README promise), also
    when the store's glossary is empty."""
    tmx = tmp_path / "m.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
        'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>'
        '<body><tu><tuv xml:lang="en"><seg>Autism is a spectrum.</seg></tuv>'
        '<tuv xml:lang="vi"><seg>Tự kỷ là một phổ.</seg></tuv></tu></body></tmx>\n', encoding="utf-8")
    assert cli("import", "tmx", tmx).exit_code == 0
    res = cli("lookup", "autism")
    assert res.exit_code == 0
    assert "no entry for 'autism'" in res.output and "in the memory:" in res.output
    assert "Tự kỷ là một phổ." in res.output and "Autism is a spectrum." in res.output
    data = json.loads(cli("lookup", "tự kỷ", "--format", "json").output)
    assert data["entries"] == [] and data["memory"][0]["en"] == "Autism is a spectrum."
