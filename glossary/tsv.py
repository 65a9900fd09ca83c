"""songngu's own glossary file: tab-separated values a translator can edit in a spreadsheet.

The first line is the header: the 11 columns songngu writes::

    id  type  vi  en  vi_variants  en_variants  vi_deprecated  en_deprecated  confused_with  note  source

then, when an entry has them, the detail columns (:data:`DETAIL_COLUMNS`):
``definition``, ``subject``, ``vi_context``, ``en_context``, ``pos``,
``other_terms`` and ``extra`` (the last two as JSON objects). A file read may
have any subset of these columns in any order, as long as ``vi`` and ``en``
are there; entries without ``id``/``type`` get them from a merge. A plain
two-column file without a header is read as Vietnamese and English terms
(the column order found from the text).

- ``id``: stable identifier, a letter then letters, digits, ``_ . -`` (``place.pyongyang``).
- ``type``: person, place, office, organisation, treaty, event or phrase.
- ``vi``, ``en``: the preferred terms (required).
- ``*_variants``, ``confused_with``: several values separated by ``|``.
- ``*_deprecated``: ``form [reason]`` items separated by ``|`` (the reason is optional).
- ``note``, ``source``, ``definition``, ``subject``, ``*_context``, ``pos``: free text.

Cells are not quoted; a cell cannot hold a tab or a line break. Empty lines and
lines starting with ``#`` are skipped.
"""
from __future__ import annotations

import json
import re
from importlib import resources

from corpus.errors import InputError
from corpus.langid import detect
from glossary.model import DETAIL_FIELDS, TYPES, Deprecated, Entry

__all__ = ["COLUMNS", "DETAIL_COLUMNS", "ALL_COLUMNS", "TsvGlossary", "load_bundled", "parse_deprecated",
           "valid_id", "read_detail", "write_detail", "is_header"]

COLUMNS = ("id", "type", "vi", "en", "vi_variants", "en_variants", "vi_deprecated", "en_deprecated",
           "confused_with", "note", "source")
DETAIL_COLUMNS = DETAIL_FIELDS
ALL_COLUMNS = COLUMNS + DETAIL_COLUMNS
_JSON_COLUMNS = ("other_terms", "extra")
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


def is_header(cells) -> bool:
    """True if *cells* name glossary columns (:data:`ALL_COLUMNS`), ``vi`` and ``en`` among them."""
    names = [c.strip().lower() for c in cells]
    return "vi" in names and "en" in names and all(n in ALL_COLUMNS for n in names)


def read_detail(column: str, cell: str, path, line):
    """The value of a detail column's cell (JSON objects for ``other_terms`` and ``extra``)."""
    cell = cell.strip()
    if column not in _JSON_COLUMNS:
        return cell
    if not cell:
        return {}
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as err:
        raise InputError(path, f"{column}: not a JSON object ({err.msg})", line=line) from None
    if not isinstance(value, dict):
        raise InputError(path, f"{column}: not a JSON object", line=line)
    if column == "other_terms":
        return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in value.items()}
    return {str(k): str(v) for k, v in value.items()}


def write_detail(entry: Entry, column: str) -> str:
    """The cell of a detail column (one line, no tab)."""
    value = getattr(entry, column)
    if column in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return _cell(value)


