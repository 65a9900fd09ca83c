"""Glossary import and export (`songngu import glossary`, `songngu export glossary`): every format,
round trips that change nothing, the merge report, bad rows refused with their line, TBX in
Translate Toolkit, OmegaT's plain 3-column text."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from glossary.formats import read_glossary, write_glossary
from glossary.formats.tbx import TBX3_NS
from glossary.tsv import COLUMNS, load_bundled

FORMATS = ["tsv", "omegat", "csv", "tbx", "tbx-martif"]
SUFFIX = {"tsv": "tsv", "omegat": "txt", "csv": "csv", "tbx": "tbx", "tbx-martif": "tbx"}


def glossary_of(store_path):
    from tm.store import open_store

    s = open_store(store_path)
    try:
        return sorted((e.to_dict() for e in s.glossary_entries()), key=lambda d: d["id"])
    finally:
        s.close()


def bundled_dicts():
    return sorted((e.to_dict() for e in load_bundled()), key=lambda d: d["id"])


def export(cli, tmp_path, fmt, *extra):
    out = tmp_path / f"glossary-{fmt}.{SUFFIX[fmt]}"
    result = cli("export", "glossary", "--format", fmt, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return out


def import_(cli, path, *extra):
    return cli("import", "glossary", path, "--format", "json", *extra)


@pytest.fixture
def built(cli, db_path):
    """A store with the bundled glossary (from `songngu build`)."""
    assert cli("build").exit_code == 0
    return db_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_changes_nothing(cli, built, tmp_path, fmt):
    before = glossary_of(built)
    path = export(cli, tmp_path, fmt)
    result = import_(cli, path, *(["--from", "omegat"] if fmt == "omegat" else []))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["added"], report["updated"], report["conflicts"]) == (0, 0, [])
    assert report["unchanged"] == len(before)
    assert glossary_of(built) == before


@pytest.mark.parametrize("fmt", ["tsv", "csv", "tbx", "tbx-martif"])
def test_full_formats_rebuild_the_glossary_in_an_empty_store(cli, db_path, tmp_path, fmt):
    path = export(cli, tmp_path, fmt)  # no store yet: the bundled glossary
    report = json.loads(import_(cli, path).output)
    assert report["added"] == len(load_bundled())
    assert glossary_of(db_path) == bundled_dicts()


def test_tsv_export_is_the_bundled_file(cli, tmp_path):
    from importlib import resources

    path = export(cli, tmp_path, "tsv")
    bundled = resources.files("glossary").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == bundled


@pytest.mark.parametrize("direction, src, tgt", [("en-vi", "en", "vi"), ("vi-en", "vi", "en")])
def test_omegat_is_three_plain_columns_without_deprecated_terms(cli, tmp_path, direction, src, tgt):
    path = export(cli, tmp_path, "omegat", "--direction", direction)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    rows = [line.split("\t") for line in raw.decode("utf-8").splitlines() if not line.startswith("#")]
    entries = load_bundled()
    assert len(rows) == sum(1 + len(e.variants(src)) - len(e.templates(src)) for e in entries)
    deprecated = {d.form for e in entries for lang in ("vi", "en") for d in e.deprecated(lang)}
    for row in rows:
        assert len(row) == 3, row
        assert row[0] and row[1]
        assert not any(c.startswith('"') and c.endswith('"') for c in row), row
        assert row[0] not in deprecated and row[1] not in deprecated
    pairs = {(r[0], r[1]) for r in rows}
    assert ("Pyongyang" if src == "en" else "Bình Nhưỡng", "Bình Nhưỡng" if src == "en" else "Pyongyang") in pairs
    if src == "en":
        assert ("North Korea", "Cộng hòa Dân chủ Nhân dân Triều Tiên") in pairs
        assert ("Kim Yong Nam", "Kim Yong Nam") in pairs  # admitted English spelling -> Vietnamese term


def test_martif_parses_in_translate_toolkit(cli, tmp_path):
    tbx = pytest.importorskip("translate.storage.tbx", reason="translate-toolkit is a test dependency")
    path = export(cli, tmp_path, "tbx-martif")
    store = tbx.tbxfile.parsefile(str(path))
    entries = {e.id: e for e in load_bundled()}
    units = {u.getid(): u for u in store.units}
    assert set(units) == set(entries)
    for eid, e in entries.items():
        assert (units[eid].source, units[eid].target) == (e.vi, e.en)
    assert units["place.pyongyang"].source == "Bình Nhưỡng"


def test_tbx_v3_is_tbx_basic_with_administrative_status(cli, tmp_path):
    path = export(cli, tmp_path, "tbx")
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{TBX3_NS}}}tbx" and root.get("type") == "TBX-Basic"
    ns = {"t": TBX3_NS}
    concepts = root.findall(".//t:conceptEntry", ns)
    assert len(concepts) == len(load_bundled())
    statuses = [n.text for n in root.iterfind(".//t:termSec/t:termNote[@type='administrativeStatus']", ns)]
    assert len(statuses) == len(root.findall(".//t:termSec", ns))
    assert set(statuses) == {"preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"}
    kim = root.find(".//t:conceptEntry[@id='person.kim-yong-nam']", ns)
    garble = [s for s in kim.iterfind(".//t:termSec", ns) if s.findtext("t:term", namespaces=ns) ==
              "Kim Yong hội của Nam"][0]
    assert garble.findtext("t:termNote", namespaces=ns) == "deprecatedTerm-admn-sts"
    assert "seed 000" in garble.findtext("t:note", namespaces=ns)


def _tsv(rows) -> str:
    return "\n".join(["\t".join(COLUMNS)] + ["\t".join(r) for r in rows]) + "\n"


def _row(eid, etype, vi, en, **cells):
    values = dict.fromkeys(COLUMNS, "")
    values.update(id=eid, type=etype, vi=vi, en=en, **cells)
    return [values[c] for c in COLUMNS]


def test_import_reports_added_updated_conflicting(cli, built, tmp_path):
    path = tmp_path / "update.tsv"
    path.write_text(_tsv([
        _row("place.kaesong", "place", "Khai Thành", "Kaesong", source="test"),
        _row("place.pyongyang", "place", "Bình Nhưỡng", "Pyongyang", en_variants="P'yŏngyang",
             note="Capital of the DPRK.", source="test"),
        _row("place.north-korea", "place", "Bắc Triều Tiên", "North Korea", source="test"),
    ]), encoding="utf-8")
    result = cli("import", "glossary", path)
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated" in result.output and "1 conflicting" in result.output
    assert "conflict: line 4:" in result.output and "place.dprk" in result.output
    after = {d["id"]: d for d in glossary_of(built)}
    assert after["place.pyongyang"]["en_variants"] == ["P'yŏngyang"]
    assert after["place.kaesong"]["vi"] == "Khai Thành"
    assert "place.north-korea" not in after
    looked_up = json.loads(cli("lookup", "khai thanh", "--format", "json").output)["entries"]
    assert [(e["en"], e["match"]) for e in looked_up] == [("Kaesong", "folded")]


def test_omegat_rows_join_the_entry_of_their_terms(cli, built, tmp_path):
    path = tmp_path / "project-glossary.txt"
    path.write_text("# from a translator\nPyongyang City\tBình Nhưỡng\t\nKaesong\tKhai Thành\tcity\n",
                    encoding="utf-8")
    report = json.loads(import_(cli, path).output)
    assert (report["added"], report["updated"]) == (1, 1)
    after = {d["id"]: d for d in glossary_of(built)}
    assert "Pyongyang City" in after["place.pyongyang"]["en_variants"]
    (new_id,) = report["added_ids"]
    assert after[new_id]["en"] == "Kaesong" and after[new_id]["note"] == "city"


BAD_FILES = {
    "bad.tsv": (_tsv([_row("place.kaesong", "place", "Khai Thành", "Kaesong"),
                      _row("place.sinuiju", "place", "Tân Nghĩa Châu", "Sinuiju"),
                      _row("place.wonsan", "city", "Nguyên Sơn", "Wonsan")]), 4, "unknown type"),
    "bad.csv": ("id,vi,en,note\nplace.kaesong,Khai Thành,Kaesong,\"a note\non two lines\"\n"
                "place.sinuiju,Tân Nghĩa Châu,Sinuiju,\nplace.wonsan,,Wonsan,\n", 5, "empty preferred vi"),
    "bad.txt": ("Kaesong\tKhai Thành\tcity\nSinuiju\tTân Nghĩa Châu\nWonsan Nguyên Sơn\n", 3, "columns"),
    "bad.tbx": ('<?xml version="1.0"?>\n<martif type="TBX-Basic"><text><body>\n'
                '<termEntry id="place.kaesong"><langSet xml:lang="vi"><tig><term>Khai Thành</term></tig></langSet>'
                '<langSet xml:lang="en"><tig><term>Kaesong</term></tig></langSet></termEntry>\n'
                '<termEntry id="place.wonsan"><langSet xml:lang="vi"><tig><term>Nguyên Sơn</term></tig>'
                '</langSet></termEntry>\n</body></text></martif>\n', 4, "no English term"),
    "entity.tbx": ('<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'
                   '<martif type="TBX-Basic"><text><body>\n<termEntry id="place.x"><langSet xml:lang="vi"><tig>'
                   '<term>&xxe;</term></tig></langSet><langSet xml:lang="en"><tig><term>X</term></tig></langSet>'
                   '</termEntry>\n</body></text></martif>\n', 2, "the DOCTYPE declares entities"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_row_is_reported_with_its_line_and_nothing_is_imported(cli, built, tmp_path, name):
    text, line, problem = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = glossary_of(built)
    result = cli("import", "glossary", path)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}:{line}: ") and problem in result.output
    assert result.output.count("\n") == 1
    assert glossary_of(built) == before


def test_read_and_write_agree_on_every_format(tmp_path):
    entries = load_bundled()
    for fmt in ("tsv", "csv", "tbx", "tbx-martif"):
        path = tmp_path / f"g.{SUFFIX[fmt]}"
        path.write_text(write_glossary(entries, fmt), encoding="utf-8")
        parsed = read_glossary(path)
        assert [e.to_dict() for e in parsed.entries] == [e.to_dict() for e in entries], fmt
        assert all(isinstance(n, int) for n in parsed.lines)
