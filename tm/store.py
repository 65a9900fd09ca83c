"""The store: documents, sentences, translation units and glossary entries.

:class:`Store` is the interface the rest of songngu uses; :class:`SQLiteStore`
implements it on one SQLite file (WAL mode, migrations in :mod:`tm.schema`).
A PostgreSQL backend for shared team memories would implement the same
methods. Every import or build runs inside one :meth:`Store.transaction`.
"""
from __future__ import annotations

import abc
import contextlib
import hashlib
import itertools
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from corpus.errors import Interrupted, StoreError
from corpus.normalize import match_key
from tm import schema

KINDS = ("parallel", "comparable", "imported")
# When the same pair arrives twice, the stronger kind wins.
_KIND_RANK = {"comparable": 0, "imported": 1, "parallel": 2}
DEFAULT_PATH = "songngu.db"
UNIT_BATCH = 1000  # units added per batch (one lookup of their stored keys)
CACHE_KB = 32 * 1024  # SQLite page cache during a write transaction (larger gains no import speed, costs memory)


def now() -> str:
    """UTC time as ``YYYY-MM-DDThh:mm:ssZ``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class Unit:
    """A translation unit: a Vietnamese and an English segment.

    Parameters:
        vi, en: the plain text of each side, as written.
        kind: ``parallel`` (aligned translation), ``comparable`` (mined from
            comparable texts) or ``imported`` (from a TMX file).
        score: alignment score, or None.
        provenance: where it came from (documents and sentence numbers, or a file).
        vi_markup, en_markup: the segment with its inline TMX markup, if any.
        props: other properties (TMX ``prop`` elements, notes).
        tu: the ``<tu>`` element as written in the TMX file it was imported from
            (kept in ``tmx_units`` and exported unchanged), or None.
    """

    vi: str
    en: str
    kind: str = "parallel"
    score: float | None = None
    provenance: list = field(default_factory=list)
    id: int | None = None
    created: str | None = None
    changed: str | None = None
    vi_markup: str | None = None
    en_markup: str | None = None
    props: dict = field(default_factory=dict)
    tu: str | None = None

    def text(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


class Store(abc.ABC):
    """What songngu needs from a store; see :class:`SQLiteStore`.

    Callers use these methods only (no connection, no SQL): a second backend
    implements the same. Writes run inside :meth:`transaction`; every index a
    search reads (the memory's word index, the glossary's lookup keys) is kept
    up to date by the writes, in the same transaction, so reads never write.
    """

    path: str
    read_only: bool = False

    @abc.abstractmethod
    def transaction(self): ...

    @abc.abstractmethod
    def add_document(self, doc) -> tuple[int, bool]: ...

    @abc.abstractmethod
    def add_sentences(self, doc_id: int, sentences) -> int: ...

    @abc.abstractmethod
    def documents(self) -> list[dict]: ...

    @abc.abstractmethod
    def sentences(self, lang: str, limit: int) -> list[str]:
        """The text of the first *limit* stored document sentences in *lang*, in id order."""

    @abc.abstractmethod
    def add_units(self, units: Iterable[Unit]) -> tuple[int, int]: ...

    @abc.abstractmethod
    def iter_units(self, kind=None) -> Iterator[Unit]: ...

    @abc.abstractmethod
    def get_units(self, ids) -> list[Unit]: ...

    @abc.abstractmethod
    def count_units(self, kind=None) -> int: ...

    @abc.abstractmethod
    def max_unit_id(self) -> int: ...

    @abc.abstractmethod
    def units_containing(self, text: str, lang: str, limit: int = 3) -> list[Unit]: ...

    @abc.abstractmethod
    def word_index(self):
        """The memory's word index (:class:`tm.index.WordIndex`), current with the units."""

    @abc.abstractmethod
    def upsert_glossary(self, entries, origin: str) -> dict: ...

    @abc.abstractmethod
    def glossary_entries(self, ids=None) -> list: ...

    @abc.abstractmethod
    def glossary_origins(self) -> dict[str, str]: ...

    @abc.abstractmethod
    def glossary_count(self) -> int: ...

    @abc.abstractmethod
    def glossary_signature(self) -> tuple:
        """A value that changes whenever an entry is added, changed or deleted (for caches)."""

    @abc.abstractmethod
    def glossary_forms(self, *, folded=()) -> list[tuple]:
        """Stored glossary forms ``(entry id, lang, pos, form, status, exact, norm, folded)`` whose
        folded key is one of *folded* (forms equal to a query exactly or after normalisation are
        among them; see :mod:`glossary.lookup`)."""

    @abc.abstractmethod
    def glossary_folded(self, near=None) -> list[str]:
        """The distinct folded keys of the stored forms: all, or those *near* a query's folded key
        ``(length, histogram, share)``: whose letter histogram (:func:`glossary.lookup.histogram`)
        differs from the query's by at most ``share * (length + their length)`` in L1 distance (a
        lower bound of their Indel distance), for the fuzzy scoring of :mod:`glossary.lookup`,
        which then reads only the forms whose key scored."""

    @abc.abstractmethod
    def glossary_by_words(self, keys, folded: bool) -> list[str]:
        """Ids of the entries with a form whose word key (:func:`glossary.lookup.word_key`) is one
        of *keys* (folded keys when *folded*), in id order."""

    @abc.abstractmethod
    def stats(self) -> dict: ...

    @abc.abstractmethod
    def close(self) -> None: ...


