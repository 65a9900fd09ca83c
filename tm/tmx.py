"""TMX (Translation Memory eXchange) reading and writing, streaming.

:class:`TMXReader` reads TMX 1.1 to 1.4 (UTF-8 or UTF-16, any language-code
case, with regions, ``srclang="*all*"``, units with more languages: the first
``vi*`` and ``en*`` variants are taken) with lxml ``iterparse`` in constant
memory. Inline markup (``bpt ept ph it hi ut sub``) is kept verbatim in
``Unit.vi_markup`` / ``Unit.en_markup``; ``Unit.vi`` / ``Unit.en`` hold the plain
text (the segment's text and ``hi`` content; native codes left out).
Hostile input is refused: a DOCTYPE that declares entities (entity bombs,
external entities) is an error, external DTDs are never fetched and entities
never expanded.

:class:`TMXWriter` writes TMX 1.4b (valid against the DTD), one ``tu`` at
a time: the seven header attributes, ``tuid``,
``creationdate``/``changedate`` as ``YYYYMMDDThhmmssZ``, the unit's kind,
alignment score and provenance as ``<prop type="x-...">``, NFC text, and
stored inline markup written back unchanged.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from lxml import etree

from corpus.errors import InputError
from corpus.xmlguard import refuse_entities
from tm.store import Unit

__all__ = ["TMXReader", "TMXWriter", "import_tmx", "export_tmx", "plain_text", "lang_of"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INLINE = {"bpt", "ept", "ph", "it", "hi", "ut", "sub"}
RESERVED = ("x-kind", "x-score", "x-provenance")  # props this writer sets itself
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def lang_of(code: str | None) -> str:
    """Primary language subtag in lower case: ``VI-VN`` -> ``vi``, ``en_GB`` -> ``en``."""
    return re.split(r"[-_]", (code or "").strip(), maxsplit=1)[0].lower()


def plain_text(seg) -> str:
    """Text of a ``seg`` element as matching sees it: text and ``hi`` content, no native codes."""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and etree.QName(child).localname == "hi":
            parts.append(plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _inner_xml(seg) -> str:
    """The content of *seg* as XML text, without the ``seg`` tags."""
    out = [_escape(seg.text or "")]
    out += [etree.tostring(child, encoding="unicode", with_tail=True) for child in seg]
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _iso(stamp: str | None) -> str | None:
    """``20240131T235959Z`` -> ``2024-01-31T23:59:59Z`` (None if malformed)."""
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z", (stamp or "").strip())
    return "{}-{}-{}T{}:{}:{}Z".format(*m.groups()) if m else None


@lru_cache(maxsize=4096)
def _tmx_date(stamp: str | None) -> str | None:
    """``2024-01-31T23:59:59Z`` -> ``20240131T235959Z``."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z", stamp or "")
    return "{}{}{}T{}{}{}Z".format(*m.groups()) if m else None


class _Counting:
    """A binary file wrapper reporting bytes read to a progress callback."""

    def __init__(self, fh, total, progress):
        self.fh, self.total, self.progress, self.done = fh, total, progress, 0

    def read(self, size=-1):
        data = self.fh.read(size)
        self.done += len(data)
        if self.progress:
            self.progress(min(self.done, self.total), self.total)
        return data


