"""tm.align: parallel alignment, comparable mining, document pairing, bad input, CLI."""
from __future__ import annotations

import json
import random

import pytest

from corpus.document import load_document
from tm.align import AlignError, Lexicon, align, pair_documents
from tm.align.anchors import sentence_anchors, shared
from tm.align.comparable import THRESHOLD

# Pairs judged by hand: (sentence of 000, document, sentence of that document), 0-based
# sentence indexes of corpus.document's split. Each states the same fact.
SEED_GOLD = {
    ("000", 4, "001", 0),   # diplomatic ties established on 31 January 1950
    ("000", 4, "002", 1),   # idem, "January 31, 1950"
    ("000", 7, "002", 6),   # the five memoranda of understanding on mining
    ("000", 11, "001", 18),  # the art troupe to the Pyongyang spring festival
    ("000", 11, "002", 19),  # idem, art delegations to the Spring Friendship Art Festival
}


def sentences(path):
    return [s.text for s in load_document(path).sentences()]


class TermMatcher:
    """A stand-in glossary matcher over a few entries (same interface as glossary.matcher)."""

    class Match:
        def __init__(self, ident):
            self.id = ident

    def __init__(self, entries):
        self.entries = entries

    def find(self, text, lang):
        low = text.lower()
        return [self.Match(ident) for ident, forms in self.entries.items()
                for form in forms[lang] if form.lower() in low]


def make_task(pairs, rng):
    """Merge neighbours on one side and delete lines (as benchmarks/align_eval.py does)."""
    beads, k = [], 0
    while k < len(pairs):
        r = rng.random()
        if r < 0.06 and k + 1 < len(pairs):
            beads.append(([pairs[k][0] + " " + pairs[k + 1][0]], [pairs[k][1], pairs[k + 1][1]]))
            k += 2
        elif r < 0.12 and k + 1 < len(pairs):
            beads.append(([pairs[k][0], pairs[k + 1][0]], [pairs[k][1] + " " + pairs[k + 1][1]]))
            k += 2
        elif r < 0.15:
            beads.append(([pairs[k][0]], []))
            k += 1
        elif r < 0.18:
            beads.append(([], [pairs[k][1]]))
            k += 1
        else:
            beads.append(([pairs[k][0]], [pairs[k][1]]))
            k += 1
    vi, en, gold = [], [], set()
    for bv, be in beads:
        if bv and be:
            gold.add((tuple(range(len(vi), len(vi) + len(bv))), tuple(range(len(en), len(en) + len(be)))))
        vi += bv
        en += be
    return vi, en, gold


def f1(result, gold):
    pred = {(tuple(b.vi), tuple(b.en)) for b in result.pairs if b.vi and b.en}
    tp = len(pred & gold)
    p, r = tp / max(len(pred), 1), tp / max(len(gold), 1)
    return 2 * p * r / max(p + r, 1e-9)


# --- anchors ---

def test_anchors_across_conventions():
    a = sentence_anchors("Năm 2011 xuất khẩu lên tới 10,7 triệu $, ông Nông Đức Mạnh nói.", "vi")
    b = sentence_anchors("In 2011 exports reached US$10.7 million, Nong Duc Manh said.", "en")
    assert shared(a, b) >= 3  # the year, the amount, the folded name (and its parts)
    assert "nongducmanh" in a.names & b.names
    c = sentence_anchors("Hai nước thiết lập quan hệ ngoại giao vào ngày 31 tháng 1 năm 1950.", "vi")
    d = sentence_anchors("Ties were established on January 31, 1950 (see www.mofa.gov.vn).", "en")
    assert shared(c, d) == 1
    assert "www.mofa.gov.vn" in d.names


def test_anchors_with_a_matcher():
    m = TermMatcher({"place.pyongyang": {"vi": ["Bình Nhưỡng"], "en": ["Pyongyang"]}})
    a = sentence_anchors("Cuộc họp tại Bình Nhưỡng.", "vi", m)
    b = sentence_anchors("The meeting in Pyongyang.", "en", m)
    assert a.terms == b.terms == frozenset({"place.pyongyang"}) and shared(a, b) >= 1


# --- parallel ---

