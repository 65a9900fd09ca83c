"""XLIFF in and out: files by Translate Toolkit (po2xliff), SDLXLIFF/MQXLIFF/2.1 samples built from the
documented structure (tests/data/xliff), round trips read back by Translate Toolkit, bad and hostile input."""
from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import query
from corpus.errors import InputError
from corpus.formats.segments import is_code, strip_codes
from corpus.formats.xliff import read_xliff

DATA = Path(__file__).parent / "data" / "xliff"


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def po_xliff(tmp_path, seed_paths):
    """An XLIFF written by Translate Toolkit's po2xliff: English sentences of seed 001 as sources,
    the machine-translated Vietnamese lines of seed 000 as targets, one left untranslated."""
    tool = Path(sys.executable).with_name("po2xliff")
    if not tool.exists():
        pytest.skip("Translate Toolkit's po2xliff is not installed (pip install translate-toolkit)")
    vi = [line for line in seed_paths["000"].read_text(encoding="utf-8").splitlines()[2:] if line.strip()]
    en = [line for line in seed_paths["001"].read_text(encoding="utf-8").splitlines()[2:] if line.strip()]
    rows = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', '"Language: vi\\n"', ""]
    for k, (src, tgt) in enumerate(zip(en, vi)):
        rows += [f"#: seed.txt:{k + 1}", f"msgid {_po_quote(src)}", f"msgstr {_po_quote('' if k == 5 else tgt)}", ""]
    po = tmp_path / "seed.po"
    po.write_text("\n".join(rows), encoding="utf-8")
    out = tmp_path / "seed.xlf"
    subprocess.run([str(tool), str(po), str(out)], check=True, capture_output=True)
    return out


def _tt_units(path):
    from translate.storage import xliff

    store = xliff.xlifffile.parsefile(str(path))
    return {u.xmlelement.get("id"): u for u in store.units if not u.isheader()}


def test_reads_po2xliff_units_with_their_ids(po_xliff):
    doc = read_xliff(po_xliff)
    tt = _tt_units(po_xliff)
    assert doc.source_lang == "en-US" and doc.target_lang == "vi"
    assert [s.id for s in doc.segments] == list(tt)
    for seg in doc.segments:
        assert seg.source == tt[seg.id].source
        assert (seg.target or "") == (tt[seg.id].target or "")
    assert sum(1 for s in doc.segments if not s.checkable) == 1


def _diff_lines(a: str, b: str):
    """(removed, added) lines between two texts."""
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a.splitlines(), b.splitlines(), autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a.splitlines()[i1:i2]
            added += b.splitlines()[j1:j2]
    return removed, added


def test_correct_round_trip_read_by_translate_toolkit(cli, po_xliff, tmp_path):
    fixed = tmp_path / "fixed.xlf"
    log = cli("correct", po_xliff, "--format", "json")
    assert log.exit_code == 0, log.output
    data = json.loads(log.output)
    after = {row["unit"]: row["after"] for row in data["segments"]}
    assert len(after) >= 3 and all(e["unit"] for e in data["edits"])
    assert cli("correct", po_xliff, "-o", fixed).exit_code == 0
    before_units, after_units = _tt_units(po_xliff), _tt_units(fixed)
    assert list(before_units) == list(after_units)
    for uid, unit in after_units.items():
        assert unit.source == before_units[uid].source
        assert unit.target == after.get(uid, before_units[uid].target)
        if uid in after:
            assert unit.xmlelement.find("{*}target").get("state") == "needs-review-translation"
            assert any("songngu" in n for n in unit.getnotes().splitlines())
    # every other byte as it was: only the edited targets, their units' approved flags and the notes differ
    without_notes = re.sub(r'\s*<note from="songngu"[^>]*>.*?</note>', "", fixed.read_text(encoding="utf-8"), flags=re.S)
    removed, added = _diff_lines(po_xliff.read_text(encoding="utf-8"), without_notes)
    assert removed and all("<target" in l or "<trans-unit" in l for l in removed + added)
    # the correction is stable: correcting the output again changes nothing
    again = json.loads(cli("correct", fixed, "--format", "json").output)
    assert again["edits"] == []


