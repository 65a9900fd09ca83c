"""The PostgreSQL store (tm/pg_store.py) against the SQLite one: same matches, copies both ways,
concurrent writers, roles and connection errors. Needs a PostgreSQL server (see conftest.pg_server:
a throwaway cluster is started when the binaries are installed); skips with the reason otherwise."""
from __future__ import annotations

import contextlib
import json
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


# --- copy between backends ----------------------------------------------------------------------

def _cli(*args):
    from click.testing import CliRunner

    from cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _exports(db, folder):
    """The TMX and glossary exports of store *db* (bytes)."""
    folder.mkdir()
    out = {}
    for name, args in {"memory.tmx": ("export", "tmx", "-o"), "vi-en.tmx": ("export", "tmx", "--srclang", "vi", "-o"),
                       "glossary.tsv": ("export", "glossary", "-o"), "glossary.tbx": (
                           "export", "glossary", "--format", "tbx", "-o")}.items():
        res = _cli("--db", db, *args, folder / name)
        assert res.exit_code == 0, res.output
        out[name] = (folder / name).read_bytes()
    res = _cli("--db", db, "stats", "--format", "json")
    stats = json.loads(res.output)
    stats.pop("schema_version"), stats.pop("backend", None)
    out["stats"] = stats
    return out


def test_copy_sqlite_to_postgres_and_back_exports_the_same_bytes(tmp_path, pg_url, iwslt, seed_paths):
    from pathlib import Path

    peers = Path(__file__).parent / "data" / "peers"
    src = tmp_path / "src.db"
    assert _cli("--db", src, "build", *seed_paths.values()).exit_code == 0
    tmx = sorted(peers.glob("*/*.tmx"))
    assert _cli("--db", src, "import", "tmx", *tmx[:6]).exit_code == 0
    store = open_store(src)
    with store.transaction():
        store.add_units(_units(iwslt("tst2013")[:300], "tst2013"))
    store.close()
    before = _exports(src, tmp_path / "a")
    assert before["stats"]["units"] > 300 and before["stats"]["terms"] > 100

    res = _cli("copy", src, pg_url)
    assert res.exit_code == 0, res.output
    assert _exports(pg_url, tmp_path / "b") == before
    back = tmp_path / "back.db"
    res = _cli("copy", pg_url, back, "--format", "json")
    assert res.exit_code == 0, res.output
    assert _exports(back, tmp_path / "c") == before
    # the copy is a working store: the same matches
    from tm.match import Matcher

    with contextlib.closing(open_store(src)) as a, contextlib.closing(open_store(pg_url)) as b:
        for vi, en in iwslt("tst2013")[:40:4]:
            assert [(m.score, m.unit.id) for m in Matcher(a).search(en, lang="en")] == \
                   [(m.score, m.unit.id) for m in Matcher(b).search(en, lang="en")]
    res = _cli("copy", src, pg_url)  # not into a store that holds data
    assert res.exit_code == 2 and "not empty" in res.output and len(res.output.strip().splitlines()) == 1


# --- several writers and readers at once ----------------------------------------------------------

