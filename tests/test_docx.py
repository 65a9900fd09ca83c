"""Word .docx in and out: files written by python-docx and by LibreOffice, corrections as tracked changes
(accepting them gives correct's text, rejecting them the original), a bilingual table, build on a pair,
bad input."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import query
from corpus.formats.docx import AUTHOR, W, read_docx
from corpus.formats.segments import visible

docx = pytest.importorskip("docx", reason="python-docx is not installed (pip install -e '.[test]')")

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
  <style:header><text:p>{header}</text:p></style:header></style:master-page></office:master-styles>
 <office:body><office:text>
  <text:p>{p1a}<text:span text:style-name="B">{p1b}</text:span>{p1c}<text:note text:id="n1" text:note-class="footnote">
   <text:note-citation>1</text:note-citation><text:note-body><text:p>{note}</text:p></text:note-body></text:note></text:p>
  <text:p><draw:frame draw:name="f1" text:anchor-type="paragraph" svg:width="6cm" svg:height="2cm"><draw:text-box>
   <text:p>{box}</text:p></draw:text-box></draw:frame>{p2}</text:p>
  <table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>
   <table:table-row><table:table-cell office:value-type="string"><text:p>{c1}</text:p></table:table-cell>
   <table:table-cell office:value-type="string"><text:p>{c2}</text:p></table:table-cell></table:table-row></table:table>
 </office:text></office:body></office:document>"""


def _seed_lines(seed_paths):
    return [l for l in seed_paths["000"].read_text(encoding="utf-8").splitlines()[2:] if l.strip()]


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """Function ``(files, fmt) -> out folder`` converting with one LibreOffice run per call."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(files, fmt):
        out = Path(files[0]).parent / f"lo-{fmt}"
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                        "--outdir", str(out), *map(str, files)], capture_output=True, timeout=180, check=True)
        return out

    return convert


@pytest.fixture
def python_docx_file(tmp_path, seed_paths):
    """seed 000 (machine-translated Vietnamese) written by python-docx: the garbled name in a bold run
    inside a paragraph, paragraphs, a one-column table, a header."""
    lines = _seed_lines(seed_paths)
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = lines[0]
    for line in lines[1:6]:
        if "Kim Yong hội của Nam" in line:
            head, tail = line.split("Kim Yong hội của Nam", 1)
            p = d.add_paragraph(head)
            p.add_run("Kim Yong hội của Nam").bold = True
            p.add_run(tail).italic = True
        else:
            d.add_paragraph(line)
    table = d.add_table(rows=2, cols=1)
    table.cell(0, 0).text = lines[6]
    table.cell(1, 0).text = lines[-1]
    path = tmp_path / "mt.vi.docx"
    d.save(path)
    return path


def _revisions(path, accept: bool) -> str:
    """The document's text after accepting (or rejecting) every tracked change, read from the revisions."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name in [n for n in parts if n.startswith("word/") and n.endswith(".xml")]:
        root = etree.fromstring(parts[name])
        drop, keep = (f"{{{W}}}del", f"{{{W}}}ins") if accept else (f"{{{W}}}ins", f"{{{W}}}del")
        for el in list(root.iter(drop)):
            el.getparent().remove(el)
        for el in list(root.iter(keep)):
            for t in el.iter(f"{{{W}}}delText"):
                t.tag = f"{{{W}}}t"
            parent, at = el.getparent(), el.getparent().index(el)
            for k, child in enumerate(list(el)):
                parent.insert(at + k, child)
            parent.remove(el)
        parts[name] = etree.tostring(root)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    out = Path(str(path) + (".accepted.docx" if accept else ".rejected.docx"))
    out.write_bytes(buf.getvalue())
    return visible(read_docx(out).text())


def test_reads_python_docx_in_order(python_docx_file, seed_paths):
    lines = _seed_lines(seed_paths)
    doc = read_docx(python_docx_file)
    assert doc.text().split("\n") == [lines[0]] + lines[1:6] + [lines[6], lines[-1]]