def test_utf16_and_crlf_kept_byte_for_byte(cli, tmp_path):
    text = (DATA / "sample21.xlf").read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    src = tmp_path / "u16.xlf"
    src.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    out = tmp_path / "out.xlf"
    assert cli("correct", src, "-o", out).exit_code == 0
    before, after = src.read_bytes().decode("utf-16-le"), out.read_bytes().decode("utf-16-le")
    assert out.read_bytes()[:2] == b"\xff\xfe" and after.count("\r\n") >= before.count("\r\n")
    removed, added = _diff_lines(before, after)
    assert all("<target>" in l or "<segment" in l for l in removed)
    assert "Thể thao và Du lịch đã cử một phái đoàn." in read_xliff(out).segments[3].target


def test_no_edits_writes_the_same_bytes(cli, tmp_path):
    src = tmp_path / "clean.xlf"
    src.write_bytes((DATA / "sample21.xlf").read_bytes().replace("Bộ Văn hoá".encode(), "Bộ Văn hóa, Thể thao và Du lịch".encode())
                    .replace(" $.".encode(), " USD.".encode()).replace("tháng Tám".encode(), "tháng 8".encode()))
    out = tmp_path / "out.xlf"
    assert cli("correct", src, "-o", out).exit_code == 0
    assert out.read_bytes() == src.read_bytes()


def test_sdlxliff_segments_by_mrk(cli, tmp_path):
    doc = read_xliff(DATA / "sample.sdlxliff")
    assert doc.format == "sdlxliff"
    assert [s.ref for s in doc.segments] == ["c6d1e4a2-1#1", "c6d1e4a2-1#2", "c6d1e4a2-2#3", "c6d1e4a2-3#4"]
    first = doc.segments[0]
    # <g id="pt1">…</g> is two placeholders around text that stays text
    assert strip_codes(first.target) == "Chủ tịch nước Trương Tấn Sang Việt nên được mời Kim Yong hội của Nam thăm Việt Nam."
    assert sum(map(is_code, first.target)) == 2
    assert [s.confirmed for s in doc.segments] == [True, True, False, False]
    fixed = tmp_path / "fixed.sdlxliff"
    assert cli("correct", DATA / "sample.sdlxliff", "-o", fixed).exit_code == 0
    text = fixed.read_text(encoding="utf-8")
    assert '<g id="pt1">Kim Yong Nam</g> thăm Việt Nam.</mrk>' in text
    assert '<sdl:seg id="1" conf="Draft"' in text and '<sdl:seg id="2" conf="ApprovedTranslation"' not in text
    assert 'tháng 7 năm 2011' in text and '18 triệu USD' in text
    assert read_xliff(fixed).segments[1].target.endswith("tháng 7 năm 2011.")
    _tt_units(fixed)  # Translate Toolkit still reads it


def test_mqxliff_status_and_codes(cli, tmp_path):
    doc = read_xliff(DATA / "sample.mqxliff")
    assert doc.format == "mqxliff"
    assert [(s.state, s.translated, s.confirmed) for s in doc.segments] == [
        ("ManuallyConfirmed", True, True), ("PartiallyEdited", True, False), ("NotStarted", False, False)]
    report = json.loads(cli("check", DATA / "sample.mqxliff", "--format", "json").output)
    by_unit = {(f["unit"], f["check"]) for f in report["findings"]}
    assert ("1", "term-deprecated") in by_unit and ("3", "untranslated") in by_unit
    # the bpt/ept pair around the deprecated term: the term inside is corrected, the codes kept as written
    fixed = tmp_path / "fixed.mqxliff"
    assert cli("correct", DATA / "sample.mqxliff", "-o", fixed).exit_code == 0
    text = fixed.read_text(encoding="utf-8")
    assert '<bpt id="1" ctype="bold">{}</bpt>Chính vụ viện<ept id="1">{}</ept>' in text
    assert 'mq:status="PartiallyEdited" mq:segmentguid="5f3c"' in text


