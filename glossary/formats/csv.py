"""Glossary as CSV with a header row (RFC 4180 quoting, UTF-8).

Written with the same columns as the TSV glossary (:data:`glossary.tsv.COLUMNS`,
then the detail columns entries use), multi-values separated by ``|`` and
deprecated items written ``form [reason]``. Read: the header names the columns
(any order, case-insensitive); ``vi`` and ``en`` are required, the others
optional. Rows without an id or a type get them from a merge.
"""
from __future__ import annotations

import csv
import io

from corpus.errors import InputError
from glossary.model import TYPES, Entry
from glossary.tsv import ALL_COLUMNS, COLUMNS, DETAIL_COLUMNS, parse_deprecated, read_detail, valid_id, write_detail

__all__ = ["CsvGlossary"]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


class CsvGlossary:
    """A glossary as CSV.

    Parameters:
        entries: glossary entries.
        lines: 1-based line where each entry's row starts, when parsed.
        columns: the columns the file has (all of :data:`glossary.tsv.COLUMNS` when written).
    """

    name = "csv"

    def __init__(self, entries=(), lines=None, columns=ALL_COLUMNS):
        self.entries = list(entries)
        self.lines = list(lines) if lines is not None else [None] * len(self.entries)
        self.columns = tuple(columns)
        self.skipped = []

    @classmethod
    def parse(cls, text: str, path="-") -> "CsvGlossary":
        """Parse CSV *text*; bad rows raise :class:`InputError` with their line."""
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
        entries, lines, seen = [], [], {}
        header = None
        start = 1
        try:
            for row in reader:
                number, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = [cell.strip().lower() for cell in row]
                    expected = ("a glossary CSV's header names a 'vi' and an 'en' column, optionally "
                                + ", ".join(c for c in ALL_COLUMNS if c not in ("vi", "en")))
                    missing = [c for c in ("vi", "en") if c not in header]
                    if missing:
                        raise InputError(path, f"the header ({', '.join(header)}) has no "
                                         f"{' and no '.join(repr(m) for m in missing)} column: {expected}",
                                         line=number)
                    unknown = [h for h in header if h not in ALL_COLUMNS]
                    if unknown:
                        raise InputError(path, f"unknown column(s) {', '.join(unknown)}: {expected}", line=number)
                    continue
                if len(row) != len(header):
                    raise InputError(path, f"{len(row)} columns, the header has {len(header)}", line=number)
                cell = dict(zip(header, row))
                entry = cls._entry(cell, path, number, seen)
                entries.append(entry)
                lines.append(number)
        except csv.Error as err:
            raise InputError(path, f"bad CSV: {err}", line=reader.line_num) from None
        if header is None:
            raise InputError(path, "empty glossary: no header row")
        return cls(entries, lines, header)

    @staticmethod
    def _entry(cell: dict, path, number: int, seen: dict) -> Entry:
        eid = cell.get("id", "").strip()
        if eid:
            if not valid_id(eid):
                raise InputError(path, f"bad id {eid!r}: a letter, then letters, digits, '_', '.' or '-'",
                                 line=number)
            if eid in seen:
                raise InputError(path, f"duplicate id {eid!r} (first on line {seen[eid]})", line=number)
            seen[eid] = number
        etype = cell.get("type", "").strip()
        if etype and etype not in TYPES:
            raise InputError(path, f"unknown type {etype!r} (one of {', '.join(TYPES)})", line=number)
        for lang in ("vi", "en"):
            if not cell[lang].strip():
                raise InputError(path, f"empty preferred {lang} term", line=number)
        entry = Entry(
            id=eid, type=etype, vi=cell["vi"].strip(), en=cell["en"].strip(),
            vi_variants=_split(cell.get("vi_variants", "")), en_variants=_split(cell.get("en_variants", "")),
            vi_deprecated=[parse_deprecated(x) for x in _split(cell.get("vi_deprecated", ""))],
            en_deprecated=[parse_deprecated(x) for x in _split(cell.get("en_deprecated", ""))],
            confused_with=_split(cell.get("confused_with", "")),
            note=cell.get("note", "").strip(), source=cell.get("source", "").strip(),
        )
        for column in DETAIL_COLUMNS:
            if column in cell:
                setattr(entry, column, read_detail(column, cell[column], path, number))
        return entry

    def serialize(self) -> str:
        """CSV text with the 11 columns and the detail columns used (CRLF line ends, as RFC 4180 and
        spreadsheets write)."""
        details = [c for c in DETAIL_COLUMNS if any(getattr(e, c) for e in self.entries)]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS + tuple(details))
        for e in self.entries:
            writer.writerow([
                e.id, e.type, e.vi, e.en, "|".join(e.vi_variants), "|".join(e.en_variants),
                "|".join(map(str, e.vi_deprecated)), "|".join(map(str, e.en_deprecated)),
                "|".join(e.confused_with), e.note, e.source,
            ] + [write_detail(e, c) for c in details])
        return out.getvalue()