def test_correct_writes_tracked_changes(cli, python_docx_file, tmp_path):
    fixed = tmp_path / "fixed.docx"
    text = cli("correct", python_docx_file).stdout
    log = cli("correct", python_docx_file, "-o", fixed)
    assert log.exit_code == 0 and "written to" in log.output
    out_text = text.splitlines()  # the corrected paragraphs, one a line
    n = len(read_docx(python_docx_file).paragraphs)
    assert _revisions(fixed, accept=True).split("\n") == out_text and len(out_text) == n
    assert _revisions(fixed, accept=False) == visible(read_docx(python_docx_file).text())
    with zipfile.ZipFile(fixed) as z, zipfile.ZipFile(python_docx_file) as orig:
        body = etree.fromstring(z.read("word/document.xml"))
        comments = etree.fromstring(z.read("word/comments.xml"))
        changed = {i.filename for i in orig.infolist() if z.read(i.filename) != orig.read(i.filename)}
        assert "word/comments.xml" in z.namelist()
    # every other part byte for byte (the header holds an edited line too)
    assert changed <= {"word/document.xml", "word/header1.xml", "word/_rels/document.xml.rels",
                       "[Content_Types].xml"}
    dels, inss = list(body.iter(f"{{{W}}}del")), list(body.iter(f"{{{W}}}ins"))
    assert dels and len(dels) == len(inss)
    assert {e.get(f"{{{W}}}author") for e in dels + inss} == {AUTHOR}
    rules = "".join(comments.itertext())
    assert "term-deprecated" in rules
    # the name was bold: the deleted and the inserted run keep the bold
    name = next(d for d in dels if "".join(d.itertext()) == "Kim Yong hội của Nam")
    ins = name.getnext()
    assert "".join(ins.itertext()) == "Kim Yong Nam"
    assert ins.find(f".//{{{W}}}b") is not None and name.find(f".//{{{W}}}b") is not None


def test_libreoffice_document_footnote_text_box_and_revisions(cli, soffice, tmp_path, seed_paths):
    lines = _seed_lines(seed_paths)
    values = dict(header="Bản tin Bộ Văn hoá", p1a="Đây là chuyến thăm của ", p1b="Kim Yong hội của Nam",
                  p1c=" tới Việt Nam vào tháng bảy.", note="Theo Hội đồng Quản trị CHDCND Triều Tiên.",
                  box="Tổng kim ngạch đạt 18 triệu $.", p2=lines[-1], c1=lines[7], c2=lines[8])
    fodt = tmp_path / "lo.fodt"
    fodt.write_text(FODT.format(**values), encoding="utf-8")
    made = soffice([fodt], "docx") / "lo.docx"
    doc = read_docx(made)
    texts = [visible(p.text) for p in doc.paragraphs]
    assert texts[0] == values["header"]
    assert values["box"] in texts and texts.count(values["box"]) == 1  # the VML fallback is not read twice
    assert any(values["note"] in t for t in texts) and values["c1"] in texts and values["c2"] in texts
    fixed = tmp_path / "fixed.docx"
    out = cli("correct", made)
    assert cli("correct", made, "-o", fixed).exit_code == 0
    assert _revisions(fixed, accept=True).split("\n") == out.stdout.splitlines()
    assert _revisions(fixed, accept=False) == visible(doc.text())
    # LibreOffice reads our changes as revisions: saved again, they are still songngu's w:del/w:ins
    again = soffice([fixed], "docx") / "fixed.docx"
    with zipfile.ZipFile(again) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert f'w:author="{AUTHOR}"' in xml and "<w:del " in xml and "<w:ins " in xml
    assert "Kim Yong hội của Nam" in xml and "Kim Yong Nam" in xml


@pytest.fixture
def table_docx(tmp_path, seed_paths, iwslt):
    """The layout agencies use: a two-column table, English source | Vietnamese draft."""
    pairs = iwslt("tst2012")[:6] + [("Chủ tịch Kim Yong hội của Nam tới Hà Nội vào tháng bảy.",
                                     "President Kim Yong Nam came to Ha Noi in July.")]
    d = docx.Document()
    d.add_paragraph("Bản dịch / Translation")
    t = d.add_table(rows=len(pairs), cols=2)
    for k, (vi, en) in enumerate(pairs):
        t.cell(k, 0).text, t.cell(k, 1).text = en, vi
    path = tmp_path / "table.docx"
    d.save(path)
    return path, pairs


def test_bilingual_table_is_read_as_segment_pairs(cli, table_docx, tmp_path):
    path, pairs = table_docx
    from corpus.formats import read_bilingual

    doc = read_bilingual(path)
    assert (doc.source_lang, doc.target_lang) == ("en", "vi")
    assert [(s.source, s.target) for s in doc.segments] == [(en, vi) for vi, en in pairs]
    found = json.loads(cli("check", path, "--format", "json").output)["findings"]
    assert any(f["unit"] == "row 7" and f["check"] == "term-deprecated" for f in found)
    fixed = tmp_path / "fixed.docx"
    assert cli("correct", path, "-o", fixed).exit_code == 0
    assert read_bilingual(fixed).segments[6].target == "Chủ tịch Kim Yong Nam tới Hà Nội vào tháng 7."
    assert _revisions(fixed, accept=False) == visible(read_docx(path).text())
    scored = cli("score", path, "--format", "json")
    assert scored.exit_code == 0, scored.output


