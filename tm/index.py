"""A persisted inverted index over the words of every translation unit.

Fuzzy matching (:mod:`tm.match`) and concordance (:mod:`tm.concordance`) read
it. It lives in the store's SQLite file, in tables named ``fz_*`` that this
module creates, and catches up on units with ``id`` above the last one it
indexed (unit ids only grow), so a new import is indexed on the next lookup.

Tokens are the maximal runs of word characters (``\\w+``) of a unit's match key
(:func:`corpus.normalize.match_key`: NFC, canonical tone placement, lower case).
The index stores, per language:

- ``fz_vocab``: every token and every *element* ``token#k`` (the k-th
  occurrence of a token in one segment, k >= 2), with its document frequency
  and, for tokens, the diacritic-folded form (:func:`corpus.normalize.fold`).
  Indexing occurrences makes multiset overlap a plain set overlap.
- ``fz_post``: for each element, the sorted ids of the units holding it
  (uint32 arrays, one row per indexing batch, merged when they pile up).
- ``fz_seq``: every unit's token-id sequence per language (for exact scoring
  and phrase checks), one row per indexing batch: the tokens of units
  ``first..`` back to back and their offsets. Searches load it into memory
  once per process (about 90 MB per language at a million units).

Arrays are stored as little-endian uint32 (the byte order of the platforms
songngu runs on).
"""
from __future__ import annotations

import re
from array import array
from collections import Counter

import numpy as np

from corpus.normalize import fold, has_vietnamese_diacritics

__all__ = ["LANGS", "WORD", "TokenIndex", "StoreSearch", "elements", "key_tokens"]

LANGS = ("vi", "en")
WORD = re.compile(r"\w+")
BATCH = 200_000  # units indexed per in-memory batch (bounds memory)
MAX_CHUNKS = 8  # posting rows per element before they are merged
CACHE_MIN = 2048  # posting lists longer than this are kept in memory once read

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fz_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fz_vocab (
    id INTEGER PRIMARY KEY, lang TEXT NOT NULL, token TEXT NOT NULL, fold TEXT,
    df INTEGER NOT NULL, UNIQUE (lang, token));
CREATE INDEX IF NOT EXISTS fz_vocab_fold ON fz_vocab (lang, fold);
CREATE TABLE IF NOT EXISTS fz_post (elem INTEGER NOT NULL, first INTEGER NOT NULL, ids BLOB NOT NULL,
    PRIMARY KEY (elem, first));
CREATE TABLE IF NOT EXISTS fz_seq (lang TEXT NOT NULL, first INTEGER NOT NULL, offsets BLOB NOT NULL,
    tokens BLOB NOT NULL, PRIMARY KEY (lang, first));
