"""TBX (TermBase eXchange): TBX-Basic in TBX v3 (ISO 30042:2019) and the older MARTIF layout.

Both classes read both layouts (namespaces ignored), from bytes in the encoding
the XML declaration names. Mapping of an entry:

- concept (``conceptEntry`` / ``termEntry``) ``id`` = entry id;
  ``<descrip type="subjectField">`` = type (one of ours) or subject;
  ``<descrip type="definition">`` (on the concept or the vi/en section) =
  definition; ``<note>`` = note; ``<admin type="source">`` = source; each
  ``<ref type="crossReference" target=ID>`` = one ``confused_with`` id;
- a language section (``langSec`` / ``langSet``) for ``vi`` and ``en`` (any
  code of theirs: ``vi-VN``, ``vie``...); one term section (``termSec`` /
  ``tig``, ``ntig`` read too) per form, with ``<termNote
  type="administrativeStatus">`` ``preferredTerm-admn-sts``,
  ``admittedTerm-admn-sts`` or ``deprecatedTerm-admn-sts``; a deprecated
  form's reason is the term section's ``<note>``; the preferred terms'
  ``<descrip type="context">`` = vi/en context and ``<termNote
  type="partOfSpeech">`` = part of speech;
- sections of other languages = other_terms (code as written);
- any other data category with text (``admin``, ``descrip``, ``termNote``,
  ``note``, ``transac``, ``date``, ``xref``..., inside groups too: ``descripGrp>descrip``) = one
  ``extra`` item keyed by where it was (:func:`glossary.model.extra_key`),
  written back there.

Read from other tools: terms without a status are preferred (the first) then
admitted; ``superseded``, ``obsolete``, ``forbidden`` and ``deprecated``
statuses are deprecated. What cannot be kept is reported in ``skipped``
(``(line, why)``) and the rest imported: an empty ``<term/>``, a concept
without a Vietnamese or English term (or with only deprecated ones), a
duplicate concept id. With ``strict``, the first such item is an error.
XML is parsed without DTDs, entity expansion or network access; a file that
uses entity references (``&xxe;``) is refused.
"""
from __future__ import annotations

import io
import re

from lxml import etree

from corpus.errors import InputError
from corpus.langid import lang_of
from corpus.xmlguard import check_declared_encoding, refuse_entities
from glossary.model import TYPES, Deprecated, Entry, extra_key, split_extra_key
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


_KNOWN_TERM = {("termNote", "administrativeStatus")}


def _data(el, lang=None, form=None, prefix=""):
    """``(extra key, text)`` of a data category *el* (groups flattened: ``transacGrp>transac:origination``)."""
    name = _local(el)
    if name.endswith("Grp"):
        for child in el:
            if _local(child):
                yield from _data(child, lang, form, f"{prefix}{name}>")
        return
    text = _text(el) or (el.get("target") or "").strip()
    if text:
        yield extra_key(prefix + name, el.get("type"), lang, form), text


def _add(entry, key, text):
    entry.extra[key] = f"{entry.extra[key]} | {text}" if key in entry.extra else text


