"""Interoperability with the real programs: Translate Toolkit reads our TMX and TBX/OmegaT glossaries and
writes a TMX we import; OmegaT 3.6 inserts translations from our TMX, its exported TMX imports, and its
glossary reader reads our OmegaT glossary."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from corpus.normalize import match_key
from tm.store import Unit, open_store
from tm.tmx import export_tmx, import_tmx

from test_tmx import dtd_valid  # one xmllint check for both files (tests/ is on sys.path)

OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
# OmegaT's own glossary reader, run by the Groovy that OmegaT ships for its scripts (a JRE is enough)
READ_GLOSSARY = """
import org.omegat.gui.glossary.GlossaryReaderTSV
GlossaryReaderTSV.read(new File(args[0]), false).each { e ->
    println(e.srcText + "\\t" + e.locText + "\\t" + e.commentText)
}
"""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def pairs(iwslt):
    return [(v, e) for v, e in iwslt("tst2012") if v.strip() and e.strip()]


@pytest.fixture
def filled(store, pairs):
    with store.transaction():
        store.add_units([Unit(v, e, kind="parallel", score=0.9, provenance=[{"file": "tst2012", "tuid": str(i)}])
                         for i, (v, e) in enumerate(pairs)])
    return store


@pytest.fixture(scope="module")
def omegat(shared_dir):
    """The OmegaT kit's run.sh; skips when OmegaT or Java is missing."""
    run = shared_dir / "interop" / "omegat" / "run.sh"
    if not run.is_file():
        pytest.skip(f"OmegaT kit missing at {run}")
    if not shutil.which("java") or not OMEGAT_JAR.is_file():
        pytest.skip("OmegaT is not installed (apt-get install -y omegat): OmegaT interop not run")
    return run


@pytest.fixture(scope="module")
def omegat_sample(iwslt):
    """(in the TMX, not in it): one-sentence lines on both sides, so OmegaT makes one segment of each line."""
    one = re.compile(r"[^.?!:;]+ [.?!]")
    single = [(v.strip(), e.strip()) for v, e in iwslt("tst2013")
              if one.fullmatch(e.strip()) and one.fullmatch(v.strip()) and 4 < len(e.split()) < 30]
    return single[:25], single[25:29]


# --- Translate Toolkit -----------------------------------------------------------------------------------
def test_translate_toolkit_reads_our_export(filled, tmp_path):
    from translate.storage import tmx

    for srclang, other in (("en", "vi"), ("vi", "en")):
        out = tmp_path / f"{srclang}.tmx"
        export_tmx(filled, out, srclang=srclang)
        theirs = tmx.tmxfile.parsefile(str(out))
        ours = list(filled.iter_units())
        assert len(theirs.units) == len(ours) == filled.count_units()
        assert [(u.source, u.target) for u in theirs.units] == \
            [(nfc(u.text(srclang)), nfc(u.text(other))) for u in ours]
        assert [u.getid() for u in theirs.units] == [str(u.id) for u in ours]


def test_we_import_translate_toolkits_tmx(store, pairs, tmp_path):
    from translate.storage import tmx

    theirs = tmx.tmxfile(sourcelanguage="en-US", targetlanguage="vi-VN")
    for v, e in pairs:
        theirs.addtranslation(e, "en-US", v, "vi-VN")
    path = tmp_path / "tt.tmx"
    path.write_bytes(bytes(theirs))
    report = import_tmx(store, [path])
    distinct = {(match_key(v), match_key(e)) for v, e in pairs}
    assert report["files"][0]["tu"] == len(pairs)
    assert report["added"] == len(distinct) and report["added"] + report["merged"] == len(pairs)
    assert {(match_key(u.vi), match_key(u.en)) for u in store.iter_units()} == distinct
    assert {(u.vi, u.en) for u in store.iter_units()} <= {(v.strip(), e.strip()) for v, e in pairs}