class TsvGlossary:
    """The TSV glossary format (see the module docs).

    Parameters:
        entries: the entries, in file order.
        lines: 1-based line of each entry in the file it was parsed from.
        columns: the columns of the file parsed (all of them when written).
    """

    name = "tsv"

    def __init__(self, entries=(), lines=None, columns=ALL_COLUMNS):
        self.entries = list(entries)
        self.lines = list(lines) if lines is not None else [None] * len(self.entries)
        self.columns = tuple(columns)
        self.skipped = []

    @classmethod
    def parse(cls, text: str, path="-") -> "TsvGlossary":
        """Parse TSV *text*; any bad row raises :class:`InputError` with its line."""
        rows = []
        for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
            line = raw.rstrip("\r")
            if line.strip() and not line.startswith("#"):
                rows.append((number, line.split("\t")))
        if not rows:
            raise InputError(path, "empty glossary: no header line")
        first_line, first = rows[0]
        if is_header(first):
            header = [c.strip().lower() for c in first]
            rows = rows[1:]
        elif len(first) == 2 and all(len(cells) == 2 for _, cells in rows):
            header = _orientation(rows)
        else:
            raise InputError(path, "the header must name tab-separated columns, vi and en among them (known: "
                             + " ".join(ALL_COLUMNS) + "), or the file be two columns of terms", line=first_line)
        duplicate = next((c for c in header if header.count(c) > 1), None)
        if duplicate:
            raise InputError(path, f"column {duplicate!r} twice in the header", line=first_line)
        entries, lines, seen = [], [], {}
        for number, cells in rows:
            if len(cells) != len(header):
                raise InputError(path, f"{len(cells)} columns, expected {len(header)} "
                                 "(tab-separated; a cell cannot hold a tab)", line=number)
            row = dict(zip(header, cells))
            eid = row.get("id", "").strip()
            if "id" in row and not valid_id(eid):
                raise InputError(path, f"bad id {eid!r}: a letter, then letters, digits, '_', '.' or '-'",
                                 line=number)
            if eid in seen:
                raise InputError(path, f"duplicate id {eid!r} (first on line {seen[eid]})", line=number)
            etype = row.get("type", "").strip()
            if "type" in row and etype not in TYPES:
                raise InputError(path, f"unknown type {etype!r} (one of {', '.join(TYPES)})", line=number)
            for lang in ("vi", "en"):
                if not row[lang].strip():
                    raise InputError(path, f"empty preferred {lang} term", line=number)
            if eid:
                seen[eid] = number
            entry = Entry(
                id=eid, type=etype, vi=row["vi"], en=row["en"],
                vi_variants=_split(row.get("vi_variants", "")), en_variants=_split(row.get("en_variants", "")),
                vi_deprecated=[parse_deprecated(x) for x in _split(row.get("vi_deprecated", ""))],
                en_deprecated=[parse_deprecated(x) for x in _split(row.get("en_deprecated", ""))],
                confused_with=_split(row.get("confused_with", "")), note=row.get("note", "").strip(),
                source=row.get("source", "").strip(),
            )
            for column in DETAIL_COLUMNS:
                if column in row:
                    setattr(entry, column, read_detail(column, row[column], path, number))
            entries.append(entry)
            lines.append(number)
        return cls(entries, lines, header)

    def serialize(self) -> str:
        """The TSV text (header, one line per entry, final newline); detail columns only when used."""
        details = [c for c in DETAIL_COLUMNS if any(getattr(e, c) for e in self.entries)]
        out = ["\t".join(COLUMNS + tuple(details))]
        for e in self.entries:
            out.append("\t".join([
                _cell(e.id), _cell(e.type), _cell(e.vi), _cell(e.en),
                _join(e.vi_variants, e.id, "vi_variants"), _join(e.en_variants, e.id, "en_variants"),
                _join(e.vi_deprecated, e.id, "vi_deprecated"), _join(e.en_deprecated, e.id, "en_deprecated"),
                _join(e.confused_with, e.id, "confused_with"), _cell(e.note), _cell(e.source),
            ] + [write_detail(e, c) for c in details]))
        return "\n".join(out) + "\n"


def _orientation(rows) -> list[str]:
    """``["vi", "en"]`` or ``["en", "vi"]`` for a headerless two-column file, from its text."""
    votes = 0
    for _, (a, b) in rows[:200]:
        votes += (detect(a) == "vi") - (detect(a) == "en") + (detect(b) == "en") - (detect(b) == "vi")
    return ["vi", "en"] if votes >= 0 else ["en", "vi"]


def load_bundled() -> list[Entry]:
    """The curated glossary shipped with songngu (``glossary/data/glossary.tsv``)."""
    res = resources.files("glossary").joinpath("data/glossary.tsv")
    return TsvGlossary.parse(res.read_text(encoding="utf-8"), path="glossary/data/glossary.tsv").entries