def test_parallel_iwslt_with_merges_and_deletions(iwslt):
    pairs = iwslt("tst2013")[:150]
    vi, en, gold = make_task(pairs, random.Random(7))
    lexicon = Lexicon.from_pairs(iwslt("tst2012"))
    result = align(vi, en, lexicon=lexicon)
    assert result.mode == "parallel" and not result.warnings
    covered_vi = sorted(i for b in result.pairs for i in b.vi)
    covered_en = sorted(j for b in result.pairs for j in b.en)
    assert covered_vi == list(range(len(vi))) and covered_en == list(range(len(en)))
    assert f1(result, gold) >= 0.93
    assert all(0.0 <= b.score <= 1.0 for b in result.pairs)


def test_parallel_without_lexicon_beats_nothing(iwslt):
    vi, en, gold = make_task(iwslt("tst2012")[200:320], random.Random(3))
    assert f1(align(vi, en), gold) >= 0.9


def test_lexicon_from_pairs(iwslt):
    lex = Lexicon.from_pairs(iwslt("tst2012")[:600])
    assert "mẹ" in lex.links_en.get("mother", set())
    assert "boat" in lex.translations(["thuyền"], "vi")
    assert len(lex) > 1000


def test_min_score_unpairs_weak_beads():
    vi = ["Ngày 31 tháng 1 năm 1950, hai nước thiết lập quan hệ ngoại giao.", "Trời hôm nay đẹp quá."]
    en = ["On January 31, 1950 the two countries established diplomatic ties.", "Stock prices fell sharply."]
    strict = align(vi, en, min_score=0.999)
    assert ([0], [0]) in [(b.vi, b.en) for b in strict.pairs]
    assert all(b.score >= 0.999 for b in strict.pairs if b.vi and b.en)


# --- comparable seeds ---

def _mined(seed_paths, matcher, min_score=None):
    vi = sentences(seed_paths["000"])
    found = set()
    for name in ("001", "002"):
        result = align(vi, sentences(seed_paths[name]), mode="comparable", matcher=matcher, min_score=min_score)
        assert result.mode == "comparable"
        assert all(b.score >= (min_score or THRESHOLD) for b in result.pairs)
        found |= {("000", b.vi[0], name, b.en[0]) for b in result.pairs}
    return found


def _bundled_matcher():
    matcher_mod = pytest.importorskip("glossary.matcher")
    tsv = pytest.importorskip("glossary.tsv")
    return matcher_mod.Matcher(tsv.load_bundled())


def test_seed_gold_sentences_exist(seed_paths):
    """The hand-judged pairs point at the sentences they describe."""
    vi = sentences(seed_paths["000"])
    en1, en2 = sentences(seed_paths["001"]), sentences(seed_paths["002"])
    assert "31 tháng 1 năm 1950" in vi[4] and "Jan. 31, 1950" in en1[0] and "January 31, 1950" in en2[1]
    assert "5 biên bản" in vi[7] and "five memorandums" in en2[6]
    assert "Bình Nhưỡng" in vi[11] and "Pyongyang Spring" in en1[18] and "Art Festival" in en2[19]


def test_comparable_seeds_with_bundled_glossary(seed_paths):
    found = _mined(seed_paths, _bundled_matcher())
    tp = len(found & SEED_GOLD)
    precision, recall = tp / max(len(found), 1), tp / len(SEED_GOLD)
    print(f"seed miner with the bundled glossary: precision {precision:.2f} recall {recall:.2f} "
          f"({tp} of {len(found)} mined, {len(SEED_GOLD)} judged)")
    assert precision >= 0.75 and recall >= 0.6


def test_comparable_seeds_without_glossary(seed_paths):
    """Numbers and names alone: the default threshold keeps only sure pairs (maybe none)."""
    found = _mined(seed_paths, None)
    assert len(found & SEED_GOLD) == len(found)
    lower = _mined(seed_paths, None, min_score=0.5)
    tp = len(lower & SEED_GOLD)
    print(f"seed miner without glossary at 0.5: {tp} of {len(lower)} mined are judged pairs")
    assert tp >= 3 and tp / len(lower) >= 0.5


def test_auto_mode_tells_parallel_from_comparable(seed_paths, iwslt):
    pairs = iwslt("tst2013")[:60]
    assert align([v for v, _ in pairs], [e for _, e in pairs], mode="auto").mode == "parallel"
    assert align(sentences(seed_paths["000"]), sentences(seed_paths["002"]), mode="auto").mode == "comparable"


