"""`songngu score` (tm.qa.score): sacrebleu metrics on normalised text (an NFD or new-style hypothesis
scores as its NFC form), terminology accuracy and number consistency with a source, the
reference-free estimate, per-segment scores and the JSON keys, on IWSLT tst2013."""
from __future__ import annotations

import json
import unicodedata

import pytest

from corpus.normalize import MODERN, TRADITIONAL, canonical_tones
from glossary.tsv import load_bundled
from tm.qa.score import ESTIMATE_NOTE, format_text, score

FIRST, LAST = 62, 262  # as in test_check: tst2013 lines whose human translation follows the glossary


@pytest.fixture(scope="module")
def entries():
    return load_bundled()


@pytest.fixture(scope="module")
def pairs(iwslt):
    return [(en, vi) for vi, en in iwslt("tst2013")[FIRST:LAST] if en.strip() and vi.strip()]


def degrade(line: str, k: int) -> str:
    """A weaker "machine translation" of a reference line: every k-th word dropped, one pair swapped."""
    words = line.split()
    kept = [w for i, w in enumerate(words, 1) if i % k]
    if len(kept) > 3:
        kept[1], kept[2] = kept[2], kept[1]
    return " ".join(kept)


def join(pairs):
    """``(source, reference, degraded hypothesis)`` texts of *pairs*."""
    src = "\n".join(en for en, _ in pairs) + "\n"
    ref = "\n".join(vi for _, vi in pairs) + "\n"
    hyp = "\n".join(degrade(vi, 5 + i % 3) for i, (_, vi) in enumerate(pairs)) + "\n"
    return src, ref, hyp


@pytest.fixture(scope="module")
def texts(pairs):
    return join(pairs)


@pytest.fixture(scope="module")
def short(pairs):
    """100 pairs of at most 25 words: TER's shift search is slow on long reordered lines."""
    return join([p for p in pairs if len(p[1].split()) <= 25][:100])


def lines(text):
    return text.rstrip("\n").split("\n")


def test_metrics_are_sacrebleu_with_signatures(short):
    from sacrebleu.metrics import BLEU, CHRF, TER

    _, ref, hyp = short
    result = score(hyp, [ref])
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("chrf++", CHRF(word_order=2)), ("ter", TER())):
        expected = metric.corpus_score(lines(hyp), [lines(ref)])
        assert result[name] == round(expected.score, 2), name
        assert result["signatures"][name] == str(metric.get_signature())
    assert 20 < result["bleu"] < 90 and result["ter"] > 5  # degraded, not destroyed
    assert "nw:0" in result["signatures"]["chrf"] and "nw:2" in result["signatures"]["chrf++"]
    assert "nrefs:1" in result["signatures"]["bleu"]
    assert score(ref, [ref])["bleu"] == 100.0


def test_nfd_and_new_tone_style_score_as_nfc(short):
    from sacrebleu.metrics import BLEU

    _, ref, hyp = short
    base = score(hyp, [ref])
    nfd = unicodedata.normalize("NFD", hyp)
    other_style = canonical_tones(hyp, TRADITIONAL)  # IWSLT writes the new style: hoá, huỷ
    assert nfd != hyp and other_style != hyp and canonical_tones(hyp, MODERN) == hyp
    for variant in (nfd, other_style):
        other = score(variant, [ref])
        assert {k: other[k] for k in ("bleu", "chrf", "chrf++", "ter")} == \
               {k: base[k] for k in ("bleu", "chrf", "chrf++", "ter")}
    # Without the normalisation an NFD hypothesis loses most of its BLEU.
    raw = BLEU().corpus_score(lines(nfd), [lines(ref)]).score
    assert raw < base["bleu"] / 2
    # The reference may be NFD too.
    assert score(hyp, [unicodedata.normalize("NFD", ref)])["bleu"] == base["bleu"]


def test_two_references(short):
    _, ref, hyp = short
    one = score(hyp, [ref])
    two = score(hyp, [ref, hyp])
    assert two["bleu"] == 100.0 and "nrefs:2" in two["signatures"]["bleu"]
    assert one["bleu"] < two["bleu"]


def test_segments(short):
    _, ref, hyp = short
    result = score(hyp, [ref], segments=True)
    rows = result["segments"]
    assert len(rows) == len(lines(hyp)) and [r["line"] for r in rows] == list(range(1, len(rows) + 1))
    for r in rows[:20]:
        assert set(r) >= {"line", "bleu", "chrf", "chrf++", "ter"}
        assert 0 <= r["bleu"] <= 100 and 0 <= r["chrf"] <= 100
    same = score(ref, [ref], segments=True)["segments"]
    assert all(r["bleu"] == 100.0 and r["ter"] == 0.0 for r in same)
    assert "segments" not in score(hyp, [ref])