class TMXReader:
    """Streaming reader of one TMX file; iterate it for :class:`tm.store.Unit` objects.

    Parameters:
        path: the TMX file.
        progress: optional callback ``(bytes read, file size)``.

    After iteration, ``header`` holds the header attributes and ``counts`` how
    many ``tu`` were read, yielded and skipped (no Vietnamese or English side).
    """

    def __init__(self, path, progress=None):
        self.path = Path(path)
        self.progress = progress
        self.header = {}
        self.counts = {"tu": 0, "units": 0, "skipped": 0}

    def __iter__(self):
        if not self.path.is_file():
            raise InputError(self.path, "no such file")
        if self.path.stat().st_size == 0:
            raise InputError(self.path, "empty file, not a TMX file")
        with open(self.path, "rb") as fh:
            refuse_entities(fh, self.path)
            source = _Counting(fh, self.path.stat().st_size, self.progress)
            parser = etree.iterparse(
                source, events=("start", "end"), resolve_entities=False, no_network=True,
                load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
            try:
                yield from self._walk(parser)
            except etree.XMLSyntaxError as exc:
                line, column = exc.position
                raise InputError(self.path, f"malformed XML: {exc.msg.split(' (', 1)[0].strip()}",
                                 line=line, column=column) from None

    def _walk(self, parser):
        root = None
        for event, elem in parser:
            if not isinstance(elem.tag, str):
                continue
            name = etree.QName(elem).localname
            if event == "start":
                if root is None:
                    root = elem
                    self._check_root(elem)
                continue
            if name == "header":
                self.header = {k: v for k, v in elem.attrib.items()}
            elif name == "tu":
                self.counts["tu"] += 1
                unit = self._unit(elem)
                if unit is None:
                    self.counts["skipped"] += 1
                else:
                    self.counts["units"] += 1
                    yield unit
                elem.clear(keep_tail=False)
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
        if root is None:
            raise InputError(self.path, "empty file, not TMX")

    def _check_root(self, root):
        if etree.QName(root).localname != "tmx":
            raise InputError(self.path, f"not a TMX file (root element <{etree.QName(root).localname}>)",
                             line=root.sourceline)

    def _unit(self, tu) -> Unit | None:
        sides = {}
        for tuv in tu:
            if not isinstance(tuv.tag, str) or etree.QName(tuv).localname != "tuv":
                continue
            lang = lang_of(tuv.get(XML_LANG) or tuv.get("lang"))
            if lang in ("vi", "en") and lang not in sides:
                seg = next((c for c in tuv if isinstance(c.tag, str) and etree.QName(c).localname == "seg"),
                           None)
                if seg is not None:
                    sides[lang] = seg
        if len(sides) < 2:
            return None
        text = {lang: plain_text(seg).strip() for lang, seg in sides.items()}
        if not text["vi"] or not text["en"]:
            return None
        markup = {lang: _inner_xml(seg) if len(seg) else None for lang, seg in sides.items()}
        props, score, kind = {}, None, "imported"
        for child in tu:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "prop":
                ptype = child.get("type", "")
                if ptype == "x-score":
                    score = _float(child.text)
                elif ptype == "x-kind" and (child.text or "").strip() == "comparable":
                    kind = "comparable"  # mined, not a translation: it stays marked as such
                elif not ptype.startswith(RESERVED):
                    props.setdefault(ptype, []).append(child.text or "")
            elif tag == "note":
                props.setdefault("note", []).append(child.text or "")
        props = {k: v[0] if len(v) == 1 else v for k, v in props.items()}
        origin = {"file": self.path.name}
        if tu.get("tuid"):
            origin["tuid"] = tu.get("tuid")
        if self.header.get("creationtool"):
            origin["tool"] = self.header["creationtool"]
        created = _iso(tu.get("creationdate"))
        return Unit(vi=text["vi"], en=text["en"], kind=kind, score=score, provenance=[origin],
                    created=created, changed=_iso(tu.get("changedate")) or created,
                    vi_markup=markup["vi"], en_markup=markup["en"], props=props)


def _float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _tool_version() -> str:
    try:
        return version("songngu")
    except PackageNotFoundError:
        return "0.0.0+source"


class TMXWriter:
    """Streaming TMX 1.4b writer; use as a context manager and call :meth:`write`.

    Each ``tu`` is formatted as text and written through a buffered file (no
    element tree is built), so memory stays constant.

    Parameters:
        path: the file to write (replaced when complete).
        srclang: ``en`` or ``vi``, the source language written first in every ``tu``.
    """

    def __init__(self, path, srclang: str = "en"):
        if srclang not in ("en", "vi"):
            raise ValueError("srclang must be 'en' or 'vi'")
        self.path = Path(path)
        self.srclang = srclang
        self.count = 0

    def __enter__(self):
        if not self.path.parent.is_dir():
            raise InputError(self.path, "cannot write here: no such folder")
        self._tmp = self.path.with_name(self.path.name + ".part")
        self._fh = open(self._tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        header = {"creationtool": "songngu", "creationtoolversion": _tool_version(), "segtype": "sentence",
                  "o-tmf": "songngu", "adminlang": "en", "srclang": self.srclang, "datatype": "plaintext"}
        attrs = "".join(f' {k}="{_attr(v)}"' for k, v in header.items())
        self._fh.write("<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n"
                       f'<tmx version="1.4">\n<header{attrs}/>\n<body>\n')
        return self

    def write(self, unit: Unit) -> None:
        """Write one unit as a ``tu``."""
        out = ["<tu"]
        if unit.id is not None:
            out.append(f' tuid="{unit.id}"')
        for name, stamp in (("creationdate", unit.created), ("changedate", unit.changed)):
            stamp = _tmx_date(stamp)
            if stamp:
                out.append(f' {name}="{stamp}"')
        out.append(">")
        props = [("x-kind", unit.kind)]
        if unit.score is not None:
            props.append(("x-score", repr(unit.score)))
        props += [("x-provenance", json.dumps(p, ensure_ascii=False, sort_keys=True)) for p in unit.provenance]
        for kind, value in sorted(unit.props.items()):
            props += [(kind, str(item)) for item in (value if isinstance(value, list) else [value])]
        for kind, value in props:
            if kind == "note":
                out.append(f"<note>{_text(value)}</note>")
            else:
                out.append(f'<prop type="{_attr(kind)}">{_text(value)}</prop>')
        for lang in (self.srclang, "vi" if self.srclang == "en" else "en"):
            markup = unit.vi_markup if lang == "vi" else unit.en_markup
            if markup:
                etree.fromstring(f"<seg>{markup}</seg>")  # stored markup must be well-formed: fail, not corrupt
                seg = _clean(markup)
            else:
                seg = _text(unit.text(lang))
            out.append(f'<tuv xml:lang="{lang}"><seg>{seg}</seg></tuv>')
        out.append("</tu>\n")
        self._fh.write("".join(out))
        self.count += 1

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._fh.write("</body>\n</tmx>\n")
        finally:
            self._fh.close()
        if exc_type is None:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)
        return False


def _clean(text: str) -> str:
    """NFC, without the control characters XML cannot carry."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _NOT_XML.sub("", text)


def _text(text: str) -> str:
    """*text* cleaned (:func:`_clean`) and escaped for element content."""
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    """*text* escaped for a double-quoted attribute."""
    return _text(text).replace('"', "&quot;")


def import_tmx(store, paths, progress=None, batch: int = 1000) -> dict:
    """Import TMX files into *store* in one transaction (all or nothing).

    Parameters:
        store: an open store.
        paths: TMX files.
        progress: optional callback ``(done, total, stage)`` (bytes per file).

    Returns ``{"files": [{"file", "tu", "units", "skipped", "added", "merged"}], "added", "merged"}``.
    """
    report = {"files": [], "added": 0, "merged": 0}
    with store.transaction():
        for path in paths:
            tick = (lambda d, t, name=Path(path).name: progress(d, t, name)) if progress else None
            reader = TMXReader(path, tick)
            added = merged = 0
            pending = []
            for unit in reader:
                pending.append(unit)
                if len(pending) >= batch:
                    a, m = store.add_units(pending)
                    added, merged, pending = added + a, merged + m, []
            a, m = store.add_units(pending)
            added, merged = added + a, merged + m
            report["files"].append({"file": str(path), **reader.counts, "added": added, "merged": merged})
            report["added"] += added
            report["merged"] += merged
    return report


def export_tmx(store, path, srclang: str = "en", kinds=None, progress=None) -> int:
    """Write the units of *store* (optionally only *kinds*) to *path*; returns how many.

    Parameters:
        progress: optional callback ``(done, total)``.
    """
    total = sum(store.count_units(k) for k in (kinds or [None]))
    with TMXWriter(path, srclang) as writer:
        for unit in store.iter_units(kinds):
            writer.write(unit)
            if progress and writer.count % 1000 == 0:
                progress(writer.count, total)
    if progress:
        progress(writer.count, total)
    return writer.count
