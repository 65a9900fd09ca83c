"""TMX (Translation Memory eXchange) reading and writing, streaming.

:class:`TMXReader` reads TMX 1.1 to 1.4 (the encoding its XML declaration
names, UTF-16 with a BOM; language codes in any case, with regions,
underscores or ISO 639-2/3 codes: ``vi``, ``VI-VN``, ``vi_VN``, ``vie``;
``srclang="*all*"``) with lxml ``iterparse`` in constant memory. Each unit
keeps its ``<tu>`` as written (``Unit.tu``: every tuv, third languages and
regional variants, every attribute, prop and note, inline tags, whitespace and
Unicode form untouched; only the layout whitespace between elements is
dropped), and the file's ``<header>`` is kept too. ``Unit.vi`` / ``Unit.en``
hold the plain text of the first Vietnamese and English tuv (text and ``hi``
content, native codes left out) for matching, which compares normalised keys.
Units without both sides are skipped and counted by reason. Hostile input is
refused: a DOCTYPE that declares entities (entity bombs, external entities) is
an error, external DTDs are never fetched and entities never expanded.

:class:`TMXWriter` writes TMX 1.4b (valid against the DTD), one ``tu`` at a
time: imported units exactly as they were read (TMX 1.1 ``lang`` written as
``xml:lang``), other units with ``tuid``, ``creationdate``/``changedate`` as
``YYYYMMDDThhmmssZ``, their kind, alignment score and provenance as
``<prop type="x-...">`` and their stored text and inline markup. The header is
the imported file's (required attributes it lacks filled in) when every
exported unit comes from one file, else songngu's with the imported headers'
props, notes and udes.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from lxml import etree

from corpus.errors import InputError
from corpus.langid import lang_of
from corpus.xmlguard import check_declared_encoding, refuse_entities
from tm.store import Unit

__all__ = ["TMXReader", "TMXWriter", "import_tmx", "export_tmx", "plain_text", "lang_of", "as_written"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INLINE = {"bpt", "ept", "ph", "it", "hi", "ut", "sub"}
RESERVED = ("x-kind", "x-score", "x-provenance")  # props this writer sets itself
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=1024)
def _local(tag: str) -> str:
    """The local name of an element's tag (``{ns}seg`` -> ``seg``)."""
    return tag.rpartition("}")[2]