class _Concept:
    """Reads one concept into an :class:`Entry`, noting what it cannot keep."""

    def __init__(self, concept, path):
        self.el, self.path = concept, path
        self.problems: list[str] = []
        cid = (concept.get("id") or "").strip()
        self.label = f"concept {cid!r}" if cid else f"concept on line {concept.sourceline}"
        self.entry = Entry(id=cid if valid_id(cid) else "", type="", vi="", en="")

    def read(self) -> Entry:
        e = self.entry
        for child in self.el:
            name, kind = _local(child), child.get("type")
            if not name or name in ("langSec", "langSet"):
                continue
            if name == "descrip" and kind == "subjectField" and _text(child) in TYPES and not e.type:
                e.type = _text(child)
            elif name == "descrip" and kind == "subjectField" and not e.subject:
                e.subject = _text(child)
            elif name == "descrip" and kind == "definition" and not e.definition:
                e.definition = _text(child)
            elif name == "note" and _text(child):
                e.note = f"{e.note} {_text(child)}".strip()
            elif name == "admin" and kind == "source" and not e.source:
                e.source = _text(child)
            elif name == "ref" and kind == "crossReference" and (child.get("target") or _text(child)).strip():
                e.confused_with.append((child.get("target") or _text(child)).strip())
            else:
                self._keep(child)
        for section in _children(self.el, "langSec", "langSet"):
            self._section(section)
        return e

    def _keep(self, el, lang=None, form=None):
        kept = False
        for key, text in _data(el, lang, form):
            _add(self.entry, key, text)
            kept = True
        if not kept and len(el) == 0 and not el.attrib:
            return
        if not kept:
            self.problems.append(f"<{_local(el)}> without text not kept")

    def _section(self, section):
        e = self.entry
        code = section.get(XML_LANG) or section.get("lang") or ""
        lang = lang_of(code)
        forms = []
        for term_section in _children(section, "termSec", "tig", "ntig"):
            term = next((t for t in term_section.iter() if _local(t) == "term"), None)
            form = _text(term) if term is not None else ""
            if not form:
                self.problems.append(f"empty <term/> in the {code or 'unlabelled'} section skipped")
                continue
            forms.append((form, term_section))
        if lang not in ("vi", "en"):
            if forms:
                e.other_terms.setdefault(code or "und", []).extend(f for f, _ in forms)
            for child in section:
                if _local(child) not in ("termSec", "tig", "ntig", ""):
                    self._keep(child, code or "und")
            for form, term_section in forms:
                self._term_data(term_section, code or "und", form, keep_all=True)
            return
        for child in section:
            name = _local(child)
            if name in ("termSec", "tig", "ntig", ""):
                continue
            if name == "descrip" and child.get("type") == "definition" and not e.definition:
                e.definition = _text(child)
            else:
                self._keep(child, code)
        for form, term_section in forms:
            status = _status(term_section)
            if status == "deprecated":
                notes = [_text(n) for n in term_section.iter() if _local(n) == "note" and _text(n)]
                e.deprecated(lang).append(Deprecated(form, " ".join(notes)))
                self._term_data(term_section, code, form, skip_notes=True)
                continue
            if status != "admitted" and not e.preferred(lang):
                setattr(e, lang, form)
                preferred = True
            else:
                e.variants(lang).append(form)
                preferred = False
            self._term_data(term_section, code, form, preferred=preferred)
        if not e.preferred(lang) and e.variants(lang):
            setattr(e, lang, e.variants(lang).pop(0))

    def _term_data(self, term_section, code, form, preferred=False, skip_notes=False, keep_all=False):
        e, lang = self.entry, lang_of(code)
        for el in _term_items(term_section):
            name, kind = _local(el), el.get("type")
            if name in ("", "term") or (name, kind) in _KNOWN_TERM or (skip_notes and name == "note"):
                continue
            if not keep_all and preferred and name == "descrip" and kind == "context" and not e.context(lang):
                setattr(e, f"{lang}_context", _text(el))
            elif (not keep_all and preferred and name == "termNote" and kind == "partOfSpeech"
                  and e.pos in ("", _text(el))):
                e.pos = _text(el)
            else:
                self._keep(el, code, form)


def _term_items(term_section):
    """The data categories of a term section (MARTIF ``ntig`` groups them in ``termGrp``)."""
    for child in term_section:
        if _local(child) == "termGrp":
            yield from _term_items(child)
        else:
            yield child


def parse_tbx(data, path="-", *, strict: bool = False):
    """``(entries, lines, skipped)`` of a TBX document in either layout.

    Parameters:
        data: the document as bytes (decoded as its XML declaration says) or text.
        path: the file name for messages.
        strict: raise :class:`InputError` on the first item that cannot be kept
            instead of reporting it in *skipped* (``(line, why)`` pairs).
    """
    if isinstance(data, bytes):
        check_declared_encoding(data[:512], path)
        refuse_entities(io.BytesIO(data), path)
    else:
        refuse_entities(data, path)
        data = _XML_DECL.sub("", data, count=1)
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (None, None)
        raise InputError(path, f"not well-formed XML: {err.msg}", line=line, column=column) from None
    for entity in root.iter(etree.Entity):
        raise InputError(path, f"entity reference {entity.text} is not allowed (entities are never expanded)",
                         line=entity.sourceline)
    if _local(root) not in ("tbx", "martif"):
        raise InputError(path, f"not a TBX file: the root element is <{_local(root)}>, not <tbx> or <martif>",
                         line=root.sourceline)
    entries, lines, skipped, seen = [], [], [], {}

    def skip(line, why):
        if strict:
            raise InputError(path, why, line=line)
        skipped.append((line, why))

    for concept in root.iter():
        if _local(concept) not in ("conceptEntry", "termEntry"):
            continue
        reader = _Concept(concept, path)
        entry, line = reader.read(), concept.sourceline
        if entry.id in seen:
            skip(line, f"{reader.label}: duplicate concept id (first on line {seen[entry.id]}), concept skipped")
            continue
        for problem in reader.problems:
            skip(line, f"{reader.label}: {problem}")
        missing = []
        for lang, name in (("vi", "Vietnamese"), ("en", "English")):
            if not entry.preferred(lang):
                only = " (only deprecated ones)" if entry.deprecated(lang) else ""
                missing.append(f"no {name} term{only}")
        if missing:
            skip(line, f"{reader.label}: {' and '.join(missing)}, concept skipped")
            continue
        if entry.id:
            seen[entry.id] = line
        entries.append(entry)
        lines.append(line)
    return entries, lines, skipped


