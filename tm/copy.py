"""``songngu copy``: move a whole store between backends (SQLite file <-> PostgreSQL), exactly.

Every table the store interface exposes is copied row for row, ids included: documents,
sentences, units, the TMX units and headers as written, the glossary, meta. The derived
indexes (the word index, the glossary's lookup keys) are then built by the destination's own
code. One transaction in the destination: a failed copy leaves it as it was.
"""
from __future__ import annotations

from corpus.errors import StoreError

TABLES = {  # in dependency order
    "meta": ("key", "value"),
    "documents": ("id", "name", "path", "sha256", "lang", "title", "created"),
    "sentences": ("id", "doc_id", "idx", "para", "line", "lang", "text"),
    "units": ("id", "vi", "en", "vi_key", "en_key", "score", "kind", "provenance", "vi_markup", "en_markup",
              "props", "created", "changed"),
    "tmx_headers": ("id", "ident", "file", "xml"),
    "tmx_units": ("id", "unit_id", "header_id", "ident", "own", "xml"),
    "glossary": ("id", "type", "vi", "en", "data", "origin", "created", "changed"),
}
_BACKEND_META = {"schema_version"}  # kept by each backend itself


def copy_store(src, dst, progress=None) -> dict:
    """Copy every row of store *src* into the empty store *dst*; returns rows per table.

    Parameters:
        src, dst: open stores (:func:`tm.store.open_store`), of either backend.
        progress: optional callback ``(done, total, stage)``.
    """
    if not dst.is_empty():
        raise StoreError(f"{dst.path}: the destination store is not empty; copy needs an empty one")
    counts = {}
    with dst.transaction():
        for table, columns in TABLES.items():
            rows = src.table_rows(table, columns)
            if table == "meta":
                rows = [r for r in rows if r[0] not in _BACKEND_META]
            counted = _Counted(rows)
            dst.load_rows(table, columns, counted)
            counts[table] = counted.n
            if progress:
                progress(len(counts), len(TABLES) + 1, "copy")
        dst.rebuild_indexes()
        if progress:
            progress(len(TABLES) + 1, len(TABLES) + 1, "copy")
    return counts


class _Counted:
    def __init__(self, rows):
        self.rows, self.n = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield tuple(row)
