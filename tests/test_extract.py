"""Term extraction (`songngu terms extract`) on a memory of the IWSLT'15 tst2012+tst2013 pairs:
precision of the top 50 against the hand-checked list tests/data/terms_iwslt_checked.tsv."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.normalize import fold, match_key
from glossary.extract import extract_terms
from glossary.tsv import load_bundled

CHECKED = Path(__file__).parent / "data" / "terms_iwslt_checked.tsv"
PRECISION_FLOOR = 0.8


def checked_pairs() -> dict:
    """``(vi key, en key) -> True/False`` from the hand-checked list."""
    out = {}
    rows = [line.split("\t") for line in CHECKED.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert rows[0][:3] == ["vi", "en", "correct"]
    for vi, en, correct, *_ in rows[1:]:
        assert correct in ("yes", "no"), (vi, en, correct)
        out[(match_key(vi), match_key(en))] = correct == "yes"
    return out


def precision(candidates) -> float:
    """Share of *candidates* the list marks correct; a pair the list does not have counts as wrong."""
    judged = checked_pairs()
    return sum(judged.get((match_key(c["vi"]), match_key(c["en"])), False) for c in candidates) / len(candidates)


@pytest.fixture(scope="module")
def iwslt_store(iwslt, tmp_path_factory):
    """A store of the line-aligned tst2012 + tst2013 pairs (kind parallel), no glossary."""
    from tm.store import Unit, open_store

    path = tmp_path_factory.mktemp("iwslt") / "iwslt.db"
    store = open_store(path)
    with store.transaction():
        for name in ("tst2012", "tst2013"):
            store.add_units(Unit(vi, en, "parallel", provenance=[{"doc": name, "line": n}])
                            for n, (vi, en) in enumerate(iwslt(name), 1) if vi.strip() and en.strip())
    store.close()
    return path


def run_extract(iwslt_store, *args):
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["--db", str(iwslt_store), "terms", "extract", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_checked_list_is_a_list_of_judged_pairs():
    judged = checked_pairs()
    assert len(judged) >= 50
    assert 0 < sum(judged.values()) < len(judged)  # both verdicts occur


@pytest.fixture(scope="module")
def top50(iwslt_store):
    return json.loads(run_extract(iwslt_store, "--format", "json", "--limit", "50"))["candidates"]


def test_precision_of_the_top_50(top50, capsys):
    candidates = top50
    assert len(candidates) == 50
    p = precision(candidates)
    with capsys.disabled():
        print(f"\nterm extraction, IWSLT tst2012+tst2013, top 50: precision {p:.2f}")
    assert p >= PRECISION_FLOOR
    for c in candidates:
        assert c["score"] > 0 and c["support"] >= 2
        assert c["support"] <= min(c["vi_count"], c["en_count"]) or c["method"] == "name"
        assert c["method"] in ("cooccurrence", "name")
    assert {"vi": "bạo lực gia đình", "en": "domestic violence"}.items() <= \
        next(c for c in candidates if c["en"] == "domestic violence").items()
    names = [c for c in candidates if c["method"] == "name"]
    assert names and all(fold(c["vi"]) == fold(c["en"]) for c in names)
    ranked = [c["score"] for c in candidates]
    assert ranked == sorted(ranked, reverse=True)


def test_tsv_output_and_min_count(iwslt_store):
    lines = run_extract(iwslt_store, "--min-count", "4", "--limit", "20").splitlines()
    assert lines[0].split("\t") == ["vi", "en", "score", "support", "vi_count", "en_count", "method"]
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == 20
    assert all(len(r) == 7 and int(r[3]) >= 4 for r in rows)


def test_what_the_glossary_has_is_left_out(iwslt, top50):
    glossary = load_bundled()
    with_glossary = extract_terms(iwslt("tst2012") + iwslt("tst2013"), glossary, min_count=2, limit=200)
    known = {(lang, match_key(f)) for e in glossary for lang in ("vi", "en")
             for f, _ in e.forms(lang, deprecated=True)}
    kept = {(c.vi, c.en) for c in with_glossary}
    for pair in [("Bắc Triều Tiên", "North Korean"), ("Hàn Quốc", "South Korea")]:
        assert pair in {(c["vi"], c["en"]) for c in top50} and pair not in kept
    for c in with_glossary:
        assert ("vi", match_key(c.vi)) not in known and ("en", match_key(c.en)) not in known, c
