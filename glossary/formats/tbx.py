"""TBX (TermBase eXchange): TBX-Basic in TBX v3 (ISO 30042:2019) and the older MARTIF layout.

Both classes read both layouts (namespaces ignored). Mapping of an entry:

- concept (``conceptEntry`` / ``termEntry``) ``id`` = entry id;
  ``<descrip type="subjectField">`` = type; ``<note>`` = note;
  ``<admin type="source">`` = source; each ``<ref type="crossReference" target=ID>``
  = one ``confused_with`` id;
- a language section (``langSec`` / ``langSet``) for ``vi`` and ``en``; one term
  section (``termSec`` / ``tig``, ``ntig`` read too) per form, with
  ``<termNote type="administrativeStatus">`` ``preferredTerm-admn-sts``,
  ``admittedTerm-admn-sts`` or ``deprecatedTerm-admn-sts``; a deprecated form's
  reason is the term section's ``<note>``.

Read from other tools: terms without a status are preferred (the first) then
admitted; ``superseded``, ``obsolete``, ``forbidden`` and ``deprecated`` statuses
are deprecated; a subject field that is not one of our types leaves the type
empty. XML is parsed without DTDs, entity expansion or network access; a file
that uses entity references (``&xxe;``) is refused.
"""
from __future__ import annotations

import re

from lxml import etree

from corpus.errors import InputError
from corpus.xmlguard import refuse_entities
from glossary.model import TYPES, Deprecated, Entry
from glossary.tsv import valid_id

__all__ = ["TbxGlossary", "MartifGlossary", "parse_tbx"]

TBX3_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts",
          "deprecated": "deprecatedTerm-admn-sts"}
_DEPRECATED = ("deprecat", "supersed", "obsolete", "forbidden")
_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*\?>")
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                       remove_comments=True, remove_pis=True)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _children(el, *names):
    return [c for c in el if _local(c) in names]


def _status(section) -> str | None:
    for note in section.iter():
        if _local(note) == "termNote" and note.get("type") == "administrativeStatus":
            value = _text(note).lower()
            if value.startswith("preferred"):
                return "preferred"
            if value.startswith("admitted"):
                return "admitted"
            if any(word in value for word in _DEPRECATED):
                return "deprecated"
    return None


def _terms(lang_section):
    """``(form, status or None, note)`` of each term section in document order."""
    out = []
    for section in _children(lang_section, "termSec", "tig", "ntig"):
        term = next((t for t in section.iter() if _local(t) == "term"), None)
        if term is None or not _text(term):
            continue
        notes = [_text(n) for n in section.iter() if _local(n) == "note" and _text(n)]
        out.append((_text(term), _status(section), " ".join(notes)))
    return out


def parse_tbx(text: str, path="-") -> tuple[list[Entry], list[int]]:
    """Entries (and their source lines) of a TBX document in either layout."""
    refuse_entities(text, path)
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(_XML_DECL.sub("", text, count=1), parser)
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (None, None)
        raise InputError(path, f"not well-formed XML: {err.msg}", line=line, column=column) from None
    for entity in root.iter(etree.Entity):
        raise InputError(path, f"entity reference {entity.text} is not allowed (entities are never expanded)",
                         line=entity.sourceline)
    if _local(root) not in ("tbx", "martif"):
        raise InputError(path, f"not a TBX file: the root element is <{_local(root)}>, not <tbx> or <martif>",
                         line=root.sourceline)
    entries, lines, seen = [], [], {}
    for concept in root.iter():
        if _local(concept) not in ("conceptEntry", "termEntry"):
            continue
        entry = Entry(id="", type="", vi="", en="")
        cid = (concept.get("id") or "").strip()
        entry.id = cid if valid_id(cid) else ""
        if entry.id in seen:
            raise InputError(path, f"duplicate concept id {cid!r} (first on line {seen[cid]})",
                             line=concept.sourceline)
        if entry.id:
            seen[entry.id] = concept.sourceline
        for child in concept:
            name, kind = _local(child), child.get("type")
            if name == "descrip" and kind == "subjectField" and _text(child) in TYPES:
                entry.type = _text(child)
            elif name == "note" and _text(child):
                entry.note = f"{entry.note} {_text(child)}".strip()
            elif name == "admin" and kind == "source":
                entry.source = _text(child)
            elif name == "ref" and kind == "crossReference":
                target = (child.get("target") or _text(child)).strip()
                if target:
                    entry.confused_with.append(target)
        for section in _children(concept, "langSec", "langSet"):
            lang = (section.get(XML_LANG) or section.get("lang") or "").split("-")[0].split("_")[0].lower()
            if lang not in ("vi", "en"):
                continue
            for form, status, note in _terms(section):
                if status == "deprecated":
                    entry.deprecated(lang).append(Deprecated(form, note))
                elif status != "admitted" and not entry.preferred(lang):
                    setattr(entry, lang, form)
                else:
                    entry.variants(lang).append(form)
            if not entry.preferred(lang) and entry.variants(lang):
                setattr(entry, lang, entry.variants(lang).pop(0))
        for lang, name in (("vi", "Vietnamese"), ("en", "English")):
            if not entry.preferred(lang):
                label = f" {cid!r}" if cid else ""
                raise InputError(path, f"concept{label} has no {name} term (preferred or admitted)",
                                 line=concept.sourceline)
        entries.append(entry)
        lines.append(concept.sourceline)
    return entries, lines


