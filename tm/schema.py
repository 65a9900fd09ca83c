"""Schema migrations of the SQLite store; the version lives in ``PRAGMA user_version``.

Every table the store uses is created here, indexes included (the word index
of :mod:`tm.index`, the glossary's lookup keys of :mod:`glossary.lookup`), so a
second backend has one list of tables to mirror. Each migration runs in one
transaction; :data:`BACKFILL` names the migrations after which the store fills
a new index from the rows already there (same transaction).
"""

MIGRATIONS = [
    # 1: documents, sentences, translation units, glossary, meta
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT,
        sha256 TEXT NOT NULL UNIQUE,
        lang TEXT,
        title TEXT,
        created TEXT NOT NULL
    );
    CREATE TABLE sentences (
        id INTEGER PRIMARY KEY,
        doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        para INTEGER,
        line INTEGER,
        lang TEXT,
        text TEXT NOT NULL,
        UNIQUE (doc_id, idx)
    );
    CREATE TABLE units (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        vi TEXT NOT NULL,
        en TEXT NOT NULL,
        vi_key TEXT NOT NULL,
        en_key TEXT NOT NULL,
        score REAL,
        kind TEXT NOT NULL CHECK (kind IN ('parallel', 'comparable', 'imported')),
        provenance TEXT NOT NULL DEFAULT '[]',
        vi_markup TEXT,
        en_markup TEXT,
        props TEXT NOT NULL DEFAULT '{}',
        created TEXT NOT NULL,
        changed TEXT NOT NULL,
        UNIQUE (vi_key, en_key)
    );
    CREATE INDEX units_kind ON units(kind);
    CREATE TABLE glossary (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        vi TEXT NOT NULL,
        en TEXT NOT NULL,
        data TEXT NOT NULL,
        origin TEXT NOT NULL,
        created TEXT NOT NULL,
        changed TEXT NOT NULL
    );
    """,
    # 2: TMX units as written (issue 13). `units` stays the lookup entry of a key pair; every imported
    # <tu> is kept as written in `tmx_units` (own = 1: it made its unit; 0: it shares the unit's keys),
    # with the <header> of its file in `tmx_headers`; `ident` (sha256 of the XML) merges exact duplicates.
    """
    CREATE TABLE tmx_headers (
        id INTEGER PRIMARY KEY,
        ident TEXT NOT NULL UNIQUE,
        file TEXT NOT NULL,
        xml TEXT NOT NULL
    );
    CREATE TABLE tmx_units (
        id INTEGER PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        header_id INTEGER REFERENCES tmx_headers(id),
        ident TEXT NOT NULL UNIQUE,
        own INTEGER NOT NULL,
        xml TEXT NOT NULL
    );
    CREATE INDEX tmx_units_unit ON tmx_units(unit_id);
    """,
    # 3: indexes kept up to date by every write: the memory's word index (tm/index.py; the tables
    # may exist already in stores of version 1, where they were created on first use) and the
    # glossary's lookup keys (glossary/lookup.py)
    """
    CREATE TABLE IF NOT EXISTS fz_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS fz_vocab (
        id INTEGER PRIMARY KEY, lang TEXT NOT NULL, token TEXT NOT NULL, fold TEXT,
        df INTEGER NOT NULL, UNIQUE (lang, token));
    CREATE INDEX IF NOT EXISTS fz_vocab_fold ON fz_vocab (lang, fold);
    CREATE TABLE IF NOT EXISTS fz_post (elem INTEGER NOT NULL, first INTEGER NOT NULL, ids BLOB NOT NULL,
        PRIMARY KEY (elem, first));
    CREATE TABLE IF NOT EXISTS fz_seq (lang TEXT NOT NULL, first INTEGER NOT NULL, offsets BLOB NOT NULL,
        tokens BLOB NOT NULL, PRIMARY KEY (lang, first));
    CREATE TABLE gl_forms (
        entry_id TEXT NOT NULL REFERENCES glossary(id) ON DELETE CASCADE,
        lang TEXT NOT NULL,
        pos INTEGER NOT NULL,
        form TEXT NOT NULL,
        status TEXT NOT NULL,
        exact TEXT NOT NULL,
        norm TEXT NOT NULL,
        folded TEXT NOT NULL,
        flen INTEGER NOT NULL,
        h0 INTEGER NOT NULL, h1 INTEGER NOT NULL, h2 INTEGER NOT NULL, h3 INTEGER NOT NULL,
        h4 INTEGER NOT NULL, h5 INTEGER NOT NULL, h6 INTEGER NOT NULL, h7 INTEGER NOT NULL,
        PRIMARY KEY (entry_id, lang, pos)
    ) WITHOUT ROWID;
    CREATE INDEX gl_forms_folded ON gl_forms (folded);
    CREATE INDEX gl_forms_flen ON gl_forms (flen, h0, h1, h2, h3, h4, h5, h6, h7, folded);
    CREATE TABLE gl_words (
        words TEXT NOT NULL,
        folded INTEGER NOT NULL,
        entry_id TEXT NOT NULL REFERENCES glossary(id) ON DELETE CASCADE,
        PRIMARY KEY (words, folded, entry_id)
    ) WITHOUT ROWID;
    CREATE INDEX gl_words_entry ON gl_words (entry_id);
    """,
    # 4: web server (tm.web): users with hashed tokens, glossary edit history, per-project ignore rules
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('editor', 'translator')),
        created TEXT NOT NULL
    );
    CREATE TABLE glossary_history (
        id INTEGER PRIMARY KEY,
        entry_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create', 'edit', 'deprecate', 'delete')),
        user TEXT NOT NULL,
        at TEXT NOT NULL,
        before TEXT,
        after TEXT
    );
    CREATE INDEX glossary_history_entry ON glossary_history(entry_id, id);
    CREATE TABLE ignore_rules (
        id INTEGER PRIMARY KEY,
        project TEXT NOT NULL,
        "check" TEXT NOT NULL,
        text_key TEXT NOT NULL,
        text TEXT NOT NULL,
        user TEXT NOT NULL,
        created TEXT NOT NULL,
        UNIQUE (project, "check", text_key)
    );
    """,
]

BACKFILL = {3: ("word_index", "glossary_keys")}

VERSION = len(MIGRATIONS)
