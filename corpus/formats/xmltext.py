"""Where each element of an XML text starts and ends, for edits that keep every other byte.

lxml parses and validates the file; :func:`element_spans` finds, in the decoded
text, the character spans of the same elements in the same (document) order,
so a writer can replace one element's content or one attribute and copy the
rest of the file as it was. :func:`read_xml` decodes the bytes so that encoding
the text again gives the same bytes (the byte-order mark stays a character).
"""
from __future__ import annotations

import codecs
import re

from lxml import etree

from corpus.errors import InputError
from corpus.reader import read_bytes
from corpus.xmlguard import refuse_entities

__all__ = ["XmlText", "read_xml", "unescape", "escape", "set_attribute", "local"]

_TOKEN = re.compile(r"""<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>"""
                    r"""|</[^>]+>|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.S)
_DECL_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_REF = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def local(el) -> str:
    """The local name of an element (no namespace)."""
    return etree.QName(el).localname


def unescape(raw: str) -> str:
    """Character data as a parser reads it: line ends to LF, references decoded."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")

    def ref(m):
        name = m.group(1)
        if name[0] == "#":
            return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        return _NAMED[name]

    return _REF.sub(ref, raw)


def escape(text: str) -> str:
    """*text* as XML character data."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def set_attribute(tag: str, name: str, value: str) -> str:
    """The start tag *tag* with attribute *name* set to *value* (added before the end when absent)."""
    pattern = re.compile(r"(\s" + re.escape(name) + r"\s*=\s*)([\"'])(.*?)\2", re.S)
    found = pattern.search(tag)
    if found:
        return tag[:found.start(3)] + escape_attr(value) + tag[found.end(3):]
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    while end > 0 and tag[end - 1].isspace():
        end -= 1
    return f'{tag[:end]} {name}="{escape_attr(value)}"{tag[end:]}'


class XmlText:
    """A parsed XML file with its text and element spans.

    Attributes:
        path: the file name for errors.
        text: the decoded file, BOM included, so ``text.encode(encoding)`` is the file.
        encoding: the codec that round-trips *text*.
        root: the lxml root element.
        span: ``{element: (start_tag_start, start_tag_end, end_tag_start, end_tag_end)}``;
            an empty element ``<x/>`` has ``start_tag_end == end_tag_start == end_tag_end``.
    """

    def __init__(self, path, data: bytes, text: str, encoding: str, root):
        self.path, self.data, self.text, self.encoding, self.root = path, data, text, encoding, root
        self.span = {}
        elements = list(root.iter(etree.Element))
        stack, order = [], []
        for m in _TOKEN.finditer(text):
            tag = m.group()
            if tag.startswith(("<!", "<?")):
                continue
            if tag.startswith("</"):
                start, s1 = stack.pop()
                order[start] = order[start][:2] + (m.start(), m.end())
                continue
            if tag.endswith("/>"):
                order.append((m.start(), m.end(), m.end(), m.end()))
            else:
                stack.append((len(order), m.end()))
                order.append((m.start(), m.end()))
        if len(order) != len(elements) or stack:
            raise InputError(path, "cannot map the XML elements to their text (unusual markup)")
        self.span = dict(zip(elements, order))

    def raw(self, el) -> str:
        s0, _, _, e1 = self.span[el]
        return self.text[s0:e1]

    def content(self, el) -> tuple[int, int]:
        """Start and end of the element's content."""
        _, s1, e0, _ = self.span[el]
        return s1, e0

    def line(self, el) -> int:
        return el.sourceline

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding, errors="xmlcharrefreplace")


def read_xml(path, data: bytes | None = None) -> XmlText:
    """Read and parse an XML file safely (entities refused, nothing loaded from outside).

    Raises InputError with line and column for malformed XML.
    """
    if data is None:
        data = read_bytes(path)
    if not data.strip():
        raise InputError(path, "empty file")
    head = data[:2]
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16-le" if head == codecs.BOM_UTF16_LE else "utf-16-be"
    else:
        found = _DECL_ENCODING.match(data[:200].lstrip(codecs.BOM_UTF8))
        encoding = found.group(1).decode("ascii").lower() if found else "utf-8"
        if encoding.replace("_", "-") in ("utf-16", "utf16"):
            encoding = "utf-16-le"
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as err:
        raise InputError(path, f"cannot decode as {encoding}: {err}") from None
    refuse_entities(text, path)
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (None, None)
        raise InputError(path, f"not well-formed XML: {err.msg}", line=line, column=column) from None
    for entity in root.iter(etree.Entity):
        raise InputError(path, f"entity reference {entity.text} is not allowed", line=entity.sourceline)
    return XmlText(path, data, text, encoding, root)


def tokens(text: str, start: int, end: int):
    """``(kind, raw)`` pieces of character content between *start* and *end*: ``text``,
    ``cdata``, ``other`` (comments, processing instructions)."""
    pos = start
    for m in _TOKEN.finditer(text, start, end):
        if m.start() > pos:
            yield "text", text[pos:m.start()]
        raw = m.group()
        yield ("cdata" if raw.startswith("<![CDATA[") else "other"), raw
        pos = m.end()
    if pos < end:
        yield "text", text[pos:end]
