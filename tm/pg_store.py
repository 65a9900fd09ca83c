"""The store on a PostgreSQL server, for a team sharing one memory and one glossary.

:class:`PGStore` implements :class:`tm.store.Store` (tables: :mod:`tm.pg_schema`). It shares the
plain SQL reads of :class:`tm.store.SQLiteStore` through a connection that speaks its placeholder
style, and writes its own way: units in batches (``INSERT .. ON CONFLICT`` on the key hash, so
several writers at once lose nothing and the same file imported twice at once is stored once),
glossary updates checked against the row version, the word index in ``int[]`` with GIN
(:class:`PGWordIndex`), read by the same search and scoring code as SQLite's (:mod:`tm.match`).

A URL ``postgresql://user[:password]@host[:port]/db[?options=-csearch_path%3Dschema]`` names a
store; a schema in ``search_path`` lets one database hold several stores. Connection problems
and server errors become one-line :class:`corpus.errors.StoreError` messages without the password.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from corpus.errors import Interrupted, StoreError
from corpus.normalize import fold, has_vietnamese_diacritics, match_key
from tm import pg_schema
from tm.index import CACHE_MIN, LANGS, WORD, WordIndex, elements, key_tokens
from tm.store import KINDS, SQLiteStore, Unit, _dumps, _KIND_RANK, now

BATCH = 1000  # units written per statement
ANALYZE_AFTER = 1000  # units an import adds before it refreshes the index's statistics
RARE_MAX = 2000  # posting lists up to this long are read together, in one query, when a search looks up its words
LOCK_MIGRATE = 0x736F6E67  # advisory lock key of migrations ("song")
LOCK_UNITS = 0x6E677575  # advisory lock key of the transactions that write units


def safe_url(url: str) -> str:
    """*url* without its password (for messages)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise StoreError("a postgresql:// store needs psycopg: pip install -c constraints.txt "
                         "'songngu[postgres]'") from None
    return psycopg


def _one_line(exc) -> str:
    text = str(exc).strip() or type(exc).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # psycopg puts the server's words last ("FATAL: password authentication failed ...")
    return " ".join(lines[-1:] if len(lines) > 1 and "failed:" in lines[0] else lines[:1])


class _Conn:
    """A psycopg connection that takes SQLite's ``?`` placeholders (the SQL shared with
    :class:`SQLiteStore`) and turns server errors into :class:`StoreError`."""

    def __init__(self, raw, name):
        self.raw, self.name = raw, name

    def execute(self, sql, params=(), *, binary=False):
        try:
            return self.raw.cursor(binary=binary).execute(sql.replace("?", "%s"), params or None)
        except _psycopg().Error as exc:
            raise _error(self.name, exc) from None

    def executemany(self, sql, rows):
        rows = list(rows)
        if not rows:
            return
        try:
            self.raw.cursor().executemany(sql.replace("?", "%s"), rows)
        except _psycopg().Error as exc:
            raise _error(self.name, exc) from None

    def close(self):
        self.raw.close()


def _error(name, exc) -> StoreError:
    errors = _psycopg().errors
    if isinstance(exc, errors.InsufficientPrivilege):
        return StoreError(f"{name}: permission denied: this role may only read the store; nothing was written")
    if isinstance(exc, errors.UndefinedTable):
        return StoreError(f"{name}: not a songngu store ({_one_line(exc)})")
    return StoreError(f"{name}: {_one_line(exc)}")


