"""`songngu build`: bundled corpus, idempotence, bad input and interruption leave the store as it was."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.errors import Interrupted
from tm.build import build, bundled_corpus
from tm.store import store_exists


def _stats(cli):
    result = cli("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_bundled_corpus_is_the_three_seeds(seed_paths):
    assert [p.name for p in bundled_corpus()] == [p.name for p in seed_paths.values()]


def test_build_bundled_corpus_and_rebuild_is_idempotent(cli):
    first = cli("build")
    assert first.exit_code == 0, first.output
    assert "documents: 3 read, 3 new" in first.output
    stats = _stats(cli)
    assert stats["documents"] == 3
    assert stats["segments"] >= 40
    assert stats["terms"] >= 50
    assert stats["units_by_kind"]["comparable"] == stats["units"] > 0
    second = cli("build")
    assert second.exit_code == 0, second.output
    assert "3 read, 0 new" in second.output
    assert _stats(cli) == stats


def test_build_stores_sentences_with_their_language(store):
    build(store)
    langs = dict(store.conn.execute("SELECT name, lang FROM documents"))
    assert sorted(langs.values()) == ["en", "en", "vi"]
    rows = store.conn.execute(
        "SELECT s.text FROM sentences s JOIN documents d ON d.id = s.doc_id "
        "WHERE d.name LIKE '000%' ORDER BY s.idx").fetchall()
    assert rows[1][0].startswith("Chủ tịch nước Trương Tấn Sang")


def test_missing_file_is_one_line_exit_2_store_unchanged(cli, tmp_path):
    assert cli("build").exit_code == 0
    before = _stats(cli)
    result = cli("build", tmp_path / "no" / "such.txt")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "such.txt" in result.output and "no such file" in result.output
    assert _stats(cli) == before


def test_binary_file_is_refused_store_unchanged(cli, tmp_path):
    assert cli("build").exit_code == 0
    before = _stats(cli)
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04")
    result = cli("build", binary)
    assert result.exit_code == 2
    assert "photo.txt" in result.output and "byte" in result.output
    assert result.output.strip().count("\n") == 0
    assert _stats(cli) == before


def test_build_interrupted_half_way_leaves_store_unchanged(store):
    build(store, [bundled_corpus()[0]])
    before = store.stats()
    seen = []

    def interrupt(done, total, stage):
        seen.append(stage)
        if stage == "aligning":
            raise KeyboardInterrupt

    with pytest.raises(Interrupted):
        build(store, None, progress=interrupt)
    assert "aligning" in seen
    assert store.stats() == before


def test_build_reads_a_folder_and_reports_json(cli, tmp_path, seed_paths):
    folder = tmp_path / "docs"
    folder.mkdir()
    for p in seed_paths.values():
        shutil.copy(p, folder / p.name)
    result = cli("build", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert len(report["documents"]) == 3
    assert {(p["vi"][:3], p["en"][:3]) for p in report["pairs"]} == {("000", "001"), ("000", "002")}


def test_empty_folder_is_an_error(cli, tmp_path):
    result = cli("build", tmp_path)
    assert result.exit_code == 2 and "no .txt or .md files" in result.output


def test_installed_console_script_builds_in_an_empty_folder(tmp_path):
    """`pip install .` then `songngu build` where there is nothing: package data must be installed."""
    script = Path(sys.executable).with_name("songngu")
    if not script.exists():
        pytest.skip("songngu is not installed in this Python environment (pip install .)")
    env = {k: v for k, v in os.environ.items() if k != "SONGNGU_DB"}
    env["PYTHONPATH"] = ""
    first = subprocess.run([str(script), "build"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    stats = subprocess.run([str(script), "stats", "--format", "json"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert json.loads(stats.stdout)["documents"] == 3
    assert (tmp_path / "songngu.db").exists()


def test_empty_file_is_refused_and_nothing_stored(cli, tmp_path, db_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = cli("build", empty)
    assert res.exit_code == 2
    [line] = [x for x in res.stderr.splitlines() if x.startswith("Error:")]
    assert str(empty) in line and "no text" in line
    if store_exists(db_path):  # an empty store may be left (the store-creation fault is another issue's)
        assert json.loads(cli("stats", "--format", "json").stdout)["documents"] == 0


def test_empty_file_in_a_folder_is_skipped_with_a_warning(cli, tmp_path, seed_paths):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "blank.txt").write_text("\n\n", encoding="utf-8")
    (folder / "seed.vi.txt").write_bytes(seed_paths["000"].read_bytes())
    res = cli("build", folder, "--format", "json")
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    assert [d["name"] for d in report["documents"]] == ["seed.vi.txt"]
    assert any("blank.txt: skipped" in w for w in report["warnings"])


def test_every_unpaired_document_is_warned(cli, tmp_path, iwslt):
    """a.txt (English) and b.txt (Vietnamese), a real translation without numbers or names to
    share: not paired by content, and each gets a warning saying how to pair it; named by the
    rule they pair."""
    pairs = [(v, e) for v, e in iwslt("tst2012")[:12]]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("\n\n".join(e for _, e in pairs) + "\n", encoding="utf-8")
    (folder / "b.txt").write_text("\n\n".join(v for v, _ in pairs) + "\n", encoding="utf-8")
    report = json.loads(cli("build", folder, "--format", "json").stdout)
    assert report["pairs"] == []
    for name in ("a.txt", "b.txt"):
        assert any(w.startswith(f"{name}: not paired") and "NAME.vi.txt" in w for w in report["warnings"])
    (folder / "a.txt").rename(folder / "talk.en.txt")
    (folder / "b.txt").rename(folder / "talk.vi.txt")
    report = json.loads(cli("build", folder, "--format", "json").stdout)
    assert [(p["vi"], p["en"], p["mode"]) for p in report["pairs"]] == [("talk.vi.txt", "talk.en.txt", "parallel")]
    assert not any("not paired" in w for w in report["warnings"])


def test_a_named_pair_that_is_no_translation_is_stored_as_comparable(cli, tmp_path, seed_paths, iwslt):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "news.vi.txt").write_bytes(seed_paths["000"].read_bytes())
    (folder / "news.en.txt").write_text("\n\n".join(e for _, e in iwslt("tst2013")[:22]) + "\n", encoding="utf-8")
    report = json.loads(cli("build", folder, "--format", "json").stdout)
    assert [(p["vi"], p["mode"]) for p in report["pairs"]] == [("news.vi.txt", "comparable")]
    assert any("not a translation" in w for w in report["warnings"])
    kinds = json.loads(cli("stats", "--format", "json").stdout)["units_by_kind"]
    assert kinds.get("parallel", 0) == 0
