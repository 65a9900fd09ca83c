"""Shared fixtures: the ../shared folder (seeds, IWSLT pairs, TMX DTD), stores and the CLI runner."""
from __future__ import annotations

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


@pytest.fixture
def db_path(tmp_path) -> Path:
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
