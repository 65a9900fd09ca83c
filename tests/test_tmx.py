"""TMX reading and writing: validity, round trips, dialects, markup, malformed and hostile files."""
from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from conftest import no_store
from corpus.errors import InputError
from tm.store import Unit, open_store
from tm.tmx import TMXReader, TMXWriter, export_tmx, import_tmx, lang_of, plain_text


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def tmx(body, header='creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
                     'adminlang="en" srclang="en" datatype="plaintext"', version="1.4", decl=""):
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{decl}<tmx version="{version}">\n<header {header}/>\n' \
           f"<body>\n{body}\n</body>\n</tmx>\n"


@pytest.fixture
def iwslt_store(store, iwslt):
    pairs = iwslt("tst2012")[:300]
    with store.transaction():
        store.add_units([Unit(v, e, kind="parallel", score=0.8, provenance=[{"file": "tst2012", "tuid": str(i)}])
                         for i, (v, e) in enumerate(pairs)])
    return store


def test_export_is_valid_tmx14b_with_all_metadata(iwslt_store, tmp_path, shared_dir):
    out = tmp_path / "out.tmx"
    assert export_tmx(iwslt_store, out, srclang="vi") == iwslt_store.count_units()
    root = etree.parse(str(out)).getroot()
    header = root.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attr), attr
    assert header.get("srclang") == "vi"
    tus = root.findall("body/tu")
    assert len(tus) == iwslt_store.count_units()
    assert len({tu.get("tuid") for tu in tus}) == len(tus)
    for tu in tus:
        for attr in ("creationdate", "changedate"):
            assert re.fullmatch(r"\d{8}T\d{6}Z", tu.get(attr))
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-kind"] == "parallel" and float(props["x-score"]) == 0.8
        assert json.loads(props["x-provenance"])["file"] == "tst2012"
        langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.findall("tuv")]
        assert langs == ["vi", "en"]
    if not shutil.which("xmllint"):
        pytest.skip("xmllint is not installed (apt-get install libxml2-utils): DTD validation not run")
    run = subprocess.run(["xmllint", "--noout", "--nonet", "--dtdvalid", str(shared_dir / "spec" / "tmx14.dtd"),
                          str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_round_trip_keeps_every_pair(iwslt_store, tmp_path):
    out = tmp_path / "out.tmx"
    export_tmx(iwslt_store, out)
    other = open_store(tmp_path / "other.db")
    report = import_tmx(other, [out])
    assert report["added"] == iwslt_store.count_units() and report["merged"] == 0
    before = [(u.vi, u.en, u.score) for u in iwslt_store.iter_units()]
    after = [(u.vi, u.en, u.score) for u in other.iter_units()]
    assert after == before
    assert {u.kind for u in other.iter_units()} == {"imported"}
    # importing again merges every unit
    assert import_tmx(other, [out])["merged"] == len(before)
    other.close()


def test_export_keeps_the_unicode_form_and_kind_filter(store, tmp_path):
    nfd = unicodedata.normalize("NFD", "Hòa bình và hợp tác")
    with store.transaction():
        store.add_units([Unit(nfd, "Peace and cooperation", kind="comparable"),
                         Unit("Xin chào", "Hello", kind="parallel")])
    out = tmp_path / "c.tmx"
    assert export_tmx(store, out, kinds=["comparable"]) == 1
    segs = [s.text for s in etree.parse(str(out)).iter("seg")]
    assert segs == ["Peace and cooperation", nfd]  # NFD in, NFD out: only keys are normalised


def test_reads_tmx11_languages_and_three_way_units(tmp_path):
    body = """
<tu tuid="1"><tuv lang="EN-US"><seg>Good morning</seg></tuv><tuv lang="FR"><seg>Bonjour</seg></tuv>
  <tuv lang="VI-VN"><seg>Chào buổi sáng</seg></tuv></tu>
<tu><tuv xml:lang="en-GB"><seg>Colour</seg></tuv><tuv xml:lang="vi"><seg>Màu sắc</seg></tuv></tu>
<tu><tuv xml:lang="EN-gb"><seg>Only English</seg></tuv><tuv xml:lang="de"><seg>Nur Deutsch</seg></tuv></tu>
<tu><tuv xml:lang="vi_VN"><seg>Hòa bình</seg></tuv><tuv xml:lang="en_US"><seg>Peace</seg></tuv></tu>"""
    path = write(tmp_path / "a.tmx", tmx(body, header='srclang="*all*" creationtool="X" adminlang="en"',
                                         version="1.1"))
    reader = TMXReader(path)
    units = list(reader)
    assert [(u.vi, u.en) for u in units] == [("Chào buổi sáng", "Good morning"), ("Màu sắc", "Colour"),
                                             ("Hòa bình", "Peace")]
    assert reader.counts == {"tu": 4, "units": 3, "skipped": 1}
    assert units[0].provenance == [{"file": "a.tmx", "tuid": "1", "tool": "X"}]
    assert [lang_of(c) for c in ("VI-VN", "en_GB", "EN", " vi ")] == ["vi", "en", "en", "vi"]


def test_reads_utf16(tmp_path):
    body = '<tu><tuv xml:lang="en"><seg>Sea</seg></tuv><tuv xml:lang="vi"><seg>Biển Đông</seg></tuv></tu>'
    text = tmx(body).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for enc in ("utf-16", "utf-16-le"):
        data = text.encode(enc)
        if enc == "utf-16-le":
            data = b"\xff\xfe" + data
        path = tmp_path / f"{enc}.tmx"
        path.write_bytes(data)
        assert [(u.vi, u.en) for u in TMXReader(path)] == [("Biển Đông", "Sea")]


def test_inline_markup_kept_and_written_back(store, tmp_path):
    en = 'Press <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> <ph x="2">{0}</ph> now'
    vi = 'Bấm <bpt i="1" x="1">&lt;b&gt;</bpt>Lưu<ept i="1">&lt;/b&gt;</ept> <hi type="em">ngay</hi>' \
         '<it pos="begin">&lt;i&gt;</it><ut>&lt;br/&gt;</ut>'
    body = f'<tu><prop type="client">ACME</prop><note>ok</note><tuv xml:lang="en"><seg>{en}</seg></tuv>' \
           f'<tuv xml:lang="vi"><seg>{vi}</seg></tuv></tu>'
    src = write(tmp_path / "m.tmx", tmx(body))
    (unit,) = list(TMXReader(src))
    assert unit.en == "Press Save  now" and unit.vi == "Bấm Lưu ngay"
    assert unit.en_markup == en and unit.vi_markup == vi
    import_tmx(store, [src])
    out = tmp_path / "back.tmx"
    export_tmx(store, out)
    segs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang"): tuv.find("seg")
            for tuv in etree.parse(str(out)).iter("tuv")}
    inner = {k: (s.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in s) for k, s in segs.items()}
    assert inner == {"en": en, "vi": vi}
    tu = etree.parse(str(out)).find("body/tu")
    assert [(p.get("type"), p.text) for p in tu.findall("prop") if not p.get("type").startswith("x-")] == \
        [("client", "ACME")]
    assert tu.find("note").text == "ok"
    assert plain_text(segs["vi"]) == "Bấm Lưu ngay"


def test_malformed_xml_reports_line_and_column_and_imports_nothing(store, tmp_path):
    good = write(tmp_path / "good.tmx", tmx('<tu><tuv xml:lang="en"><seg>One</seg></tuv>'
                                            '<tuv xml:lang="vi"><seg>Một</seg></tuv></tu>'))
    many = "\n".join(f'<tu><tuv xml:lang="en"><seg>Line {i}</seg></tuv><tuv xml:lang="vi"><seg>Dòng {i}</seg>'
                     f'</tuv></tu>' for i in range(2000))
    bad = write(tmp_path / "bad.tmx", tmx(many + '\n<tu><tuv xml:lang="en"><seg>a < b</seg></tuv></tu>'))
    with pytest.raises(InputError) as err:
        import_tmx(store, [good, bad])
    assert err.value.path.endswith("bad.tmx") and err.value.line == 2005 and err.value.column
    assert "malformed XML" in str(err.value) and "\n" not in str(err.value)
    assert store.count_units() == 0


@pytest.mark.parametrize("text, problem", [
    ("", "empty"),
    ("<html><body/></html>", "not a TMX file"),
    ("<tmx><header/><body><tu>", "malformed XML"),
])
def test_not_tmx_is_a_clear_error(tmp_path, text, problem):
    path = write(tmp_path / "x.tmx", text)
    with pytest.raises(InputError, match=problem):
        list(TMXReader(path))
    with pytest.raises(InputError, match="no such file"):
        list(TMXReader(tmp_path / "missing.tmx"))


def _bomb(tmp_path, levels=9):
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, levels + 1))
    body = '<tu><tuv xml:lang="en"><seg>&lol9;</seg></tuv><tuv xml:lang="vi"><seg>x</seg></tuv></tu>'
    return write(tmp_path / "bomb.tmx", tmx(body, decl=f"<!DOCTYPE tmx [{ents}]>\n"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_billion_laughs_is_refused_quickly(tmp_path, encoding):
    path = _bomb(tmp_path)
    if encoding != "utf-8":
        path.write_bytes(path.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
                         .encode(encoding))
    start = time.perf_counter()
    with pytest.raises(InputError) as err:
        list(TMXReader(path))
    assert time.perf_counter() - start < 2
    # our own refusal, whatever the XML library's limits: the file, the line of the declaration
    assert err.value.path == str(path) and err.value.line == 2
    assert "declares entities" in err.value.problem


def _stats(db_path):
    with contextlib.closing(open_store(db_path)) as store:
        return store.stats()


def test_billion_laughs_from_the_command_line_stores_nothing(cli, db_path, tmp_path):
    assert cli("build").exit_code == 0
    path = _bomb(tmp_path)
    before = _stats(db_path)
    start = time.perf_counter()
    result = cli("import", "tmx", path)
    assert time.perf_counter() - start < 5
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}:") and result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert _stats(db_path) == before


def test_external_entities_and_dtds_are_never_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = write(tmp_path / "xxe.tmx", tmx(
        '<tu><tuv xml:lang="en"><seg>&xxe;</seg></tuv><tuv xml:lang="vi"><seg>x</seg></tuv></tu>',
        decl=f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'))
    with pytest.raises(InputError, match="declares entities"):
        list(TMXReader(xxe))
    # a parameter entity pulling in a local DTD is refused too
    (tmp_path / "evil.dtd").write_text('<!ENTITY leak "TOP-SECRET">')
    param = write(tmp_path / "param.tmx", tmx(
        '<tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="vi"><seg>b</seg></tuv></tu>',
        decl=f'<!DOCTYPE tmx [<!ENTITY % e SYSTEM "file://{tmp_path}/evil.dtd"> %e;]>\n'))
    with pytest.raises(InputError, match="declares entities"):
        list(TMXReader(param))
    # a plain external DTD reference (as real tools write) is accepted and not fetched
    ext = write(tmp_path / "ext.tmx", tmx(
        '<tu><tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="vi"><seg>b</seg></tuv></tu>',
        decl='<!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/tmx14.dtd">\n'))
    start = time.perf_counter()
    assert [(u.vi, u.en) for u in TMXReader(ext)] == [("b", "a")]
    assert time.perf_counter() - start < 2


def test_writer_replaces_file_only_when_complete(tmp_path):
    out = tmp_path / "w.tmx"
    out.write_text("old")
    with pytest.raises(RuntimeError):
        with TMXWriter(out) as w:
            w.write(Unit("Một", "One", id=1))
            raise RuntimeError("stop")
    assert out.read_text() == "old" and not list(tmp_path.glob("*.part"))


def test_cli_import_and_export(cli, tmp_path):
    src = write(tmp_path / "in.tmx", tmx(
        '<tu tuid="7" creationdate="20200102T030405Z"><tuv xml:lang="en-US"><seg>The sea</seg></tuv>'
        '<tuv xml:lang="vi-VN"><seg>Biển</seg></tuv></tu>'))
    res = cli("import", "tmx", src, "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["added"] == 1
    out = tmp_path / "out.tmx"
    res = cli("export", "tmx", "-o", out, "--srclang", "vi", "--kind", "imported")
    assert res.exit_code == 0, res.output
    assert "1 units" in res.output
    tu = etree.parse(str(out)).find("body/tu")
    assert tu.get("creationdate") == "20200102T030405Z"
    assert [s.text for s in tu.iter("seg")] == ["Biển", "The sea"]
    bad = write(tmp_path / "bad.tmx", "<tmx><body>")
    res = cli("import", "tmx", bad)
    assert res.exit_code == 2 and "bad.tmx:" in res.output and "Traceback" not in res.output


def dtd_valid(path, shared_dir):
    """xmllint's verdict on *path* against ../shared/spec/tmx14.dtd (skips without xmllint)."""
    if not shutil.which("xmllint"):
        pytest.skip("xmllint is not installed (apt-get install libxml2-utils): DTD validation not run")
    run = subprocess.run(["xmllint", "--noout", "--nonet", "--dtdvalid", str(shared_dir / "spec" / "tmx14.dtd"),
                          str(path)], capture_output=True, text=True)
    return run.returncode == 0, run.stderr


@pytest.mark.parametrize("version, attr", [("1.1", "lang"), ("1.2", "lang"), ("1.3", "xml:lang"),
                                           ("1.4", "xml:lang")])
def test_reads_every_tmx_version(tmp_path, iwslt, version, attr):
    pairs = iwslt("tst2013")[:50]
    codes = ["vi", "VI", "vi-VN", "VI-VN", "vi_vn"], ["en", "EN", "en-US", "EN-GB", "en_gb"]
    body = "\n".join(f'<tu tuid="{i}"><tuv {attr}="{codes[1][i % 5]}"><seg>{_escape(e)}</seg></tuv>'
                     f'<tuv {attr}="{codes[0][i % 5]}"><seg>{_escape(v)}</seg></tuv></tu>'
                     for i, (v, e) in enumerate(pairs))
    path = write(tmp_path / f"v{version}.tmx", tmx(body, version=version))
    reader = TMXReader(path)
    assert [(u.vi, u.en) for u in reader] == [(v.strip(), e.strip()) for v, e in pairs]
    assert reader.counts == {"tu": 50, "units": 50, "skipped": 0}


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-be", b"\xfe\xff"),
                                           ("utf-16-le", b"\xff\xfe")])
def test_reads_utf8_and_utf16_iwslt(tmp_path, iwslt, encoding, bom):
    pairs = iwslt("tst2012")[:40]
    body = "\n".join(f'<tu><tuv xml:lang="en"><seg>{_escape(e)}</seg></tuv><tuv xml:lang="vi">'
                     f'<seg>{_escape(v)}</seg></tuv></tu>' for v, e in pairs)
    label = "UTF-8" if encoding == "utf-8" else "UTF-16"
    path = tmp_path / "enc.tmx"
    path.write_bytes(bom + tmx(body).replace('encoding="UTF-8"', f'encoding="{label}"').encode(encoding))
    assert [(u.vi, u.en) for u in TMXReader(path)] == [(v.strip(), e.strip()) for v, e in pairs]


def test_only_exact_duplicates_are_merged_variants_are_kept_as_written(store, tmp_path):
    one = '<tu tuid="a"><tuv xml:lang="en"><seg>Peace talks</seg></tuv><tuv xml:lang="vi"><seg>Đàm phán hòa bình' \
          '</seg></tuv></tu>'
    same = '<tu tuid="b"><tuv xml:lang="EN-US"><seg>peace  <ph x="1">{0}</ph>TALKS</seg></tuv><tuv xml:lang="vi-VN">' \
           '<seg>đàm phán hoà bình</seg></tuv></tu>'  # same keys: other case, spacing, tone placement, a tag
    other = '<tu><tuv xml:lang="en"><seg>Peace</seg></tuv><tuv xml:lang="vi"><seg>Hòa bình</seg></tuv></tu>'
    a = write(tmp_path / "a.tmx", tmx(one + same + other))
    b = write(tmp_path / "b.tmx", tmx(same))
    report = import_tmx(store, [a, b])
    assert (report["added"], report["variants"], report["merged"]) == (2, 1, 1)
    assert [f["merged"] for f in report["files"]] == [0, 1]
    first = next(store.iter_units())
    assert first.vi == "Đàm phán hòa bình"  # matching sees one unit per key, with every origin recorded
    assert [(p["file"], p.get("tuid")) for p in first.provenance] == [("a.tmx", "a"), ("a.tmx", "b"),
                                                                      ("b.tmx", "b")]
    out = tmp_path / "out.tmx"
    assert export_tmx(store, out) == 3  # the variant is exported as written, the exact duplicate once
    raw = out.read_text(encoding="utf-8")
    assert one in raw and same in raw and other in raw


def test_markup_export_is_valid_and_matching_sees_plain_text(store, tmp_path, shared_dir):
    from tm.concordance import Concordance
    from tm.match import Matcher

    en = 'Open <bpt i="1" x="1">&lt;a title="<sub>Main page</sub>"&gt;</bpt>the portal<ept i="1">&lt;/a&gt;</ept>' \
         ' <ph x="2" type="image">&lt;img/&gt;</ph>today'
    vi = 'Mở <bpt i="1" x="1">&lt;a title="<sub>Trang chính</sub>"&gt;</bpt>cổng thông tin<ept i="1">&lt;/a&gt;' \
         '</ept> <ph x="2" type="image">&lt;img/&gt;</ph>hôm nay<it pos="end">&lt;/b&gt;</it>' \
         '<ut>{\\b0}</ut> <hi type="bold">ngay</hi>'
    src = write(tmp_path / "m.tmx", tmx(f'<tu><tuv xml:lang="en"><seg>{en}</seg></tuv>'
                                        f'<tuv xml:lang="vi"><seg>{vi}</seg></tuv></tu>'))
    import_tmx(store, [src])
    (unit,) = store.iter_units()
    assert unit.en == "Open the portal today" and unit.vi == "Mở cổng thông tin hôm nay ngay"
    (best,) = Matcher(store).search("open the portal today", lang="en", top=1)
    assert best.score == 100.0 and best.target == unit.vi
    hits, _ = Concordance(store).search("thong tin hom nay", lang="vi")
    assert [unit.vi[a:b] for a, b in hits[0].spans] == ["thông tin hôm nay"]
    assert Concordance(store).search("Main page", lang="en") == ([], False)  # sub text is not segment text
    out = tmp_path / "back.tmx"
    export_tmx(store, out)
    raw = out.read_text(encoding="utf-8")
    assert f"<seg>{en}</seg>" in raw and f"<seg>{vi}</seg>" in raw
    ok, errors = dtd_valid(out, shared_dir)
    assert ok, errors


def test_srclang_all_header_and_export_header_validate(store, tmp_path, shared_dir):
    body = '<tu><tuv xml:lang="fr"><seg>Paix</seg></tuv><tuv xml:lang="en-GB"><seg>Peace</seg></tuv>' \
           '<tuv xml:lang="de"><seg>Frieden</seg></tuv><tuv xml:lang="VI"><seg>Hòa bình</seg></tuv></tu>'
    src = write(tmp_path / "all.tmx", tmx(body, header='creationtool="t" creationtoolversion="1" '
                                                       'segtype="sentence" o-tmf="t" adminlang="en" '
                                                       'srclang="*all*" datatype="plaintext"'))
    reader = TMXReader(src)
    assert [(u.vi, u.en) for u in reader] == [("Hòa bình", "Peace")] and reader.header["srclang"] == "*all*"
    import_tmx(store, [src])
    out = tmp_path / "out.tmx"
    export_tmx(store, out, srclang="vi")
    ok, errors = dtd_valid(out, shared_dir)
    assert ok, errors
    # the DTD check is real: a header without srclang is rejected
    bad = tmp_path / "bad.tmx"
    bad.write_text(out.read_text(encoding="utf-8").replace(' srclang="vi"', ""), encoding="utf-8")
    assert not dtd_valid(bad, shared_dir)[0]


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_comparable_units_stay_comparable_through_export_and_import(cli, tmp_path):
    """Mined pairs are not translations: re-importing our own export must not promote them."""
    assert cli("build").exit_code == 0
    before = json.loads(cli("stats", "--format", "json").output)["units_by_kind"]
    assert before["comparable"] > 0
    out = tmp_path / "mine.tmx"
    assert cli("export", "tmx", "-o", out).exit_code == 0
    fresh = tmp_path / "fresh.db"
    res = cli("--db", fresh, "import", "tmx", out, db=False)
    assert res.exit_code == 0, res.output
    assert json.loads(cli("--db", fresh, "stats", "--format", "json", db=False).output)["units_by_kind"][
        "comparable"] == before["comparable"]
    assert cli("import", "tmx", out).exit_code == 0  # merging into the same store changes no kind
    assert json.loads(cli("stats", "--format", "json").output)["units_by_kind"] == before


def test_text_is_stored_and_exported_as_written(store, tmp_path):
    nfd = unicodedata.normalize("NFD", "Hòa bình")
    body = (f'<tu tuid="x1" creationid="lan" changeid="minh" usagecount="3" lastusagedate="20230101T000000Z" '
            f'datatype="html" srclang="en" segtype="phrase"><prop type="x-context-pre">Trước</prop>'
            f'<prop type="x-Filename">a.html</prop><note>checked</note>'
            f'<tuv xml:lang="en-US" creationid="ann" creationdate="20200101T010203Z"><seg>  Peace  </seg></tuv>'
            f'<tuv xml:lang="en-GB"><seg>Peace, colour</seg></tuv><tuv xml:lang="fr-CA"><seg>Paix</seg></tuv>'
            f'<tuv xml:lang="vi-VN"><prop type="x-origin">MT</prop><note>sửa</note><seg>{nfd} </seg></tuv></tu>')
    src = write(tmp_path / "w.tmx", tmx(body))
    import_tmx(store, [src])
    (unit,) = store.iter_units()
    assert (unit.vi, unit.en) == (nfd + " ", "  Peace  ")  # untouched: whitespace and NFD as written
    out = tmp_path / "out.tmx"
    export_tmx(store, out)
    assert body in out.read_text(encoding="utf-8")  # every attribute, prop, note, tuv and region as written


def test_a_file_without_any_unit_is_an_error_naming_what_it_found(cli, tmp_path, db_path):
    body = "\n".join(f'<tu><tuv xml:lang="fr"><seg>Paix {i}</seg></tuv><tuv xml:lang="de"><seg>Frieden {i}</seg>'
                     f'</tuv></tu>' for i in range(5))
    src = write(tmp_path / "frde.tmx", tmx(body))
    res = cli("import", "tmx", src)
    assert res.exit_code == 2 and res.output.count("\n") == 1
    assert "no unit with both a Vietnamese and an English segment" in res.output
    assert "5 no Vietnamese segment" in res.output and "languages found: fr, de" in res.output
    empty = write(tmp_path / "empty.tmx", tmx(""))
    res = cli("import", "tmx", empty)
    assert res.exit_code == 2 and "no translation unit" in res.output
    assert no_store(db_path)  # a failed import leaves no new store behind


def test_iso_639_2_and_odd_codes_are_read(tmp_path):
    body = "".join(f'<tu><tuv xml:lang="{e}"><seg>Peace {i}</seg></tuv><tuv xml:lang="{v}"><seg>Hòa bình {i}</seg>'
                   f'</tuv></tu>' for i, (v, e) in enumerate([("vie", "eng"), ("vi_VN", "en_US"), ("VI", "EN"),
                                                               ("VIE", "en-GB")]))
    reader = TMXReader(write(tmp_path / "iso.tmx", tmx(body)))
    assert len(list(reader)) == 4 and reader.counts["skipped"] == 0
    assert [lang_of(c) for c in ("vie", "eng", "vi_VN", "VI")] == ["vi", "en", "vi", "vi"]


def test_utf16_label_on_8bit_bytes_says_what_is_wrong(cli, tmp_path):
    text = tmx('<tu><tuv xml:lang="en"><seg>Sea</seg></tuv><tuv xml:lang="vi"><seg>Biển</seg></tuv></tu>')
    path = write(tmp_path / "label.tmx", text.replace('encoding="UTF-8"', 'encoding="UTF-16"'))
    with pytest.raises(InputError, match='says encoding="UTF-16" but the bytes are 8-bit'):
        list(TMXReader(path))
    res = cli("import", "tmx", path)
    assert res.exit_code == 2 and "label.tmx" in res.output and res.output.count("\n") == 1


def test_declared_8bit_encoding_is_honoured(tmp_path):
    text = tmx('<tu><tuv xml:lang="en"><seg>Çay</seg></tuv><tuv xml:lang="vi"><seg>Trà</seg></tuv></tu>')
    path = tmp_path / "cp.tmx"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="windows-1258"').encode("cp1258"))
    assert [(u.vi, u.en) for u in TMXReader(path)] == [("Trà", "Çay")]


def test_a_store_made_before_tmx_units_is_migrated_and_exports(tmp_path):
    import sqlite3

    from tm import schema

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript(schema.MIGRATIONS[0])
    con.execute("INSERT INTO units (vi, en, vi_key, en_key, kind, created, changed) VALUES "
                "('Hòa bình', 'Peace', 'hòa bình', 'peace', 'parallel', '2024-01-01T00:00:00Z', "
                "'2024-01-01T00:00:00Z')")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    store = open_store(path)
    assert store.stats()["schema_version"] == schema.VERSION
    out = tmp_path / "out.tmx"
    assert export_tmx(store, out) == 1
    assert [s.text for s in etree.parse(str(out)).iter("seg")] == ["Peace", "Hòa bình"]
    report = import_tmx(store, [out])  # our own export of that unit: merged, not a second copy
    assert (report["added"], report["merged"], report["variants"]) == (0, 1, 0)
    assert export_tmx(store, out) == 1
    store.close()


def _tables(store) -> dict:
    """Every row import writes (units without their change stamps), the word index's tables as stored."""
    return {
        "units": store.conn.execute("SELECT id, vi, en, vi_key, en_key, score, kind, provenance, vi_markup, "
                                    "en_markup, props, created FROM units ORDER BY id").fetchall(),
        **{table: store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
           for table in ("tmx_units", "tmx_headers", "fz_vocab", "fz_post", "fz_seq", "fz_meta")},
    }


def test_batched_import_stores_what_unit_by_unit_import_stores(tmp_path, iwslt, monkeypatch):
    # Units are added in batches (keys looked up per batch, merged rows written once): the rows, counts,
    # merges and the word index must be those of adding one unit at a time, across batch boundaries.
    import tm.store

    pairs = [(v, e) for v, e in iwslt("tst2013")[:400] if v.strip() and e.strip()]
    tus = []
    for i, (v, e) in enumerate(pairs):
        kind = '<prop type="x-kind">comparable</prop>' if i % 11 == 0 else ""
        score = f'<prop type="x-score">0.{i % 9}</prop>' if i % 3 == 0 else ""
        tus.append(f'<tu tuid="t{i}" creationdate="20240102T030405Z">{kind}{score}<prop type="x-n">{i % 4}</prop>'
                   f'<tuv xml:lang="vi"><seg>{_esc(v)}</seg></tuv><tuv xml:lang="en"><seg>{_esc(e)}</seg></tuv></tu>')
        if i % 7 == 0 and i:  # an exact duplicate, sometimes within a few units
            tus.append(tus[i // 2 if i % 2 else -1])
        if i % 5 == 0:  # a variant: the same keys written otherwise, other properties
            tus.append(f'<tu tuid="v{i}"><prop type="x-n">v</prop><prop type="x-score">0.95</prop>'
                       f'<tuv xml:lang="vi"><seg>{_esc(v.upper())}</seg></tuv>'
                       f'<tuv xml:lang="en"><seg>{_esc(e.upper())}</seg></tuv></tu>')
    first = write(tmp_path / "a.tmx", tmx("\n".join(tus[: len(tus) // 2])))
    second = write(tmp_path / "b.tmx", tmx("\n".join(tus[len(tus) // 3:])))
    results = []
    for size in (1, 7, 1000):
        monkeypatch.setattr(tm.store, "UNIT_BATCH", size)
        store = open_store(tmp_path / f"s{size}.db")
        reports = [import_tmx(store, [first]), import_tmx(store, [second, first])]
        with store.transaction():  # add_units merges into units of the files, and adds some
            store.add_units([Unit(v, e, kind="parallel", score=0.5, provenance=[{"file": "x"}],
                                  created="2024-05-06T07:08:09Z")
                             for v, e in pairs[::13] + iwslt("tst2012")[:30]])
        (tmp_path / str(size)).mkdir()
        export_tmx(store, tmp_path / str(size) / "out.tmx")  # songngu's own file coming back merges
        reports.append(import_tmx(store, [tmp_path / str(size) / "out.tmx"]))
        for report in reports:
            for entry in report["files"]:
                entry["file"] = Path(entry["file"]).name
        results.append((reports, _tables(store)))
        store.close()
    assert results[0][0][0]["variants"] and results[0][0][1]["merged"] and results[0][0][2]["merged"]
    for reports, tables in results[1:]:
        assert reports == results[0][0]
        for table, rows in tables.items():
            assert rows == results[0][1][table], table


def _esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