def test_translate_toolkit_reads_our_glossaries(cli, tmp_path):
    from translate.storage import omegat, tbx

    from glossary.tsv import load_bundled

    entries = load_bundled()
    martif = tmp_path / "g.tbx"
    assert cli("export", "glossary", "--format", "tbx-martif", "-o", martif, "--bundled").exit_code == 0
    units = tbx.tbxfile.parsefile(str(martif)).units
    assert [(u.getid(), u.source, u.target) for u in units] == [(e.id, e.vi, e.en) for e in entries]

    txt = tmp_path / "g.txt"
    assert cli("export", "glossary", "--format", "omegat", "-o", txt, "--bundled").exit_code == 0
    rows = [line.split("\t") for line in txt.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    # Translate Toolkit's OmegaT reader also returns the '#' comment line as a unit; leave it out
    units = [u for u in omegat.OmegaTFile.parsefile(str(txt)).units if not u.source.startswith("#")]
    assert [(u.source, u.target) for u in units] == [(r[0], r[1]) for r in rows]
    assert {(e.en, e.vi) for e in entries} <= {(u.source, u.target) for u in units}


# --- OmegaT ---------------------------------------------------------------------------------------------
def _sample_files(tmp_path, kept, held, srclang="en"):
    """OmegaT's source file (the *srclang* side of every pair) and the target it must produce."""
    src = 1 if srclang == "en" else 0
    source = tmp_path / "source.txt"
    expected = tmp_path / "expected.txt"
    source.write_text("".join(p[src] + "\n" for p in kept + held), encoding="utf-8")
    expected.write_text("".join(p[1 - src] + "\n" for p in kept) + "".join(p[src] + "\n" for p in held),
                        encoding="utf-8")
    return source, expected


@pytest.mark.parametrize("srclang, codes", [("en", ["EN-US", "VI"]), ("vi", ["VI-VN", "EN-GB"])])
def test_omegat_inserts_translations_from_our_export(omegat, store, omegat_sample, tmp_path, srclang, codes):
    kept, held = omegat_sample
    with store.transaction():
        store.add_units([Unit(v, e) for v, e in kept])
    tmx_path = tmp_path / "ours.tmx"
    assert export_tmx(store, tmx_path, srclang=srclang) == len(kept)
    source, expected = _sample_files(tmp_path, kept, held, srclang)  # held-out lines stay untranslated
    run = subprocess.run(["bash", str(omegat), tmx_path, source, expected, *codes], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS" in run.stdout


def test_omegats_exported_tmx_imports(omegat, store, omegat_sample, tmp_path):
    """The same project set-up as the kit's run.sh, kept, to read the TMX files OmegaT exports."""
    kept, held = omegat_sample
    with store.transaction():
        store.add_units([Unit(v, e) for v, e in kept])
    proj = tmp_path / "proj"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (proj / sub).mkdir(parents=True)
    shutil.copy(omegat.parent / "omegat.project", proj / "omegat.project")
    export_tmx(store, proj / "tm" / "auto" / "input.tmx")
    source, expected = _sample_files(tmp_path, kept, held)
    shutil.copy(source, proj / "source" / "input.txt")
    run = subprocess.run(["java", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), str(proj),
                          "--mode=console-translate", f"--config-dir={tmp_path / 'cfg'}",
                          "--disable-project-locking"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Exception" not in run.stdout + run.stderr, run.stdout[-2000:]
    assert (proj / "target" / "input.txt").read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
    exported = sorted(proj.glob("proj-*.tmx"))  # -omegat (TMX 1.1, lang=), -level1, -level2 (TMX 1.4)
    assert [p.name for p in exported] == ["proj-level1.tmx", "proj-level2.tmx", "proj-omegat.tmx"]
    assert 'version="1.1"' in (proj / "proj-omegat.tmx").read_text(encoding="utf-8")[:300]
    for path in exported:
        other = open_store(tmp_path / f"{path.stem}.db")
        report = import_tmx(other, [path])
        assert report["added"] == len(kept), path.name
        assert sorted((u.vi, u.en) for u in other.iter_units()) == sorted(kept)
        assert {p["tool"] for u in other.iter_units() for p in u.provenance} == {"OmegaT"}
        other.close()


def test_omegat_reads_our_glossary(omegat, cli, tmp_path):
    txt = tmp_path / "glossary.txt"
    assert cli("export", "glossary", "--format", "omegat", "-o", txt, "--bundled").exit_code == 0
    reader = tmp_path / "read_glossary.groovy"
    reader.write_text(READ_GLOSSARY, encoding="utf-8")
    run = subprocess.run(["java", "-Djava.awt.headless=true", "-cp", str(OMEGAT_JAR), "groovy.ui.GroovyMain",
                          str(reader), str(txt)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    rows = [line.split("\t") for line in txt.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(rows) > 100
    assert [line.split("\t") for line in run.stdout.splitlines()] == [(r + [""] * 3)[:3] for r in rows]


# --- other tools' test files (tests/data/peers, see its README) ---------------------------------------------
PEERS = Path(__file__).parent / "data" / "peers"
PEER_TMX = sorted(p for p in PEERS.glob("*/*.tmx") if p.name != "empty.tmx")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT = {"seg", "prop", "note"}  # what is written inside these is data, whitespace included


def _canon(elem) -> bytes:
    """C14N of a tu or header from a peer file, without its layout whitespace (TMX 1.1 lang as xml:lang).

    Byte identity with the peer file is impossible: its layout (indentation, quotes, character
    references, UTF-16 or another encoding) is not data; C14N compares everything that is."""
    from lxml import etree

    elem = etree.fromstring(etree.tostring(elem))
    for el in elem.iter():
        if el.tag in CONTENT or any(a.tag in CONTENT for a in el.iterancestors()):
            continue
        if el.tag == "tuv" and el.get("lang") is not None:
            el.set(XML_LANG, el.attrib.pop("lang"))
        if el.text is not None and not el.text.strip():
            el.text = None
        for child in el:
            if child.tail is not None and not child.tail.strip():
                child.tail = None
    elem.tail = None
    return etree.tostring(elem, method="c14n")


def _parse(path):
    from lxml import etree

    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                  remove_comments=True)).getroot()


def _primary(code):
    primary = re.split(r"[-_]", code or "")[0].lower()
    return {"vie": "vi", "eng": "en"}.get(primary, primary)


def _has_both(tu) -> bool:
    langs = {_primary(tuv.get(XML_LANG) or tuv.get("lang")) for tuv in tu.iter("tuv")
             if tuv.find("seg") is not None and "".join(tuv.find("seg").itertext()).strip()}
    return {"vi", "en"} <= langs


def test_peer_files_are_a_real_set():
    assert len(PEER_TMX) >= 25 and {p.parent.name for p in PEER_TMX} == {"omegat", "okapi", "weblate"}


@pytest.mark.parametrize("path", PEER_TMX, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_peer_tmx_round_trip_keeps_every_unit_tuv_attribute_prop_and_note(path, tmp_path, shared_dir):
    from tm.tmx import TMXReader

    source = _parse(path)
    tus = list(source.iter("tu"))
    kept = [t for t in tus if _has_both(t)]
    store = open_store(tmp_path / "s.db")
    report = import_tmx(store, [path])
    (counts,) = report["files"]
    # every skipped unit is counted, by reason
    assert counts["skipped"] == len(tus) - len(kept) == sum(counts["skipped_by_reason"].values())
    assert counts["added"] + counts["variants"] + counts["merged"] == len(kept)
    out = tmp_path / "out.tmx"
    export_tmx(store, out)
    back = _parse(out)
    written = [_canon(t) for t in back.iter("tu")]
    # every unit, tuv, attribute, prop and note as written (exact duplicates once)
    assert sorted(written) == sorted(set(_canon(t) for t in kept))
    # the header: every attribute, prop, note and ude of the file's own
    head, head_back = source.find("header"), back.find("header")
    for name, value in head.attrib.items():
        assert head_back.get(name) == value, name
    assert [_canon(c) for c in head] == [_canon(c) for c in head_back]
    # the plain text matching sees is the text as written (no trimming, no normalisation)
    reader_units = list(TMXReader(path))
    stored = [(u.vi, u.en) for u in store.iter_units()]
    assert set(stored) <= {(u.vi, u.en) for u in reader_units}
    ok, errors = dtd_valid(out, shared_dir)
    assert ok, errors
    # our export is stable: imported elsewhere and exported again, byte for byte the same file
    again = open_store(tmp_path / "again.db")
    import_tmx(again, [out])
    out2 = tmp_path / "out2.tmx"
    export_tmx(again, out2)
    assert out2.read_bytes() == out.read_bytes()
    # and importing it where it came from changes nothing
    assert import_tmx(store, [out])["merged"] == len(written)
    store.close()
    again.close()


def test_peer_tmx_without_units_is_an_error(cli):
    result = cli("import", "tmx", PEERS / "omegat" / "empty.tmx")
    assert result.exit_code == 2 and "no translation unit" in result.output and result.output.count("\n") == 1