def _run_together(jobs):
    """Run the callables *jobs* in threads started together; returns their results (re-raises)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def _import(url, units):
    store = open_store(url)
    try:
        with store.transaction():
            return store.add_units(units)
    finally:
        store.close()


def test_four_writers_at_once_lose_nothing_and_the_index_agrees(pg_url, tmp_path, iwslt):
    from test_store import _expected_index, _word_index_dump

    units = _units(iwslt("tst2012"), "a") + _units(iwslt("tst2013"), "b")
    parts = [units[i::4] for i in range(4)]
    parts[3] = parts[3] + parts[0][:50]  # some pairs twice, from two writers at once
    _run_together([lambda p=p: _import(pg_url, p) for p in parts])
    ref = open_store(tmp_path / "ref.db")
    with ref.transaction():
        ref.add_units(units)
    with contextlib.closing(open_store(pg_url)) as store:
        assert store.count_units() == ref.count_units() > 2500
        assert _word_index_dump(store) == _expected_index(store)
        from tm.match import Matcher

        for vi, en in iwslt("tst2012")[10:200:19]:  # same scores and texts (ids differ: interleaved writers)
            a = [(m.score, m.unit.en) for m in Matcher(ref).search(en, lang="en", top=3)]
            b = [(m.score, m.unit.en) for m in Matcher(store).search(en, lang="en", top=3)]
            assert [s for s, _ in a] == [s for s, _ in b] and a[0] == b[0]
    ref.close()


def test_the_same_file_imported_twice_at_once_is_stored_once(pg_url, tmp_path, iwslt):
    from tm.tmx import export_tmx, import_tmx

    ref = open_store(tmp_path / "ref.db")
    with ref.transaction():
        ref.add_units(_units(iwslt("tst2012")[:800], "x"))
    export_tmx(ref, tmp_path / "m.tmx")
    fresh = open_store(tmp_path / "once.db")
    once = import_tmx(fresh, [tmp_path / "m.tmx"])
    _run_together([lambda: import_tmx(open_store(pg_url), [tmp_path / "m.tmx"]) for _ in range(2)])
    with contextlib.closing(open_store(pg_url)) as store:
        assert store.count_units() == fresh.count_units() == ref.count_units()
        assert store.count_tmx_units() == fresh.count_tmx_units() and once
        assert store.count_tmx_units(own=False) == 0


def test_a_glossary_entry_changed_by_two_people_at_once_is_a_conflict(pg_url):
    from glossary.tsv import load_bundled

    entry = load_bundled()[0]
    first, second = open_store(pg_url), open_store(pg_url)
    with first.transaction():
        first.upsert_glossary([entry], origin="bundled")
    mine = type(entry).from_dict({**entry.to_dict(), "note": "mine"})
    theirs = type(entry).from_dict({**entry.to_dict(), "note": "theirs"})
    errors = []

    def other():
        try:
            with second.transaction():
                second.upsert_glossary([theirs], origin="editor B")
        except StoreError as exc:
            errors.append(str(exc))

    with first.transaction():
        first.upsert_glossary([mine], origin="editor A")
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive()  # B read version 1 and waits for A's row
    thread.join(30)
    assert len(errors) == 1 and "changed by someone else" in errors[0] and entry.id in errors[0]
    assert first.glossary_entries([entry.id])[0].to_dict() == mine.to_dict()
    with second.transaction():  # run again: B now applies over A's version
        second.upsert_glossary([theirs], origin="editor B")
    assert first.glossary_entries([entry.id])[0].to_dict() == theirs.to_dict()
    first.close(), second.close()


def test_readers_are_not_blocked_by_an_open_import(pg_url, iwslt):
    from tm.match import Matcher

    units = _units(iwslt("tst2012"), "a")
    _import(pg_url, units[:500])
    writer, reader = open_store(pg_url), open_store(pg_url)
    with writer.transaction():
        added, _ = writer.add_units(units[500:])  # not committed yet
        done = _run_together([lambda: [(reader.count_units(), len(Matcher(reader).search(u.en, lang="en")),
                                        reader.stats()["units"]) for u in units[:30]]])[0]
    assert all(c == 500 and s == 500 and n >= 1 for c, n, s in done)  # the committed state, at once
    assert reader.count_units() == 500 + added
    writer.close(), reader.close()


# --- schema, roles, connection errors -------------------------------------------------------------

def _admin(pg_server):
    import psycopg

    return psycopg.connect(pg_server[0], autocommit=True)


def _with_user(url, user, password=None):
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}{':' + password if password else ''}@{host}"))


def test_migrate_and_a_newer_schema(pg_url):
    res = _cli("--db", pg_url, "migrate")
    assert res.exit_code == 0 and "schema version 1 (was 0)" in res.output
    res = _cli("--db", pg_url, "migrate")
    assert res.exit_code == 0 and "up to date" in res.output
    store = open_store(pg_url)
    store.set_meta("schema_version", "99")
    store.close()
    res = _cli("--db", pg_url, "stats")
    assert res.exit_code == 2 and "newer than this songngu" in res.output


def test_a_read_only_role_reads_everything_and_cannot_write(pg_server, pg_url, seed_paths, tmp_path):
    assert _cli("--db", pg_url, "build", *seed_paths.values()).exit_code == 0
    schema = pg_url.rsplit("%3D", 1)[1]
    role = f"ro_{uuid.uuid4().hex[:8]}"
    with _admin(pg_server) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    try:
        ro = _with_user(pg_url, role)
        draft = tmp_path / "draft.txt"
        draft.write_text("Bình Nhưỡng đã phóng tên lửa.\n", encoding="utf-8")
        for args in (["stats"], ["lookup", "Bình Nhưỡng"], ["match", "Bình Nhưỡng phóng tên lửa"],
                     ["concordance", "Bình Nhưỡng"], ["export", "tmx", "-o", tmp_path / "m.tmx"],
                     ["export", "glossary", "-o", tmp_path / "g.tsv"], ["check", draft],
                     ["terms", "extract", "--min-count", "1"]):
            res = _cli("--db", ro, *args)
            assert res.exit_code == 0, (args, res.output)
        for args in (["build", *seed_paths.values()], ["import", "glossary", tmp_path / "g.tsv"],
                     ["import", "tmx", tmp_path / "m.tmx"]):
            res = _cli("--db", ro, *args)
            assert res.exit_code == 2 and "may only read" in res.output, (args, res.output)
            assert len(res.output.strip().splitlines()) == 1
    finally:
        with _admin(pg_server) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


def test_connection_problems_are_one_line_exit_2_without_the_password(pg_server):
    import socket
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(pg_server[0])
    port = parts.port or int(parse_qs(parts.query).get("port", ["5432"])[0])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    secret = "s3cret-Pa55"
    role = f"pw_{uuid.uuid4().hex[:8]}"
    with _admin(pg_server) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right-one'")
    try:
        cases = {
            "down": f"postgresql://{role}:{secret}@127.0.0.1:{free}/songngu",
            "password": f"postgresql://{role}:{secret}@127.0.0.1:{port}/songngu",
            "database": _with_user(pg_server[0], parts.username).replace("/songngu?", "/no_such_db?"),
        }
        for why, url in cases.items():
            res = _cli("--db", url, "stats")
            lines = res.output.strip().splitlines()
            assert res.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error:"), (why, res.output)
            assert secret not in res.output and "cannot connect to PostgreSQL" in res.output, why
        assert "password authentication failed" in _cli("--db", cases["password"], "stats").output
        assert "no_such_db" in _cli("--db", cases["database"], "stats").output
    finally:
        with _admin(pg_server) as conn:
            conn.execute(f"DROP ROLE {role}")


def test_a_database_that_is_not_utf8_is_refused_with_the_reason(pg_server):
    name = f"latin_{uuid.uuid4().hex[:8]}"
    with _admin(pg_server) as conn:
        conn.execute(f"CREATE DATABASE {name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    try:
        url = pg_server[0].replace("/songngu?", f"/{name}?")
        res = _cli("--db", url, "stats")
        assert res.exit_code == 2 and "LATIN1" in res.output and "UTF-8" in res.output
    finally:
        with _admin(pg_server) as conn:
            conn.execute(f"DROP DATABASE {name}")
