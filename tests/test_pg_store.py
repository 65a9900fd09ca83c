"""The PostgreSQL store (tm/pg_store.py) against the SQLite one: same matches, copies both ways,
concurrent writers, roles and connection errors. Needs a PostgreSQL server (see conftest.pg_server:
a throwaway cluster is started when the binaries are installed); skips with the reason otherwise."""
from __future__ import annotations

import hashlib
import threading
import uuid

import pytest

from corpus.errors import StoreError
from tm.store import Unit, open_store

pytestmark = pytest.mark.usefixtures("pg_server")


def _units(pairs, tag):
    return [Unit(vi=vi, en=en, kind="imported", provenance=[{"file": tag, "line": i}])
            for i, (vi, en) in enumerate(pairs) if vi.strip() and en.strip()]


@pytest.fixture
def both(tmp_path, pg_url, iwslt):
    """A SQLite and a PostgreSQL store holding the same IWSLT tst2012 units."""
    units = _units(iwslt("tst2012"), "tst2012")
    stores = [open_store(tmp_path / "s.db"), open_store(pg_url)]
    for store in stores:
        with store.transaction():
            store.add_units(units)
    yield stores
    for store in stores:
        store.close()


def _queries(iwslt):
    """Queries not in the memory (tst2013) and edited memory sentences (a word dropped)."""
    out = []
    for vi, en in iwslt("tst2013")[:60:3]:
        out += [(vi, "vi"), (en, "en")]
    for vi, en in iwslt("tst2012")[5:400:20]:
        out += [(" ".join(vi.split()[1:]), "vi"), (" ".join(en.split()[:-1]), "en")]
    return [(q, lang) for q, lang in out if len(q.split()) >= 3]


def test_match_same_scores_and_top_results(both, iwslt):
    from tm.match import Matcher

    sq, pg = (Matcher(s) for s in both)
    compared = 0
    for query, lang in _queries(iwslt):
        a = [(round(m.score, 9), m.unit.id, m.unit.vi, m.unit.en) for m in sq.search(query, lang=lang, top=5, min_score=40)]
        b = [(round(m.score, 9), m.unit.id, m.unit.vi, m.unit.en) for m in pg.search(query, lang=lang, top=5, min_score=40)]
        assert a == b, query
        compared += bool(a)
    assert compared >= 20  # most queries find something


def test_concordance_and_examples_agree(both, iwslt):
    from tm.concordance import Concordance

    for phrase, lang in [("thế giới", "vi"), ("the world", "en"), ("going to", "en"), ("khi tôi", "vi")]:
        a, b = (Concordance(s).search(phrase, lang=lang, limit=15) for s in both)
        assert [h.to_dict() for h in a[0]] == [h.to_dict() for h in b[0]] and a[0] and a[1] == b[1], phrase
        assert [u.id for u in both[0].units_containing(phrase, lang)] == \
               [u.id for u in both[1].units_containing(phrase, lang)]


def test_guess_lang_and_stats_agree(both):
    for text in ["the world is changing", "the gioi dang thay doi", "Hà Nội"]:
        assert both[0].word_index().guess_lang(text) == both[1].word_index().guess_lang(text)
    a, b = (dict(s.stats()) for s in both)
    for d in (a, b):
        d.pop("schema_version"), d.pop("backend", None)
    assert a == b and a["units"] > 1400