"""


def key_tokens(key: str) -> list[str]:
    """Tokens of a match key: its ``\\w+`` runs."""
    return WORD.findall(key)


def elements(tokens: list[str]) -> list[str]:
    """Occurrence-numbered tokens: ``[a, b, a]`` -> ``[a, b, a#2]``."""
    if len(set(tokens)) == len(tokens):
        return list(tokens)
    seen = Counter()
    out = []
    for tok in tokens:
        seen[tok] += 1
        out.append(tok if seen[tok] == 1 else f"{tok}#{seen[tok]}")
    return out


class TokenIndex:
    """The word index of one store.

    Parameters:
        store: an open :class:`tm.store.SQLiteStore`; its tables ``fz_*`` are created if missing.
    """

    def __init__(self, store):
        self.store = store
        self.conn = store.conn
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self._seq = {}
        self._post = {}  # element id -> postings, for the long lists (see postings())

    # -- building ------------------------------------------------------------
    @property
    def last_id(self) -> int:
        """Highest unit id indexed so far."""
        row = self.conn.execute("SELECT value FROM fz_meta WHERE key = 'last_id'").fetchone()
        return row[0] if row else 0

    def pending(self) -> int:
        """How many units are not indexed yet."""
        return self.conn.execute("SELECT count(*) FROM units WHERE id > ?", (self.last_id,)).fetchone()[0]

    def refresh(self, progress=None) -> int:
        """Index the units added since the last refresh; returns how many.

        Parameters:
            progress: optional callback ``(done, total)``.
        """
        if not self.pending():
            return 0
        with self.store.transaction():
            last = self.last_id
            total = self.conn.execute("SELECT count(*) FROM units WHERE id > ?", (last,)).fetchone()[0]
            builder = _Builder(self.conn)
            done = 0
            while True:
                rows = self.conn.execute(
                    "SELECT id, vi_key, en_key FROM units WHERE id > ? ORDER BY id LIMIT ?",
                    (last, BATCH)).fetchall()
                if not rows:
                    break
                builder.add(rows)
                last = rows[-1][0]
                done += len(rows)
                if progress:
                    progress(done, total)
            builder.finish()
            self._compact()
            self.conn.execute("INSERT OR REPLACE INTO fz_meta (key, value) VALUES ('last_id', ?)", (last,))
        self._seq = {}
        self._post = {}
        return done

    def _compact(self):
        elems = [r[0] for r in self.conn.execute(
            "SELECT elem FROM fz_post GROUP BY elem HAVING count(*) > ?", (MAX_CHUNKS,))]
        for elem in elems:
            merged = self.postings(elem)
            first = self.conn.execute("SELECT min(first) FROM fz_post WHERE elem = ?", (elem,)).fetchone()[0]
            self.conn.execute("DELETE FROM fz_post WHERE elem = ?", (elem,))
            self.conn.execute("INSERT INTO fz_post (elem, first, ids) VALUES (?, ?, ?)",
                              (elem, first, merged.tobytes()))

    # -- reading -------------------------------------------------------------
    def lookup(self, lang: str, tokens) -> dict:
        """``{token: (element id, document frequency)}`` for the known tokens/elements of *lang*."""
        tokens = list(set(tokens))
        out = {}
        for start in range(0, len(tokens), 500):
            chunk = tokens[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for tok, eid, df in self.conn.execute(
                    f"SELECT token, id, df FROM fz_vocab WHERE lang = ? AND token IN ({marks})", (lang, *chunk)):
                out[tok] = (eid, df)
        return out

    def guess_lang(self, text: str) -> str:
        """``vi`` if *text* has Vietnamese diacritics, else the language whose
        vocabulary knows more of its (diacritic-folded) words; ``en`` on a tie."""
        if has_vietnamese_diacritics(text):
            return "vi"
        words = sorted(set(key_tokens(fold(text))))[:500]
        if not words:
            return "en"
        marks = ",".join("?" * len(words))
        known = {lang: self.conn.execute(
            f"SELECT count(DISTINCT fold) FROM fz_vocab WHERE lang = ? AND fold IN ({marks})",
            (lang, *words)).fetchone()[0] for lang in LANGS}
        return "vi" if known["vi"] > known["en"] else "en"

    def variants(self, lang: str, folded: str) -> list[tuple[int, int]]:
        """``(id, df)`` of the tokens of *lang* whose folded form is *folded*."""
        return self.conn.execute(
            "SELECT id, df FROM fz_vocab WHERE lang = ? AND fold = ?", (lang, folded)).fetchall()

    def postings(self, elem: int) -> np.ndarray:
        """Sorted ids (uint32) of the units holding element *elem*.

        Lists of more than :data:`CACHE_MIN` ids stay in memory once read (at most the size of the
        index, 4 bytes per word occurrence: about 150 MB at a million units)."""
        cached = self._post.get(elem)
        if cached is not None:
            return cached
        rows = self.conn.execute("SELECT ids FROM fz_post WHERE elem = ? ORDER BY first", (elem,)).fetchall()
        ids = np.frombuffer(rows[0][0] if len(rows) == 1 else b"".join(r[0] for r in rows), dtype="<u4")
        if len(ids) > CACHE_MIN:
            self._post[elem] = ids
        return ids

    def _sequences(self, lang: str):
        """``(offsets, tokens, lengths)``: unit *i*'s tokens are ``tokens[offsets[i]:offsets[i + 1]]``."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        if lang not in self._seq:
            size = self.last_id + 2
            offsets = np.zeros(size, dtype=np.int64)
            parts, base, upto = [], 0, 0
            for first, offs, toks in self.conn.execute(
                    "SELECT first, offsets, tokens FROM fz_seq WHERE lang = ? ORDER BY first", (lang,)):
                offs = np.frombuffer(offs, dtype="<u4").astype(np.int64) + base
                offsets[upto:first] = base  # ids never indexed (gaps) hold no tokens
                offsets[first:first + len(offs)] = offs
                upto = first + len(offs)
                base = int(offs[-1])
                parts.append(np.frombuffer(toks, dtype="<u4"))
            offsets[upto:] = base
            tokens = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
            self._seq[lang] = offsets, tokens, np.diff(offsets).astype(np.int32)
        return self._seq[lang]

    def lengths(self, lang: str) -> np.ndarray:
        """Token count of every unit's *lang* side, indexed by unit id (0 for ids not indexed)."""
        return self._sequences(lang)[2]

    def sequences(self, lang: str, ids) -> tuple[np.ndarray, np.ndarray]:
        """The *lang* token ids of units *ids*, back to back, and each unit's length."""
        offsets, tokens, _ = self._sequences(lang)
        ids = np.asarray(ids, dtype=np.int64)
        starts, lens = offsets[ids], offsets[ids + 1] - offsets[ids]
        total = int(lens.sum())
        shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
        return tokens[np.arange(total, dtype=np.int64) + shift], lens


class _Builder:
    """Turns batches of ``(id, vi_key, en_key)`` rows into index rows."""

    def __init__(self, conn):
        self.conn = conn
        self.vocab = {lang: {} for lang in LANGS}
        for eid, lang, tok in conn.execute("SELECT id, lang, token FROM fz_vocab"):
            self.vocab[lang][tok] = eid
        self.next_id = (conn.execute("SELECT coalesce(max(id), 0) FROM fz_vocab").fetchone()[0]) + 1
        self.new_vocab = []

    def _id(self, lang, tok):
        table = self.vocab[lang]
        eid = table.get(tok)
        if eid is None:
            eid = table[tok] = self.next_id
            self.next_id += 1
            self.new_vocab.append((eid, lang, tok, None if "#" in tok else fold(tok)))
        return eid

    def add(self, rows):
        elems, owners = array("I"), array("I")
        first, last = rows[0][0], rows[-1][0]
        seqs = {lang: array("I") for lang in LANGS}
        lens = {lang: np.zeros(last - first + 2, dtype=np.uint32) for lang in LANGS}
        for uid, vi_key, en_key in rows:
            for lang, key in (("vi", vi_key), ("en", en_key)):
                toks = WORD.findall(key)
                ids = [self._id(lang, t) for t in toks]
                seqs[lang].extend(ids)
                lens[lang][uid - first + 1] = len(ids)
                if len(set(ids)) != len(ids):
                    ids = [self._id(lang, e) for e in elements(toks)]
                elems.extend(ids)
                owners.extend([uid] * len(ids))
        self._flush_vocab()
        self.conn.executemany("INSERT INTO fz_seq (lang, first, offsets, tokens) VALUES (?, ?, ?, ?)",
                              [(lang, first, np.cumsum(lens[lang], dtype=np.uint32).tobytes(),
                                seqs[lang].tobytes()) for lang in LANGS])
        e = np.frombuffer(elems, dtype=np.uint32)
        u = np.frombuffer(owners, dtype=np.uint32)
        order = np.argsort(e, kind="stable")  # owners stay in id order within an element
        e, u = e[order], u[order]
        cuts = np.flatnonzero(np.diff(e)) + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [len(e)]))
        self.conn.executemany(
            "INSERT INTO fz_post (elem, first, ids) VALUES (?, ?, ?)",
            ((int(e[a]), first, u[a:b].tobytes()) for a, b in zip(starts, ends)))
        self.conn.executemany(
            "UPDATE fz_vocab SET df = df + ? WHERE id = ?",
            ((int(b - a), int(e[a])) for a, b in zip(starts, ends)))

    def _flush_vocab(self):
        self.conn.executemany("INSERT INTO fz_vocab (id, lang, token, fold, df) VALUES (?, ?, ?, ?, 0)",
                              self.new_vocab)
        self.new_vocab = []

    def finish(self):
        self._flush_vocab()


class StoreSearch:
    """A search over one store's :class:`TokenIndex`, caught up with the store first.

    Parameters:
        store: an open :class:`tm.store.SQLiteStore`.
        progress: optional callback ``(done, total)`` while the index catches up.
    """

    def __init__(self, store, progress=None):
        self.store = store
        self.index = TokenIndex(store)
        self.index.refresh(progress)
