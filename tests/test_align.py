"""tm.align: anchors, parallel alignment, document pairing, bad input, CLI (the comparable seeds:
test_align_comparable.py)."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from corpus.document import load_document
from tm.align import AlignError, Lexicon, align, pair_documents
from tm.align.anchors import sentence_anchors, shared
from tm.align import parallel
from tm.align.parallel import WEIGHTS

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
    assert all(type(b.score) is float and 0.0 <= b.score <= 1.0 for b in result.pairs)
    assert all(b.score == 0.0 for b in result.pairs if not (b.vi and b.en))


def _oracle_reward(vi_side, en_side, lexicon, vi_ix, en_ix):
    """The bead reward as the module docs define it, computed on Python sets."""
    w = WEIGHTS

    def side(s, ix, lang, other):
        facts, keys = {}, set()
        for i in ix:
            a = s.anchors[i]
            facts.update({frozenset(q): w["anchor"] / 2 + w["anchor_miss"] for q in a.quantities})
            facts.update({frozenset([n]): w["anchor"] / 2 for n in a.names})
            facts.update({frozenset([("term", t)]): w["anchor"] / 2 for t in a.terms})
            keys |= a.keys
            if lexicon is not None:
                toks = lexicon.weights([t for t in lexicon.tokenize(s.texts[i]) if lexicon.known(t, lang)], lang)
                facts.update({frozenset([(lang, t)]): (w["lex"] + w["lex_miss"]) * v for t, v in toks.items()})
                keys |= {(other, t) for t in lexicon.translations(toks, lang)}
        return facts, keys

    fv, kv = side(vi_side, vi_ix, "vi", "en")
    fe, ke = side(en_side, en_ix, "en", "vi")
    return sum(x for f, x in fv.items() if f & ke) + sum(x for f, x in fe.items() if f & kv)


def test_vectorised_rewards_match_their_definition(iwslt):
    vi, en, _ = make_task(iwslt("tst2013")[:120], random.Random(1))
    vs, es = parallel.features(vi, "vi"), parallel.features(en, "en")
    rng = random.Random(2)
    xs = [tuple(range(a, a + rng.choice([1, 2]))) for a in rng.sample(range(len(vi) - 1), 25)] + [()]
    ys = [tuple(range(a, a + rng.choice([1, 2]))) for a in rng.sample(range(len(en) - 1), 25)]
    for lexicon in (None, Lexicon.from_pairs(iwslt("tst2012"))):
        rewards = parallel._Rewards(vs, es, lexicon, WEIGHTS)
        block = rewards.block(parallel._encode(xs), parallel._encode(ys))
        want = [[_oracle_reward(vs, es, lexicon, x, y) for y in ys] for x in xs]
        assert np.allclose(block, want, rtol=1e-5, atol=1e-5)
        assert (block > 0).sum() > (0 if lexicon is None else 100)


def _with_gaps(pairs, drop_vi, drop_en):
    """Sentences with the lines for which *drop_vi* / *drop_en* is true left out, and the gold."""
    keep_vi = [k for k in range(len(pairs)) if not drop_vi(k)]
    keep_en = [k for k in range(len(pairs)) if not drop_en(k)]
    at_vi = {k: i for i, k in enumerate(keep_vi)}
    at_en = {k: j for j, k in enumerate(keep_en)}
    gold = {((at_vi[k],), (at_en[k],)) for k in at_vi if k in at_en}
    return [pairs[k][0] for k in keep_vi], [pairs[k][1] for k in keep_en], gold


def test_missing_sections_with_a_memory(iwslt):
    """60 lines missing on each side, far apart (the path is 60 off the diagonal)."""
    vi, en, gold = _with_gaps(iwslt("tst2013")[:500], lambda k: 50 <= k < 110, lambda k: 340 <= k < 400)
    result = align(vi, en, lexicon=Lexicon.from_pairs(iwslt("tst2012")))
    assert f1(result, gold) >= 0.95
    assert sum(1 for b in result.pairs if b.vi and not b.en) >= 50


def test_band_widens_when_the_path_drifts(iwslt, monkeypatch):
    """Every third line missing, on one side then on the other: the path drifts 110
    sentences off the diagonal, past the first band (half-width 88), which is doubled."""
    widths = []
    real = parallel.banded_dp
    monkeypatch.setattr(parallel, "banded_dp", lambda n, m, lo, width, cost: widths.append(width)
                        or real(n, m, lo, width, cost))
    vi, en, gold = _with_gaps(iwslt("tst2012")[:700], lambda k: k < 330 and k % 3 == 1,
                              lambda k: 350 <= k < 680 and k % 3 == 1)
    result = align(vi, en, lexicon=Lexicon.from_pairs(iwslt("tst2013")))
    assert widths[0] == 177 and widths[1] > widths[0]
    assert f1(result, gold) >= 0.75


def test_self_training_helps_a_long_document(iwslt):
    vi, en, gold = make_task(iwslt("tst2013"), random.Random(5))
    without = f1(align(vi, en, weights={**WEIGHTS, "self_train": 0}), gold)
    with_self = f1(align(vi, en), gold)
    assert with_self > without + 0.005, (with_self, without)


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
    good, bad = align(vi, en).pairs
    assert good.score > 0.9 > bad.score  # the shared date is evidence; the other pair has none
    strict = align(vi, en, min_score=0.9)
    assert [(b.vi, b.en) for b in strict.pairs] == [([0], [0]), ([1], []), ([], [1])]


@pytest.mark.parametrize("with_lexicon,min_auc", [(True, 0.85), (False, 0.65)])
def test_scores_separate_good_beads_from_bad(iwslt, with_lexicon, min_auc):
    """200 tst2013 lines, 40 English lines swapped for lines of another talk: the beads holding
    them score lower than true pairs (every bead used to score 1.00), so --min-score filters."""
    pairs = iwslt("tst2013")
    vi, en = [v for v, _ in pairs[:200]], [e for _, e in pairs[:200]]
    bad = set(random.Random(3).sample(range(200), 40))
    for k in bad:
        en[k] = pairs[600 + k][1]
    lexicon = Lexicon.from_pairs(iwslt("tst2012")) if with_lexicon else None
    result = align(vi, en, lexicon=lexicon)
    good_s = [b.score for b in result.pairs if len(b.en) == 1 and b.vi == b.en and b.en[0] not in bad]
    bad_s = [b.score for b in result.pairs if b.vi and b.en and any(j in bad for j in b.en)]
    assert len(good_s) > 100 and len(bad_s) > 20
    auc = sum(g > b for g in good_s for b in bad_s) / (len(good_s) * len(bad_s))
    assert auc >= min_auc
    kept = align(vi, en, lexicon=lexicon, min_score=0.3)
    kept_bad = [b for b in kept.pairs if b.vi and b.en and any(j in bad for j in b.en)]
    assert len(kept_bad) < len(bad_s) / 2


def test_unrelated_documents_are_not_stored_as_parallel(iwslt, seed_paths, cli, tmp_path):
    """22 lines of a TED talk against seed 000 (a Vietnamese news article): parallel mode used to
    pair them at 1.00 each and store them as parallel; now it warns and mines them as comparable,
    and --store keeps what it mined as comparable."""
    talk = tmp_path / "talk.en"
    talk.write_text("\n".join(e for _, e in iwslt("tst2013")[:22]) + "\n", encoding="utf-8")
    res = cli("align", seed_paths["000"], talk, "--store")
    assert res.exit_code == 0
    assert "not a translation" in res.stderr and "kind comparable" in res.stderr
    assert res.stdout.startswith("comparable alignment:")


def test_auto_on_unrelated_files_prints_what_it_did(iwslt, seed_paths, cli, tmp_path):
    six = tmp_path / "six.vi"
    six.write_text("\n".join(v for v, _ in iwslt("tst2012")[:6]) + "\n", encoding="utf-8")
    res = cli("align", six, seed_paths["001"], "--mode", "auto")
    assert res.exit_code == 0
    assert res.stdout.startswith("comparable alignment: 0 pairs") and "not a translation" in res.stderr


# --- auto mode ---

def test_auto_mode_tells_parallel_from_comparable(seed_paths, iwslt):
    pairs = iwslt("tst2013")[:60]
    assert align([v for v, _ in pairs], [e for _, e in pairs], mode="auto").mode == "parallel"
    assert align(sentences(seed_paths["000"]), sentences(seed_paths["002"]), mode="auto").mode == "comparable"


# --- document pairing ---

def test_pair_documents_seeds(seed_paths):
    docs = [load_document(p) for p in seed_paths.values()]
    for matcher in (None, _bundled_matcher()):
        pairs = pair_documents(docs, matcher=matcher)
        got = {(p.vi_doc.name[:3], p.en_doc.name[:3], p.mode) for p in pairs}
        assert got == {("000", "001", "comparable"), ("000", "002", "comparable")}
        assert all(0 < p.score <= 1 for p in pairs)


def test_pair_documents_by_content(iwslt):
    """Unnamed documents: a talk pairs with its translation, not with other talks that share a
    few numbers and names by chance (``13`` and the United States, TED, Harvard)."""
    from corpus.document import parse_document

    def doc(name, texts):
        return parse_document("\n\n".join(texts), name)

    t12, t13 = iwslt("tst2012"), iwslt("tst2013")
    docs = [doc("a-viet.txt", [v for v, _ in t13[:300]]), doc("a-eng.txt", [e for _, e in t13[:300]]),
            doc("b-eng.txt", [e for _, e in t13[600:900]]), doc("c-viet.txt", [v for v, _ in t12[:400]]),
            doc("d-eng.txt", [e for _, e in t12[400:800]]), doc("e-viet.txt", [v for v, _ in t12[800:1200]]),
            doc("e-eng.txt", [e for _, e in t12[800:1200]])]
    for matcher in (None, _bundled_matcher()):
        got = {(p.vi_doc.name, p.en_doc.name, p.mode) for p in pair_documents(docs, matcher=matcher)}
        assert got == {("a-viet.txt", "a-eng.txt", "parallel"), ("e-viet.txt", "e-eng.txt", "parallel")}


def _bundled_matcher():
    from glossary.matcher import Matcher
    from glossary.tsv import load_bundled

    return Matcher(load_bundled())


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


def test_same_language_on_real_text(iwslt):
    pairs = iwslt("tst2013")[:40]
    english = align([e for _, e in pairs], [e for _, e in pairs[::-1]])
    vietnamese = align([v for v, _ in pairs], [v for v, _ in pairs[::-1]], mode="comparable")
    assert english.pairs == [] and english.warnings == ["both sides look English: not aligned"]
    assert vietnamese.pairs == [] and vietnamese.warnings == ["both sides look Vietnamese: not aligned"]


def test_one_against_five_hundred(iwslt):
    pairs = iwslt("tst2012")[:500]
    result = align([pairs[10][0]], [e for _, e in pairs])
    assert result.mode == "comparable" and any("1 Vietnamese against 500" in w for w in result.warnings)
    assert [(b.vi, b.en) for b in result.pairs] in ([], [([0], [10])])  # nothing, or its translation
    reverse = align([v for v, _ in pairs], [pairs[10][1]])
    assert reverse.mode == "comparable" and any("500 Vietnamese against 1" in w for w in reverse.warnings)
    assert [(b.vi, b.en) for b in reverse.pairs] in ([], [([10], [0])])


@pytest.mark.parametrize("vi_text, en_text, needle", [
    ("", "Hello there.\n\nHow are you today?", "talk.vi.txt: skipped: no text"),
    ("Xin chào các bạn.\n\nHôm nay trời đẹp quá.", "   \n", "talk.en.txt: skipped: no text"),
    ("", "", None),
    ("Good morning to all of you.\n\nThe weather is fine today.", "Hello there.\n\nHow are you today?",
     "both sides look English"),
])
def test_build_stores_nothing_for_bad_pairs(tmp_path, store, vi_text, en_text, needle):
    from corpus.errors import InputError
    from tm.build import build

    (tmp_path / "talk.vi.txt").write_text(vi_text, encoding="utf-8")
    (tmp_path / "talk.en.txt").write_text(en_text, encoding="utf-8")
    if needle is None:  # nothing to store at all
        with pytest.raises(InputError, match="no document with text"):
            build(store, [tmp_path])
        assert store.count_units() == 0
        return
    report = build(store, [tmp_path])
    assert [p["units"] for p in report.pairs] in ([0], [])
    assert any(needle in w for w in report.warnings), report.warnings
    assert store.count_units() == 0


def test_build_one_sentence_against_five_hundred(tmp_path, store, iwslt):
    from tm.build import build

    pairs = iwslt("tst2012")[:500]
    (tmp_path / "one.vi.txt").write_text(pairs[10][0], encoding="utf-8")
    (tmp_path / "one.en.txt").write_text("\n\n".join(e for _, e in pairs), encoding="utf-8")
    report = build(store, [tmp_path])
    assert any("1 Vietnamese against" in w and "comparable" in w for w in report.warnings)
    units = list(store.iter_units())
    assert len(units) <= 1 and all(u.kind == "comparable" and u.en.strip() == pairs[10][1].strip() for u in units)


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