def test_build_aligns_a_docx_pair(cli, db_path, tmp_path, iwslt):
    pairs = iwslt("tst2012")[:40]
    for lang, k in (("vi", 0), ("en", 1)):
        d = docx.Document()
        for p in pairs:
            d.add_paragraph(p[k])
        d.save(tmp_path / f"talk.{lang}.docx")
    result = cli("build", tmp_path / "talk.vi.docx", tmp_path / "talk.en.docx", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["pairs"] and report["pairs"][0]["mode"] == "parallel"
    units = query(db_path, "SELECT vi, en FROM units WHERE kind = 'parallel' ORDER BY id")
    assert len(units) >= 30
    assert sum((vi, en) in set(pairs) for vi, en in units) >= 25
    checked = cli("check", tmp_path / "talk.vi.docx", "--source", tmp_path / "talk.en.docx", "--format", "json")
    assert checked.exit_code in (0, 1)
    assert json.loads(checked.stdout)["summary"]["pairing"] == "lines"


@pytest.fixture
def bad_files(tmp_path, python_docx_file, soffice):
    out = {}
    (tmp_path / "text.docx").write_text("not a zip", encoding="utf-8")
    out["text.docx"] = "not a zip archive"
    with zipfile.ZipFile(tmp_path / "empty.docx", "w") as z:
        z.writestr("hello.txt", "hi")
    out["empty.docx"] = "no [Content_Types].xml"
    with zipfile.ZipFile(python_docx_file) as src, zipfile.ZipFile(tmp_path / "hostile.docx", "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>', 1)
            z.writestr(item, data)
    out["hostile.docx"] = "refused"
    old = soffice([python_docx_file], "doc") / "mt.vi.doc"
    shutil.copy(old, tmp_path / "old.doc")
    out["old.doc"] = "Word 97-2003"
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        pass
    else:
        with open(python_docx_file, "rb") as fh, open(tmp_path / "locked.docx", "wb") as locked:
            OOXMLFile(fh).encrypt("secret", locked)
        out["locked.docx"] = "password-protected"
    return {tmp_path / name: problem for name, problem in out.items()}


def test_bad_documents_one_line_exit_2_nothing_stored(cli, db_path, bad_files, seed_paths):
    for command, (path, problem) in [(c, item) for c in ("check", "correct", "score", "build")
                                     for item in bad_files.items()]:
        args = {"check": ["check", path], "correct": ["correct", path, "-o", path.with_suffix(".out.docx")],
                "score": ["score", path], "build": ["build", seed_paths["000"], path]}[command]
        result = cli(*args)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1, (path, result.output)
        assert str(path) in lines[0] and problem in lines[0]
        assert not path.with_suffix(".out.docx").exists()
        assert not query(db_path, "SELECT 1 FROM documents")
    if "locked.docx" not in {p.name for p in bad_files}:
        pytest.skip("msoffcrypto-tool is not installed: the password-protected case was not run")


def test_existing_comments_kept_and_ids_unique(cli, tmp_path, seed_paths):
    line = next(l for l in _seed_lines(seed_paths) if "Bộ Văn hoá" in l)
    d = docx.Document()
    p = d.add_paragraph(line)
    d.add_comment(p.runs, text="đã kiểm tra", author="Lan")
    path, fixed = tmp_path / "c.docx", tmp_path / "c.fixed.docx"
    d.save(path)
    assert cli("correct", path, "-o", fixed).exit_code == 0
    with zipfile.ZipFile(fixed) as z:
        comments = etree.fromstring(z.read("word/comments.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
        types = z.read("[Content_Types].xml").decode("utf-8")
    authors = [c.get(f"{{{W}}}author") for c in comments]
    assert authors[0] == "Lan" and AUTHOR in authors and types.count("comments+xml") == 1
    ids = [el.get(f"{{{W}}}id") for el in body.iter(f"{{{W}}}del", f"{{{W}}}ins")]
    ids += [c.get(f"{{{W}}}id") for c in comments]
    assert len(ids) == len(set(ids))
