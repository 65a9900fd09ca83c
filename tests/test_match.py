"""Fuzzy match: the score definition recomputed independently, exactness against brute force on IWSLT
sentences, the persisted index catching up, and the `songngu match` CLI."""
from __future__ import annotations

import json
import random
import re
import unicodedata

import pytest
from rapidfuzz.distance import Levenshtein

from corpus.normalize import match_key
from tm.match import Matcher, differing_spans, token_score
from tm.store import Unit, open_store
from conftest import copy_into

HELD_OUT = 150  # tst2012 pairs kept out of the store: queries with no near match
MINS = (1, 25, 50, 70, 85, 100)


def words(text: str) -> list[str]:
    """The score's tokens, straight from the definition: ``\\w+`` runs of the match key."""
    return re.findall(r"\w+", match_key(text))


def dp_distance(a: list, b: list) -> int:
    """Plain dynamic-programming Levenshtein distance over two token lists."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def definition_score(a: str, b: str) -> float:
    ta, tb = words(a), words(b)
    longer = max(len(ta), len(tb))
    return 100.0 if longer == 0 else 100.0 * (longer - dp_distance(ta, tb)) / longer


def edit(text: str, rng: random.Random, vocab: list[str], edits: int) -> str:
    """*text* with *edits* random word substitutions, deletions, insertions or swaps."""
    ws = text.split()
    for _ in range(edits):
        op, at = rng.choice("sdiw"), rng.randrange(len(ws))
        if op == "s":
            ws[at] = rng.choice(vocab)
        elif op == "d" and len(ws) > 1:
            del ws[at]
        elif op == "w" and at + 1 < len(ws):
            ws[at], ws[at + 1] = ws[at + 1], ws[at]
        else:
            ws.insert(at, rng.choice(vocab))
    return " ".join(ws)


@pytest.fixture(scope="module")
def memory(iwslt, tmp_path_factory):
    """A store of the IWSLT pairs (tst2013 and tst2012 less the held-out ones), its path and the held-out."""
    pairs = iwslt("tst2012")
    held, kept = pairs[:HELD_OUT], pairs[HELD_OUT:] + iwslt("tst2013")
    path = tmp_path_factory.mktemp("match") / "tm.db"
    store = open_store(path)
    with store.transaction():
        store.add_units([Unit(v, e, kind="parallel", provenance=[{"file": "iwslt", "tuid": str(i)}])
                         for i, (v, e) in enumerate(kept) if v.strip() and e.strip()])
    yield store, path, held
    store.close()


@pytest.fixture(scope="module")
def matcher(memory):
    return Matcher(memory[0])


@pytest.fixture(scope="module")
def brute(memory):
    """Function ``(query, lang) -> [(score, id)]`` over every unit, best first, ties by id."""
    store = memory[0]
    units = {lang: [(u.id, words(u.text(lang))) for u in store.iter_units()] for lang in ("vi", "en")}

    def scan(query, lang):
        q = words(query)
        out = []
        for uid, t in units[lang]:
            longer = max(len(q), len(t))
            out.append((100.0 * (longer - Levenshtein.distance(q, t)) / longer, uid))
        return sorted(out, key=lambda x: (-x[0], x[1]))

    return scan


@pytest.fixture(scope="module")
def queries(memory, iwslt):
    """(text, lang, kind): near-duplicates of stored sentences (1-4 word edits), unedited stored
    sentences, and held-out sentences (no near match), in both languages."""
    store, _, held = memory
    rng = random.Random(15)
    stored = list(store.iter_units())
    vocab = {lang: sorted({w for v, e in held for w in (v if lang == "vi" else e).split()}) for lang in ("vi", "en")}
    out = []
    for lang in ("vi", "en"):
        for u in rng.sample(stored, 45):
            out.append((edit(u.text(lang), rng, vocab[lang], rng.randint(1, 4)), lang, "near"))
        for u in rng.sample(stored, 5):
            out.append((u.text(lang).upper(), lang, "same"))
        for v, e in rng.sample(held, 30):
            out.append((v if lang == "vi" else e, lang, "none"))
    return out


def test_score_is_the_documented_definition(iwslt):
    pairs = iwslt("tst2013")
    rng = random.Random(3)
    checked = 0
    for (v1, e1), (v2, e2) in zip(rng.sample(pairs, 120), rng.sample(pairs, 120)):
        for a, b in ((v1, v2), (e1, e2), (v1, edit(v1, rng, v2.split(), 2)), (e1, edit(e1, rng, e2.split(), 3))):
            assert token_score(a, b) == pytest.approx(definition_score(a, b), abs=1e-9), (a, b)
            checked += 1
    assert checked == 480
    # normalisation: NFD, tone placement, case and punctuation do not count; words do
    nfd = unicodedata.normalize("NFD", "Hòa bình, THỦY điện.")
    assert token_score(nfd, "hoà bình thuỷ điện") == 100.0
    assert token_score("the cat sat", "the cat sat down") == pytest.approx(75.0)
    assert token_score("a b c d", "d c b a") == pytest.approx(0.0)
    assert token_score("", "") == 100.0


def test_first_result_and_top_k_equal_brute_force_for_every_min(matcher, brute, queries):
    seen = {"near": 0, "none": 0, "same": 0}
    for text, lang, kind in queries:
        full = brute(text, lang)
        for min_score in MINS:
            for top in (1, 5):
                want = [(s, uid) for s, uid in full if s >= min_score - 1e-9][:top]
                got = [(m.score, m.unit.id) for m in matcher.search(text, lang=lang, top=top, min_score=min_score)]
                assert [uid for _, uid in got] == [uid for _, uid in want], (text, lang, min_score, top)
                assert [s for s, _ in got] == pytest.approx([s for s, _ in want], abs=1e-9)
        if kind == "none":
            assert full[0][0] < 70, text  # held-out sentences really have no near match
        else:
            assert full[0][0] >= 50, text
        seen[kind] += 1
    assert seen == {"near": 90, "none": 60, "same": 10}


def test_exact_and_tone_variant_queries_score_100(matcher, memory):
    store = memory[0]
    unit = next(u for u in store.iter_units() if "hoà nhập" in u.vi)
    query = unicodedata.normalize("NFD", unit.vi.replace("hoà", "hòa").upper())
    (best, *_) = matcher.search(query, lang="vi", top=3, min_score=90)
    assert best.unit.id == unit.id and best.score == 100.0 and best.target == unit.en


def test_no_match_and_bad_arguments(matcher):
    assert matcher.search("zzqx qqzv", lang="en") == []
    assert matcher.search("... !!!", lang="vi") == []
    with pytest.raises(ValueError):
        matcher.search("hello", lang="en", min_score=0)
    with pytest.raises(ValueError):
        matcher.search("hello", lang="en", top=0)


def test_auto_language(matcher, memory):
    store = memory[0]
    unit = next(store.iter_units())
    for lang in ("vi", "en"):
        (best, *_) = matcher.search(unit.text(lang), lang="auto", top=1)
        assert best.lang == lang and best.unit.id == unit.id and best.score == 100.0


def test_differing_words_are_the_edited_ones(memory):
    store = memory[0]
    unit = next(u for u in store.iter_units() if len(u.en.split()) > 8)
    ws = unit.en.split()
    query = " ".join(ws[:3] + ["xylophone"] + ws[4:])  # the fourth word replaced
    spans = differing_spans(query, unit.en)
    assert [unit.en[a:b] for a, b in spans] == [ws[3]]


def test_index_is_kept_by_the_import_itself(memory, tmp_path):
    """The word index is written in the import's transaction: current before any search, and a
    search never writes (the store file is unchanged by it)."""
    _, path, held = memory
    copy = tmp_path / "copy.db"
    src = open_store(path)
    src.conn.execute(f"VACUUM INTO '{copy}'")
    src.close()
    store = open_store(copy)
    assert store.word_index().last_id == store.max_unit_id()
    new = held[:3]
    with store.transaction():
        store.add_units([Unit(v, e, kind="comparable") for v, e in new])
    assert store.word_index().last_id == store.max_unit_id()
    changes = store.conn.total_changes
    matcher = Matcher(store)
    for v, e in new:
        (best, *_) = matcher.search(e, lang="en", top=1)
        assert best.score == 100.0 and best.target == v and best.unit.kind == "comparable"
    assert store.conn.total_changes == changes
    store.close()


def test_cli_json_text_jsonl_and_batch(cli, memory, db_path, tmp_path, brute):
    copy_into(memory[1], db_path)
    unit = next(u for u in open_store(db_path).iter_units() if len(u.en.split()) > 6)
    query = unit.en.rsplit(" ", 2)[0] + " indeed ."
    best = brute(query, "en")[0][0]

    res = cli("match", query, "--lang", "en", "--top", "3", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) == {"query", "matches"} and data["query"] == query
    assert 1 <= len(data["matches"]) <= 3
    for m in data["matches"]:
        assert {"source", "target", "score", "kind", "origin"} <= set(m)
    first = data["matches"][0]
    assert first["score"] == round(best, 2)
    assert first["source"] == unit.en and first["target"] == unit.vi
    assert first["kind"] == "parallel" and first["origin"].startswith("iwslt#")
    assert [m["score"] for m in data["matches"]] == sorted((m["score"] for m in data["matches"]), reverse=True)

    res = cli("match", query, "--lang", "en", "--top", "1")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0] == f"1. {best:5.1f}%  {unit.en}" and lines[1].strip() == f"-> {unit.vi}"

    res = cli("match", "qqzv xxyq", "--lang", "en")
    assert res.exit_code == 0 and res.output.strip() == "no match for: qqzv xxyq"

    batch = tmp_path / "q.txt"
    batch.write_text(f"{query}\n\n{unit.vi}\nqqzv xxyq\n", encoding="utf-8")
    for fmt in ("jsonl", "json"):
        res = cli("match", "--batch", batch, "--format", fmt, "--min", "60")
        assert res.exit_code == 0, res.output
        rows = [json.loads(line) for line in res.output.splitlines()]
        assert [r["query"] for r in rows] == [query, unit.vi, "qqzv xxyq"]
        assert rows[1]["matches"][0]["score"] == 100.0 and rows[1]["matches"][0]["target"] == unit.en
        assert rows[2]["matches"] == []
    res = cli("match", "--batch", "-", "--format", "jsonl", input=unit.en + "\n")
    assert json.loads(res.output)["matches"][0]["target"] == unit.vi

    for args in ((), (query, "--batch", batch)):
        res = cli("match", *args)
        assert res.exit_code == 2 and "give one query" in res.output


def test_build_align_and_import_index_their_units(cli, db_path, tmp_path, iwslt):
    """Every way units arrive writes the word index in its own transaction."""
    assert cli("build").exit_code == 0
    store = open_store(db_path)
    assert store.max_unit_id() > 0 and store.word_index().last_id == store.max_unit_id()
    store.close()
    vi, en = tmp_path / "a.vi", tmp_path / "a.en"
    pairs = [(v, e) for v, e in iwslt("tst2013")[:40] if v.strip() and e.strip()]
    vi.write_text("\n".join(v for v, _ in pairs) + "\n", encoding="utf-8")
    en.write_text("\n".join(e for _, e in pairs) + "\n", encoding="utf-8")
    assert cli("align", vi, en, "--lines", "--store").exit_code == 0
    store = open_store(db_path)
    assert store.word_index().last_id == store.max_unit_id()
    (best,) = Matcher(store).search(pairs[5][1], lang="en", top=1)
    assert best.score == 100.0
    store.close()