class PGStore(SQLiteStore):
    """The store in a PostgreSQL database (see the module docstring).

    Parameters:
        url: ``postgresql://user[:password]@host[:port]/database``.
        read_only: refuse writes (a role without write privileges is found on the first write).
    """

    created = False

    def __init__(self, url: str, *, read_only: bool = False):
        psycopg = _psycopg()
        self.url, self.path = url, safe_url(url)
        self.read_only = read_only
        self._depth = 0
        self._locked = False
        self._writer = None
        self._index = None
        self._vocab = {lang: {} for lang in LANGS}
        self._vocab_conn = None
        self.migrated_from = None
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=10, client_encoding="utf8")
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: cannot connect to PostgreSQL ({_one_line(exc)})") from None
        self.conn = _Conn(raw, self.path)
        # plans for the values at hand: a generic plan of a prepared search (psycopg prepares a query
        # run five times) cannot tell a rare word from a common one
        self.conn.execute("SET plan_cache_mode = force_custom_plan")
        encoding = self.conn.execute("SHOW server_encoding").fetchone()[0]
        if encoding.upper() not in ("UTF8", "UTF-8"):
            self.close()
            raise StoreError(f"{self.path}: the database has encoding {encoding}; songngu needs a UTF-8 "
                             "database (createdb -E UTF8 -T template0 ...)")
        self._migrate()

    # -- schema -----------------------------------------------------------
    def _version(self, strict: bool = True) -> int:
        exists = self.conn.execute(  # the catalog itself, not a name lookup (which may be cached)
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'meta')"
        ).fetchone()[0]
        if not exists:
            if not strict:  # checked again under the migration lock (another process may be creating it)
                return 0
            tables = self.conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
            if tables:
                raise StoreError(f"{self.path}: the database (schema) holds other tables, not a songngu store")
            return 0
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > pg_schema.VERSION:
            raise StoreError(f"{self.path}: store schema version {version} is newer than this songngu "
                             f"({pg_schema.VERSION}); upgrade songngu")
        return version

    def _migrate(self):
        version = self._version(strict=False)
        if version == pg_schema.VERSION:
            return
        if self.read_only:
            raise StoreError(f"{self.path}: the store (schema {version}) needs schema {pg_schema.VERSION}; "
                             "run `songngu migrate` with a role that may write")
        try:
            with self.conn.raw.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_MIGRATE,))
                current = self._version()  # another process may have migrated meanwhile
                for number in range(current, pg_schema.VERSION):
                    self.conn.execute(pg_schema.MIGRATIONS[number])
                    self.conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', %s) "
                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(number + 1),))
        except StoreError as exc:
            if "permission denied" in str(exc):
                raise StoreError(f"{self.path}: the store needs schema {pg_schema.VERSION} (it has {version}) "
                                 "and this role may not create tables: run `songngu migrate` as the store's "
                                 "owner") from None
            raise
        self.migrated_from = version

    def schema_version(self) -> int:
        return self._version()

    # -- transactions -----------------------------------------------------
    @contextlib.contextmanager
    def transaction(self):
        """One atomic unit of work (READ COMMITTED); nested calls join the outer one. Readers of
        other connections see the committed state meanwhile and are never blocked."""
        psycopg = _psycopg()
        if self._depth:
            with self._joined():
                yield self
            return
        if self.read_only:
            raise StoreError(f"{self.path}: the store is read-only here; nothing was changed")
        if not self.conn.execute("SELECT has_table_privilege('units', 'INSERT')").fetchone()[0]:
            user = self.conn.execute("SELECT current_user").fetchone()[0]
            raise StoreError(f"{self.path}: role {user} may only read this store; nothing was written")
        self._depth = 1
        try:
            with self.conn.raw.transaction():
                yield self
                if self._writer is not None:
                    self._writer.finish()
        except KeyboardInterrupt:
            raise Interrupted("interrupted: nothing was changed in the store") from None
        except psycopg.Error as exc:
            raise _error(self.path, exc) from None
        finally:
            self._depth = 0
            self._locked = False
            self._writer = None
            self._drop_index()

    # -- documents and sentences --------------------------------------------
    def _units_lock(self):
        """Writers of units take turns, each until its transaction ends: two imports whose units
        overlap would otherwise wait on each other's new rows, in opposite orders (a deadlock, and
        one import lost). Readers never take it; glossary edits do not need it (row versions)."""
        self._require_tx()
        if not self._locked:
            self.conn.execute("SELECT pg_advisory_xact_lock(?)", (LOCK_UNITS,))
            self._locked = True

    def add_document(self, doc) -> tuple[int, bool]:
        """See :meth:`SQLiteStore.add_document` (two writers adding one document store it once)."""
        self._units_lock()
        row = self.conn.execute(
            "INSERT INTO documents (name, path, sha256, lang, title, created) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (sha256) DO NOTHING RETURNING id",
            (doc.name, str(doc.path) if doc.path else None, doc.sha256, doc.lang, doc.title, now())).fetchone()
        if row:
            return row[0], True
        return self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", (doc.sha256,)).fetchone()[0], False

    def add_sentences(self, doc_id: int, sentences) -> int:
        self._require_tx()
        rows = [(doc_id, s.index, s.para, s.line, s.lang, s.text) for s in sentences]
        if not rows:
            return 0
        cols = list(zip(*rows))
        cur = self.conn.execute(
            "INSERT INTO sentences (doc_id, idx, para, line, lang, text) SELECT * FROM unnest("
            "?::bigint[], ?::int[], ?::int[], ?::int[], ?::text[], ?::text[]) ON CONFLICT DO NOTHING",
            [list(c) for c in cols])
        return cur.rowcount

    # -- translation units --------------------------------------------------
    def add_units(self, units) -> tuple[int, int]:
        """See :meth:`SQLiteStore.add_units`: the same merging, in batches of :data:`BATCH`."""
        self._units_lock()
        added = merged = 0
        batch = []
        for unit in units:
            if unit.kind not in KINDS:
                raise ValueError(f"unknown unit kind {unit.kind!r}")
            batch.append(unit)
            if len(batch) >= BATCH:
                a, m = self._add_batch(batch)
                added, merged, batch = added + a, merged + m, []
        if batch:
            a, m = self._add_batch(batch)
            added, merged = added + a, merged + m
        return added, merged

    def _add_batch(self, units, ids_out=None):
        """Store *units*; returns ``(added, merged)``. *ids_out*, a list, receives each unit's
        ``(id, inserted)``."""
        stamp = now()
        keyed = []
        for u in units:
            vk, ek = match_key(u.vi), match_key(u.en)
            keyed.append((u, vk, ek, hashlib.sha256(f"{vk}\0{ek}".encode()).digest()))
        first = {}
        for i, (_, _, _, h) in enumerate(keyed):
            first.setdefault(h, i)
        stored = {bytes(r[0]) for r in self.conn.execute(  # not offered to INSERT: ids stay without gaps
            "SELECT khash FROM units WHERE khash = ANY(?)", (list(first),))}
        new = [keyed[i] for i in sorted(first.values()) if keyed[i][3] not in stored]
        cols = [[] for _ in range(13)]
        for u, vk, ek, h in new:
            for col, value in zip(cols, (u.vi, u.en, vk, ek, h, u.score, u.kind, _dumps(u.provenance), u.vi_markup,
                                         u.en_markup, _dumps(u.props), u.created or stamp,
                                         u.changed or u.created or stamp)):
                col.append(value)
        inserted = {}
        if new:
            rows = self.conn.execute(
                "INSERT INTO units (vi, en, vi_key, en_key, khash, score, kind, provenance, vi_markup, en_markup, "
                "props, created, changed) SELECT vi, en, vk, ek, h, sc, k, pr, vm, em, pp, cr, ch FROM unnest("
                "?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::float8[], ?::text[], ?::text[], "
                "?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS "
                "t(vi, en, vk, ek, h, sc, k, pr, vm, em, pp, cr, ch, o) ORDER BY o "
                "ON CONFLICT (khash) DO NOTHING RETURNING id, khash", cols).fetchall()
            inserted = {bytes(h): uid for uid, h in rows}
        if self._writer is None:
            self._writer = PGIndexWriter(self)
        self._writer.add(sorted((inserted[h], vk, ek) for _, vk, ek, h in new if h in inserted))
        # every other unit merges into a stored row (stored before, by another writer, or just now)
        state = {}
        rest = [i for i, (_, _, _, h) in enumerate(keyed) if not (h in inserted and first[h] == i)]
        if rest:
            hashes = list({keyed[i][3] for i in rest})
            for uid, kind, score, prov, props, h in self.conn.execute(
                    "SELECT id, kind, score, provenance, props, khash FROM units WHERE khash = ANY(?) "
                    "ORDER BY id FOR UPDATE", (hashes,)):
                state[bytes(h)] = [uid, kind, score, json.loads(prov), json.loads(props), False]
        added, merged, dirty = len(inserted), 0, {}
        for i in rest:
            unit, h = keyed[i][0], keyed[i][3]
            uid, kind, score, prov, props, _ = s = state[h]
            new_prov = prov + [p for p in unit.provenance if p not in prov]
            new_props = {**unit.props, **props}
            new_kind = max(kind, unit.kind, key=_KIND_RANK.__getitem__)
            new_score = score if unit.score is None else max(unit.score, score if score is not None else unit.score)
            if (new_kind, new_score, new_prov, new_props) != (kind, score, prov, props):
                s[1:5] = new_kind, new_score, new_prov, new_props
                dirty[h] = s
            merged += 1
        self.conn.executemany(
            "UPDATE units SET kind = ?, score = ?, provenance = ?, props = ?, changed = ? WHERE id = ?",
            [(k, sc, _dumps(p), _dumps(pp), stamp, uid) for uid, k, sc, p, pp, _ in dirty.values()])
        if ids_out is not None:
            for i, (_, _, _, h) in enumerate(keyed):
                own = h in inserted and first[h] == i
                ids_out.append((inserted[h] if own else state[h][0], own))
        return added, merged

    def word_index(self):
        """The word index (:class:`PGWordIndex`), read only; one per store between writes."""
        if self._index is None:
            self._index = PGWordIndex(self.conn)
        return self._index

    # -- vocabulary (token ids) ----------------------------------------------
    def token_ids(self, lang: str, tokens) -> dict:
        """Ids of *tokens* (and elements ``tok#k``) of *lang*, new ones added. Token ids are given
        on a connection of their own and committed at once: a dictionary only grows, and writers
        adding the same new word never wait on each other's transactions."""
        known = self._vocab[lang]
        missing = sorted(set(tokens) - known.keys())
        if missing:
            if self._vocab_conn is None:
                psycopg = _psycopg()
                try:
                    self._vocab_conn = _Conn(psycopg.connect(self.url, autocommit=True, client_encoding="utf8"),
                                             self.path)
                except psycopg.Error as exc:
                    raise StoreError(f"{self.path}: cannot connect to PostgreSQL ({_one_line(exc)})") from None
            for at in range(0, len(missing), 20_000):
                chunk = missing[at:at + 20_000]
                self._vocab_conn.execute(  # sorted: concurrent inserts take the key locks in one order
                    "INSERT INTO fz_vocab (lang, token, fold) SELECT ?, t, f FROM unnest(?::text[], ?::text[]) "
                    "AS x(t, f) ORDER BY t ON CONFLICT (lang, token) DO NOTHING",
                    (lang, chunk, [None if "#" in t else fold(t) for t in chunk]))
                for eid, tok in self._vocab_conn.execute(
                        "SELECT id, token FROM fz_vocab WHERE lang = ? AND token = ANY(?)", (lang, chunk)):
                    known[tok] = eid
        return known

    # -- glossary -----------------------------------------------------------
    def upsert_glossary(self, entries, origin: str) -> dict:
        """See :meth:`SQLiteStore.upsert_glossary`. An update applies to the row version read in
        this transaction: when another writer changed the entry meanwhile, :class:`StoreError`
        names the entry and nothing is written (run the command again to apply it over theirs)."""
        from glossary.lookup import form_rows

        self._require_tx()
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        stamp = now()
        keys = _PGGlossaryKeys(self.conn, form_rows)
        for entry in entries:
            data = _dumps(entry.to_dict())
            row = self.conn.execute("SELECT data, version FROM glossary WHERE id = ?", (entry.id,)).fetchone()
            if row is None:
                done = self.conn.execute(
                    "INSERT INTO glossary (id, type, vi, en, data, origin, created, changed) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (entry.id, entry.type, entry.vi, entry.en, data, origin, stamp, stamp)).rowcount
                if not done:
                    raise _conflict(self.path, entry.id)
                keys.add(entry, new=True)
                counts["added"] += 1
            elif row[0] != data:
                done = self.conn.execute(
                    "UPDATE glossary SET type = ?, vi = ?, en = ?, data = ?, origin = ?, changed = ?, "
                    "version = version + 1 WHERE id = ? AND version = ?",
                    (entry.type, entry.vi, entry.en, data, origin, stamp, entry.id, row[1])).rowcount
                if not done:
                    raise _conflict(self.path, entry.id)
                keys.add(entry)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        keys.flush()
        return counts

    def glossary_signature(self) -> tuple:
        """See :meth:`tm.store.Store.glossary_signature`."""
        return tuple(self.conn.execute(
            "SELECT count(*), max(changed), coalesce(sum(length(data)), 0) FROM glossary").fetchone())

    # -- TMX units as written -------------------------------------------------
    def add_tmx_header(self, file: str, xml: str) -> int:
        self._units_lock()
        ident = hashlib.sha256(xml.encode("utf-8")).hexdigest()
        self.conn.execute("INSERT INTO tmx_headers (ident, file, xml) VALUES (?, ?, ?) ON CONFLICT (ident) DO NOTHING",
                          (ident, file, xml))
        return self.conn.execute("SELECT id FROM tmx_headers WHERE ident = ?", (ident,)).fetchone()[0]

    def add_tmx_units(self, units, header_id=None, own_tool: bool = False) -> dict:
        """See :meth:`SQLiteStore.add_tmx_units` (same outcome, in batches)."""
        self._units_lock()
        counts = {"added": 0, "merged": 0, "variants": 0}
        units = list(units)
        for at in range(0, len(units), BATCH):
            self._add_tmx_batch(units[at:at + BATCH], header_id, own_tool, counts)
        return counts

    def _add_tmx_batch(self, units, header_id, own_tool, counts):
        idents = [hashlib.sha256(u.tu.encode("utf-8")).hexdigest() for u in units]
        stored = {r[0] for r in self.conn.execute("SELECT ident FROM tmx_units WHERE ident = ANY(?)", (idents,))}
        ids = []
        self._add_batch(units, ids)
        rows, seen = [], set()
        owned = {r[0] for r in self.conn.execute(
            "SELECT unit_id FROM tmx_units WHERE own = 1 AND unit_id = ANY(?)", ([uid for uid, _ in ids],))}
        for unit, ident, (uid, own) in zip(units, idents, ids):
            if ident in stored or ident in seen:
                counts["merged"] += 1
                continue
            if not own:
                tuid = unit.provenance[0].get("tuid") if unit.provenance else None
                if own_tool and tuid == str(uid) and uid not in owned and self._same_text(uid, unit):
                    counts["merged"] += 1
                    continue
            seen.add(ident)
            if own:
                owned.add(uid)
            rows.append((uid, header_id, ident, int(own), unit.tu))
            counts["added" if own else "variants"] += 1
        if rows:
            cur = self.conn.execute(
                "INSERT INTO tmx_units (unit_id, header_id, ident, own, xml) SELECT u, h, i, o, x FROM unnest("
                "?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::text[]) WITH ORDINALITY AS t(u, h, i, o, x, n) "
                "ORDER BY n ON CONFLICT (ident) DO NOTHING RETURNING ident", [list(c) for c in zip(*rows)])
            lost = len(rows) - len(cur.fetchall())  # (none: writers of units take turns) stored meanwhile: merged
            counts["merged"] += lost
            counts["added"] -= lost

    def _same_text(self, uid, unit) -> bool:
        row = self.conn.execute("SELECT vi, en FROM units WHERE id = ?", (uid,)).fetchone()
        return row is not None and tuple(row) == (unit.vi, unit.en)

    # -- meta, stats, copy ------------------------------------------------------
    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                          "SET value = excluded.value", (key, value))

    def stats(self) -> dict:
        out = super_stats(self)
        out["schema_version"] = self._version()
        out["backend"] = "postgresql"
        return out

    def table_rows(self, table: str, columns):
        """Rows of *table* (*columns*) in id order, streamed (see :mod:`tm.copy`)."""
        order = "key" if table == "meta" else "id"
        with self.conn.raw.transaction(), self.conn.raw.cursor(name=f"copy_{table}") as cur:  # server-side
            cur.itersize = 5000
            cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
            yield from cur

    def load_rows(self, table: str, columns, rows) -> None:
        """Insert *rows* (*columns*, ids included) into *table* as they are (see :mod:`tm.copy`)."""
        self._units_lock()
        columns = list(columns)
        extra = []
        if table == "units":  # the key hash of each row
            at_v, at_e = columns.index("vi_key"), columns.index("en_key")
            columns, extra = columns + ["khash"], [at_v, at_e]
        with self.conn.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                if extra:
                    row = (*row, hashlib.sha256(f"{row[extra[0]]}\0{row[extra[1]]}".encode()).digest())
                copy.write_row(row)
        if table not in ("meta", "glossary"):  # tables with generated ids: continue after the copied ones
            self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")

    def rebuild_indexes(self) -> None:
        """Fill the word index and the glossary's lookup keys from the rows (after :meth:`load_rows`)."""
        from glossary.lookup import form_rows
        from glossary.model import Entry

        self._require_tx()
        writer = self._writer = self._writer or PGIndexWriter(self)
        last = 0
        while rows := self.conn.execute("SELECT id, vi_key, en_key FROM units WHERE id > ? ORDER BY id LIMIT 20000",
                                        (last,)).fetchall():
            writer.add(rows)
            last = rows[-1][0]
        keys = _PGGlossaryKeys(self.conn, form_rows)
        for (data,) in self.conn.execute("SELECT data FROM glossary ORDER BY id").fetchall():
            keys.add(Entry.from_dict(json.loads(data)), new=True)
        keys.flush()

    def is_empty(self) -> bool:
        return not any(self.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()
                       for t in ("units", "glossary", "documents"))

    def close(self) -> None:
        self._drop_index()
        for conn in (self._vocab_conn, getattr(self, "conn", None)):
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
        self._vocab_conn = None


