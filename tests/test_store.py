"""The SQLite store: schema, transactions, unit merging, damaged files."""
import sqlite3

import pytest

from conftest import no_store
from corpus.errors import Interrupted, StoreError
from corpus.normalize import match_key
from tm import schema
from tm.store import SQLiteStore, Unit, open_store


@pytest.mark.sqlite_only("the file's journal mode and PRAGMA user_version (test_pg_store checks the server's version)")
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


def test_iter_units_by_kind_in_id_order(store):
    with store.transaction():
        store.add_units([Unit(f"câu {i}", f"sentence {i}", kind="imported" if i % 2 else "parallel")
                         for i in range(2500)])
    assert sum(1 for _ in store.iter_units("imported")) == 1250 == store.count_units("imported")
    ids = [u.id for u in store.iter_units()]
    assert ids == sorted(ids) and len(ids) == 2500 == store.max_unit_id()


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


@pytest.mark.sqlite_only("sets PRAGMA user_version (test_pg_store checks a newer schema on the server)")
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


# --- indexes the store keeps (issue 15) -------------------------------------------------------

def _word_index_dump(store) -> dict:
    """The word index as plain data: per language, each token's posting set and each unit's tokens."""
    index = store.word_index()
    vocab = {(lang, tok): eid for eid, lang, tok in store.conn.execute("SELECT id, lang, token FROM fz_vocab")}
    names = {eid: tok for (_, tok), eid in vocab.items()}
    ids = [u.id for u in store.iter_units()]  # (a server's ids skip those of a rolled-back import)
    out = {"last": index.last_id}
    for lang in ("vi", "en"):
        flat, lens = index.sequences(lang, ids)
        toks, at = [names[t] for t in flat.tolist()], 0
        seqs = {}
        for uid, n in zip(ids, lens.tolist()):
            seqs[uid], at = toks[at:at + n], at + n
        out[lang] = seqs
        out[lang + "_post"] = {tok: (index.postings(eid).tolist(), df) for (lg, tok), eid in vocab.items()
                               if lg == lang for (df,) in [index.lookup(lang, [tok])[tok][1:]]
                               if df}  # (a server's vocabulary keeps the words of a rolled-back import)
    return out


def _expected_index(store) -> dict:
    """The same, recomputed from the units themselves."""
    import re

    from tm.index import elements

    out = {"last": store.max_unit_id()}
    for lang in ("vi", "en"):
        seqs, post = {}, {}
        for u in store.iter_units():
            toks = re.findall(r"\w+", match_key(u.text(lang)))
            seqs[u.id] = toks
            for e in elements(toks):
                post.setdefault(e, []).append(u.id)
        out[lang] = seqs
        out[lang + "_post"] = {tok: (ids, len(ids)) for tok, ids in post.items()}
    return out


def _iwslt_units(iwslt, start, stop, kind="parallel"):
    return [Unit(v, e, kind=kind) for v, e in iwslt("tst2012")[start:stop] if v.strip() and e.strip()]


@pytest.mark.sqlite_only("batches and rebuilds SQLite's fz_* tables (test_pg_store checks the server's index)")
def test_word_index_follows_every_import_and_agrees_with_a_rebuild(store, iwslt, monkeypatch):
    import tm.index

    monkeypatch.setattr(tm.index, "BATCH", 97)  # several batches per import
    monkeypatch.setattr(tm.index, "MAX_CHUNKS", 3)  # and posting rows merged on the way
    monkeypatch.setattr(tm.index, "SEQ_ROW", 10)  # and several sequence rows per batch
    for start, stop in ((0, 400), (400, 405), (380, 700), (700, 701)):  # repeats merge, add nothing
        with store.transaction():
            store.add_units(_iwslt_units(iwslt, start, stop))
        assert _word_index_dump(store) == _expected_index(store)
    before = _word_index_dump(store)
    monkeypatch.setattr(tm.index, "READ_ALL_AFTER", 0)  # token sequences read all at once, not unit by unit
    store._drop_index()
    assert _word_index_dump(store) == before
    # a rebuild from the units gives the same index
    with store.transaction():
        for table in ("fz_meta", "fz_vocab", "fz_post", "fz_seq"):
            store.conn.execute(f"DELETE FROM {table}")
        tm.index.IndexWriter.backfill(store.conn)
    assert _word_index_dump(store) == before


