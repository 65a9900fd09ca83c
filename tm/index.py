"""The memory's word index: an inverted index over the words of every translation unit.

Fuzzy matching (:mod:`tm.match`) and concordance (:mod:`tm.concordance`) read
it through :meth:`tm.store.Store.word_index`; the store owns it. In SQLite it
lives in the tables ``fz_*`` (created by the migrations of :mod:`tm.schema`)
and is written by :class:`IndexWriter` in the transaction that adds the units
(:meth:`tm.store.SQLiteStore.add_units`), so reads never write and the first
search after an import is as fast as the next.

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
  and phrase checks), one row per :data:`SEQ_ROW` units: the tokens of units
  ``first..`` back to back and their offsets. A search reads the offsets of
  every unit (4 bytes a unit) and the rows of its candidates; a process that
  has read many loads them all (about 90 MB per language at a million units).
- ``fz_meta``: ``last_id``, the highest unit id indexed.

Arrays are stored as little-endian uint32 (the byte order of the platforms
songngu runs on).
"""
from __future__ import annotations

import re
from array import array

import numpy as np

from corpus.normalize import fold, has_vietnamese_diacritics

__all__ = ["LANGS", "WORD", "WordIndex", "TokenIndex", "IndexWriter", "StoreSearch", "elements", "key_tokens",
           "phrase_ids"]

LANGS = ("vi", "en")
WORD = re.compile(r"\w+")
BATCH = 20_000  # units indexed per in-memory batch (bounds memory)
MAX_CHUNKS = 8  # posting rows per element before they are merged
CACHE_MIN = 2048  # posting lists longer than this are kept in memory once read
CHUNK = 4096  # candidate units checked per step by phrase_ids
SEQ_ROW = 128  # units per fz_seq row: a search reads the rows of its candidates
READ_ALL_AFTER = 50_000  # units whose tokens a process reads one by one before it reads them all


def key_tokens(key: str) -> list[str]:
    """Tokens of a match key: its ``\\w+`` runs."""
    return WORD.findall(key)


def elements(tokens: list[str]) -> list[str]:
    """Occurrence-numbered tokens: ``[a, b, a]`` -> ``[a, b, a#2]``."""
    if len(set(tokens)) == len(tokens):
        return list(tokens)
    seen = {}
    out = []
    for tok in tokens:
        n = seen[tok] = seen.get(tok, 0) + 1
        out.append(tok if n == 1 else f"{tok}#{n}")
    return out


class WordIndex:
    """What a search reads of a store's word index (one implementation per backend).

    Token and element ids are integers; unit ids only grow. A backend returns
    candidates (posting lists, token sequences); scoring stays in :mod:`tm.match`.
    """

    last_id: int  # the highest unit id indexed

    def lookup(self, lang: str, tokens) -> dict:
        """``{token: (element id, document frequency)}`` for the known tokens/elements of *lang*."""
        raise NotImplementedError

    def guess_lang(self, text: str) -> str:
        """``vi`` or ``en``: the language of *text* (see :meth:`TokenIndex.guess_lang`)."""
        raise NotImplementedError

    def variants(self, lang: str, folded: str) -> list[tuple[int, int]]:
        """``(id, df)`` of the tokens of *lang* whose diacritic-folded form is *folded*."""
        raise NotImplementedError

    def postings(self, elem: int):
        """Sorted unit ids (uint32 numpy array) holding element *elem*."""
        raise NotImplementedError

    def lengths(self, lang: str):
        """Token count of every unit's *lang* side, indexed by unit id (0 for ids not indexed)."""
        raise NotImplementedError

    def sequences(self, lang: str, ids):
        """The *lang* token ids of units *ids*, back to back, and each unit's length (numpy arrays)."""
        raise NotImplementedError