def super_stats(store) -> dict:
    """SQLiteStore.stats without its SQLite-only schema version."""
    one = lambda sql: store.conn.execute(sql).fetchone()[0]  # noqa: E731
    by_kind = {k: 0 for k in KINDS}
    by_kind.update(dict(store.conn.execute("SELECT kind, count(*) FROM units GROUP BY kind").fetchall()))
    return {"documents": one("SELECT count(*) FROM documents"), "segments": one("SELECT count(*) FROM sentences"),
            "units": one("SELECT count(*) FROM units"), "terms": one("SELECT count(*) FROM glossary"),
            "units_by_kind": by_kind}


def _conflict(name, entry_id) -> StoreError:
    return StoreError(f"{name}: glossary entry {entry_id} was changed by someone else meanwhile; nothing was "
                      "written: run the command again to apply your version over theirs")


class _PGGlossaryKeys:
    """The glossary's lookup keys (``gl_forms``, ``gl_words``) written in batches (as SQLite's)."""

    def __init__(self, conn, form_rows):
        self.conn, self.form_rows = conn, form_rows
        self.forms, self.words = [], []

    def add(self, entry, new: bool = False):
        if not new:
            self.flush()
            self.conn.execute("DELETE FROM gl_forms WHERE entry_id = ?", (entry.id,))
            self.conn.execute("DELETE FROM gl_words WHERE entry_id = ?", (entry.id,))
        forms, words = self.form_rows(entry)
        self.forms += [(entry.id, *row) for row in forms]
        self.words += [(w, int(f), entry.id) for w, f in words]
        if len(self.forms) >= 20_000:
            self.flush()

    def flush(self):
        if self.forms:
            self.conn.execute(
                "INSERT INTO gl_forms (entry_id, lang, pos, form, status, exact, norm, folded, flen, "
                "h0, h1, h2, h3, h4, h5, h6, h7) SELECT * FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], "
                "?::text[], ?::text[], ?::text[], ?::text[], ?::int[]" + ", ?::int[]" * 8 + ")",
                [list(c) for c in zip(*self.forms)])
        if self.words:
            self.conn.execute(
                "INSERT INTO gl_words (words, folded, entry_id) SELECT * FROM unnest(?::text[], ?::int[], ?::text[]) "
                "ON CONFLICT DO NOTHING", [list(c) for c in zip(*self.words)])
        self.forms, self.words = [], []