# --- document pairing ---

def test_pair_documents_seeds(seed_paths):
    docs = [load_document(p) for p in seed_paths.values()]
    pairs = pair_documents(docs)
    got = {(p.vi_doc.name[:3], p.en_doc.name[:3], p.mode) for p in pairs}
    assert got == {("000", "001", "comparable"), ("000", "002", "comparable")}
    assert all(0 < p.score <= 1 for p in pairs)


def test_pair_documents_by_name(tmp_path, iwslt):
    pairs = iwslt("tst2013")[:30]
    (tmp_path / "talk.vi.txt").write_text("\n\n".join(v for v, _ in pairs), encoding="utf-8")
    (tmp_path / "talk.en.txt").write_text("\n\n".join(e for _, e in pairs), encoding="utf-8")
    (tmp_path / "other.en.txt").write_text("Nothing to see here at all.", encoding="utf-8")
    docs = [load_document(p) for p in sorted(tmp_path.iterdir())]
    result = pair_documents(docs)
    assert [(p.vi_doc.name, p.en_doc.name, p.mode) for p in result] == [("talk.vi.txt", "talk.en.txt", "parallel")]


# --- bad input ---

@pytest.mark.parametrize("vi, en, needle", [
    ([], [], "both documents are empty"),
    (["Xin chào các bạn."], [], "English side is empty"),
    ([], ["Hello."], "Vietnamese side is empty"),
    (["Hello there, my friends."], ["Good morning to all of you."], "both sides look English"),
    (["Good morning to all of you."], ["Xin chào các bạn thân mến của tôi."], "swapped"),
])
def test_bad_input_warns_and_pairs_nothing(vi, en, needle):
    result = align(vi, en)
    assert result.pairs == [] and any(needle in w for w in result.warnings)


def test_one_against_five_hundred(iwslt):
    pairs = iwslt("tst2012")[:500]
    result = align([pairs[10][0]], [e for _, e in pairs])
    assert result.mode == "comparable" and any("1 Vietnamese against 500" in w for w in result.warnings)
    assert len(result.pairs) <= 1


def test_unknown_mode():
    with pytest.raises(AlignError):
        align(["a"], ["b"], mode="sideways")


# --- CLI ---

def test_cli_align_json_lines(cli, tmp_path, iwslt):
    pairs = iwslt("tst2013")[:40]
    vi, en = tmp_path / "a.vi.txt", tmp_path / "a.en.txt"
    vi.write_text("\n".join(v for v, _ in pairs) + "\n", encoding="utf-8")
    en.write_text("\n".join(e for _, e in pairs[:20] + pairs[21:]) + "\n", encoding="utf-8")
    res = cli("align", vi, en, "--lines", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["mode"] == "parallel"
    first = data["pairs"][0]
    assert first["vi"] == [1] and first["en"] == [1] and first["vi_text"] == pairs[0][0].strip()
    assert sum(1 for p in data["pairs"] if p["vi"] and not p["en"]) == 1  # the deleted line's partner
    assert sorted(n for p in data["pairs"] for n in p["en"]) == list(range(1, 40))


def test_cli_align_text_tsv_tmx_and_store(cli, seed_paths):
    res = cli("align", seed_paths["000"], seed_paths["002"], "--mode", "comparable")
    assert res.exit_code == 0 and "comparable alignment" in res.output
    tsv = cli("align", seed_paths["000"], seed_paths["002"], "--mode", "comparable", "--format", "tsv")
    assert all(len(line.split("\t")) == 5 for line in tsv.output.strip().splitlines())
    tmx = cli("align", seed_paths["000"], seed_paths["002"], "--mode", "comparable", "--format", "tmx")
    assert "<tmx" in tmx.output and "comparable" in tmx.output
    stored = cli("align", seed_paths["000"], seed_paths["002"], "--mode", "comparable", "--store")
    assert stored.exit_code == 0


def test_cli_align_bad_input(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    other = tmp_path / "x.en.txt"
    other.write_text("Hello there.\n", encoding="utf-8")
    res = cli("align", empty, other)
    assert res.exit_code == 2 and "empty" in res.output
    res = cli("align", tmp_path / "missing.txt", other)
    assert res.exit_code == 2