class TokenIndex(WordIndex):
    """The word index of one SQLite store, read only.

    Parameters:
        conn: the store's sqlite3 connection (tables ``fz_*``, see :mod:`tm.schema`).
    """

    def __init__(self, conn):
        self.conn = conn
        self._offs = {}  # lang -> see _offsets()
        self._tok = {}  # lang -> every token, once read
        self._read = {}  # lang -> units whose tokens were read one by one
        self._post = {}  # element id -> postings, for the long lists (see postings())

    @property
    def last_id(self) -> int:
        """Highest unit id indexed so far."""
        return _last_id(self.conn)

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

    def _offsets(self, lang: str):
        """``(offsets, lengths, batches)``: unit *i*'s tokens are ``offsets[i]:offsets[i + 1]`` of the
        language's tokens (all batches back to back); *batches* ``(firsts, rowids, bases)`` locate
        each ``fz_seq`` row (its first unit, its rowid, where its tokens begin). Only the offsets are
        read (4 bytes a unit), not the tokens."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        if lang not in self._offs:
            size = _last_id(self.conn) + 2
            offsets = np.zeros(size, dtype=np.int64)
            firsts, rowids, bases = [], [], []
            base, upto = 0, 0
            for rowid, first, offs in self.conn.execute(
                    "SELECT rowid, first, offsets FROM fz_seq WHERE lang = ? ORDER BY first", (lang,)):
                offs = np.frombuffer(offs, dtype="<u4").astype(np.int64) + base
                offsets[upto:first] = base  # ids never indexed (gaps) hold no tokens
                offsets[first:first + len(offs)] = offs
                firsts.append(first)
                rowids.append(rowid)
                bases.append(base)
                upto = first + len(offs)
                base = int(offs[-1])
            offsets[upto:] = base
            self._offs[lang] = (offsets, np.diff(offsets).astype(np.int32),
                                (np.array(firsts, dtype=np.int64), rowids, bases))
        return self._offs[lang]

    def _tokens(self, lang: str) -> np.ndarray:
        """Every token of *lang*, in unit order (read once, about 90 MB a language at a million units)."""
        if lang not in self._tok:
            parts = [np.frombuffer(toks, dtype="<u4") for (toks,) in self.conn.execute(
                "SELECT tokens FROM fz_seq WHERE lang = ? ORDER BY first", (lang,))]
            self._tok[lang] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
        return self._tok[lang]

    def lengths(self, lang: str) -> np.ndarray:
        """Token count of every unit's *lang* side, indexed by unit id (0 for ids not indexed)."""
        return self._offsets(lang)[1]

    def sequences(self, lang: str, ids) -> tuple[np.ndarray, np.ndarray]:
        """The *lang* token ids of units *ids*, back to back, and each unit's length.

        A new process reads just the ``fz_seq`` rows holding these units (:data:`SEQ_ROW` units a
        row; a cold search reads a few hundred); past :data:`READ_ALL_AFTER` units read so, it reads
        them all once."""
        offsets, _, (firsts, rowids, bases) = self._offsets(lang)
        ids = np.asarray(ids, dtype=np.int64)
        starts, lens = offsets[ids], offsets[ids + 1] - offsets[ids]
        self._read[lang] = self._read.get(lang, 0) + len(ids)
        if lang in self._tok or self._read[lang] > READ_ALL_AFTER:
            tokens = self._tokens(lang)
            total = int(lens.sum())
            shift = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
            return tokens[np.arange(total, dtype=np.int64) + shift], lens
        batch = np.searchsorted(firsts, ids, "right") - 1
        need = sorted(set(batch[lens > 0].tolist()))
        got = {}
        for at in range(0, len(need), 500):
            chunk = [rowids[b] for b in need[at:at + 500]]
            got.update(self.conn.execute(
                f"SELECT rowid, tokens FROM fz_seq WHERE rowid IN ({','.join('?' * len(chunk))})", chunk))
        parts = []
        for b, start, n in zip(batch.tolist(), starts.tolist(), lens.tolist()):
            if n:
                at = 4 * (start - bases[b])
                parts.append(got[rowids[b]][at:at + 4 * n])
        return np.frombuffer(b"".join(parts), dtype="<u4"), lens

    def close(self):
        """Nothing to release (kept for the store, which drops its index after a write)."""


def _last_id(conn) -> int:
    row = conn.execute("SELECT value FROM fz_meta WHERE key = 'last_id'").fetchone()
    return row[0] if row else 0