class PGIndexWriter:
    """Indexes units as they are stored (the store's transaction): one ``fz_units`` row per unit and
    language (token ids, elements, length) and the document-frequency deltas in ``fz_df``."""

    def __init__(self, store: PGStore):
        self.store = store
        self.added = 0
        self.df = Counter()  # written once, at the end (one fz_df row per word and import)

    def add(self, rows):
        """Index rows ``(id, vi_key, en_key)``."""
        if not rows:
            return
        split = [(uid, {"vi": key_tokens(vk), "en": key_tokens(ek)}) for uid, vk, ek in rows]
        out, df = [], self.df
        for lang in LANGS:
            elems_of = [elements(toks[lang]) for _, toks in split]
            vocab = self.store.token_ids(lang, {e for elems in elems_of for e in elems})
            for (uid, toks), elems in zip(split, elems_of):
                ids = ",".join([str(vocab[t]) for t in toks[lang]])
                eids = [vocab[e] for e in elems]
                df.update(eids)
                # COPY's text format, written here (a Python array dumper per row is the import's bottleneck)
                out.append(f"{lang}\t{uid}\t{len(eids)}\t{{{ids}}}\t{{{','.join(map(str, eids))}}}\n")
        with self.store.conn.raw.cursor().copy("COPY fz_units (lang, unit_id, n, toks, elems) FROM STDIN") as copy:
            copy.write("".join(out))
        self.added += len(rows)

    def finish(self):
        """After a large import: merge the GIN index's pending list (searches would scan it) and
        refresh the planner's statistics (so searches use the index at once)."""
        if self.df:
            with self.store.conn.raw.cursor().copy("COPY fz_df (elem, n) FROM STDIN") as copy:
                copy.write("".join(f"{e}\t{n}\n" for e, n in sorted(self.df.items())))
            self.df = Counter()
        if self.added >= ANALYZE_AFTER:
            self.store.conn.execute("SELECT gin_clean_pending_list('fz_units_elems'::regclass)")
            self.store.conn.execute("ANALYZE fz_units")
            self.store.conn.execute("ANALYZE fz_df")
            self.store.conn.execute("ANALYZE fz_vocab")


