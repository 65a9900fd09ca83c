"""The SQLite store: schema, transactions, unit merging, damaged files."""
import sqlite3

import pytest

from corpus.errors import Interrupted, StoreError
from tm import schema
from tm.store import SQLiteStore, Unit, open_store


def test_new_store_is_wal_and_versioned(store, db_path):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.stats() == {"documents": 0, "segments": 0, "units": 0, "terms": 0,
                             "units_by_kind": {"parallel": 0, "comparable": 0, "imported": 0},
                             "schema_version": schema.VERSION}


def test_units_merge_on_normalised_keys(store):
    with store.transaction():
        added, merged = store.add_units([
            Unit("Hòa bình", "Peace", kind="comparable", score=0.4, provenance=[{"file": "a"}]),
            Unit("Hoà  bình", "peace", kind="parallel", score=0.9, provenance=[{"file": "b"}]),
        ])
    assert (added, merged) == (1, 1)
    (unit,) = list(store.iter_units())
    assert unit.vi == "Hòa bình"  # shown as first written
    assert unit.kind == "parallel" and unit.score == 0.9
    assert unit.provenance == [{"file": "a"}, {"file": "b"}]


def test_exception_rolls_back_everything(store):
    with store.transaction():
        store.add_units([Unit("Một", "One")])
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_units([Unit("Hai", "Two")])
            raise RuntimeError("boom")
    assert [u.en for u in store.iter_units()] == ["One"]


def test_ctrl_c_rolls_back_and_says_so(store):
    with pytest.raises(Interrupted, match="nothing was changed"):
        with store.transaction():
            store.add_units([Unit("Ba", "Three")])
            raise KeyboardInterrupt
    assert store.stats()["units"] == 0


def test_writes_outside_a_transaction_are_refused(store):
    with pytest.raises(RuntimeError):
        store.add_units([Unit("Bốn", "Four")])


def test_units_containing_respects_word_boundaries(store):
    with store.transaction():
        store.add_units([Unit("Việt Nam và Triều Tiên", "Vietnam and Korea"),
                         Unit("Nam Phi", "South Africa", kind="comparable")])
    assert [u.en for u in store.units_containing("nam", "vi")] == ["Vietnam and Korea", "South Africa"]
    assert store.units_containing("Viet", "vi") == []
    assert [u.en for u in store.units_containing("korea", "en")] == ["Vietnam and Korea"]


def test_iter_units_by_kind_and_after_id(store):
    with store.transaction():
        store.add_units([Unit(f"câu {i}", f"sentence {i}", kind="imported" if i % 2 else "parallel")
                         for i in range(2500)])
    assert sum(1 for _ in store.iter_units("imported")) == 1250
    assert [u.id for u in store.iter_units(after_id=2498)] == [2499, 2500]


def test_damaged_or_foreign_files_are_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01not a database at all" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        open_store(junk)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a songngu store"):
        open_store(other)


def test_newer_schema_is_refused(db_path):
    SQLiteStore(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(db_path)


def test_missing_store_when_not_creating(tmp_path):
    with pytest.raises(StoreError, match="songngu build"):
        open_store(tmp_path / "none.db", create=False)