class IndexWriter:
    """Indexes units as they are stored, inside the store's write transaction.

    :meth:`add` takes ``(id, vi_key, en_key)`` rows in id order and writes them
    in batches of :data:`BATCH` (bounded memory); :meth:`finish` writes the rest
    and records the last id. The store calls both; a rollback drops it all.

    Parameters:
        conn: the store's sqlite3 connection, in a write transaction.
    """

    def __init__(self, conn):
        self.conn = conn
        self.rows = []
        self.builder = None
        self.last = _last_id(conn)

    def add(self, rows):
        """Queue rows ``(id, vi_key, en_key)`` with ids above every one indexed."""
        self.rows.extend(rows)
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self):
        if not self.rows:
            return
        if self.builder is None:
            self.builder = _Builder(self.conn)
        self.builder.add(self.rows)
        self.last = self.rows[-1][0]
        self.rows = []

    def finish(self):
        """Write what is queued, merge posting rows that piled up, record the last id."""
        self._flush()
        if self.builder is None:
            return
        self.builder.finish()
        _compact(self.conn, self.builder.touched)
        self.conn.execute("INSERT OR REPLACE INTO fz_meta (key, value) VALUES ('last_id', ?)", (self.last,))
        self.builder = None

    @classmethod
    def backfill(cls, conn, progress=None) -> int:
        """Index the stored units above the last one indexed (a store made before the index was
        kept at import); returns how many."""
        writer = cls(conn)
        last, done = writer.last, 0
        total = conn.execute("SELECT count(*) FROM units WHERE id > ?", (last,)).fetchone()[0]
        while total:
            rows = conn.execute("SELECT id, vi_key, en_key FROM units WHERE id > ? ORDER BY id LIMIT ?",
                                (last, BATCH)).fetchall()
            if not rows:
                break
            writer.add(rows)
            last = rows[-1][0]
            done += len(rows)
            if progress:
                progress(done, total)
        writer.finish()
        return done


def _compact(conn, touched):
    """Merge the posting rows of the *touched* elements holding more than :data:`MAX_CHUNKS`."""
    touched = sorted(touched)
    for start in range(0, len(touched), 500):
        chunk = touched[start:start + 500]
        marks = ",".join("?" * len(chunk))
        elems = [r[0] for r in conn.execute(
            f"SELECT elem FROM fz_post WHERE elem IN ({marks}) GROUP BY elem HAVING count(*) > ?",
            (*chunk, MAX_CHUNKS))]
        for elem in elems:
            rows = conn.execute("SELECT first, ids FROM fz_post WHERE elem = ? ORDER BY first", (elem,)).fetchall()
            conn.execute("DELETE FROM fz_post WHERE elem = ?", (elem,))
            conn.execute("INSERT INTO fz_post (elem, first, ids) VALUES (?, ?, ?)",
                         (elem, rows[0][0], b"".join(r[1] for r in rows)))


class _Builder:
    """Turns batches of ``(id, vi_key, en_key)`` rows into index rows."""

    def __init__(self, conn):
        self.conn = conn
        self.vocab = {lang: {} for lang in LANGS}
        self.loaded = False  # whether self.vocab holds the whole stored vocabulary
        self.next_id = (conn.execute("SELECT coalesce(max(id), 0) FROM fz_vocab").fetchone()[0]) + 1
        self.new_vocab = []
        self.touched = set()  # elements given posting rows

    def _known(self, toks):
        """Read the stored ids of the tokens and elements *toks* ``{lang: set}`` (all of the
        vocabulary for a large batch, else just those)."""
        if self.loaded:
            return
        if sum(map(len, toks.values())) > 20_000:  # a large batch: read them all
            for eid, lang, tok in self.conn.execute("SELECT id, lang, token FROM fz_vocab"):
                self.vocab[lang][tok] = eid
            self.loaded = True
            return
        for lang, wanted in toks.items():
            wanted = [t for t in wanted if t not in self.vocab[lang]]
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for eid, tok in self.conn.execute(
                        f"SELECT id, token FROM fz_vocab WHERE lang = ? AND token IN ({marks})", (lang, *chunk)):
                    self.vocab[lang][tok] = eid

    def _id(self, lang, tok):
        table = self.vocab[lang]
        eid = table.get(tok)
        if eid is None:
            eid = table[tok] = self.next_id
            self.next_id += 1
            self.new_vocab.append((eid, lang, tok, None if "#" in tok else fold(tok)))
        return eid

    def add(self, rows):
        if not self.loaded:
            wanted = {lang: set() for lang in LANGS}
            if len(rows) <= 1000:  # else _known reads the whole vocabulary
                for _, vi_key, en_key in rows:
                    wanted["vi"].update(elements(WORD.findall(vi_key)))
                    wanted["en"].update(elements(WORD.findall(en_key)))
            else:
                wanted["vi"] = range(20_001)
            self._known(wanted)
        elems, owners = array("I"), array("I")
        seq_rows = []
        gets = [(lang, self.vocab[lang].get) for lang in LANGS]
        for at in range(0, len(rows), SEQ_ROW):  # fz_seq rows of SEQ_ROW units (see TokenIndex.sequences)
            part = rows[at:at + SEQ_ROW]
            first, last = part[0][0], part[-1][0]
            seqs = [array("I") for _ in LANGS]
            lens = [np.zeros(last - first + 2, dtype=np.uint32) for _ in LANGS]
            for uid, *keys in part:  # tokenized unit by unit: a batch holds no token lists
                for li, (lang, get) in enumerate(gets):
                    toks = WORD.findall(keys[li])
                    ids = [get(t) or self._id(lang, t) for t in toks]
                    seqs[li].extend(ids)
                    lens[li][uid - first + 1] = len(ids)
                    if len(set(ids)) != len(ids):  # number repeated tokens: elements(toks)
                        seen, elems_ids = {}, []
                        for tok, eid in zip(toks, ids):
                            n = seen[eid] = seen.get(eid, 0) + 1
                            elems_ids.append(eid if n == 1 else get(f"{tok}#{n}") or self._id(lang, f"{tok}#{n}"))
                        ids = elems_ids
                    elems.extend(ids)
                    owners.extend([uid] * len(ids))
            seq_rows += [(lang, first, np.cumsum(lens[li], dtype=np.uint32).tobytes(), seqs[li].tobytes())
                         for li, lang in enumerate(LANGS)]
        first = rows[0][0]
        self._flush_vocab()
        self.conn.executemany("INSERT INTO fz_seq (lang, first, offsets, tokens) VALUES (?, ?, ?, ?)", seq_rows)
        # sorted by element, then owner (an element occurs once per unit)
        pairs = np.frombuffer(elems, dtype=np.uint32).astype(np.uint64) << np.uint64(32)
        pairs |= np.frombuffer(owners, dtype=np.uint32)
        del elems, owners
        pairs.sort()
        e, u = (pairs >> np.uint64(32)).astype(np.uint32), pairs.astype(np.uint32)
        del pairs
        cuts = np.flatnonzero(np.diff(e)) + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [len(e)]))
        if not len(e):
            return
        self.touched.update(e[starts].tolist())
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
    """A search over one store's word index (:meth:`tm.store.Store.word_index`).

    Parameters:
        store: an open :class:`tm.store.Store`.
    """

    def __init__(self, store):
        self.store = store
        self.index = store.word_index()


