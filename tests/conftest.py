"""Shared fixtures: the ../shared folder (seeds, IWSLT pairs, TMX DTD), stores and the CLI runner."""
from __future__ import annotations

import contextlib
import html
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SONGNGU_SHARED", ROOT.parent / "shared"))
EXAMPLES = ROOT / "corpus" / "examples"
IWSLT = SHARED / "data" / "iwslt15-en-vi"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder; tests that need it skip (with the reason) when it is missing."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is missing ({SHARED}): seeds, IWSLT data and the TMX DTD live there")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir) -> Path:
    return shared_dir / "seeds"


@pytest.fixture(scope="session")
def seed_paths() -> dict:
    """The bundled example corpus (the three seeds), keyed '000', '001', '002'."""
    return {p.name[:3]: p for p in sorted(EXAMPLES.glob("0*.txt"))}


def _read_iwslt(name: str, lang: str) -> list[str]:
    with open(IWSLT / f"{name}.{lang}", encoding="utf-8") as fh:
        return [html.unescape(line.rstrip("\n")) for line in fh]


@pytest.fixture(scope="session")
def iwslt(shared_dir):
    """Function ``(name) -> list[(vi, en)]`` for tst2012 / tst2013, entities unescaped."""
    if not IWSLT.is_dir():
        pytest.skip(f"IWSLT data missing at {IWSLT}")
    cache = {}

    def pairs(name: str = "tst2012"):
        if name not in cache:
            cache[name] = list(zip(_read_iwslt(name, "vi"), _read_iwslt(name, "en")))
        return cache[name]

    return pairs


# --- backends: SONGNGU_TEST_DB=postgres runs the store fixtures on PostgreSQL -------------------
BACKEND = os.environ.get("SONGNGU_TEST_DB", "sqlite")


def pytest_collection_modifyitems(config, items):
    if BACKEND == "postgres":
        for item in items:
            mark = item.get_closest_marker("sqlite_only")
            if mark:
                item.add_marker(pytest.mark.skip(reason=f"SQLite-specific: {mark.args[0]}"))


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about the SQLite file store")


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server: $SONGNGU_TEST_PG (a URL of a database we may create schemas in), else a
    throwaway cluster started here (tests/pgserver.py); skips with the reason when there is none."""
    url = os.environ.get("SONGNGU_TEST_PG")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -c constraints.txt -e '.[test]')")
    if url:
        yield url, None
        return
    import pgserver

    try:
        server = pgserver.start()
    except RuntimeError as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield server.url, server
    server.stop()


@pytest.fixture
def pg_url(pg_server, request):
    """URL of a new empty store on the server (a schema of its own, dropped afterwards)."""
    import uuid

    import psycopg

    base = pg_server[0]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def db_path(tmp_path, request):
    """The test's store: a file, or (SONGNGU_TEST_DB=postgres) the URL of a new PostgreSQL store."""
    if BACKEND == "postgres":
        return request.getfixturevalue("pg_url")
    return tmp_path / "songngu.db"


@pytest.fixture
def store(db_path):
    from tm.store import open_store

    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture
def cli(db_path):
    """Function ``(*args, input=None) -> click Result`` running songngu on a temporary store."""
    from cli import main

    runner = CliRunner()

    def run(*args, input=None, db=True):
        argv = (["--db", str(db_path)] if db else []) + [str(a) for a in args]
        return runner.invoke(main, argv, input=input, catch_exceptions=False)

    return run


def query(db, sql: str, params=()) -> list[tuple]:
    """Rows of a read-only SQL query on the test store *db* (a file or a PostgreSQL URL); [] when
    there is no store there yet. For tests that look at the stored rows themselves."""
    if str(db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as conn:
            if conn.execute("SELECT to_regclass('units') IS NULL").fetchone()[0]:
                return []
            return [tuple(r) for r in conn.execute(sql.replace("?", "%s"), params or None).fetchall()]
    import sqlite3

    if not Path(db).exists():
        return []
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def no_store(db) -> bool:
    """Whether nothing is stored at *db*: no file, or (a server's store) no document, unit or term."""
    if str(db).startswith("postgresql://"):
        return not any(query(db, f"SELECT 1 FROM {t} LIMIT 1") for t in ("units", "glossary", "documents"))
    return not Path(db).exists()


def copy_into(src, db) -> None:
    """Copy the store file *src* to *db* (a file, or an empty PostgreSQL store: `songngu copy`)."""
    from tm.store import open_store

    if str(db).startswith("postgresql://"):
        from tm.copy import copy_store

        with contextlib.closing(open_store(src)) as a, contextlib.closing(open_store(db)) as b:
            copy_store(a, b)
        return
    with contextlib.closing(open_store(src)) as a:
        a.conn.execute(f"VACUUM INTO '{db}'")