def test_term_accuracy_and_quantities_with_source(texts, entries, pairs):
    src, ref, _ = texts  # no reference needed
    clean = score(ref, source=src, entries=entries, src_lang="en")
    terms, q = clean["terms"], clean["quantities"]
    assert terms["expected"] >= 4 and clean["term_accuracy"] == round(terms["correct"] / terms["expected"], 4)
    assert clean["term_accuracy"] == 1.0 and terms["deprecated"] == 0
    assert q["expected"] >= 20 and q["consistency"] > 0.8  # "two" rendered "cả hai" and the like
    # One term occurrence dropped, one deprecated form, one number changed.
    i = next(i for i, (en, vi) in enumerate(pairs) if en.count("United States") == 2)
    j = next(i for i, (en, vi) in enumerate(pairs) if "in South Korea" in en and "Hàn Quốc" in vi)
    k = next(i for i, (en, vi) in enumerate(pairs) if "400 meters" in en)
    hyp = [vi for _, vi in pairs]
    at = hyp[i].rindex("Mỹ")
    hyp[i] = hyp[i][:at] + "đây" + hyp[i][at + 2:]
    hyp[j] = hyp[j].replace("Hàn Quốc", "Nam Hàn")
    hyp[k] = hyp[k].replace("400", "40")
    bad = score("\n".join(hyp) + "\n", source=src, entries=entries, src_lang="en", segments=True)
    t = bad["terms"]
    assert t["expected"] == terms["expected"]
    assert t["correct"] == terms["correct"] - 2  # the dropped one and the deprecated one
    assert bad["term_accuracy"] == round(t["correct"] / t["expected"], 4) < 1
    assert t["deprecated"] == 1 and t["deprecated_rate"] == round(1 / t["seen"], 4)
    assert bad["quantities"]["matched"] == q["matched"] - 1
    rows = bad["segments"]
    assert rows[i]["term_accuracy"] == 0.5 and rows[j]["term_accuracy"] == 0.0
    assert all(r.get("term_accuracy") in (None, 1.0) for n, r in enumerate(rows) if n not in (i, j))
    text = format_text(bad)
    assert "terminology accuracy" in text and "numbers and dates" in text and "deprecated terms" in text


def test_reference_free_estimate(texts, entries, pairs, seeds_dir):
    src, ref, _ = texts
    human = score(ref, source=src, entries=entries, src_lang="en", segments=True)
    assert "bleu" not in human and "signatures" not in human
    assert human["estimate"]["note"] == ESTIMATE_NOTE and "estimate" in ESTIMATE_NOTE
    assert human["estimate"]["score"] > 85
    rows = human["segments"]
    assert all(0 <= r["estimate"] <= 100 for r in rows)
    # An untranslated line (the source copied) scores 0, a missing term lowers its line.
    hyp = [vi for _, vi in pairs]
    hyp[3] = pairs[3][0]
    i = next(i for i, (en, vi) in enumerate(pairs) if en.count("United States") == 2)
    hyp[i] = hyp[i].replace("Mỹ", "đó")
    worse = score("\n".join(hyp) + "\n", source=src, entries=entries, src_lang="en", segments=True)
    assert worse["segments"][3]["estimate"] == 0.0
    assert worse["segments"][i]["estimate"] < rows[i]["estimate"]
    assert worse["estimate"]["score"] < human["estimate"]["score"]
    assert "estimate" in format_text(worse) and "not a measure" in format_text(worse)

    # Without a source: the garbled seed 000 against itself with its wrong terms put right.
    seed = sorted(seeds_dir.glob("000_*.txt"))[0].read_text(encoding="utf-8")
    from tm.qa.check import Checker

    report = Checker(entries).check(seed)
    fixed = seed.split("\n")
    nonempty = [n for n, line in enumerate(fixed) if line.strip()]
    for f in sorted(report.findings, key=lambda f: -f.start):
        if f.check == "term-deprecated":
            n = nonempty[f.segment - 1]
            fixed[n] = fixed[n][:f.start] + f.suggestion + fixed[n][f.end:]
    garbled, repaired = score(seed, entries=entries), score("\n".join(fixed), entries=entries)
    assert garbled["terms"]["deprecated"] >= 5 and repaired["terms"]["deprecated"] == 0
    assert garbled["estimate"]["score"] < repaired["estimate"]["score"]


def test_cli_json_keys_and_errors(cli, tmp_path, short):
    src, ref, hyp = short
    paths = {}
    for name, text in (("src.en", src), ("ref.vi", ref), ("hyp.vi", unicodedata.normalize("NFD", hyp))):
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    result = cli("score", paths["hyp.vi"], "--ref", paths["ref.vi"], "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"bleu", "chrf", "chrf++", "ter", "signatures"} <= set(data)
    assert not {"term_accuracy", "segments", "estimate"} & set(data)
    assert data["bleu"] == score(hyp, [ref])["bleu"]
    result = cli("score", paths["hyp.vi"], "--ref", paths["ref.vi"], "--source", paths["src.en"],
                 "--segments", "--format", "json")
    data = json.loads(result.stdout)
    assert {"bleu", "chrf", "chrf++", "ter", "signatures", "term_accuracy", "segments"} <= set(data)
    assert len(data["segments"]) == len(lines(hyp))
    result = cli("score", paths["hyp.vi"])
    assert result.exit_code == 0 and "estimate" in result.stdout
    # A reference with another line count, a missing file: exit 2 with one line.
    short = tmp_path / "short.txt"
    short.write_text("\n".join(lines(ref)[:10]) + "\n", encoding="utf-8")
    for args in (["--ref", short], ["--ref", tmp_path / "nope.txt"]):
        result = cli("score", paths["hyp.vi"], *args)
        assert result.exit_code == 2 and result.output.startswith("Error: "), result.output
