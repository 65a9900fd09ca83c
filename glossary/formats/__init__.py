"""Glossary file formats, one class each with ``parse(text, path)`` and ``serialize()``.

Every class holds ``entries`` (and, when parsed, the 1-based ``lines`` where
each entry starts, and ``skipped``: ``(line, why)`` of what was left out).
:func:`read_glossary` and :func:`write_glossary` pick the class by name or, for
reading, by the file's extension and first bytes. Reading also checks the
script of every term: a Vietnamese or English term must be in Latin letters, so
a Japanese, Korean or Chinese column is never stored as Vietnamese.
"""
from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from pathlib import Path

from corpus.errors import InputError
from corpus.reader import decode
from glossary.formats.csv import CsvGlossary
from glossary.formats.omegat import DIRECTIONS, OmegaTGlossary
from glossary.formats.tbx import MartifGlossary, TbxGlossary
from glossary.tsv import TsvGlossary, is_header

__all__ = ["FORMATS", "READ_FORMATS", "DIRECTIONS", "detect_format", "read_glossary", "write_glossary",
           "CsvGlossary", "OmegaTGlossary", "TbxGlossary", "MartifGlossary", "TsvGlossary", "script_problem"]

FORMATS = {cls.name: cls for cls in (TsvGlossary, OmegaTGlossary, CsvGlossary, TbxGlossary, MartifGlossary)}
READ_FORMATS = ("auto", "tsv", "omegat", "csv", "tbx")


def detect_format(path, text: str) -> str:
    """``tsv``, ``omegat``, ``csv`` or ``tbx`` for a file, from its content then its extension."""
    head = text.lstrip("\ufeff \t\n")
    if head.startswith("<"):
        return "tbx"
    first = next((line for line in head.split("\n") if line.strip() and not line.startswith("#")), "")
    if is_header(first.split("\t")):
        return "tsv"
    if is_header(first.split(",")):
        return "csv"
    suffix = Path(str(path)).suffix.lower()
    if suffix in (".tbx", ".xml"):
        return "tbx"
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    if suffix in (".txt", ".utf8", ".tab"):
        return "omegat"
    raise InputError(path, "cannot tell the glossary format; pass --from tsv|omegat|csv|tbx")


def _looks_like_xml(data: bytes) -> bool:
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data[2:].decode("utf-16-le" if data[:2] == codecs.BOM_UTF16_LE else "utf-16-be",
                               "ignore").lstrip().startswith("<")
    return data.lstrip(codecs.BOM_UTF8).lstrip().startswith(b"<")


def script_problem(form: str) -> str | None:
    """Why *form* cannot be a Vietnamese or English term (its letters are mostly not Latin), or None."""
    scripts = Counter(unicodedata.name(c, "?").split()[0] for c in form if c.isalpha())
    other = sum(n for name, n in scripts.items() if name != "LATIN")
    if other * 2 > sum(scripts.values()):
        name = next(name for name, _ in scripts.most_common() if name != "LATIN")
        return f"{form!r} is in {_SCRIPTS.get(name, name.title())} script, not Latin"
    return None


_SCRIPTS = {"CJK": "Chinese (Han)", "HIRAGANA": "Japanese (Hiragana)", "KATAKANA": "Japanese (Katakana)",
            "HANGUL": "Korean (Hangul)"}


def read_glossary(path, fmt: str = "auto", *, direction: str = "en-vi", strict: bool = False):
    """Parse a glossary file; returns the format object (``entries``, ``lines``, ``skipped``).

    Parameters:
        path: the file.
        fmt: one of :data:`READ_FORMATS` (``tbx`` reads both TBX layouts).
        direction: for OmegaT files, which language is the source column.
        strict: the first item that cannot be imported is an error, instead of
            being skipped and reported.

    An entry whose Vietnamese or English term is not in Latin letters is skipped
    (an error with *strict*); a file with entries of which none can be imported
    is an error.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a glossary file") from None
    xml = _looks_like_xml(data)
    text = None if xml else decode(data, str(path))
    if fmt == "auto":
        fmt = "tbx" if xml else detect_format(path, text)
    if fmt not in READ_FORMATS:
        raise ValueError(f"unknown glossary format {fmt!r}")
    if fmt == "tbx":
        parsed = TbxGlossary.parse(data, str(path), strict=strict)
    elif text is None:
        raise InputError(path, f"an XML file, not a {fmt} glossary (pass --from tbx for TBX)")
    elif fmt == "omegat":
        parsed = OmegaTGlossary.parse(text, str(path), direction=direction)
    else:
        parsed = FORMATS[fmt].parse(text, str(path))
    _check_scripts(parsed, str(path), strict)
    return parsed


def _check_scripts(parsed, path: str, strict: bool) -> None:
    kept, lines = [], []
    for entry, line in zip(parsed.entries, parsed.lines):
        problem = next((f"{name} term {why}" for lang, name in (("vi", "Vietnamese"), ("en", "English"))
                        for why in [script_problem(entry.preferred(lang))] if why), None)
        if problem is None:
            kept.append(entry)
            lines.append(line)
        elif strict:
            raise InputError(path, f"{problem}: not a Vietnamese-English glossary entry", line=line)
        else:
            parsed.skipped.append((line, f"{problem}, entry skipped"))
    parsed.entries, parsed.lines = kept, lines
    if not kept and parsed.skipped:
        line, why = parsed.skipped[0]
        raise InputError(path, f"nothing to import: {len(parsed.skipped)} item(s) skipped, the first: {why}"
                               + (f" (line {line})" if line else ""))


def write_glossary(entries, fmt: str, *, direction: str = "en-vi") -> str:
    """The text of *entries* in format *fmt* (a key of :data:`FORMATS`)."""
    if fmt == "omegat":
        return OmegaTGlossary(entries, direction).serialize()
    if fmt not in FORMATS:
        raise ValueError(f"unknown glossary format {fmt!r}")
    return FORMATS[fmt](entries).serialize()
