"""Word .docx: paragraphs in, corrections out as tracked changes (direct OOXML through lxml).

Reading (:class:`DocxFile`): the paragraphs of the main document in order (body
paragraphs, table cells row by row, text boxes where they stand), then
footnotes and endnotes; headers and footers first. A paragraph's text is the
text of its runs, inside hyperlinks, fields' results, content controls and
earlier tracked insertions; tracked deletions and field codes are not text.
Tabs, breaks, drawings, footnote marks and the like are placeholders
(:mod:`corpus.formats.segments`). In a text box Word writes twice (a DrawingML
box and its VML fallback) the fallback is skipped.

A bilingual table (:meth:`DocxFile.bilingual`): a table of two columns whose
left column is in one of Vietnamese/English and the right one in the other is
read as segment pairs, source left, target right, one a row.

Writing (:meth:`DocxFile.write_corrected`): each edit becomes a Word tracked
change by author ``songngu``: the run that held the text is split at the edit's
ends, the runs of the old text go into ``<w:del>`` (their ``w:t`` become
``w:delText``), a run with the same run properties and the new text into
``<w:ins>`` right after, and a comment (``word/comments.xml``) anchored on the
change gives the rule and why (in the main document; footnotes and headers get
the change without a comment). Every other part of the package is copied byte
for byte. Accepting all changes gives the corrected text, rejecting them the
original.
"""
from __future__ import annotations

import copy
import io
import os
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

from lxml import etree

from corpus.errors import InputError
from corpus.formats.segments import BiSegment, BilingualDocument, Change, code_char
from corpus.reader import read_bytes
from corpus.xmlguard import refuse_entities

