"""Glossary import and export (`songngu import glossary`, `songngu export glossary`): every format,
round trips that change nothing, the merge report, bad rows refused with their line, TBX in
Translate Toolkit, OmegaT's plain 3-column text."""
from __future__ import annotations

import json
from pathlib import Path

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
    path = export(cli, tmp_path, fmt, "--bundled")  # no store yet: the bundled glossary, asked for
    report = json.loads(import_(cli, path).output)
    assert report["added"] == len(load_bundled())
    assert glossary_of(db_path) == bundled_dicts()


def test_tsv_export_is_the_bundled_file(cli, tmp_path):
    from importlib import resources

    path = export(cli, tmp_path, "tsv", "--bundled")
    bundled = resources.files("glossary").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == bundled


@pytest.mark.parametrize("direction, src, tgt", [("en-vi", "en", "vi"), ("vi-en", "vi", "en")])
def test_omegat_is_three_plain_columns_without_deprecated_terms(cli, tmp_path, direction, src, tgt):
    path = export(cli, tmp_path, "omegat", "--direction", direction, "--bundled")
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
    path = export(cli, tmp_path, "tbx-martif", "--bundled")
    store = tbx.tbxfile.parsefile(str(path))
    entries = {e.id: e for e in load_bundled()}
    units = {u.getid(): u for u in store.units}
    assert set(units) == set(entries)
    for eid, e in entries.items():
        assert (units[eid].source, units[eid].target) == (e.vi, e.en)
    assert units["place.pyongyang"].source == "Bình Nhưỡng"


def test_tbx_v3_is_tbx_basic_with_administrative_status(cli, tmp_path):
    path = export(cli, tmp_path, "tbx", "--bundled")
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
                '</langSet></termEntry>\n</body></text></martif>\n', 4, "no English term"),  # with --strict
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
    result = cli("import", "glossary", path, *(["--strict"] if name == "bad.tbx" else []))
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


# --- other tools' glossaries (tests/data/peers, see its README) ----------------------------------------------
PEERS = Path(__file__).parent / "data" / "peers"
PEER_TBX = sorted(PEERS.glob("*/*.tbx"))
KEPT = ("descrip", "admin", "termNote", "note", "transac", "date", "xref", "ref")


def _local(el):
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _values(concept):
    """Every term and data-category text of a TBX concept, whitespace folded (as TBX readers do)."""
    out = []
    for el in concept.iter():
        text = " ".join("".join(el.itertext()).split()) if _local(el) in KEPT + ("term",) else ""
        if text:
            out.append(text)
    return out


