"""The comparable miner on the seeds: 000 (Vietnamese, garbled machine translation) against
001 and 002 (English articles on the same events, not translations).

The pairs below were judged by reading the three texts: ``(sentence of 000, document,
sentence of that document)``, 0-based indexes of corpus.document's sentence split.
SURE pairs state the same fact; POSSIBLE pairs are on the same point with different or
partial facts: a miner keeping them is not wrong (precision counts them as correct),
one missing them is not penalised (recall counts SURE pairs only).
"""
from __future__ import annotations

import pytest

from corpus.document import load_document
from tm.align import Lexicon, align
from tm.align.comparable import THRESHOLD

SURE = {
    (4, "001", 0),    # diplomatic ties established on 31 January 1950 / "(Jan. 31, 1950)"
    (4, "002", 1),    # idem, "January 31, 1950", the DPRK among the first countries / "the 3rd country"
    (7, "002", 6),    # the five memoranda of understanding on mining (technology exchange)
    (11, "001", 18),  # every year an art troupe to the Pyongyang spring festival / "annually sends performers"
    (11, "002", 19),  # idem: the Ministry of Culture sends art delegations to the Spring Friendship Art Festival
}
POSSIBLE = {
    (5, "001", 3),    # exchanges of visits between the two countries / "regularly exchanged visits at all levels"
    (5, "002", 3),    # idem / "exchanged more than 50 delegations from ministerial to higher levels"
    (6, "002", 10),   # Viet Nam's exports to the DPRK in 2011 (18 and 10.7 million $ / US$10 million)
    (8, "001", 10),   # the intergovernmental committee on economic and technological cooperation
    (8, "002", 5),    # idem
    (10, "001", 0),   # cooperation grew since diplomatic relations were established
    (12, "001", 1),   # the traditional friendship and cooperation keep developing
}


def sentences(path):
    return [s.text for s in load_document(path).sentences()]


def mined(seed_paths, matcher=None, lexicon=None, min_score=None):
    vi = sentences(seed_paths["000"])
    found = {}
    for name in ("001", "002"):
        result = align(vi, sentences(seed_paths[name]), mode="comparable", matcher=matcher, lexicon=lexicon,
                       min_score=min_score)
        assert result.mode == "comparable"
        found.update({(b.vi[0], name, b.en[0]): b.score for b in result.pairs})
    return found


def precision_recall(found):
    good = len(set(found) & (SURE | POSSIBLE))
    return good / max(len(found), 1), len(set(found) & SURE) / len(SURE)


@pytest.fixture(scope="module")
def matcher():
    from glossary.matcher import Matcher
    from glossary.tsv import load_bundled

    return Matcher(load_bundled())


def test_judged_sentences_hold_their_facts(seed_paths):
    """The indexes point at the sentences described (a check on the split, not on the miner)."""
    vi = sentences(seed_paths["000"])
    en = {"001": sentences(seed_paths["001"]), "002": sentences(seed_paths["002"])}
    assert "31 tháng 1 năm 1950" in vi[4] and "Jan. 31, 1950" in en["001"][0] and "January 31, 1950" in en["002"][1]
    assert "5 biên bản" in vi[7] and "five memorandums" in en["002"][6]
    assert "Bình Nhưỡng" in vi[11] and "Pyongyang Spring" in en["001"][18] and "Art Festival" in en["002"][19]
    assert "18 triệu $" in vi[6] and "US$10 million in 2011" in en["002"][10]


def test_miner_with_the_bundled_glossary(seed_paths, matcher):
    found = mined(seed_paths, matcher)
    precision, recall = precision_recall(found)
    print(f"glossary: precision {precision:.2f} recall {recall:.2f}, mined {sorted(found)}")
    assert precision >= 0.75 and recall >= 0.75
    assert all(type(s) is float and THRESHOLD <= s < 1 for s in found.values())


def test_miner_with_glossary_and_memory(seed_paths, matcher, iwslt):
    """A memory (tst2012 as the user's TM) adds word links: the art troupe pair to 001 is found."""
    found = mined(seed_paths, matcher, Lexicon.from_pairs(iwslt("tst2012")))
    precision, recall = precision_recall(found)
    print(f"glossary + memory: precision {precision:.2f} recall {recall:.2f}, mined {sorted(found)}")
    assert precision >= 0.8 and recall >= 0.8


def test_miner_without_glossary(seed_paths):
    """Numbers and names alone: the default threshold keeps only judged pairs (here none);
    a lower one finds the dated and numbered facts."""
    strict = mined(seed_paths)
    found = mined(seed_paths, min_score=0.5)
    assert found and strict == {k: v for k, v in found.items() if v >= THRESHOLD}
    assert strict == {}  # every pair the facts alone support scores below the default threshold
    precision, recall = precision_recall(found)
    print(f"no glossary at 0.5: precision {precision:.2f} recall {recall:.2f}, mined {sorted(found)}")
    assert precision >= 0.6 and recall >= 0.6


def test_unrelated_texts_mine_nothing(seed_paths, iwslt):
    """000 against a TED talk: no fact in common, no pair at the default threshold."""
    talk = [e for _, e in iwslt("tst2013")[:200]]
    assert align(sentences(seed_paths["000"]), talk, mode="comparable").pairs == []


def test_build_stores_comparable_units_apart(store, seed_paths):
    from tm.build import build

    report = build(store, [seed_paths[k] for k in ("000", "001", "002")])
    assert {(p["vi"][:3], p["en"][:3], p["mode"]) for p in report.pairs} == {
        ("000", "001", "comparable"), ("000", "002", "comparable")}
    units = list(store.iter_units())
    assert units and all(u.kind == "comparable" for u in units)
    assert all(u.score is not None and u.score >= THRESHOLD for u in units)
    assert list(store.iter_units(("parallel", "imported"))) == []  # what lookups and the lexicon read
    assert store.stats()["units_by_kind"]["comparable"] == len(units)