class _TbxBase:
    """Shared parse; subclasses choose the element names they write."""

    name = ""
    concept, lang_section, term_section = "", "", ""

    def __init__(self, entries=(), lines=None, skipped=()):
        self.entries = list(entries)
        self.lines = list(lines) if lines is not None else [None] * len(self.entries)
        self.skipped = list(skipped)

    @classmethod
    def parse(cls, data, path="-", *, strict: bool = False):
        """Parse TBX *data* (bytes or text, either layout); see :func:`parse_tbx`."""
        return cls(*parse_tbx(data, path, strict=strict))

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

    def _extra(self, parent, element: str, kind: str | None, text: str):
        """Write one kept data category (``transacGrp>transac`` becomes the group and its child)."""
        *groups, name = element.split(">")
        for group in groups:
            parent = self._el(parent, group)
        el = self._el(parent, name)
        if kind:
            el.set("type", kind)
        if name in ("ref", "xref") and kind != "crossReference":
            el.set("target", text)
        el.text = text

    def serialize(self) -> str:
        """The TBX document as UTF-8 text with an XML declaration."""
        root, body = self._root()
        for e in self.entries:
            concept = self._el(body, self.concept, id=e.id)
            extras: dict[tuple, list] = {}
            for key, text in e.extra.items():
                code, form, element, kind = split_extra_key(key)
                extras.setdefault((code, form), []).append((element, kind, text))
            if e.type:
                self._el(concept, "descrip", e.type, type="subjectField")
            if e.subject:
                self._el(concept, "descrip", e.subject, type="subjectField")
            if e.definition:
                self._el(concept, "descrip", e.definition, type="definition")
            if e.source:
                self._el(concept, "admin", e.source, type="source")
            for target in e.confused_with:
                self._el(concept, "ref", target, type="crossReference", target=target)
            for element, kind, text in extras.pop((None, None), []):
                self._extra(concept, element, kind, text)
            if e.note:
                self._el(concept, "note", e.note)
            codes = {"vi": "vi", "en": "en"}
            for code, _ in extras:
                if lang_of(code) in codes and code not in ("vi", "en"):
                    codes[lang_of(code)] = code  # the code the file had (vi-VN)
            for lang in ("vi", "en"):
                code = codes[lang]
                section = self._el(concept, self.lang_section)
                section.set(XML_LANG, code)
                for element, kind, text in extras.pop((code, None), []):
                    self._extra(section, element, kind, text)
                forms = [(e.preferred(lang), "preferred", "")]
                forms += [(v, "admitted", "") for v in e.variants(lang)]
                forms += [(d.form, "deprecated", d.reason) for d in e.deprecated(lang)]
                for form, status, reason in forms:
                    term_section = self._el(section, self.term_section)
                    self._el(term_section, "term", form)
                    self._el(term_section, "termNote", STATUS[status], type="administrativeStatus")
                    if status == "preferred" and e.pos:
                        self._el(term_section, "termNote", e.pos, type="partOfSpeech")
                    if status == "preferred" and e.context(lang):
                        self._el(term_section, "descrip", e.context(lang), type="context")
                    for element, kind, text in extras.pop((code, form), []):
                        self._extra(term_section, element, kind, text)
                    if reason:
                        self._el(term_section, "note", reason)
            other = list(dict.fromkeys(list(e.other_terms) + [c for c, _ in extras]))
            for code in other:
                section = self._el(concept, self.lang_section)
                section.set(XML_LANG, code)
                for element, kind, text in extras.pop((code, None), []):
                    self._extra(section, element, kind, text)
                for form in e.other_terms.get(code, []):
                    term_section = self._el(section, self.term_section)
                    self._el(term_section, "term", form)
                    for element, kind, text in extras.pop((code, form), []):
                        self._extra(term_section, element, kind, text)
                for (c, form), items in list(extras.items()):
                    if c == code:  # a term no longer in the entry: its data stays with the language
                        for element, kind, text in extras.pop((c, form)):
                            self._extra(section, element, kind, text)
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