def phrase_ids(index: WordIndex, lang: str, wanted):
    """Ids of the units whose *lang* side holds the words in sequence, in id order, in chunks
    (numpy arrays): a token of ``wanted[0]`` (token ids) followed by one of ``wanted[1]`` and so on.

    Candidates are the units holding a token of every position (posting lists intersected, the
    rarest position driving), checked on their token sequences."""
    if not wanted or not all(wanted):
        return
    lists = sorted(([index.postings(eid) for eid in ids] for ids in wanted),
                   key=lambda posts: sum(len(p) for p in posts))
    sets = [np.array(sorted(ids), dtype=np.uint32) for ids in wanted]
    driver = _union(lists[0], index.last_id + 1)
    for start in range(0, len(driver), CHUNK):
        chunk = driver[start:start + CHUNK]
        keep = np.ones(len(chunk), dtype=bool)
        for posts in lists[1:]:
            keep &= np.logical_or.reduce([_member(chunk, p) for p in posts])
        chunk = chunk[keep]
        if len(chunk):
            chunk = chunk[_holds(index, chunk, sets, lang)]
            if len(chunk):
                yield chunk


def _holds(index, ids, sets, lang):
    """Which of units *ids* have, on their *lang* side, a token of ``sets[0]`` followed by one of
    ``sets[1]`` and so on (token-id sequences from the word index, checked with numpy)."""
    flat, lens = index.sequences(lang, ids)
    ok = np.isin(flat, sets[0])
    for j in range(1, len(sets)):
        ok[:-j] &= np.isin(flat[j:], sets[j])
    unit = np.repeat(np.arange(len(ids)), lens)
    ok &= np.arange(len(flat)) + len(sets) <= np.cumsum(lens)[unit]  # the phrase ends in the same unit
    held = np.zeros(len(ids), dtype=bool)
    held[unit[ok]] = True
    return held


def _union(posts, size):
    """Sorted ids in any of the sorted posting lists *posts* (ids below *size*)."""
    if len(posts) == 1:
        return posts[0]
    if sum(len(p) for p in posts) * 16 < size:
        ids = np.sort(np.concatenate(posts))
        return ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
    mark = np.zeros(size, dtype=bool)
    for p in posts:
        mark[p] = True
    return np.flatnonzero(mark)


def _member(ids, post):
    """Which of *ids* are in the sorted array *post*."""
    if not len(post):
        return np.zeros(len(ids), dtype=bool)
    pos = np.minimum(np.searchsorted(post, ids), len(post) - 1)
    return post[pos] == ids