def plain_text(seg) -> str:
    """Text of a ``seg`` element as matching sees it: text and ``hi`` content, no native codes."""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and _local(child.tag) == "hi":
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

    After iteration: ``header`` holds the header attributes and ``header_xml``
    the ``<header>`` element as written (None without one); ``counts`` how many
    ``tu`` were read, yielded and skipped; ``reasons`` the skipped ``tu`` by
    reason; ``languages`` how many tuv carry each language code (as written).
    """

    def __init__(self, path, progress=None):
        self.path = Path(path)
        self.progress = progress
        self.header = {}
        self.header_xml = None
        self.counts = {"tu": 0, "units": 0, "skipped": 0}
        self.reasons = Counter()
        self.languages = Counter()

    def __iter__(self):
        if not self.path.is_file():
            raise InputError(self.path, "no such file")
        if self.path.stat().st_size == 0:
            raise InputError(self.path, "empty file, not a TMX file")
        with open(self.path, "rb") as fh:
            check_declared_encoding(fh.read(512), self.path)
            fh.seek(0)
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
            if event == "start":
                if root is None:
                    root = elem
                    self._check_root(elem)
                continue
            name = _local(elem.tag)
            if name == "header":
                self.header = {k: v for k, v in elem.attrib.items()}
                self.header_xml = as_written(elem)
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

    def _skip(self, reason: str) -> None:
        self.reasons[reason] += 1

    def _unit(self, tu) -> Unit | None:
        sides = {}
        for tuv in tu:
            if not isinstance(tuv.tag, str) or _local(tuv.tag) != "tuv":
                continue
            code = tuv.get(XML_LANG) or tuv.get("lang")
            self.languages[code or "(none)"] += 1
            lang = lang_of(code)
            if lang in ("vi", "en") and lang not in sides:
                seg = next((c for c in tuv if isinstance(c.tag, str) and _local(c.tag) == "seg"),
                           None)
                if seg is not None:
                    sides[lang] = seg
        for lang, name in (("vi", "Vietnamese"), ("en", "English")):
            if lang not in sides:
                return self._skip(f"no {name} segment")
        text = {lang: plain_text(seg) for lang, seg in sides.items()}
        for lang, name in (("vi", "Vietnamese"), ("en", "English")):
            if not text[lang].strip():
                return self._skip(f"empty {name} segment")
        markup = {lang: _inner_xml(seg) if len(seg) else None for lang, seg in sides.items()}
        props, score, kind = {}, None, "imported"
        for child in tu:
            if not isinstance(child.tag, str):
                continue
            tag = _local(child.tag)
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
                    vi_markup=markup["vi"], en_markup=markup["en"], props=props, tu=as_written(tu))

    def nothing_found(self) -> str:
        """Why the file yielded no unit (for the error message)."""
        if not self.counts["tu"]:
            return "no translation unit (<tu>) in the file"
        reasons = ", ".join(f"{n} {r}" for r, n in self.reasons.most_common())
        langs = ", ".join(code for code, _ in self.languages.most_common(6))
        return (f"no unit with both a Vietnamese and an English segment ({self.counts['tu']} tu: {reasons}; "
                f"languages found: {langs or 'none'})")


_LAYOUT = {"tu", "tuv", "header", "ude"}


def as_written(elem) -> str:
    """*elem* (a ``tu`` or ``header``) as XML text, without the layout whitespace between its elements.

    Segment, prop and note content is left exactly as written; a TMX 1.1 ``lang``
    attribute of a tuv is named ``xml:lang``, as TMX 1.4 has it, in its place.
    """
    for el in elem.iter():
        if not isinstance(el.tag, str) or _local(el.tag) not in _LAYOUT:
            continue
        if el.tag == "tuv" and el.get("lang") is not None and el.get(XML_LANG) is None:
            attrs = [(XML_LANG if k == "lang" else k, v) for k, v in el.attrib.items()]
            el.attrib.clear()
            for k, v in attrs:
                el.set(k, v)
        if el.text is not None and not el.text.strip():
            el.text = None
        for child in el:
            if child.tail is not None and not child.tail.strip():
                child.tail = None
    return etree.tostring(elem, encoding="unicode", with_tail=False)


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


REQUIRED = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")


def _own_header(srclang: str | None) -> dict:
    return {"creationtool": "songngu", "creationtoolversion": _tool_version(), "segtype": "sentence",
            "o-tmf": "songngu", "adminlang": "en", "srclang": srclang or "en", "datatype": "plaintext"}


def export_header(headers, srclang: str | None = None, *, as_written: bool | None = None) -> str:
    """The ``<header>`` to write for units imported under *headers* (XML strings, maybe none).

    *as_written* (default: when there is one header): that header as written,
    the required attributes it lacks filled in (``srclang`` replaced when
    *srclang* is given). Otherwise songngu's header carrying every distinct
    prop, note and ude of *headers*.
    """
    headers = list(headers)
    if as_written is None:
        as_written = len(headers) == 1
    if as_written:
        head = etree.fromstring(headers[0])
        head.tag = "header"
        defaults = _own_header(srclang)
        defaults["srclang"], defaults["datatype"] = srclang or "*all*", "unknown"
        for name in REQUIRED:
            if not head.get(name) or (name == "srclang" and srclang):
                head.set(name, defaults[name])
        return etree.tostring(head, encoding="unicode")
    head = etree.Element("header", _own_header(srclang))
    seen, udes = set(), set()
    for xml in headers:
        for child in etree.fromstring(xml):
            if not isinstance(child.tag, str):
                continue
            text = etree.tostring(child, encoding="unicode", with_tail=False)
            name = etree.QName(child).localname
            if text in seen or (name == "ude" and child.get("name") in udes):
                continue
            seen.add(text)
            udes.add(child.get("name") if name == "ude" else None)
            head.append(etree.fromstring(text))
    order = {"note": 0, "prop": 0, "ude": 1}
    head[:] = sorted(head, key=lambda c: order.get(etree.QName(c).localname, 0))
    return etree.tostring(head, encoding="unicode")


class TMXWriter:
    """Streaming TMX 1.4b writer; use as a context manager and call :meth:`write`.

    Each ``tu`` is formatted as text and written through a buffered file (no
    element tree is built), so memory stays constant.

    Parameters:
        path: the file to write (replaced when complete).
        srclang: ``en`` or ``vi``: the header's source language, written first in
            every ``tu``; None (default): imported units as written, others English first.
        header: the ``<header>`` XML to write (see :func:`export_header`); default songngu's.
    """

    def __init__(self, path, srclang: str | None = None, header: str | None = None):
        if srclang not in (None, "en", "vi"):
            raise ValueError("srclang must be 'en', 'vi' or None")
        self.path = Path(path)
        self.srclang = srclang
        self.header = header or export_header([], srclang)
        self.count = 0

    def __enter__(self):
        if not self.path.parent.is_dir():
            raise InputError(self.path, "cannot write here: no such folder")
        self._tmp = self.path.with_name(self.path.name + ".part")
        self._fh = open(self._tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        self._fh.write("<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n"
                       f'<tmx version="1.4">\n{self.header}\n<body>\n')
        return self

    def write(self, unit: Unit) -> None:
        """Write one unit as a ``tu``: an imported one (``unit.tu``) as written, others from their fields."""
        if unit.tu:
            self.write_tu(unit.tu)
            return
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
        first = self.srclang or "en"
        for lang in (first, "vi" if first == "en" else "en"):
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

    def write_tu(self, xml: str) -> None:
        """Write a ``<tu>`` kept as written (with ``srclang``, the source language's tuvs first)."""
        if self.srclang:
            tu = etree.fromstring(xml)
            tuvs = [c for c in tu if c.tag == "tuv"]
            first = [t for t in tuvs if lang_of(t.get(XML_LANG)) == self.srclang]
            if first and tuvs[:len(first)] != first:
                for tuv in tuvs:
                    tu.remove(tuv)
                tu.extend(first + [t for t in tuvs if t not in first])
                xml = etree.tostring(tu, encoding="unicode", with_tail=False)
        self._fh.write(xml + "\n")
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
    """*text* without the control characters XML cannot carry (Unicode form kept as written)."""
    return _NOT_XML.sub("", text)


def _text(text: str) -> str:
    """*text* cleaned (:func:`_clean`) and escaped for element content."""
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    """*text* escaped for a double-quoted attribute."""
    return _text(text).replace('"', "&quot;")


def import_tmx(store, paths, progress=None, batch: int = 1000) -> dict:
    """Import TMX files into *store* in one transaction (all or nothing).

    Every ``<tu>`` with a Vietnamese and an English segment is kept as written;
    exact duplicates (the same ``<tu>``) are merged; a unit whose text has the
    same keys as a stored one is kept beside it (``variants``). A file that yields
    no unit is an error (:class:`InputError`), and nothing is imported.

    Parameters:
        store: an open store.
        paths: TMX files.
        progress: optional callback ``(done, total, stage)`` (bytes per file).

    Returns ``{"files": [{"file", "tu", "units", "skipped", "skipped_by_reason", "added", "merged",
    "variants"}], "added", "merged", "variants", "skipped"}``.
    """
    report = {"files": [], "added": 0, "merged": 0, "variants": 0, "skipped": 0}
    with store.transaction():
        for path in paths:
            tick = (lambda d, t, name=Path(path).name: progress(d, t, name)) if progress else None
            reader = TMXReader(path, tick)
            counts = {"added": 0, "merged": 0, "variants": 0}
            header_id, pending = None, []

            def flush():
                for key, n in store.add_tmx_units(pending, header_id,
                                                  own_tool=reader.header.get("creationtool") == "songngu").items():
                    counts[key] += n
                pending.clear()

            for unit in reader:
                if header_id is None and reader.header_xml:
                    header_id = store.add_tmx_header(Path(path).name, reader.header_xml)
                pending.append(unit)
                if len(pending) >= batch:
                    flush()
            flush()
            if not reader.counts["units"]:
                raise InputError(path, reader.nothing_found())
            report["files"].append({"file": str(path), **reader.counts,
                                    "skipped_by_reason": dict(reader.reasons.most_common()), **counts})
            for key in ("added", "merged", "variants", "skipped"):
                report[key] += report["files"][-1][key]
    return report


def export_tmx(store, path, srclang: str | None = None, kinds=None, progress=None) -> int:
    """Write the units of *store* (optionally only *kinds*) to *path*; returns how many ``tu``.

    Imported units are written as they were read (with their file's header when
    they all come from one file); a unit that shares its keys with others is
    followed by them. Parameters as :class:`TMXWriter`; ``progress``: optional
    callback ``(done, total)``.
    """
    total = sum(store.count_units(k) for k in (kinds or [None]))
    headers = store.tmx_headers(kinds)
    only_imported = store.count_tmx_units(kinds, own=True) == total
    header = export_header(headers.values(), srclang, as_written=len(headers) == 1 and only_imported)
    with TMXWriter(path, srclang, header=header) as writer:
        batch = []

        def flush():
            kept = store.tmx_units([u.id for u in batch])
            for unit in batch:
                tus = kept.get(unit.id, [])
                if not any(own for _, own, _ in tus):
                    writer.write(unit)
                for _, _, xml in tus:
                    writer.write_tu(xml)
            batch.clear()
            if progress:
                progress(writer.count, total)

        for unit in store.iter_units(kinds):
            batch.append(unit)
            if len(batch) >= 1000:
                flush()
        flush()
    return writer.count