class _TbxBase:
    """Shared parse; subclasses choose the element names they write."""

    name = ""
    concept, lang_section, term_section = "", "", ""

    def __init__(self, entries=(), lines=None):
        self.entries = list(entries)
        self.lines = list(lines) if lines is not None else [None] * len(self.entries)

    @classmethod
    def parse(cls, text: str, path="-"):
        """Parse TBX *text* (either layout); errors raise :class:`InputError`."""
        entries, lines = parse_tbx(text, path)
        return cls(entries, lines)

    def _root(self):
        """``(root element, body element)`` of an empty document."""
        raise NotImplementedError

    def _el(self, parent, tag, text=None, **attrs):
        el = etree.SubElement(parent, self._tag(tag), {k.rstrip("_"): v for k, v in attrs.items()})
        if text is not None:
            el.text = text
        return el

    def _tag(self, name: str) -> str:
        return name

    def serialize(self) -> str:
        """The TBX document as UTF-8 text with an XML declaration."""
        root, body = self._root()
        for e in self.entries:
            concept = self._el(body, self.concept, id=e.id)
            if e.type:
                self._el(concept, "descrip", e.type, type="subjectField")
            if e.source:
                self._el(concept, "admin", e.source, type="source")
            for target in e.confused_with:
                self._el(concept, "ref", target, type="crossReference", target=target)
            if e.note:
                self._el(concept, "note", e.note)
            for lang in ("vi", "en"):
                section = self._el(concept, self.lang_section)
                section.set(XML_LANG, lang)
                forms = [(e.preferred(lang), "preferred", "")]
                forms += [(v, "admitted", "") for v in e.variants(lang)]
                forms += [(d.form, "deprecated", d.reason) for d in e.deprecated(lang)]
                for form, status, reason in forms:
                    term_section = self._el(section, self.term_section)
                    self._el(term_section, "term", form)
                    self._el(term_section, "termNote", STATUS[status], type="administrativeStatus")
                    if reason:
                        self._el(term_section, "note", reason)
        etree.indent(root, space="  ")
        return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True).decode("utf-8")


class TbxGlossary(_TbxBase):
    """TBX-Basic, TBX v3 (ISO 30042:2019), DCA style: ``tbx/conceptEntry/langSec/termSec``."""

    name = "tbx"
    concept, lang_section, term_section = "conceptEntry", "langSec", "termSec"

    def _tag(self, name: str) -> str:
        return f"{{{TBX3_NS}}}{name}"

    def _root(self):
        root = etree.Element(self._tag("tbx"), nsmap={None: TBX3_NS},
                             attrib={"type": "TBX-Basic", "style": "dca", XML_LANG: "en"})
        header = self._el(root, "tbxHeader")
        desc = self._el(self._el(header, "fileDesc"), "sourceDesc")
        self._el(desc, "p", "songngu glossary (Vietnamese-English)")
        body = self._el(self._el(root, "text"), "body")
        return root, body


class MartifGlossary(_TbxBase):
    """The older MARTIF layout (TBX 2008 / TBX-Basic v2) that Translate Toolkit and Okapi
    read: ``martif/text/body/termEntry/langSet/tig``."""

    name = "tbx-martif"
    concept, lang_section, term_section = "termEntry", "langSet", "tig"

    def _root(self):
        root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
        header = self._el(root, "martifHeader")
        file_desc = self._el(header, "fileDesc")
        self._el(self._el(file_desc, "sourceDesc"), "p", "songngu glossary (Vietnamese-English)")
        self._el(self._el(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
        body = self._el(self._el(root, "text"), "body")
        return root, body