def test_interrupted_import_leaves_the_index_as_it_was(store, iwslt):
    from tm.match import Matcher

    with store.transaction():
        store.add_units(_iwslt_units(iwslt, 0, 300))
    before = _word_index_dump(store)
    new = _iwslt_units(iwslt, 300, 320)
    with pytest.raises(Interrupted):
        with store.transaction():
            store.add_units(new)
            raise KeyboardInterrupt
    assert _word_index_dump(store) == before
    assert Matcher(store).search(new[0].en, lang="en", min_score=100) == []
    with store.transaction():  # the same units again: indexed now, ids from where they were
        store.add_units(new)
    assert _word_index_dump(store) == _expected_index(store)
    assert Matcher(store).search(new[0].en, lang="en", min_score=100)[0].unit.en == new[0].en


def _glossary_keys(store) -> tuple:
    forms = sorted(store.conn.execute(
        "SELECT entry_id, lang, pos, form, status, exact, norm, folded, flen, h0, h1, h2, h3, h4, h5, h6, h7 "
        "FROM gl_forms"))
    words = sorted(store.conn.execute("SELECT words, folded, entry_id FROM gl_words"))
    return forms, words


def _expected_keys(store) -> tuple:
    from glossary.lookup import form_rows

    forms, words = [], []
    for e in store.glossary_entries():
        f, w = form_rows(e)
        forms += [(e.id, *row) for row in f]
        words += [(k, flag, e.id) for k, flag in w]
    return sorted(forms), sorted(set(words))


def test_glossary_keys_follow_every_change(store):
    import dataclasses

    from glossary.model import Deprecated
    from glossary.tsv import load_bundled

    entries = load_bundled()
    with store.transaction():
        store.upsert_glossary(entries[:60], origin="bundled")
    assert _glossary_keys(store) == _expected_keys(store)
    changed = [dataclasses.replace(e, vi_variants=[e.vi + " mới"], en_deprecated=[Deprecated("Old " + e.en)])
               for e in entries[:5]]
    with store.transaction():
        counts = store.upsert_glossary(changed + entries[60:], origin="file.tsv")
    assert counts["updated"] == 5
    assert _glossary_keys(store) == _expected_keys(store)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert_glossary([dataclasses.replace(e, vi="khác") for e in entries[:3]], origin="x")
            raise RuntimeError("boom")
    assert _glossary_keys(store) == _expected_keys(store)
    assert {r[0] for r in _glossary_keys(store)[0]} == {e.id for e in entries}


@pytest.mark.sqlite_only("a store file of schema 1")
def test_a_store_of_schema_1_is_migrated_with_its_indexes(db_path, iwslt):
    """A store written before the indexes were kept at import gets them on first open."""
    from glossary.tsv import load_bundled
    from tm.match import Matcher
    from tm.store import _dumps

    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    for statement in schema.MIGRATIONS[0].split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute("PRAGMA user_version = 1")
    units = _iwslt_units(iwslt, 0, 200)
    con.executemany("INSERT INTO units (vi, en, vi_key, en_key, kind, created, changed) "
                    "VALUES (?, ?, ?, ?, 'parallel', 'now', 'now')",
                    [(u.vi, u.en, match_key(u.vi), match_key(u.en)) for u in units])
    entries = load_bundled()[:20]
    con.executemany("INSERT INTO glossary (id, type, vi, en, data, origin, created, changed) "
                    "VALUES (?, ?, ?, ?, ?, 'bundled', 'now', 'now')",
                    [(e.id, e.type, e.vi, e.en, _dumps(e.to_dict())) for e in entries])
    con.close()
    store = open_store(db_path)
    assert store.stats()["schema_version"] == schema.VERSION
    assert _word_index_dump(store) == _expected_index(store)
    assert _glossary_keys(store) == _expected_keys(store)
    assert Matcher(store).search(units[7].en, lang="en", top=1)[0].unit.vi == units[7].vi
    store.close()


