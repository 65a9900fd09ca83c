"""Glossary file formats, one class each with ``parse(text, path)`` and ``serialize()``.

Every class holds ``entries`` (and, when parsed, the 1-based ``lines`` where
each entry starts). :func:`read_glossary` and :func:`write_glossary` pick the
class by name or, for reading, by the file's extension and first bytes.
"""
from __future__ import annotations

from pathlib import Path

from corpus.errors import InputError
from corpus.reader import read_text
from glossary.formats.csv import CsvGlossary
from glossary.formats.omegat import DIRECTIONS, OmegaTGlossary
from glossary.formats.tbx import MartifGlossary, TbxGlossary
from glossary.tsv import COLUMNS, TsvGlossary

__all__ = ["FORMATS", "READ_FORMATS", "DIRECTIONS", "detect_format", "read_glossary", "write_glossary",
           "CsvGlossary", "OmegaTGlossary", "TbxGlossary", "MartifGlossary", "TsvGlossary"]

FORMATS = {cls.name: cls for cls in (TsvGlossary, OmegaTGlossary, CsvGlossary, TbxGlossary, MartifGlossary)}
READ_FORMATS = ("auto", "tsv", "omegat", "csv", "tbx")


def detect_format(path, text: str) -> str:
    """``tsv``, ``omegat``, ``csv`` or ``tbx`` for a file, from its content then its extension."""
    head = text.lstrip("\ufeff \t\n")
    if head.startswith("<"):
        return "tbx"
    first = next((line for line in head.split("\n") if line.strip() and not line.startswith("#")), "")
    if tuple(c.strip() for c in first.split("\t")) == COLUMNS:
        return "tsv"
    cells = [c.strip().lower() for c in first.split(",")]
    if "vi" in cells and "en" in cells:
        return "csv"
    suffix = Path(str(path)).suffix.lower()
    if suffix in (".tbx", ".xml"):
        return "tbx"
    if suffix == ".csv":
        return "csv"
    if suffix in (".txt", ".utf8", ".tab"):
        return "omegat"
    raise InputError(path, "cannot tell the glossary format; pass --format tsv|omegat|csv|tbx")


def read_glossary(path, fmt: str = "auto", *, direction: str = "en-vi"):
    """Parse a glossary file; returns the format object (``entries``, ``lines``).

    Parameters:
        path: the file.
        fmt: one of :data:`READ_FORMATS` (``tbx`` reads both TBX layouts).
        direction: for OmegaT files, which language is the source column.
    """
    text = read_text(path)
    if fmt == "auto":
        fmt = detect_format(path, text)
    if fmt not in READ_FORMATS:
        raise ValueError(f"unknown glossary format {fmt!r}")
    if fmt == "omegat":
        return OmegaTGlossary.parse(text, str(path), direction=direction)
    return FORMATS[fmt].parse(text, str(path))


def write_glossary(entries, fmt: str, *, direction: str = "en-vi") -> str:
    """The text of *entries* in format *fmt* (a key of :data:`FORMATS`)."""
    if fmt == "omegat":
        return OmegaTGlossary(entries, direction).serialize()
    if fmt not in FORMATS:
        raise ValueError(f"unknown glossary format {fmt!r}")
    return FORMATS[fmt](entries).serialize()