__all__ = ["DocxFile", "read_docx", "W", "AUTHOR"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_TYPE = OFFICE_REL + "/comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
AUTHOR = "songngu"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_SKIP = {"del", "moveFrom", "pPr", "rPr", "instrText", "delInstrText", "fldChar", "commentRangeStart",
         "commentRangeEnd", "proofErr", "bookmarkStart", "bookmarkEnd", "permStart", "permEnd"}
_RUN_SKIP = {"rPr", "instrText", "delInstrText", "fldChar", "lastRenderedPageBreak", "commentReference",
             "annotationRef", "delText", "separator", "continuationSeparator"}
_PART_ORDER = {"header": 0, "document": 1, "footnotes": 2, "endnotes": 3, "footer": 4}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class _Atom:
    start: int
    end: int
    run: object
    el: object
    code: bool


@dataclass
class Paragraph:
    """One paragraph: its part, element, and text with placeholders."""

    part: str
    el: object
    text: str = ""
    atoms: list = field(default_factory=list)


def _atoms(p) -> tuple[str, list[_Atom]]:
    """The text of paragraph *p* and the pieces (atoms) it is made of."""
    out, pieces = [], []
    pos = 0
    codes = 0

    def walk(el):
        nonlocal pos, codes
        for child in el:
            if not isinstance(child.tag, str):
                continue
            ns, _, tag = child.tag[1:].partition("}")
            if ns == MC and tag == "Fallback":
                continue
            if ns == W and tag in _SKIP:
                continue
            if ns == W and tag == "p":
                continue  # a paragraph inside a text box: read on its own
            if ns == W and tag == "r":
                for item in child:
                    if not isinstance(item.tag, str):
                        continue
                    ins, _, name = item.tag[1:].partition("}")
                    if ins == W and name in _RUN_SKIP:
                        continue
                    if ins == W and name == "t":
                        text = item.text or ""
                        out.append(text)
                        pieces.append(_Atom(pos, pos + len(text), child, item, False))
                        pos += len(text)
                    else:
                        char = "\t" if (ins == W and name == "tab") else code_char(codes)
                        codes += 1
                        out.append(char)
                        pieces.append(_Atom(pos, pos + 1, child, item, True))
                        pos += 1
                continue
            walk(child)

    walk(p)
    return "".join(out), pieces


def _fallback(el) -> bool:
    return any(a.tag == f"{{{MC}}}Fallback" for a in el.iterancestors())


class DocxFile:
    """A .docx package read into paragraphs (see the module docs).

    Parameters:
        path: the file.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        data = read_bytes(path)
        if data.startswith(_CFB):
            if _ENCRYPTED in data:
                raise InputError(path, "password-protected Word document: remove the password in Word "
                                       "(File > Info > Protect Document) and save again")
            raise InputError(path, "a Word 97-2003 document (.doc, binary): save it as .docx first")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            names = set(self.zip.namelist())
        except zipfile.BadZipFile:
            raise InputError(path, "not a Word document (.docx): not a zip archive") from None
        self.data = data
        self.main = self._main_part(names)
        self.parts: dict[str, object] = {}
        self.paragraphs: list[Paragraph] = []
        rels = self._rels(self.main)
        others = sorted((kind, target) for kind, target in rels if kind in _PART_ORDER)
        order = [("document", self.main)] + [(k, t) for k, t in others if t in names]
        order.sort(key=lambda kt: _PART_ORDER[kt[0]])
        for kind, name in order:
            root = self._parse(name)
            self.parts[name] = root
            for p in root.iter(w("p")):
                if _fallback(p):
                    continue
                if kind in ("footnotes", "endnotes"):
                    note = next(p.iterancestors(w("footnote"), w("endnote")), None)
                    if note is not None and note.get(w("type")) in ("separator", "continuationSeparator",
                                                                     "continuationNotice"):
                        continue
                para = Paragraph(name, p)
                para.text, para.atoms = _atoms(p)
                self.paragraphs.append(para)

    def _main_part(self, names) -> str:
        if "[Content_Types].xml" not in names:
            raise InputError(self.path, "not a Word document (.docx): no [Content_Types].xml in the zip")
        for kind, target in self._rels(""):
            if kind == "officeDocument" and target in names:
                return target
        if "word/document.xml" in names:
            return "word/document.xml"
        raise InputError(self.path, "not a Word document (.docx): no word/document.xml in the zip")

    def _rels(self, part: str) -> list[tuple[str, str]]:
        """``(type name, part name)`` of the relationships of *part* ("" for the package)."""
        folder, _, base = part.rpartition("/")
        rels_name = f"{folder + '/' if folder else ''}_rels/{base}.rels"
        if rels_name not in self.zip.namelist():
            return []
        out = []
        for rel in self._parse(rels_name).iter(f"{{{REL}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else os.path.normpath(
                os.path.join(folder, target)).replace(os.sep, "/")
            out.append((rel.get("Type", "").rsplit("/", 1)[-1], name))
        return out

    def _parse(self, name: str):
        data = self.zip.read(name)
        refuse_entities(io.BytesIO(data), f"{self.path}:{name}")
        try:
            return etree.fromstring(data, etree.XMLParser(**_PARSER))
        except etree.XMLSyntaxError as err:
            raise InputError(self.path, f"damaged Word document: {name}: {err.msg}") from None

    # -- text --------------------------------------------------------------------------------

    def text(self) -> str:
        """The document's text: one paragraph a line (placeholders for codes)."""
        return "\n".join(p.text for p in self.paragraphs)

    def bilingual(self, langid=None) -> "DocxTable | None":
        """The document's bilingual two-column table as segments, or None (see the module docs)."""
        from corpus.langid import detect

        langid = langid or detect
        body = self.parts[self.main]
        index = {id(p.el): i for i, p in enumerate(self.paragraphs)}
        for t_no, tbl in enumerate(body.iter(w("tbl")), 1):
            rows = [[c for c in tr if c.tag == w("tc")] for tr in tbl if tr.tag == w("tr")]
            pairs = [r for r in rows if len(r) == 2]
            if len(pairs) < 2 or len(pairs) * 5 < len(rows) * 4:
                continue
            cols = [[[index[id(p)] for p in cell.iter(w("p")) if id(p) in index] for cell in (r[0], r[1])]
                    for r in pairs]
            left = " ".join(self.paragraphs[i].text for r in cols for i in r[0])
            right = " ".join(self.paragraphs[i].text for r in cols for i in r[1])
            ll, rl = langid(left), langid(right)
            if not ll or not rl or ll == rl:
                continue
            doc = DocxTable(self.path, "docx-table", ll, rl, [])
            doc.docx, doc.cells = self, []
            for r_no, (lp, rp) in enumerate(cols, 1):
                source = "\n".join(self.paragraphs[i].text for i in lp)
                target = "\n".join(self.paragraphs[i].text for i in rp)
                if not source.strip() and not target.strip():
                    continue
                unit = f"row {r_no}" if t_no == 1 else f"table {t_no} row {r_no}"
                doc.segments.append(BiSegment(unit, source, target if rp else None,
                                              line=r_no, translated=bool(target.strip())))
                doc.cells.append(rp)
            return doc
        return None

    # -- writing -----------------------------------------------------------------------------

    def write_corrected(self, out_path, changes: dict[int, list[Change]]) -> list:
        """Write a copy with each paragraph *i*'s edits ``changes[i]`` as tracked changes.

        Returns the changes that could not be written (their text spans runs of
        different parents, e.g. part in a hyperlink): they stay suggestions.
        """
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        comments = self._comments()
        ids = _Ids([*self.parts.values(), comments.root])
        skipped, touched = [], set()
        for index in sorted(changes):
            para = self.paragraphs[index]
            for c in sorted(changes[index], key=lambda c: -c.start):
                cid = comments.new(c, stamp, ids) if para.part == self.main else None
                if _track(para, c, ids, stamp, cid):
                    touched.add(para.part)
                else:
                    if cid is not None:
                        comments.drop(cid)
                    skipped.append((index, c))
        replaced = {name: _xml(self.parts[name]) for name in touched}
        if comments.used:
            replaced.update(comments.parts(self))
        with zipfile.ZipFile(out_path, "w") as out:
            for item in self.zip.infolist():
                data = replaced.pop(item.filename, None)
                out.writestr(item, data if data is not None else self.zip.read(item.filename))
            for name, data in replaced.items():
                out.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
        return skipped

    def _comments(self) -> "_Comments":
        name = next((t for k, t in self._rels(self.main) if k == "comments"), None)
        root = self._parse(name) if name and name in self.zip.namelist() else None
        return _Comments(name, root)


class DocxTable(BilingualDocument):
    """The segments of a Word document's bilingual table; written back through its :class:`DocxFile`."""

    docx: DocxFile
    cells: list

    def write_corrected(self, out_path, changes: dict[int, list[Change]]) -> list:
        by_para: dict[int, list[Change]] = {}
        for index, seg_changes in changes.items():
            paras = self.cells[index]
            starts, pos = [], 0
            for i in paras:
                starts.append(pos)
                pos += len(self.docx.paragraphs[i].text) + 1
            for c in seg_changes:
                k = max(j for j, s in enumerate(starts) if s <= c.start)
                shifted = Change(c.start - starts[k], c.end - starts[k], c.after, c.rule, c.confidence,
                                 c.message, c.before)
                by_para.setdefault(paras[k], []).append(shifted)
        return self.docx.write_corrected(out_path, by_para)


class _Ids:
    """Fresh ``w:id`` values for revisions and comments (above every id in the document)."""

    def __init__(self, roots):
        top = 0
        for root in roots:
            for el in root.iter():
                value = el.get(w("id")) if isinstance(el.tag, str) else None
                if value and value.lstrip("-").isdigit():
                    top = max(top, int(value))
        self.next = top + 1

    def __call__(self) -> str:
        self.next += 1
        return str(self.next - 1)


class _Comments:
    def __init__(self, name, root):
        self.name = name or "word/comments.xml"
        self.existing = root is not None
        self.root = root if root is not None else etree.Element(w("comments"), nsmap={"w": W})
        self.used = 0

    def new(self, c: Change, stamp, ids) -> str:
        cid = ids()
        comment = etree.SubElement(self.root, w("comment"), {w("id"): cid, w("author"): AUTHOR,
                                                             w("date"): stamp, w("initials"): "sn"})
        p = etree.SubElement(comment, w("p"))
        r = etree.SubElement(p, w("r"))
        t = etree.SubElement(r, w("t"))
        t.text = f"songngu {c.rule} ({c.confidence:.2f}): {c.message}".rstrip(": ")
        t.set(XML_SPACE, "preserve")
        self.used += 1
        return cid

    def drop(self, cid):
        for el in self.root.findall(w("comment")):
            if el.get(w("id")) == cid:
                self.root.remove(el)
                self.used -= 1

    def parts(self, docx: DocxFile) -> dict[str, bytes]:
        out = {self.name: _xml(self.root)}
        if self.existing:
            return out
        folder, _, base = docx.main.rpartition("/")
        rels_name = f"{folder + '/' if folder else ''}_rels/{base}.rels"
        rels = docx._parse(rels_name) if rels_name in docx.zip.namelist() else etree.Element(
            f"{{{REL}}}Relationships", nsmap={None: REL})
        taken = {r.get("Id") for r in rels}
        rid = next(f"rIdSongngu{k}" for k in range(1, 10_000) if f"rIdSongngu{k}" not in taken)
        target = os.path.relpath(self.name, folder or ".").replace(os.sep, "/")
        etree.SubElement(rels, f"{{{REL}}}Relationship", Id=rid, Type=COMMENTS_TYPE, Target=target)
        types = docx._parse("[Content_Types].xml")
        etree.SubElement(types, f"{{{CT}}}Override", PartName="/" + self.name, ContentType=COMMENTS_CT)
        out[rels_name] = _xml(rels)
        out["[Content_Types].xml"] = _xml(types)
        return out


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _split(atom: _Atom, at: int) -> None:
    """Split the run of text *atom* so that a new run starts at document offset *at*."""
    run, t = atom.run, atom.el
    k = at - atom.start
    tail = copy.deepcopy(t)
    t.text, tail.text = (t.text or "")[:k], (t.text or "")[k:]
    for el in (t, tail):
        el.set(XML_SPACE, "preserve")
    new = etree.Element(run.tag, dict(run.attrib))
    rpr = run.find(w("rPr"))
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    new.append(tail)
    for sib in list(t.itersiblings()):
        new.append(sib)
    run.addnext(new)


def _track(para: Paragraph, c: Change, ids, stamp, cid) -> bool:
    """Write change *c* into *para* as w:del + w:ins; False when it cannot be done cleanly."""
    for at in (c.start, c.end):
        for a in para.atoms:
            if not a.code and a.start < at < a.end:
                _split(a, at)
                break
        para.text, para.atoms = _atoms(para.el)
    inside = [a for a in para.atoms if a.start >= c.start and a.end <= c.end and a.end > a.start]
    if any(a.code for a in inside):
        return False
    runs = []
    for a in inside:
        if a.run not in runs:
            runs.append(a.run)
    if runs:
        parent = runs[0].getparent()
        if any(r.getparent() is not parent for r in runs):
            return False
        anchor = runs[0]
        style_run = runs[0]
    else:
        after = [a for a in para.atoms if a.start >= c.start]
        before = [a for a in para.atoms if a.end <= c.start]
        style_run = (before[-1].run if before else after[0].run if after else None)
        if style_run is None:
            return False
        anchor = None
    attrs = {w("id"): "", w("author"): AUTHOR, w("date"): stamp}
    first = last = None
    if runs:
        dele = etree.Element(w("del"), {**attrs, w("id"): ids()})
        anchor.addprevious(dele)
        for r in runs:
            for t in r.findall(w("t")):
                t.tag = w("delText")
                t.set(XML_SPACE, "preserve")
            dele.append(r)
        first = last = dele
    if c.after:
        ins = etree.Element(w("ins"), {**attrs, w("id"): ids()})
        run = etree.SubElement(ins, w("r"))
        rpr = style_run.find(w("rPr"))
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        t = etree.SubElement(run, w("t"))
        t.text = c.after
        t.set(XML_SPACE, "preserve")
        if last is not None:
            last.addnext(ins)
        elif before_atoms(para, c.start):
            before_atoms(para, c.start)[-1].run.addnext(ins)
        else:
            style_run.addprevious(ins)
        first = first if first is not None else ins
        last = ins
    if cid is not None and first is not None:
        first.addprevious(etree.Element(w("commentRangeStart"), {w("id"): cid}))
        end = etree.Element(w("commentRangeEnd"), {w("id"): cid})
        last.addnext(end)
        ref = etree.Element(w("r"))
        etree.SubElement(ref, w("commentReference"), {w("id"): cid})
        end.addnext(ref)
    para.text, para.atoms = _atoms(para.el)
    return True


def before_atoms(para, at):
    return [a for a in para.atoms if a.end <= at and a.start < at]


def read_docx(path) -> DocxFile:
    """Read a .docx file (see :class:`DocxFile`)."""
    return DocxFile(path)
