"""songngu's own glossary file: tab-separated values a translator can edit in a spreadsheet.

The first line is the header, exactly these 11 columns::

    id  type  vi  en  vi_variants  en_variants  vi_deprecated  en_deprecated  confused_with  note  source

- ``id``: stable identifier, a letter then letters, digits, ``_ . -`` (``place.pyongyang``).
- ``type``: person, place, office, organisation, treaty, event or phrase.
- ``vi``, ``en``: the preferred terms (required).
- ``*_variants``, ``confused_with``: several values separated by ``|``.
- ``*_deprecated``: ``form [reason]`` items separated by ``|`` (the reason is optional).
- ``note``, ``source``: free text.

Cells are not quoted; a cell cannot hold a tab or a line break. Empty lines and
lines starting with ``#`` are skipped.
"""
from __future__ import annotations

import re
from importlib import resources

from corpus.errors import InputError
from glossary.model import TYPES, Deprecated, Entry

__all__ = ["COLUMNS", "TsvGlossary", "load_bundled", "parse_deprecated", "valid_id"]

COLUMNS = ("id", "type", "vi", "en", "vi_variants", "en_variants", "vi_deprecated", "en_deprecated",
           "confused_with", "note", "source")
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
_DEPRECATED = re.compile(r"(.*?)\s*\[([^\[\]]*)\]\s*\Z", re.S)
_CELL_SPACE = re.compile(r"\s*[\t\r\n]\s*")


def valid_id(value: str) -> bool:
    """True if *value* can be an entry id (also a valid XML ID, for TBX)."""
    return bool(_ID.match(value))


def parse_deprecated(item: str) -> Deprecated:
    """``"Hội đồng Quản trị [garbled title]"`` -> ``Deprecated(form, reason)``."""
    m = _DEPRECATED.match(item)
    if m and m.group(1):
        return Deprecated(m.group(1), m.group(2).strip())
    return Deprecated(item, "")


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _cell(value: str) -> str:
    return _CELL_SPACE.sub(" ", value)


def _join(values, entry_id: str, column: str) -> str:
    out = []
    for value in values:
        text = _cell(str(value))
        if "|" in text:
            raise InputError(entry_id, f"{column}: {text!r} contains '|', the value separator")
        out.append(text)
    return "|".join(out)


class TsvGlossary:
    """The TSV glossary format (see the module docs).

    Parameters:
        entries: the entries, in file order.
        lines: 1-based line of each entry in the file it was parsed from.
    """

    name = "tsv"

    def __init__(self, entries=(), lines=None):
        self.entries = list(entries)
        self.lines = list(lines) if lines is not None else [None] * len(self.entries)

    @classmethod
    def parse(cls, text: str, path="-") -> "TsvGlossary":
        """Parse TSV *text*; any bad row raises :class:`InputError` with its line."""
        entries, lines, seen = [], [], {}
        header_seen = False
        for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            line = raw.rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if not header_seen:
                if tuple(c.strip() for c in cells) != COLUMNS:
                    raise InputError(path, "the header must be the 11 tab-separated columns "
                                     + " ".join(COLUMNS), line=number)
                header_seen = True
                continue
            if len(cells) != len(COLUMNS):
                raise InputError(path, f"{len(cells)} columns, expected {len(COLUMNS)} "
                                 "(tab-separated; a cell cannot hold a tab)", line=number)
            row = dict(zip(COLUMNS, cells))
            eid = row["id"].strip()
            if not valid_id(eid):
                raise InputError(path, f"bad id {eid!r}: a letter, then letters, digits, '_', '.' or '-'",
                                 line=number)
            if eid in seen:
                raise InputError(path, f"duplicate id {eid!r} (first on line {seen[eid]})", line=number)
            etype = row["type"].strip()
            if etype not in TYPES:
                raise InputError(path, f"unknown type {etype!r} (one of {', '.join(TYPES)})", line=number)
            for lang in ("vi", "en"):
                if not row[lang].strip():
                    raise InputError(path, f"empty preferred {lang} term", line=number)
            seen[eid] = number
            entries.append(Entry(
                id=eid, type=etype, vi=row["vi"], en=row["en"],
                vi_variants=_split(row["vi_variants"]), en_variants=_split(row["en_variants"]),
                vi_deprecated=[parse_deprecated(x) for x in _split(row["vi_deprecated"])],
                en_deprecated=[parse_deprecated(x) for x in _split(row["en_deprecated"])],
                confused_with=_split(row["confused_with"]), note=row["note"].strip(),
                source=row["source"].strip(),
            ))
            lines.append(number)
        if not header_seen:
            raise InputError(path, "empty glossary: no header line")
        return cls(entries, lines)

    def serialize(self) -> str:
        """The TSV text (header, one line per entry, final newline)."""
        out = ["\t".join(COLUMNS)]
        for e in self.entries:
            out.append("\t".join([
                _cell(e.id), _cell(e.type), _cell(e.vi), _cell(e.en),
                _join(e.vi_variants, e.id, "vi_variants"), _join(e.en_variants, e.id, "en_variants"),
                _join(e.vi_deprecated, e.id, "vi_deprecated"), _join(e.en_deprecated, e.id, "en_deprecated"),
                _join(e.confused_with, e.id, "confused_with"), _cell(e.note), _cell(e.source),
            ]))
        return "\n".join(out) + "\n"


def load_bundled() -> list[Entry]:
    """The curated glossary shipped with songngu (``glossary/data/glossary.tsv``)."""
    res = resources.files("glossary").joinpath("data/glossary.tsv")
    return TsvGlossary.parse(res.read_text(encoding="utf-8"), path="glossary/data/glossary.tsv").entries