def _entry_values(entry) -> str:
    return json.dumps(entry.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("path", PEER_TBX, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_peer_tbx_keeps_every_term_and_data_category(cli, tmp_path, path):
    from glossary.formats.tbx import parse_tbx

    entries, lines, skipped = parse_tbx(path.read_bytes(), str(path))
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    concepts = [c for c in root.iter() if _local(c) in ("conceptEntry", "termEntry")]
    skipped_lines = {line for line, why in skipped if why.endswith("concept skipped")}
    kept = [c for c in concepts if c.sourceline not in skipped_lines]
    assert len(entries) == len(kept) and lines == [c.sourceline for c in kept]
    # every term and every data category with text is somewhere in its entry (status notes aside)
    for concept, entry in zip(kept, entries):
        held = _entry_values(entry)
        for value in _values(concept):
            if "admn-sts" in value or value in ("preferredTerm", "admittedTerm", "deprecatedTerm"):
                continue
            assert json.dumps(value, ensure_ascii=False)[1:-1] in held, (path.name, value)
    # written as TBX (both layouts) and read back: the same entries
    for fmt in ("tbx", "tbx-martif"):
        out = tmp_path / f"{fmt}.tbx"
        out.write_text(write_glossary(entries, fmt), encoding="utf-8")
        assert [e.to_dict() for e in read_glossary(out).entries] == [e.to_dict() for e in entries], fmt
    # the command line imports the rest and reports every skipped item with its reason
    result = cli("import", "glossary", path)
    assert result.exit_code == 0, result.output
    assert f"{len(skipped)} skipped" in result.output
    assert result.output.count("  skipped: ") == len(skipped)


def test_tbx_in_windows_1254_is_read_as_declared(tmp_path):
    parsed = read_glossary(PEERS / "okapi" / "test02_win1254.tbx")
    (entry,) = parsed.entries
    assert any(c in entry.vi for c in "ğüşıöçĞÜŞİÖÇ"), entry.vi


def test_tbx_problems_are_reported_per_concept_and_the_rest_imported(cli, tmp_path):
    body = "".join(f'<termEntry id="c{i}"><langSet xml:lang="vi"><tig><term>Hòa bình {i}</term></tig></langSet>'
                   f'<langSet xml:lang="en"><tig><term>Peace {i}</term></tig></langSet></termEntry>\n'
                   for i in range(5))
    body += ('<termEntry id="empty"><langSet xml:lang="vi"><tig><term/></tig><tig><term>Chiến tranh</term></tig>'
             '</langSet><langSet xml:lang="en"><tig><term>War</term></tig></langSet></termEntry>\n'
             '<termEntry id="old"><langSet xml:lang="vi"><tig><term>Xiêm</term><termNote type="administrativeStatus">'
             'obsolete</termNote></tig></langSet><langSet xml:lang="en"><tig><term>Siam</term></tig></langSet>'
             '</termEntry>\n')
    path = tmp_path / "mixed.tbx"
    path.write_text(f'<?xml version="1.0"?>\n<martif type="TBX"><text><body>\n{body}</body></text></martif>\n',
                    encoding="utf-8")
    result = cli("import", "glossary", path, "--format", "json")
    report = json.loads(result.output)
    assert report["added"] == 6
    assert [(s["line"], s["why"]) for s in report["skipped"]] == [
        (8, "concept 'empty': empty <term/> in the vi section skipped"),
        (9, "concept 'old': no Vietnamese term (only deprecated ones), concept skipped")]
    strict = cli("import", "glossary", path, "--strict")
    assert strict.exit_code == 2 and f"{path}:8:" in strict.output and "empty <term/>" in strict.output


def test_omegat_homonyms_are_both_kept_and_exported(cli, tmp_path):
    path = tmp_path / "bank.txt"
    path.write_text("bank\tngân hàng\tfinance\nbank\tbờ sông\triver\nriver bank\tbờ sông\t\n", encoding="utf-8")
    report = json.loads(cli("import", "glossary", path, "--format", "json").output)
    assert report["added"] == 2
    out = tmp_path / "out.txt"
    assert cli("export", "glossary", "--format", "omegat", "-o", out).exit_code == 0
    rows = {tuple(line.split("\t")[:2]) for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert rows == {("bank", "ngân hàng"), ("bank", "bờ sông"), ("river bank", "bờ sông")}


def test_a_japanese_or_korean_column_is_never_stored_as_vietnamese(cli, tmp_path):
    japanese = cli("import", "glossary", PEERS / "omegat" / "glossary_project.txt")
    assert japanese.exit_code == 2 and japanese.output.count("\n") == 1
    assert "nothing to import" in japanese.output and "Chinese (Han) script, not Latin" in japanese.output
    mixed = cli("import", "glossary", PEERS / "omegat" / "test.tab")
    assert mixed.exit_code == 0 and "2 added" in mixed.output and "2 skipped" in mixed.output
    assert "line 3: English term '地球システム' is in Japanese (Katakana) script" in mixed.output
    assert "line 4: English term '손가락' is in Korean (Hangul) script" in mixed.output
    strict = cli("import", "glossary", PEERS / "omegat" / "test.tab", "--strict")
    assert strict.exit_code == 2 and "test.tab:3:" in strict.output


def test_omegat_utf16_glossary_is_read(tmp_path):
    parsed = read_glossary(PEERS / "omegat" / "glossary_UTF16LE.txt")
    assert len(parsed.entries) == 2 and not parsed.skipped


def test_tsv_with_some_columns_and_plain_two_column_files(cli, tmp_path):
    some = tmp_path / "some.tsv"
    some.write_text("en\tvi\tnote\tdefinition\nPeace talks\tĐàm phán hòa bình\tnews\tTalks to end a war\n",
                    encoding="utf-8")
    report = json.loads(cli("import", "glossary", some, "--format", "json").output)
    assert report["added"] == 1
    plain = tmp_path / "plain.tsv"
    plain.write_text("Bộ Ngoại giao\tMinistry of Foreign Affairs\nThủ tướng Chính phủ\tPrime Minister\n",
                     encoding="utf-8")
    swapped = tmp_path / "swapped.tsv"
    swapped.write_text("Ministry of Health\tBộ Y tế\nNational Assembly\tQuốc hội\n", encoding="utf-8")
    for path in (plain, swapped):
        parsed = read_glossary(path)
        assert all(not e.vi.isascii() and e.en.isascii() for e in parsed.entries), path.name
    out = tmp_path / "out.tsv"
    assert cli("export", "glossary", "-o", out).exit_code == 0
    (line,) = [ln for ln in out.read_text(encoding="utf-8").splitlines() if "Peace talks" in ln]
    assert "Talks to end a war" in line and "\tnews\t" in line


def test_csv_with_source_target_header_says_which_columns_are_expected(cli, tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("source,target\nPeace,Hòa bình\n", encoding="utf-8")
    result = cli("import", "glossary", path)
    assert result.exit_code == 2
    assert "the header (source, target) has no 'vi' and no 'en' column: a glossary CSV's header names a 'vi' " \
           "and an 'en' column" in result.output


def test_unknown_format_names_the_from_option(cli, tmp_path):
    path = tmp_path / "g.dat"
    path.write_text("Peace;Hòa bình\n", encoding="utf-8")
    result = cli("import", "glossary", path)
    assert result.exit_code == 2 and "pass --from tsv|omegat|csv|tbx" in result.output


def test_export_glossary_of_an_empty_store_is_an_error(cli, db_path, tmp_path):
    out = tmp_path / "g.tsv"
    result = cli("export", "glossary", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    from tm.store import open_store

    open_store(db_path).close()  # a store without glossary entries
    result = cli("export", "glossary", "-o", out)
    assert result.exit_code == 2 and "no glossary entries" in result.output and "--bundled" in result.output
    assert not out.exists()
    assert cli("export", "glossary", "-o", out, "--bundled").exit_code == 0 and out.exists()


@pytest.mark.parametrize("name, problem", [
    ("test.csv", "the header (kde, csv kde) has no 'vi' and no 'en' column"),  # OmegaT's headerless CSV
    ("glossary_CN_JP.txt", "1 tab-separated columns"),  # space-separated
])
def test_peer_glossaries_we_cannot_read_say_why(cli, name, problem):
    path = PEERS / "omegat" / name
    result = cli("import", "glossary", path)
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith(f"Error: {path}:") and problem in result.output


def test_tbx_labelled_utf16_with_8bit_bytes_says_what_is_wrong(cli, tmp_path):
    path = tmp_path / "label.tbx"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-16"?>\n<martif type="TBX"><text><body/></text></martif>\n')
    result = cli("import", "glossary", path)
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert 'says encoding="UTF-16" but the bytes are 8-bit' in result.output