class PGWordIndex(WordIndex):
    """The word index of one PostgreSQL store, read only (see :class:`tm.index.WordIndex`).

    Postings come from the GIN index on ``fz_units.elems`` (long lists stay in memory once
    read, as SQLite's), lengths and token sequences from ``fz_units``. A snapshot: units
    above :attr:`last_id` (stored after it was made) are left out."""

    def __init__(self, conn):
        self.conn = conn
        self.last_id = conn.execute("SELECT coalesce(max(unit_id), 0) FROM fz_units").fetchone()[0]
        self._lens = {}
        self._post = {}  # long posting lists, once read
        self._rare = {}  # short ones, read with the words of a search (see lookup)

    def lookup(self, lang: str, tokens) -> dict:
        """See :meth:`WordIndex.lookup`; the short posting lists of these words are read at once
        (one query instead of one per word: a search reads the rarest words first)."""
        rows = self.conn.execute(
            "SELECT v.token, v.id, (SELECT coalesce(sum(n), 0) FROM fz_df WHERE elem = v.id) "
            "FROM fz_vocab v WHERE v.lang = ? AND v.token = ANY(?)", (lang, list(set(tokens))))
        out = {tok: (eid, int(df)) for tok, eid, df in rows}
        rare = [eid for eid, df in out.values() if 0 < df <= RARE_MAX and eid not in self._post]
        if rare:
            if len(self._rare) > 200_000:
                self._rare.clear()
            found = dict(self.conn.execute(  # one GIN lookup per word, in one round trip
                "SELECT e, (SELECT array_agg(unit_id ORDER BY unit_id) FROM fz_units WHERE elems @> ARRAY[e] "
                "AND unit_id <= ?) FROM unnest(?::int4[]) e", (self.last_id, rare), binary=True).fetchall())
            for eid in rare:
                self._rare[eid] = np.array(found.get(eid) or (), dtype=np.uint32)
        return out

    def guess_lang(self, text: str) -> str:
        if has_vietnamese_diacritics(text):
            return "vi"
        words = sorted(set(key_tokens(fold(text))))[:500]
        if not words:
            return "en"
        known = dict(self.conn.execute(
            "SELECT lang, count(DISTINCT fold) FROM fz_vocab v WHERE fold = ANY(?) AND EXISTS "
            "(SELECT 1 FROM fz_df WHERE elem = v.id) GROUP BY lang", (words,)).fetchall())
        return "vi" if known.get("vi", 0) > known.get("en", 0) else "en"

    def variants(self, lang: str, folded: str) -> list[tuple[int, int]]:
        return [(eid, int(df)) for eid, df in self.conn.execute(
            "SELECT id, df FROM (SELECT v.id, (SELECT coalesce(sum(n), 0) FROM fz_df WHERE elem = v.id) AS df "
            "FROM fz_vocab v WHERE v.lang = ? AND v.fold = ?) x WHERE df > 0 ORDER BY id", (lang, folded))]

    def postings(self, elem: int) -> np.ndarray:
        cached = self._post.get(elem)
        if cached is None:
            cached = self._rare.get(elem)
        if cached is not None:
            return cached
        (ids,) = self.conn.execute(
            "SELECT coalesce(array_agg(unit_id ORDER BY unit_id), '{}') FROM fz_units "
            "WHERE elems @> ARRAY[?]::int4[] AND unit_id <= ?", (int(elem), self.last_id), binary=True).fetchone()
        ids = np.array(ids, dtype=np.uint32)
        if len(ids) > CACHE_MIN:
            self._post[elem] = ids
        return ids

    def lengths(self, lang: str) -> np.ndarray:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        if lang not in self._lens:
            out = np.zeros(self.last_id + 1, dtype=np.int32)
            ids, ns = self.conn.execute(
                "SELECT coalesce(array_agg(unit_id), '{}'), coalesce(array_agg(n), '{}') FROM fz_units "
                "WHERE lang = ? AND unit_id <= ?", (lang, self.last_id), binary=True).fetchone()
            out[np.array(ids, dtype=np.int64)] = np.array(ns, dtype=np.int32)
            self._lens[lang] = out
        return self._lens[lang]

    def sequences(self, lang: str, ids):
        ids = [int(i) for i in ids]
        got = dict(self.conn.execute(
            "SELECT unit_id, toks FROM fz_units WHERE lang = ? AND unit_id = ANY(?)", (lang, ids),
            binary=True).fetchall())
        seqs = [got.get(i) or [] for i in ids]
        lens = np.array([len(s) for s in seqs], dtype=np.int64)
        flat = np.fromiter((t for s in seqs for t in s), dtype=np.uint32, count=int(lens.sum()))
        return flat, lens

    def close(self):
        """Nothing to release."""

