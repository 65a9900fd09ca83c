"""Files translators exchange, one class a format, each with parse and write-back.

- :mod:`corpus.formats.segments`: the shared model, segments with ids and inline codes as placeholders.
- :mod:`corpus.formats.xliff`: XLIFF 1.0–1.2 (SDLXLIFF, MQXLIFF) and 2.0–2.2.
- :mod:`corpus.formats.docx`: Word .docx (paragraphs, a bilingual table; tracked changes out).
"""
from __future__ import annotations

import os

__all__ = ["kind_of", "read_plain", "read_bilingual"]


def kind_of(path) -> str:
    """``xliff``, ``docx``, ``doc`` or ``text`` by the file's name."""
    from corpus.formats.xliff import SUFFIXES

    name = os.fspath(path).lower()
    if name.endswith(SUFFIXES):
        return "xliff"
    if name.endswith((".docx", ".docm", ".dotx")):
        return "docx"
    if name.endswith((".doc", ".dot")):
        return "doc"
    return "text"


def read_plain(path) -> str:
    """The text of a document to check, score or build from: a .docx's paragraphs one a line,
    an XLIFF's targets one a line, else the text file (:func:`corpus.reader.read_text`)."""
    from corpus.reader import read_text

    kind = kind_of(path)
    if kind in ("docx", "doc"):  # a .doc is refused by what its bytes are
        from corpus.formats.docx import read_docx

        return read_docx(path).text()
    if kind == "xliff":
        from corpus.formats.segments import strip_codes
        from corpus.formats.xliff import read_xliff

        return "\n".join(strip_codes(s.target or "") for s in read_xliff(path).segments)
    return read_text(path)


def read_bilingual(path):
    """The segments of a bilingual file: an XLIFF, or a .docx with a bilingual table; else None."""
    kind = kind_of(path)
    if kind == "xliff":
        from corpus.formats.xliff import read_xliff

        return read_xliff(path)
    if kind in ("docx", "doc"):
        from corpus.formats.docx import read_docx

        return read_docx(path).bilingual()
    return None