# --- faults (issue 13, section 4) ----------------------------------------------------------------

def _filled(db_path, iwslt, n=300):
    from glossary.tsv import load_bundled

    store = open_store(db_path)
    with store.transaction():
        store.add_units(_iwslt_units(iwslt, 0, n))
        store.upsert_glossary(load_bundled(), origin="bundled")
    store.close()
    return store


@pytest.mark.sqlite_only("file permissions (test_pg_store checks a read-only role)")
def test_a_read_only_store_reads_without_writing(db_path, iwslt):
    from glossary.lookup import lookup
    from tm.concordance import Concordance
    from tm.match import Matcher

    _filled(db_path, iwslt)
    before = db_path.read_bytes()
    store = SQLiteStore(db_path, read_only=True)
    unit = next(store.iter_units())
    assert Matcher(store).search(unit.en, lang="en", top=1)[0].unit.id == unit.id
    word = max(unit.en.split(), key=len)
    assert Concordance(store).search(word, lang="en")[0]
    assert lookup("Bình Nhưỡng", None, store=store)[0].entry.id == "place.pyongyang"
    with pytest.raises(StoreError, match="read-only"):
        with store.transaction():
            store.add_units([Unit("Một", "One")])
    store.close()
    assert db_path.read_bytes() == before


def _damage(path):
    """Random bytes over one 4 KB page of the file: the root page of the units' table, which every
    command showing units reads."""
    import random

    con = sqlite3.connect(path)
    (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'units'").fetchone()
    (size,) = con.execute("PRAGMA page_size").fetchone()
    con.close()
    data = bytearray(path.read_bytes())
    rng = random.Random(root)
    data[(root - 1) * size:root * size] = bytes(rng.randrange(256) for _ in range(size))
    path.write_bytes(bytes(data))


@pytest.mark.sqlite_only("damages the file's bytes")
def test_a_damaged_store_is_one_line_exit_2_and_never_written(cli, db_path, iwslt, tmp_path):
    from tm.tmx import export_tmx

    _filled(db_path, iwslt, n=1500)
    tmx = tmp_path / "in.tmx"
    src = open_store(tmp_path / "src.db")
    with src.transaction():
        src.add_units(_iwslt_units(iwslt, 1500, 1520))
    export_tmx(src, tmx)
    src.close()
    _damage(db_path)
    damaged = db_path.read_bytes()
    unit_text = _iwslt_units(iwslt, 0, 1)[0].en
    word = max(unit_text.split(), key=len)  # in the memory only
    for args in (("lookup", word), ("match", unit_text),
                 ("concordance", "the"), ("export", "tmx", "-o", tmp_path / "out.tmx"),
                 ("import", "tmx", tmx)):
        res = cli(*args)
        lines = res.output.strip().splitlines()
        assert res.exit_code == 2 and len(lines) == 1, (args, res.output)
        assert str(db_path) in lines[0] and "Traceback" not in res.output, (args, res.output)
    assert db_path.read_bytes() == damaged


def test_two_imports_at_once_create_one_store_with_every_unit(tmp_path, iwslt):
    import subprocess
    import sys

    from tm.tmx import export_tmx

    files, both = [], open_store(tmp_path / "both.db")
    for i, name in enumerate(("tst2012", "tst2013")):
        src = open_store(tmp_path / f"src{i}.db")
        with src.transaction():
            src.add_units([Unit(v, e) for v, e in iwslt(name) if v.strip() and e.strip()])
        export_tmx(src, tmp_path / f"f{i}.tmx")
        with both.transaction():
            both.add_units(src.iter_units())
        files.append(tmp_path / f"f{i}.tmx")
        src.close()
    expected = both.count_units()  # the two imported one after the other
    for trial in range(3):
        db = tmp_path / f"new{trial}.db"
        procs = [subprocess.Popen([sys.executable, "-m", "cli", "--db", str(db), "import", "tmx", str(f)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for f in files]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        store = open_store(db)
        assert store.count_units() == expected > 2500
        assert _word_index_dump(store) == _expected_index(store)
        store.close()


def test_a_failed_import_leaves_no_new_store_behind(cli, db_path, tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    res = cli("import", "tmx", bad)
    assert res.exit_code == 2 and "bad.tmx" in res.output
    assert no_store(db_path) and not (tmp_path / "songngu.db-wal").exists()
    res = cli("import", "glossary", tmp_path / "missing.tsv")
    assert res.exit_code == 2 and no_store(db_path)


def test_a_store_in_a_read_only_folder_as_another_user(tmp_path, iwslt):
    """Permissions are real only for a user other than root: run the CLI as nobody."""
    import os
    import shutil
    import subprocess
    import sys

    import tempfile
    from pathlib import Path

    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0 and not setpriv:
        pytest.skip("root without setpriv: permissions cannot be tested")
    top = Path(tempfile.mkdtemp(prefix="songngu-ro-"))  # pytest's folders are private to their user
    os.chmod(top, 0o755)
    folder = top / "ro"
    folder.mkdir()
    db = folder / "tm.db"
    _filled(db, iwslt)
    unit_text = _iwslt_units(iwslt, 0, 1)[0].en
    os.chmod(db, 0o444)
    os.chmod(folder, 0o555)
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent)

    def run(*args):
        return subprocess.run(prefix + [sys.executable, "-m", "cli", "--db", str(db), *args], cwd=root,
                              capture_output=True, text=True, env={**os.environ, "HOME": "/tmp"})

    probe = run("--help")
    if probe.returncode != 0:
        pytest.skip(f"the CLI cannot run as another user here: {probe.stderr.strip()[:200]}")
    tsv = Path(root) / "glossary" / "data" / "glossary.tsv"
    try:
        for mode in (0o555, 0o777):  # a read-only folder, then a read-only file in a writable one
            os.chmod(folder, mode)
            for args in (("stats",), ("match", unit_text), ("concordance", "the"), ("lookup", "Bình Nhưỡng")):
                res = run(*args)
                assert res.returncode == 0, (oct(mode), args, res.stderr)
            res = run("import", "glossary", str(tsv), "--from", "tsv")
            lines = res.stderr.strip().splitlines()
            assert res.returncode == 2 and len(lines) == 1 and "read-only" in lines[0], res.stderr
            if mode == 0o555:
                assert not (folder / "tm.db-wal").exists() and not (folder / "tm.db-shm").exists()
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(top)


def test_a_long_running_reader_sees_units_another_process_adds(db_path):
    from tm.match import Matcher

    writer, reader = open_store(db_path), open_store(db_path)
    with writer.transaction():
        writer.add_units([Unit("Hai nước ký hiệp định.", "The two countries signed the agreement.")])
    first = reader.word_index()
    assert [m.unit.en for m in Matcher(reader).search("The two countries signed an agreement.", top=1)]
    with writer.transaction():
        writer.add_units([Unit("Bộ trưởng thăm Hà Nội.", "The minister visited Hanoi.")])
    assert reader.word_index() is not first
    hits = Matcher(reader).search("The minister visited Hanoi.", top=1, min_score=90)
    assert [m.unit.vi for m in hits] == ["Bộ trưởng thăm Hà Nội."]
    writer.close()
    reader.close()