def test_xliff21_state_substate_and_notes(cli, tmp_path):
    doc = read_xliff(DATA / "sample21.xlf")
    assert doc.format == "xliff-2.1" and [s.ref for s in doc.segments] == ["u1#s1", "u1#s2", "u2", "u3"]
    assert doc.segments[2].target is None and not doc.segments[2].translated
    fixed = tmp_path / "fixed.xlf"
    assert cli("correct", DATA / "sample21.xlf", "-o", fixed).exit_code == 0
    out = read_xliff(fixed)
    assert strip_codes(out.segments[0].target).endswith("vào tháng 8.")
    assert strip_codes(out.segments[1].target) == "Xuất khẩu trực tiếp lên tới 10,7 triệu USD."
    text = fixed.read_text(encoding="utf-8")
    assert '<segment id="s2" state="translated" subState="songngu:needs-review">' in text
    assert '<ph id="2" dataRef="d3"/> 10,7 triệu USD.' in text
    # notes go first in the unit (before originalData), as the 2.x schema orders them
    assert re.search(r'<unit id="u1">\s*<notes><note category="songngu"', text)
    checked = tmp_path / "checked.xlf"
    result = cli("check", DATA / "sample21.xlf", "--format", "xliff", "-o", checked)
    assert result.exit_code == 1
    notes = checked.read_text(encoding="utf-8")
    assert '<note category="translator">checked by the desk</note><note category="songngu" priority="3">' in notes
    assert notes.count('category="songngu"') == len(json.loads(cli("check", DATA / "sample21.xlf", "--format", "json").output)["findings"])


def test_findings_carry_unit_ids_in_every_format(cli, tmp_path):
    path = DATA / "sample.sdlxliff"
    text = cli("check", path).output
    assert "unit c6d1e4a2-1#1" in text
    found = json.loads(cli("check", path, "--format", "json").output)["findings"]
    assert found and all(f["unit"].startswith("c6d1e4a2-") for f in found)
    page = tmp_path / "r.html"
    cli("check", path, "--format", "html", "-o", page)
    assert "unit c6d1e4a2-1#1" in page.read_text(encoding="utf-8")
    notes = tmp_path / "n.sdlxliff"
    cli("check", path, "--format", "xliff", "-o", notes)
    units = _tt_units(notes)
    assert "term-deprecated" in units["c6d1e4a2-1"].getnotes()


def test_inline_codes_never_words_never_lost(cli, tmp_path):
    path = tmp_path / "codes.xlf"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file original="x" source-language="en" target-language="vi" datatype="html"><body>'
        '<trans-unit id="t1"><source>Kim Yong Nam <x id="1"/> visited in July.</source>'
        '<target state="translated">Kim Yong <x id="1"/>hội của Nam thăm vào tháng bảy<!-- c -->.</target></trans-unit>'
        '<trans-unit id="t2"><source>US$18 million <bpt id="2">&lt;b></bpt>2011<ept id="2">&lt;/b></ept></source>'
        '<target state="translated">18 triệu $ <bpt id="2">&lt;b></bpt>2011<ept id="2">&lt;/b></ept></target></trans-unit>'
        '</body></file></xliff>', encoding="utf-8")
    data = json.loads(cli("correct", path, "--format", "json").output)
    rules = {(e["unit"], e["rule"]) for e in data["edits"]}
    assert ("t1", "month-digits") in rules and ("t2", "currency-usd") in rules
    # the garbled name is split by a code: never applied across it
    assert not any(e["rule"] == "term-deprecated" for e in data["edits"])
    out = tmp_path / "out.xlf"
    cli("correct", path, "-o", out)
    text = out.read_text(encoding="utf-8")
    assert 'Kim Yong <x id="1"/>hội của Nam thăm vào tháng 7<!-- c -->.' in text
    assert '18 triệu USD <bpt id="2">&lt;b></bpt>2011<ept id="2">&lt;/b></ept>' in text


