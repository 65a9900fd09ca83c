"""Refusing hostile XML before a parser sees it.

An XML file can declare entities in its DOCTYPE: nested ones that expand to
gigabytes ("billion laughs"), or external ones that read local files or the
network. No TMX, TBX or XLIFF file needs them, so songngu refuses any file
whose prolog declares one, with the same message whatever the XML library's
own limits and wording. A plain external DTD reference (``<!DOCTYPE tmx
SYSTEM "tmx14.dtd">``, as real tools write) is accepted; parsers are set never
to load it.
"""
from __future__ import annotations

import codecs
import re

from corpus.errors import InputError

__all__ = ["refuse_entities"]

_CHUNK = 1 << 16
_UTF16 = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ROOT_START = re.compile(r"<[^\s!?<>]")  # the first element tag: not <!..., not <?...
_ENTITY = re.compile(r"<!ENTITY\s")
REFUSAL = ("refused: the DOCTYPE declares entities (entity expansion and external entities "
           "are not allowed)")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _check(head: str, path) -> bool:
    """Raise if *head* declares an entity before the root element; True once the root is seen."""
    visible = _COMMENT.sub(lambda m: " " * len(m.group()), head)
    root = _ROOT_START.search(visible)
    prolog = visible[:root.start()] if root else visible
    found = _ENTITY.search(prolog)
    if found:
        raise InputError(path, REFUSAL, line=_line_of(head, found.start()))
    return root is not None


def refuse_entities(source, path="-") -> None:
    """Raise :class:`~corpus.errors.InputError` if the XML prolog declares entities.

    Parameters:
        source: the document as ``str``, or a binary file object (read from its
            current position up to the root element, then rewound).
        path: the file name for the error message.

    Only the prolog (up to the root element) is read. Bytes are decoded as
    UTF-16 where a byte-order mark says so, otherwise as Latin-1: markup is
    ASCII in every encoding XML allows besides UTF-16/32, so a declaration is
    found whatever the document's declared encoding.
    """
    if isinstance(source, str):
        _check(source, path)
        return
    start = source.tell()
    data = source.read(_CHUNK)
    encoding = _UTF16.get(data[:2], "latin-1")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    head = decoder.decode(data)
    try:
        while not _check(head, path) and data:
            data = source.read(_CHUNK)
            head += decoder.decode(data, final=not data)
    finally:
        source.seek(start)


_DECLARED = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


def check_declared_encoding(head: bytes, path="-") -> None:
    """Raise :class:`~corpus.errors.InputError` if the XML declaration names an encoding the bytes cannot be in.

    A file whose declaration says UTF-16 (or UTF-32) but whose bytes are 8-bit
    (no byte-order mark, no zero bytes) was re-saved without fixing the
    declaration; XML parsers then fail with a misleading message.

    Parameters:
        head: the first bytes of the file (a few hundred are enough).
        path: the file name for the error message.
    """
    if head[:2] in _UTF16 or head[:4] in (b"<\x00?\x00", b"\x00<\x00?") or b"\x00\x00" in head[:4]:
        return
    found = _DECLARED.match(head)
    if found and found.group(1).decode("ascii").lower().replace("_", "-").startswith(("utf-16", "utf-32", "ucs")):
        name = found.group(1).decode("ascii")
        raise InputError(path, f'the XML declaration says encoding="{name}" but the bytes are 8-bit (no '
                               f"byte-order mark, no zero bytes): fix the declaration to the file's real "
                               f"encoding (UTF-8?) or save the file as {name}", line=1)


__all__.append("check_declared_encoding")