_OPEN_RETRY_S = 30  # how long to retry opening a store another process is creating


class SQLiteStore(Store):
    """The store in one SQLite file.

    Parameters:
        path: the database file; created when missing.
        read_only: open without writing anything (a file or folder not writable).
    """

    created = False

    def __init__(self, path, *, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self._depth = 0
        self._checked = False
        self._writer = None  # the word index's writer during a transaction that adds units
        self._index = None
        deadline = time.monotonic() + _OPEN_RETRY_S
        while True:
            try:
                self._open()
                return
            except sqlite3.OperationalError as exc:
                # another process is creating the same store (its journal mode or first migration):
                # SQLite's busy wait does not cover those steps, so open again
                if time.monotonic() < deadline and any(w in str(exc) for w in ("locked", "disk I/O")):
                    if self.conn is not None:
                        self.conn.close()
                    time.sleep(0.05)
                    continue
                raise StoreError(f"{self.path}: not a usable songngu store ({exc})") from None
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path}: not a usable songngu store ({exc})") from None

    def _open(self):
        self.conn = None
        if self.read_only:
            self.conn = _connect_read_only(self.path)
        else:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=300)  # a writer waits for another import
            self.conn.execute("PRAGMA foreign_keys = ON")
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal" and self.path != ":memory:":
                raise StoreError(f"{self.path}: cannot switch the store to WAL mode")
        self._migrate()

    # -- schema -----------------------------------------------------------
    def _migrate(self):
        version = self._version()
        if version == schema.VERSION:
            return
        if self.read_only and version < schema.VERSION:
            raise StoreError(f"{self.path}: the store (schema {version}) needs an upgrade to schema "
                             f"{schema.VERSION}, and it is read-only here: run any command once with write access")
        for number in range(version, schema.VERSION):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                # Read again under the write lock: another process may have migrated meanwhile.
                current = self._version()
                if current > number:
                    self.conn.execute("COMMIT")
                    continue
                for statement in _statements(schema.MIGRATIONS[number]):
                    self.conn.execute(statement)
                for step in schema.BACKFILL.get(number + 1, ()):
                    getattr(self, f"_backfill_{step}")()
                self.conn.execute(f"PRAGMA user_version = {number + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _version(self) -> int:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > schema.VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version} is newer than this songngu "
                f"({schema.VERSION}); upgrade songngu"
            )
        if version == 0 and self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{self.path}: an SQLite file, but not a songngu store")
        return version

    def _backfill_word_index(self):
        from tm.index import IndexWriter

        IndexWriter.backfill(self.conn)

    def _backfill_glossary_keys(self):
        from glossary.lookup import form_rows
        from glossary.model import Entry

        keys = _GlossaryKeys(self.conn, form_rows)
        for (data,) in self.conn.execute("SELECT data FROM glossary ORDER BY id").fetchall():
            keys.add(Entry.from_dict(json.loads(data)), new=True)
        keys.flush()

    # -- transactions -----------------------------------------------------
    @contextlib.contextmanager
    def _joined(self):
        """A nested :meth:`transaction`: part of the outer one."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    @contextlib.contextmanager
    def transaction(self):
        """One atomic unit of work; nested calls join the outer one.

        Any exception rolls everything back; Ctrl-C becomes :class:`Interrupted`.
        """
        if self._depth:
            with self._joined():
                yield self
            return
        if self.read_only:
            raise StoreError(f"{self.path}: the store is read-only here (file or folder not writable); "
                             "nothing was changed")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
            if not self._checked:  # once per process: never write into a damaged file
                problem = " ".join(self.conn.execute("PRAGMA quick_check(1)").fetchone()[0].split())
                if problem != "ok":
                    self.conn.execute("ROLLBACK")
                    raise StoreError(f"{self.path}: the store is damaged ({problem}); nothing was written. "
                                     "Restore it from a backup")
                self._checked = True
        except sqlite3.DatabaseError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot write to the store ({exc}); nothing was written") from None
        self._depth = 1
        try:
            yield self
            if self._writer is not None:
                self._writer.finish()
        except KeyboardInterrupt:
            self._rollback()
            raise Interrupted("interrupted: nothing was changed in the store") from None
        except BaseException:
            self._rollback()
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0
            self._writer = None
            self._drop_index()
            self.conn.execute("PRAGMA cache_size = -2000")  # SQLite's default, for reads

    def _drop_index(self):
        if self._index is not None:
            self._index.close()
            self._index = None

    def _rollback(self):
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _require_tx(self):
        if not self._depth:
            raise RuntimeError("store writes must run inside store.transaction()")

    # -- documents and sentences --------------------------------------------
    def add_document(self, doc) -> tuple[int, bool]:
        """Add a :class:`corpus.document.Document`; returns ``(id, created)``.

        A document whose text is already stored (same sha256) is not added again.
        """
        self._require_tx()
        row = self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", (doc.sha256,)).fetchone()
        if row:
            return row[0], False
        cur = self.conn.execute(
            "INSERT INTO documents (name, path, sha256, lang, title, created) VALUES (?, ?, ?, ?, ?, ?)",
            (doc.name, str(doc.path) if doc.path else None, doc.sha256, doc.lang, doc.title, now()),
        )
        return cur.lastrowid, True

    def add_sentences(self, doc_id: int, sentences) -> int:
        """Store a document's sentences (``corpus.document.Sentence``); returns how many were new."""
        self._require_tx()
        cur = self.conn.executemany(
            "INSERT OR IGNORE INTO sentences (doc_id, idx, para, line, lang, text) VALUES (?, ?, ?, ?, ?, ?)",
            [(doc_id, s.index, s.para, s.line, s.lang, s.text) for s in sentences],
        )
        return cur.rowcount

    def sentences(self, lang: str, limit: int) -> list[str]:
        """See :meth:`Store.sentences`."""
        return [r[0] for r in self.conn.execute(
            "SELECT text FROM sentences WHERE lang = ? ORDER BY id LIMIT ?", (lang, limit))]

    def documents(self) -> list[dict]:
        rows = self.conn.execute(
            "SELECT d.id, d.name, d.path, d.lang, d.title, count(s.id) FROM documents d "
            "LEFT JOIN sentences s ON s.doc_id = d.id GROUP BY d.id ORDER BY d.id"
        ).fetchall()
        keys = ("id", "name", "path", "lang", "title", "sentences")
        return [dict(zip(keys, row)) for row in rows]

    # -- translation units --------------------------------------------------
    def add_units(self, units: Iterable[Unit]) -> tuple[int, int]:
        """Add units; a pair already stored (same match keys) is merged.

        Merging keeps the stronger kind, the better score and every provenance,
        and keeps the stored text. Returns ``(added, merged)``.
        """
        self._require_tx()
        added = merged = 0
        for batch in _batches(units, UNIT_BATCH):
            for _, new, _, _ in self._add_unit_batch(batch):
                added += new
                merged += not new
        return added, merged

    def _add_unit_batch(self, units: list[Unit]) -> list[tuple[int, bool, str, str]]:
        """:meth:`add_units` for a list, in order, with the stored pairs of its keys read at once
        and merged rows written once; returns per unit ``(id, added, stored vi, stored en)``."""
        stamp = now()
        if self._writer is None:
            from tm.index import IndexWriter

            self._writer = IndexWriter(self.conn)
        keys = [(match_key(u.vi), match_key(u.en)) for u in units]
        stored = {}  # (vi_key, en_key) -> [id, kind, score, provenance, props, vi, en] as in the table
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 250):
            chunk = wanted[start:start + 250]
            for uid, kind, score, prov, props, vi, en, vk, ek in self.conn.execute(
                    "SELECT u.id, u.kind, u.score, u.provenance, u.props, u.vi, u.en, u.vi_key, u.en_key FROM "
                    f"(VALUES {','.join(['(?, ?)'] * len(chunk))}) k CROSS JOIN units u "
                    "ON u.vi_key = k.column1 AND u.en_key = k.column2", [x for pair in chunk for x in pair]):
                stored[vk, ek] = [uid, kind, score, prov, props, vi, en]
        out, indexed, changed = [], [], {}
        try:
            for unit, (vi_key, en_key) in zip(units, keys):
                if unit.kind not in KINDS:
                    raise ValueError(f"unknown unit kind {unit.kind!r}")
                row = stored.get((vi_key, en_key))
                if row is None:
                    prov, props = _dumps(unit.provenance), _dumps(unit.props)
                    uid = self.conn.execute(
                        "INSERT INTO units (vi, en, vi_key, en_key, score, kind, provenance, vi_markup, "
                        "en_markup, props, created, changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (unit.vi, unit.en, vi_key, en_key, unit.score, unit.kind, prov, unit.vi_markup,
                         unit.en_markup, props, unit.created or stamp, unit.changed or unit.created or stamp),
                    ).lastrowid
                    indexed.append((uid, vi_key, en_key))  # indexed in this transaction
                    stored[vi_key, en_key] = [uid, unit.kind, unit.score, prov, props, unit.vi, unit.en]
                    out.append((uid, True, unit.vi, unit.en))
                    continue
                uid, kind, score, prov, props, vi, en = row
                new_prov = json.loads(prov)
                new_prov += [p for p in unit.provenance if p not in new_prov]
                new_props = {**unit.props, **json.loads(props)}
                new_kind = max(kind, unit.kind, key=_KIND_RANK.__getitem__)
                new_score = score if unit.score is None else max(unit.score, score if score is not None else unit.score)
                if (new_kind, new_score, new_prov, new_props) != (kind, score, json.loads(prov), json.loads(props)):
                    row[1:5] = new_kind, new_score, _dumps(new_prov), _dumps(new_props)
                    changed[uid] = row
                out.append((uid, False, vi, en))
        finally:  # what was done before an error is written as the unit-by-unit loop would have
            self.conn.executemany(
                "UPDATE units SET kind = ?, score = ?, provenance = ?, props = ?, changed = ? WHERE id = ?",
                [(kind, score, prov, props, stamp, uid) for uid, kind, score, prov, props, _, _ in changed.values()])
            self._writer.add(indexed)
        return out

    _UNIT_COLUMNS = "id, vi, en, kind, score, provenance, created, changed, vi_markup, en_markup, props"

    def _unit(self, row) -> Unit:
        uid, vi, en, kind, score, prov, created, changed, vim, enm, props = row
        return Unit(vi=vi, en=en, kind=kind, score=score, provenance=json.loads(prov), id=uid,
                    created=created, changed=changed, vi_markup=vim, en_markup=enm, props=json.loads(props))

    def iter_units(self, kind=None) -> Iterator[Unit]:
        """Units in id order; *kind* is one kind or a collection of kinds."""
        kinds = [kind] if isinstance(kind, str) else list(kind or KINDS)
        marks = ",".join("?" * len(kinds))
        last = 0
        while True:
            rows = self.conn.execute(
                f"SELECT {self._UNIT_COLUMNS} FROM units WHERE id > ? AND kind IN ({marks}) "
                "ORDER BY id LIMIT 1000", (last, *kinds)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._unit(row)
            last = rows[-1][0]

    def get_units(self, ids) -> list[Unit]:
        """Units by id, in the order given (missing ids are skipped)."""
        ids = list(ids)
        found = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT {self._UNIT_COLUMNS} FROM units WHERE id IN ({marks})", chunk):
                found[row[0]] = self._unit(row)
        return [found[i] for i in ids if i in found]

    def units_containing(self, text: str, lang: str, limit: int = 3) -> list[Unit]:
        """Up to *limit* units whose *lang* side contains *text* on word boundaries.

        Compared on match keys (case, NFC and tone placement insensitive);
        parallel and imported units come before comparable ones, each in id order.
        Candidates come from the word index (units holding the words in sequence).
        """
        from tm.index import WORD, phrase_ids

        needle = match_key(text)
        toks = WORD.findall(needle)
        if not toks or lang not in ("vi", "en"):
            return []
        index = self.word_index()
        known = index.lookup(lang, toks)
        if len(known) < len(set(toks)):
            return []
        first, comparable = [], []  # candidates from the word index, checked on the keys
        column = f"{lang}_key"
        for chunk in phrase_ids(index, lang, [[known[t][0]] for t in toks]):
            ids = chunk.tolist()
            rows = self.conn.execute(
                f"SELECT {self._UNIT_COLUMNS}, {column} FROM units WHERE id IN ({','.join('?' * len(ids))}) "
                "ORDER BY id", ids).fetchall()
            for row in rows:
                if _word_hit(row[-1], needle):
                    (comparable if row[3] == "comparable" else first).append(row[:-1])
            if len(first) >= limit:
                break
        return [self._unit(row) for row in (first + comparable)[:limit]]

    def count_units(self, kind=None) -> int:
        """How many units; *kind* is None (all), one kind or a collection of kinds."""
        if kind is None:
            return self.conn.execute("SELECT count(*) FROM units").fetchone()[0]
        kinds = [kind] if isinstance(kind, str) else list(kind)
        marks = ",".join("?" * len(kinds))
        return self.conn.execute(f"SELECT count(*) FROM units WHERE kind IN ({marks})", kinds).fetchone()[0]

    def max_unit_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]

    def word_index(self):
        """The word index (:class:`tm.index.TokenIndex`), read only; the same object until units
        are added (by this store or another process: a long-running reader sees them)."""
        last = self.max_unit_id()
        if self._index is not None and self._index_last != last:
            self._drop_index()
        if self._index is None:
            from tm.index import TokenIndex

            self._index, self._index_last = TokenIndex(self.conn), last
        return self._index

    # -- glossary -----------------------------------------------------------
    def upsert_glossary(self, entries, origin: str) -> dict:
        """Insert or update glossary entries (objects with ``id``, ``to_dict()``).

        Returns counts ``{"added", "updated", "unchanged"}``.
        """
        from glossary.lookup import form_rows

        self._require_tx()
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        stamp = now()
        keys = _GlossaryKeys(self.conn, form_rows)
        for entry in entries:
            data = _dumps(entry.to_dict())
            row = self.conn.execute("SELECT data FROM glossary WHERE id = ?", (entry.id,)).fetchone()
            if row is None:
                self.conn.execute(
                    "INSERT INTO glossary (id, type, vi, en, data, origin, created, changed) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (entry.id, entry.type, entry.vi, entry.en, data, origin, stamp, stamp))
                keys.add(entry, new=True)
                counts["added"] += 1
            elif row[0] != data:
                self.conn.execute(
                    "UPDATE glossary SET type = ?, vi = ?, en = ?, data = ?, origin = ?, changed = ? "
                    "WHERE id = ?", (entry.type, entry.vi, entry.en, data, origin, stamp, entry.id))
                keys.add(entry)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        keys.flush()
        return counts

    def glossary_entries(self, ids=None) -> list:
        """Entries as ``glossary.model.Entry``, ordered by id: all, or those of *ids*."""
        from glossary.matcher import paused_gc
        from glossary.model import Entry

        if ids is None:
            rows = self.conn.execute("SELECT data FROM glossary ORDER BY id").fetchall()
        else:
            ids, rows = sorted(set(ids)), []
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                rows += self.conn.execute(
                    f"SELECT data FROM glossary WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id",
                    chunk).fetchall()
        with paused_gc():
            return [Entry.from_dict(json.loads(row[0])) for row in rows]

    def glossary_origins(self) -> dict[str, str]:
        """Entry id -> where it came from (``bundled`` or an imported file)."""
        return dict(self.conn.execute("SELECT id, origin FROM glossary"))

    # -- TMX units as written (tm/tmx.py) ----------------------------------
    def add_tmx_header(self, file: str, xml: str) -> int:
        """Keep a TMX file's ``<header>`` element as written; returns its id (same XML, same id)."""
        self._require_tx()
        ident = hashlib.sha256(xml.encode("utf-8")).hexdigest()
        self.conn.execute("INSERT OR IGNORE INTO tmx_headers (ident, file, xml) VALUES (?, ?, ?)", (ident, file, xml))
        return self.conn.execute("SELECT id FROM tmx_headers WHERE ident = ?", (ident,)).fetchone()[0]

    def add_tmx_units(self, units: Iterable[Unit], header_id: int | None = None,
                      own_tool: bool = False) -> dict:
        """Add imported units, each kept as written (``unit.tu``); the lookup entry is :meth:`add_units`'s.

        An exact duplicate (the same ``<tu>`` XML) is merged. A unit whose match keys
        are already stored is kept beside that unit (a variant) and merged into its
        lookup entry. With *own_tool* (a file songngu wrote), a ``<tu>`` whose ``tuid``
        and text are those of the stored unit of its keys is that unit coming back: merged.
        Returns ``{"added", "merged", "variants"}``.
        """
        self._require_tx()
        counts = {"added": 0, "merged": 0, "variants": 0}
        for batch in _batches(units, UNIT_BATCH):
            idents = [hashlib.sha256(unit.tu.encode("utf-8")).hexdigest() for unit in batch]
            known = set(self._existing("SELECT ident FROM tmx_units WHERE ident IN", idents))
            results = self._add_unit_batch(batch)  # every unit's lookup entry records its origin
            owned = set(self._existing("SELECT unit_id FROM tmx_units WHERE own = 1 AND unit_id IN",
                                       [uid for uid, added, _, _ in results if not added])) if own_tool else set()
            rows = []
            for unit, ident, (uid, added, vi, en) in zip(batch, idents, results):
                if ident in known:  # an exact duplicate
                    counts["merged"] += 1
                    continue
                if not added:
                    tuid = (unit.provenance[0].get("tuid") if unit.provenance else None)
                    if own_tool and tuid == str(uid) and (vi, en) == (unit.vi, unit.en) and uid not in owned:
                        counts["merged"] += 1
                        continue
                rows.append((uid, header_id, ident, int(added), unit.tu))
                known.add(ident)
                if added:
                    owned.add(uid)
                counts["added" if added else "variants"] += 1
            self.conn.executemany(
                "INSERT INTO tmx_units (unit_id, header_id, ident, own, xml) VALUES (?, ?, ?, ?, ?)", rows)
        return counts

    def _existing(self, select: str, values: list) -> Iterator:
        """The first column of ``select (values...)`` (*select* ends with ``IN``), 500 values a query."""
        values = list(dict.fromkeys(values))
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            for (value,) in self.conn.execute(f"{select} ({','.join('?' * len(chunk))})", chunk):
                yield value

    def tmx_units(self, unit_ids) -> dict[int, list[tuple[int, bool, str]]]:
        """Unit id -> its imported ``<tu>`` elements ``(header id, own, xml)`` in import order."""
        ids, out = list(unit_ids), {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.conn.execute(
                f"SELECT unit_id, header_id, own, xml FROM tmx_units WHERE unit_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY id", chunk)
            for uid, hid, own, xml in rows:
                out.setdefault(uid, []).append((hid, bool(own), xml))
        return out

    def count_tmx_units(self, kinds=None, own: bool = True) -> int:
        """How many imported ``<tu>`` (*own*: those that made their unit) the units of *kinds* hold."""
        kinds = [kinds] if isinstance(kinds, str) else list(kinds or KINDS)
        return self.conn.execute(
            "SELECT count(*) FROM tmx_units t JOIN units u ON u.id = t.unit_id WHERE t.own = ? AND u.kind IN "
            f"({','.join('?' * len(kinds))})", (int(own), *kinds)).fetchone()[0]

    def tmx_headers(self, kinds=None) -> dict[int, str]:
        """Header id -> ``<header>`` XML of the imported files whose units (of *kinds*) are stored."""
        kinds = [kinds] if isinstance(kinds, str) else list(kinds or KINDS)
        return dict(self.conn.execute(
            "SELECT h.id, h.xml FROM tmx_headers h WHERE EXISTS (SELECT 1 FROM tmx_units t JOIN units u "
            f"ON u.id = t.unit_id WHERE t.header_id = h.id AND u.kind IN ({','.join('?' * len(kinds))})) "
            "ORDER BY h.id", kinds))

    def glossary_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM glossary").fetchone()[0]

    def glossary_signature(self) -> tuple:
        """See :meth:`Store.glossary_signature`."""
        return tuple(self.conn.execute("SELECT count(*), max(changed), total(length(data)) FROM glossary").fetchone())

    def glossary_forms(self, *, folded=()) -> list[tuple]:
        """See :meth:`Store.glossary_forms`."""
        cols = "SELECT entry_id, lang, pos, form, status, exact, norm, folded FROM gl_forms"
        out = []
        values = sorted(set(folded))
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            out += self.conn.execute(f"{cols} WHERE folded IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        return out

    def glossary_folded(self, near=None) -> list[str]:
        """See :meth:`Store.glossary_folded`."""
        if near is None:
            return [r[0] for r in self.conn.execute("SELECT DISTINCT folded FROM gl_forms")]
        n, hist, share = near
        lo, hi = int(n * (1 - share) / (1 + share)), int(n * (1 + share) / (1 - share)) + 1
        distance = " + ".join(f"abs(h{i} - ?)" for i in range(len(hist)))
        return list(dict.fromkeys(r[0] for r in self.conn.execute(  # an index-only scan, deduplicated here
            f"SELECT folded FROM gl_forms WHERE flen BETWEEN ? AND ? AND {distance} <= ? * (? + flen) + 1e-9",
            (lo, hi, *hist, share, n))))

    def glossary_by_words(self, keys, folded: bool) -> list[str]:
        """See :meth:`Store.glossary_by_words`."""
        keys, out = sorted(set(keys)), set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            out.update(r[0] for r in self.conn.execute(
                f"SELECT entry_id FROM gl_words WHERE folded = ? AND words IN ({','.join('?' * len(chunk))})",
                (int(folded), *chunk)))
        return sorted(out)

    # -- meta and stats -----------------------------------------------------
    def stats(self) -> dict:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        by_kind = {k: 0 for k in KINDS}
        by_kind.update(dict(self.conn.execute("SELECT kind, count(*) FROM units GROUP BY kind")))
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "segments": one("SELECT count(*) FROM sentences"),
            "units": one("SELECT count(*) FROM units"),
            "terms": one("SELECT count(*) FROM glossary"),
            "units_by_kind": by_kind,
            "schema_version": one("PRAGMA user_version"),
        }

    # -- whole tables (songngu copy, tm/copy.py) -----------------------------
    def schema_version(self) -> int:
        return self._version()

    def table_rows(self, table: str, columns):
        """Rows of *table* (*columns*) in id order (key order for ``meta``), streamed."""
        order = "key" if table == "meta" else "id"
        cur = self.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
        while rows := cur.fetchmany(5000):
            yield from rows

    def load_rows(self, table: str, columns, rows) -> None:
        """Insert *rows* (*columns*, ids included) into *table* as they are."""
        self._require_tx()
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                              f"({', '.join('?' * len(columns))})", rows)

    def rebuild_indexes(self) -> None:
        """Fill the word index and the glossary's lookup keys from the rows (after :meth:`load_rows`)."""
        self._require_tx()
        self._backfill_word_index()
        self._backfill_glossary_keys()

    def is_empty(self) -> bool:
        """Whether the store holds no unit, glossary entry or document."""
        return not any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()
                       for t in ("units", "glossary", "documents"))

    # -- web server (tm.web): users, glossary edits with history, unit edits, ignore rules ----
    def add_user(self, name: str, token_hash: str, role: str = "editor") -> None:
        """Add a user of ``songngu serve`` (only the token's hash is kept)."""
        self._require_tx()
        if self.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise StoreError(f"{self.path}: user {name!r} already exists")
        self.conn.execute("INSERT INTO users (name, token_hash, role, created) VALUES (?, ?, ?, ?)",
                          (name, token_hash, role, now()))

    def user_by_token(self, token_hash: str) -> dict | None:
        """``{"name", "role"}`` of the user whose token hashes to *token_hash*, or None."""
        row = self.conn.execute("SELECT name, role FROM users WHERE token_hash = ?", (token_hash,)).fetchone()
        return None if row is None else {"name": row[0], "role": row[1]}

    def glossary_entry(self, entry_id: str) -> dict | None:
        """``{"entry": Entry, "origin", "created", "changed"}`` of one glossary entry, or None."""
        from glossary.model import Entry

        row = self.conn.execute("SELECT data, origin, created, changed FROM glossary WHERE id = ?",
                                (entry_id,)).fetchone()
        if row is None:
            return None
        return {"entry": Entry.from_dict(json.loads(row[0])), "origin": row[1], "created": row[2],
                "changed": row[3]}

    def save_glossary_entry(self, entry, *, user: str, action: str, origin: str = "web") -> None:
        """Insert or replace one entry and record who changed it, when, before and after."""
        self._require_tx()
        old = self.conn.execute("SELECT data FROM glossary WHERE id = ?", (entry.id,)).fetchone()
        self.upsert_glossary([entry], origin=origin)
        self.conn.execute("INSERT INTO glossary_history (entry_id, action, user, at, before, after) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                          (entry.id, action, user, now(), old[0] if old else None, _dumps(entry.to_dict())))

    def delete_glossary_entry(self, entry_id: str, *, user: str) -> bool:
        """Delete one entry (its history is kept); False when there is none."""
        self._require_tx()
        old = self.conn.execute("SELECT data FROM glossary WHERE id = ?", (entry_id,)).fetchone()
        if old is None:
            return False
        self.conn.execute("DELETE FROM glossary WHERE id = ?", (entry_id,))
        self.conn.execute("INSERT INTO glossary_history (entry_id, action, user, at, before, after) "
                          "VALUES (?, 'delete', ?, ?, ?, NULL)", (entry_id, user, now(), old[0]))
        return True

    def glossary_history(self, entry_id: str) -> list[dict]:
        """The changes of one entry, oldest first: action, user, at, before and after (dicts or None)."""
        rows = self.conn.execute("SELECT action, user, at, before, after FROM glossary_history "
                                 "WHERE entry_id = ? ORDER BY id", (entry_id,))
        return [{"action": a, "user": u, "at": at, "before": json.loads(b) if b else None,
                 "after": json.loads(af) if af else None} for a, u, at, b, af in rows]

    def replace_unit(self, unit_id: int, vi: str, en: str) -> Unit | None:
        """Edit a unit's text: it is stored again under a new id (ids only grow, so the word index
        catches up), keeping kind, score, provenance and properties; markup of an edited side is
        dropped, and so is the unit's TMX record as read (``tmx_units``: the edit supersedes it).
        Returns the new unit, or None when *unit_id* does not exist."""
        self._require_tx()
        old = self.get_units([unit_id])
        if not old:
            return None
        old = old[0]
        vi_key, en_key = match_key(vi), match_key(en)
        if not vi_key or not en_key:
            raise StoreError(f"{self.path}: unit {unit_id}: both sides need text")
        clash = self.conn.execute("SELECT id FROM units WHERE vi_key = ? AND en_key = ? AND id != ?",
                                  (vi_key, en_key, unit_id)).fetchone()
        if clash:
            raise StoreError(f"{self.path}: unit {clash[0]} already holds this pair")
        self.conn.execute("DELETE FROM units WHERE id = ?", (unit_id,))
        self.add_units([Unit(vi, en, kind=old.kind, score=old.score, provenance=old.provenance,
                             created=old.created, changed=now(),
                             vi_markup=old.vi_markup if vi == old.vi else None,
                             en_markup=old.en_markup if en == old.en else None,
                             props={**old.props, "replaces": unit_id})])  # indexed under its new id
        return self.get_units([self.max_unit_id()])[0]

    def delete_unit(self, unit_id: int) -> bool:
        """Delete one unit; False when there is none. Its ids stay in the word index, whose readers
        skip units that are gone."""
        self._require_tx()
        return self.conn.execute("DELETE FROM units WHERE id = ?", (unit_id,)).rowcount > 0

    def add_ignore_rule(self, project: str, check: str, text: str, user: str) -> int:
        """Ignore findings of *check* on *text* (compared by match key) in *project*; returns the rule id."""
        self._require_tx()
        self.conn.execute('INSERT OR IGNORE INTO ignore_rules (project, "check", text_key, text, user, created) '
                          "VALUES (?, ?, ?, ?, ?, ?)", (project, check, match_key(text), text, user, now()))
        return self.conn.execute('SELECT id FROM ignore_rules WHERE project = ? AND "check" = ? AND text_key = ?',
                                 (project, check, match_key(text))).fetchone()[0]

    def ignore_rules(self, project: str) -> list[dict]:
        """The ignore rules of *project*: id, check, text, text_key, user, created."""
        rows = self.conn.execute('SELECT id, "check", text, text_key, user, created FROM ignore_rules '
                                 "WHERE project = ? ORDER BY id", (project,))
        keys = ("id", "check", "text", "text_key", "user", "created")
        return [dict(zip(keys, row)) for row in rows]

    def delete_ignore_rule(self, project: str, rule_id: int) -> bool:
        self._require_tx()
        return self.conn.execute("DELETE FROM ignore_rules WHERE project = ? AND id = ?",
                                 (project, rule_id)).rowcount > 0

    def close(self) -> None:
        self._drop_index()
        self.conn.close()


class _GlossaryKeys:
    """Writes the lookup keys of glossary entries (tables ``gl_forms``, ``gl_words``) in batches."""

    BATCH = 5000

    def __init__(self, conn, form_rows):
        self.conn, self.form_rows = conn, form_rows
        self.forms, self.words, self.pending = [], [], 0

    def add(self, entry, new: bool = False):
        """Queue the keys of *entry*; an entry already stored first loses its old keys."""
        if not new:
            self.flush()  # its keys may be queued
            self.conn.execute("DELETE FROM gl_forms WHERE entry_id = ?", (entry.id,))
            self.conn.execute("DELETE FROM gl_words WHERE entry_id = ?", (entry.id,))
        forms, words = self.form_rows(entry)
        self.forms += [(entry.id, *row) for row in forms]
        self.words += [(w, f, entry.id) for w, f in words]
        self.pending += 1
        if self.pending >= self.BATCH:
            self.flush()

    def flush(self):
        self.conn.executemany(
            "INSERT INTO gl_forms (entry_id, lang, pos, form, status, exact, norm, folded, flen, h0, h1, h2, h3, h4, h5, h6, h7) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.forms)
        self.conn.executemany("INSERT OR IGNORE INTO gl_words (words, folded, entry_id) VALUES (?, ?, ?)",
                              self.words)
        self.forms, self.words, self.pending = [], [], 0


def _batches(items: Iterable, size: int) -> Iterator[list]:
    """*items* in lists of *size* (the last one shorter)."""
    items = iter(items)
    while batch := list(itertools.islice(items, size)):
        yield batch


def _statements(script: str):
    return [s.strip() for s in script.split(";") if s.strip()]


def _dumps(value) -> str:
    return _ENCODE(value)


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # json.dumps(...) with these, built once


def _word_hit(hay: str, needle: str) -> bool:
    start = hay.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = hay[start - 1] if start else " "
        after = hay[end] if end < len(hay) else " "
        if not (before.isalnum() or after.isalnum()):
            return True
        start = hay.find(needle, start + 1)
    return False


def default_path() -> str:
    """``$SONGNGU_DB`` or ``songngu.db`` in the current directory."""
    return os.environ.get("SONGNGU_DB") or DEFAULT_PATH


def is_url(path) -> bool:
    """Whether *path* names a store on a PostgreSQL server (``postgresql://...``)."""
    return str(path).startswith(("postgresql://", "postgres://"))


def store_exists(path=None) -> bool:
    """Whether there is a store at *path* to read: a file that exists, or a server URL."""
    path = path or default_path()
    return is_url(path) or os.path.exists(path)


def store_name(path=None) -> str:
    """*path* as shown to users: a URL without its password."""
    path = str(path or default_path())
    if is_url(path):
        from tm.pg_store import safe_url

        return safe_url(path)
    return path


def open_store(path=None, *, create: bool = True) -> Store:
    """Open (and create or migrate) the store at *path* (default :func:`default_path`): a file
    (:class:`SQLiteStore`) or a ``postgresql://`` URL (:class:`tm.pg_store.PGStore`).

    A store whose file or folder is not writable opens read-only: reads work,
    writes raise :class:`StoreError`. Creation is safe when several processes
    create the same store at once. The store's ``created`` says whether this
    call made the file.

    Parameters:
        create: when False, a missing file is an error rather than a new store.
    """
    path = path or default_path()
    if is_url(path):  # a shared store on a server (tm/pg_store.py)
        from tm.pg_store import PGStore

        return PGStore(str(path))
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no store here; run `songngu build` first (or pass --db)")
        if not path.parent.exists():
            raise StoreError(f"{path}: folder {path.parent} does not exist")
    created = False
    if create:
        try:  # exactly one process makes the file; the others open it
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            created = True
        except FileExistsError:
            pass
        except PermissionError:
            raise StoreError(f"{path}: cannot create the store: folder {path.parent or '.'} is not writable") from None
    folder = path.parent if str(path.parent) else Path(".")
    read_only = not os.access(path, os.W_OK) or not os.access(folder, os.W_OK)
    try:
        store = SQLiteStore(path, read_only=read_only)
    except BaseException:
        if created:
            _remove(path)
        raise
    store.created = created
    return store


def _connect_read_only(path: str):
    """A read-only connection that writes nothing (no ``-shm`` file where the folder is not
    writable: the file is then opened immutable, as nobody here can change it)."""
    from urllib.parse import quote

    uri = "file:" + quote(os.path.abspath(path))
    folder = os.path.dirname(os.path.abspath(path))
    if not os.access(folder, os.W_OK) and not os.path.exists(path + "-shm"):
        return sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None)
    return sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, timeout=30)


def _remove(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def discard_if_empty(store) -> bool:
    """Delete the file of a store this process created and left empty (after a failed
    command); returns whether it did."""
    if not getattr(store, "created", False) or store.read_only:
        return False
    try:
        empty = not any(store.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()
                        for t in ("units", "glossary", "documents"))
    except sqlite3.DatabaseError:
        return False
    if empty:
        store.close()
        _remove(store.path)
    return empty