def test_import_confirmed_segments(cli, db_path, tmp_path):
    result = cli("import", "xliff", DATA / "sample.sdlxliff", DATA / "sample.mqxliff", DATA / "sample21.xlf",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [f["added"] for f in report["files"]] == [2, 1, 3]
    rows = query(db_path, "SELECT vi, en, kind, provenance, created, vi_markup FROM units ORDER BY id")
    assert len(rows) == 6 and {r[2] for r in rows} == {"parallel"}
    mq = next(r for r in rows if "Hội đồng Quản trị" in r[0])
    assert json.loads(mq[3])[0] == {"file": "sample.mqxliff", "unit": "1"}
    assert mq[4] == "2024-03-11T09:12:40Z"
    assert '<ph x="1">&lt;bpt id="1" ctype="bold"&gt;{}&lt;/bpt&gt;</ph>' in mq[5]
    tmx = tmp_path / "m.tmx"
    assert cli("export", "tmx", "-o", tmx).exit_code == 0
    assert "&lt;bpt id=&quot;1&quot;" in tmx.read_text(encoding="utf-8") or "&lt;bpt id=\"1\"" in tmx.read_text(encoding="utf-8")


BAD = {
    "truncated": ('<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
                  '<file source-language="en" target-language="vi"><body><trans-unit id="1"><source>Hi', "not well-formed"),
    "not-xliff": ('<?xml version="1.0"?><tmx version="1.4"><body/></tmx>', "not an XLIFF file"),
    "no-target-lang": ('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en">'
                       '<body><trans-unit id="1"><source>Hi</source></trans-unit></body></file></xliff>',
                       "no target language"),
    "billion-laughs": ('<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                       '<xliff version="1.2"><file source-language="en" target-language="vi"><body><trans-unit id="1">'
                       '<source>&b;</source></trans-unit></body></file></xliff>', "refused"),
    "external": ('<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 '<xliff version="2.0" srcLang="en" trgLang="vi"><file id="f"><unit id="1"><segment><source>&x;</source>'
                 '</segment></unit></file></xliff>', "refused"),
}


@pytest.mark.parametrize("case", sorted(BAD))
@pytest.mark.parametrize("command", ["check", "correct", "score", "import"])
def test_bad_input_one_line_exit_2_nothing_stored(cli, db_path, tmp_path, case, command):
    text, problem = BAD[case]
    path = tmp_path / f"{case}.xlf"
    path.write_text(text, encoding="utf-8")
    good = DATA / "sample.mqxliff"
    args = {"check": ["check", path], "correct": ["correct", path, "-o", tmp_path / "o.xlf"],
            "score": ["score", path], "import": ["import", "xliff", good, path]}[command]
    result = cli(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and problem in lines[0]
    assert not (tmp_path / "o.xlf").exists()
    assert not query(db_path, "SELECT 1 FROM units")


def test_library_error_names_line(tmp_path):
    path = tmp_path / "t.xlf"
    path.write_text(BAD["truncated"][0], encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_xliff(path)
    assert err.value.line == 1 and err.value.column


OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")


def test_omegat_reads_our_output_with_the_same_segments(cli, shared_dir, po_xliff, tmp_path):
    """OmegaT 3.6 (headless) takes our corrected XLIFF as a source file and writes its own XLIFF back:
    the same units and sources, and our corrected targets, which it read as the translations."""
    if not OMEGAT_JAR.exists() or not shutil.which("java"):
        pytest.skip("OmegaT is not installed (apt-get install -y omegat): OmegaT XLIFF interop not run")
    fixed = tmp_path / "fixed.xlf"
    assert cli("correct", po_xliff, "-o", fixed).exit_code == 0
    kit = shared_dir / "interop" / "omegat"
    proj = tmp_path / "proj"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (proj / sub).mkdir(parents=True)
    project = (kit / "omegat.project").read_text(encoding="utf-8")
    project = re.sub(r"<source_lang>[^<]*", "<source_lang>EN-US", project)
    project = re.sub(r"<target_lang>[^<]*", "<target_lang>VI", project)
    (proj / "omegat.project").write_text(project, encoding="utf-8")
    shutil.copy(fixed, proj / "source" / "job.xlf")
    run = subprocess.run(["java", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), str(proj),
                          "--mode=console-translate", f"--config-dir={tmp_path / 'cfg'}",
                          "--disable-project-locking"], capture_output=True, text=True, timeout=180)
    out = proj / "target" / "job.xlf"
    assert out.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    ours, theirs = read_xliff(fixed), read_xliff(out)
    assert [(s.id, s.source, s.target) for s in theirs.segments] == [(s.id, s.source, s.target) for s in ours.segments]


def test_score_targets_against_their_own_sources(cli):
    result = cli("score", DATA / "sample21.xlf", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # three segments have a target; the one without is not scored
    assert data["lines"] == 3 and data["terms"]["deprecated"] == 1
