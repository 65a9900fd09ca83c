"""What the web server does, as plain functions over one store: no HTTP here.

Two workers share the work: *fast*, a thread of the server process (lookups,
matches, concordance, glossary and memory edits), and *slow*, a separate process
(check, correct, score: seconds of CPU on a long draft). In a thread, a check
would hold Python's global interpreter lock and lookups would queue behind it;
in its own process it runs on another core. Each worker opens its own
connection to the store. The glossary and its term matcher are built once per
worker and rebuilt when the glossary changes (anyone's change: the signature of
the glossary table is compared on each use).
"""
from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from corpus.errors import InputError, SongnguError, StoreError
from corpus.normalize import match_key
from glossary.model import LANGS, TYPES, Deprecated, Entry, normalize_form

__all__ = ["Service", "NotFound", "Conflict", "entry_from_dict"]

MAX_BATCH = 1000  # queries in one batch match
MAX_LIMIT = 200  # rows in one answer


class NotFound(StoreError):
    """No such glossary entry, unit or rule (HTTP 404)."""


class Conflict(StoreError):
    """The change clashes with what is stored (HTTP 409)."""


class _Glossary:
    """The glossary entries and the term matcher over them (shared, read only)."""

    def __init__(self, entries, signature):
        from glossary.matcher import Matcher

        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.matcher = Matcher(entries)
        self.signature = signature


class Service:
    """The server's work over the store at *db_path* (which must exist).

    Parameters:
        db_path: the store file.
    """

    def __init__(self, db_path, *, workers: bool = True):
        from tm.store import open_store

        self.db_path = str(db_path)
        open_store(self.db_path, create=False).close()  # fail now on a missing or bad store; migrate it
        self._local = threading.local()
        self._lock = threading.Lock()
        self._glossary: _Glossary | None = None
        self._fast = self._slow = None
        if workers:
            self._fast = ThreadPoolExecutor(1, thread_name_prefix="songngu-fast")
            self._start_slow()

    # -- workers --------------------------------------------------------------------------------
    def _start_slow(self):
        # spawn, not fork: the server process has threads (a fork could copy a held lock)
        self._slow = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_worker_init, initargs=(os.getpid(),))
        self._slow.submit(_in_worker, self.db_path, "warm", (), {})  # imports and glossary, ahead of use

    async def fast(self, fn, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` on the fast worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._fast, functools.partial(fn, *args, **kwargs))

    async def slow(self, method: str, *args, **kwargs):
        """Run ``self.<method>(*args, **kwargs)`` in the worker process (check, correct, score)."""
        loop = asyncio.get_running_loop()
        try:
            kind, value = await loop.run_in_executor(self._slow, _in_worker, self.db_path, method, args, kwargs)
        except BrokenProcessPool:
            self._start_slow()
            raise RuntimeError("the check worker stopped; it was restarted") from None
        if kind == "ok":
            return value
        raise (StoreError if kind == "store" else ValueError)(value)

    def warm(self) -> None:
        self.glossary()

    def close(self):
        """Close the connections and stop the workers."""
        fast, slow, self._fast, self._slow = self._fast, self._slow, None, None
        if fast is not None:
            fast.submit(self._close_local).result()
            fast.shutdown(wait=True)
        if slow is not None:
            slow.shutdown(wait=True)
        self._close_local()

    def _close_local(self):
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
            self._local.store = None

    def store(self):
        """This thread's connection to the store."""
        store = getattr(self._local, "store", None)
        if store is None:
            from tm.store import SQLiteStore

            store = self._local.store = SQLiteStore(self.db_path)
        return store

    def glossary(self) -> _Glossary:
        """The current glossary; rebuilt when an entry was added, changed or deleted (by anyone)."""
        sig = self.store().glossary_signature()
        with self._lock:
            g = self._glossary
            if g is None or g.signature != sig:
                g = self._glossary = _Glossary(self.store().glossary_entries(), sig)
            return g

    def _searchers(self):
        """This thread's fuzzy matcher and concordance, caught up with the store."""
        from tm.concordance import Concordance
        from tm.match import Matcher

        local, store = self._local, self.store()
        if getattr(local, "index", None) is not store.word_index():  # units added since: a new index
            local.matcher, local.concordance = Matcher(store), Concordance(store)
            local.index = local.matcher.index
        return local.matcher, local.concordance

    # -- reads ----------------------------------------------------------------------------------
    def stats(self) -> dict:
        return self.store().stats()

    def languages(self) -> list[str]:
        return list(LANGS)

    def lookup(self, query: str, lang: str = "auto", limit: int = 10, examples: int = 5) -> dict:
        """Glossary entries first, then memory units containing the query (see :meth:`concordance`)."""
        from glossary.lookup import lookup

        g = self.glossary()
        results = lookup(query, g.entries, lang=lang, limit=min(limit, MAX_LIMIT), matcher=g.matcher)
        memory = self.concordance(query, lang, examples) if examples else {"hits": [], "more": False}
        return {"query": query, "glossary": [r.to_dict() for r in results], "memory": memory["hits"],
                "more_memory": memory["more"]}

    def concordance(self, phrase: str, lang: str = "auto", limit: int = 20) -> dict:
        """Units containing *phrase* as whole words (diacritics ignored when the phrase has none)."""
        from tm.match import tokens

        if not tokens(phrase):
            return {"phrase": phrase, "hits": [], "more": False}
        _, conc = self._searchers()
        hits, more = conc.search(phrase, lang=lang, limit=min(limit, MAX_LIMIT))
        return {"phrase": phrase, "hits": [h.to_dict() for h in hits], "more": more}

    def match(self, text: str, lang: str = "auto", top: int = 5, min_score: float = 50.0) -> list[dict]:
        """Fuzzy matches of one sentence (:class:`tm.match.Matcher`)."""
        from tm.match import differing_spans

        matcher, _ = self._searchers()
        out = []
        for m in matcher.search(text, lang=lang, top=min(top, MAX_LIMIT), min_score=min_score):
            row = m.to_dict()
            row["lang"] = m.lang
            row["differs"] = [list(s) for s in differing_spans(text, m.source)]
            out.append(row)
        return out

    def match_batch(self, texts, lang="auto", top=5, min_score=50.0) -> list[dict]:
        if len(texts) > MAX_BATCH:
            raise InputError("request", f"{len(texts)} queries; at most {MAX_BATCH} in one batch")
        return [{"query": t, "matches": self.match(t, lang, top, min_score)} for t in texts]

    def tm_unit(self, src: str, tgt: str, text: str, max_candidates: int, min_similarity: float) -> list[dict]:
        """amaGama's answer: ``[{source, target, quality, rank}]`` from *src* to *tgt*."""
        matcher, _ = self._searchers()
        rows = []
        for m in matcher.search(text, lang=src, top=max_candidates, min_score=min_similarity):
            rows.append({"source": m.unit.text(src), "target": m.unit.text(tgt),
                         "quality": round(m.score, 2), "rank": round(m.score, 2)})
        return rows

    def unit(self, unit_id: int) -> dict:
        units = self.store().get_units([unit_id])
        if not units:
            raise NotFound(f"no unit {unit_id}")
        return _unit_dict(units[0])

    # -- glossary -------------------------------------------------------------------------------
    def glossary_page(self, query: str = "", offset: int = 0, limit: int = 50) -> dict:
        """Entries for browsing: all, or those with a form containing *query* (match keys)."""
        g = self.glossary()
        entries = g.entries
        if query.strip():
            from corpus.normalize import fold

            q, qf = match_key(query), fold(query)
            entries = [e for e in entries if any(q in match_key(f) or qf in fold(f)
                                                 for lang in LANGS for f, _ in e.forms(lang, deprecated=True))]
        limit = min(limit, MAX_LIMIT)
        return {"total": len(entries), "offset": offset,
                "entries": [e.to_dict() for e in entries[offset:offset + limit]]}

    def glossary_entry(self, entry_id: str) -> dict:
        row = self.store().glossary_entry(entry_id)
        if row is None:
            raise NotFound(f"no glossary entry {entry_id!r}")
        return {**row["entry"].to_dict(), "origin": row["origin"], "created": row["created"],
                "changed": row["changed"]}

    def glossary_history(self, entry_id: str) -> list[dict]:
        return self.store().glossary_history(entry_id)

    def create_entry(self, data: dict, user: str) -> dict:
        entry = entry_from_dict(data)
        store = self.store()
        with store.transaction():
            if store.glossary_entry(entry.id) is not None:
                raise Conflict(f"glossary entry {entry.id!r} already exists")
            self._validate(entry)
            store.save_glossary_entry(entry, user=user, action="create", origin=f"web:{user}")
        return self.glossary_entry(entry.id)

    def edit_entry(self, entry_id: str, data: dict, user: str) -> dict:
        """Replace the fields given in *data*; ``changed`` (optional) must be the stored value."""
        store = self.store()
        with store.transaction():
            old = store.glossary_entry(entry_id)
            if old is None:
                raise NotFound(f"no glossary entry {entry_id!r}")
            if data.get("changed") and data["changed"] != old["changed"]:
                raise Conflict(f"entry {entry_id!r} was changed by someone else at {old['changed']}; reload it")
            merged = {**old["entry"].to_dict(), **{k: v for k, v in data.items() if k not in ("changed",)}}
            merged["id"] = entry_id
            entry = entry_from_dict(merged)
            self._validate(entry)
            store.save_glossary_entry(entry, user=user, action="edit", origin=f"web:{user}")
        return self.glossary_entry(entry_id)

    def deprecate_form(self, entry_id: str, lang: str, form: str, reason: str, user: str,
                       replacement: str | None = None) -> dict:
        """Mark *form* of an entry deprecated in *lang*: an admitted variant moves to the deprecated
        forms; the preferred term needs a *replacement* (a variant or a new form) to take its place."""
        if lang not in LANGS:
            raise InputError("request", f"lang must be vi or en, not {lang!r}")
        store = self.store()
        with store.transaction():
            old = store.glossary_entry(entry_id)
            if old is None:
                raise NotFound(f"no glossary entry {entry_id!r}")
            e = old["entry"]
            data = e.to_dict()
            key = match_key(form)
            variants = [v for v in e.variants(lang) if match_key(v) != key]
            if match_key(e.preferred(lang)) == key:
                if not replacement or not normalize_form(replacement):
                    raise InputError("request", f"{form!r} is the preferred term: give a replacement")
                data[lang] = normalize_form(replacement)
                variants = [v for v in variants if match_key(v) != match_key(replacement)]
                form = e.preferred(lang)
            elif len(variants) == len(e.variants(lang)):
                raise InputError("request", f"{form!r} is not a term of entry {entry_id!r} in {lang}")
            else:
                form = next(v for v in e.variants(lang) if match_key(v) == key)
            data[f"{lang}_variants"] = variants
            data[f"{lang}_deprecated"] = data[f"{lang}_deprecated"] + [{"form": form, "reason": reason or ""}]
            entry = entry_from_dict(data)
            self._validate(entry)
            store.save_glossary_entry(entry, user=user, action="deprecate", origin=f"web:{user}")
        return self.glossary_entry(entry_id)

    def delete_entry(self, entry_id: str, user: str) -> None:
        store = self.store()
        with store.transaction():
            if not store.delete_glossary_entry(entry_id, user=user):
                raise NotFound(f"no glossary entry {entry_id!r}")

    def _validate(self, entry: Entry):
        """The glossary's own rules (:func:`glossary.validate.validate`) on the changed entry."""
        from glossary.validate import validate

        others = [e for e in self.store().glossary_entries() if e.id != entry.id]
        problems = [p for p in validate(others + [entry]) if p.entry_id == entry.id or entry.id in p.message]
        if problems:
            raise InputError(entry.id, "; ".join(f"{p.field}: {p.message}" for p in problems))

    # -- memory units ---------------------------------------------------------------------------
    def edit_unit(self, unit_id: int, vi: str, en: str) -> dict:
        store = self.store()
        with store.transaction():
            unit = store.replace_unit(unit_id, vi, en)
        if unit is None:
            raise NotFound(f"no unit {unit_id}")
        return _unit_dict(unit)

    def delete_unit(self, unit_id: int) -> None:
        store = self.store()
        with store.transaction():
            if not store.delete_unit(unit_id):
                raise NotFound(f"no unit {unit_id}")

    # -- ignore rules ---------------------------------------------------------------------------
    def ignore_rules(self, project: str) -> list[dict]:
        return self.store().ignore_rules(project)

    def add_ignore_rule(self, project: str, check: str, text: str, user: str) -> dict:
        from tm.qa.check import CHECKS

        if check not in CHECKS:
            raise InputError("request", f"unknown check {check!r}")
        if not match_key(text):
            raise InputError("request", "an ignore rule needs the finding's text")
        store = self.store()
        with store.transaction():
            rule_id = store.add_ignore_rule(project, check, text, user)
        return next(r for r in store.ignore_rules(project) if r["id"] == rule_id)

    def delete_ignore_rule(self, project: str, rule_id: int) -> None:
        store = self.store()
        with store.transaction():
            if not store.delete_ignore_rule(project, rule_id):
                raise NotFound(f"no ignore rule {rule_id} in project {project!r}")

    # -- QA (slow worker) -----------------------------------------------------------------------
    def check(self, draft: str, source: str | None = None, src_lang: str | None = None,
              project: str | None = None, draft_name: str = "draft", source_name: str = "source") -> dict:
        """The QA report of *draft*; findings matching the project's ignore rules are set apart."""
        from tm.qa.check import Checker

        report = Checker(matcher=self.glossary().matcher).check(draft, source, src_lang=src_lang,
                                                                draft_name=draft_name, source_name=source_name)
        return self._report(report, project)

    def check_xliff(self, name: str, data: bytes, project: str | None = None) -> dict:
        """The QA report of an XLIFF file given as bytes (*name* only names it in messages): its units'
        targets against their sources (:func:`tm.qa.bilingual.check_document`)."""
        from corpus.formats.xliff import read_xliff
        from tm.qa.bilingual import check_document
        from tm.qa.check import Checker

        doc = read_xliff(name, data)
        return self._report(check_document(Checker(matcher=self.glossary().matcher), doc), project)

    def _report(self, report, project) -> dict:
        rules = {(r["check"], r["text_key"]): r["id"] for r in self.store().ignore_rules(project)} if project else {}
        findings, ignored = [], []
        for f, row in zip(report.findings, report.to_dict()["findings"]):  # rows name the unit of an XLIFF
            rule = rules.get((f.check, match_key(f.text)))
            if rule is not None:
                ignored.append({**row, "rule": rule})
            else:
                findings.append(row)
        segments = [{"number": s.number, "draft": s.draft, "source": s.source, "draft_line": s.draft_line,
                     "unit": getattr(s, "unit", None)} for s in report.segments]
        return {"findings": findings, "ignored": ignored, "summary": report.summary(), "segments": segments,
                "project": project}

    def correct(self, draft: str, source: str | None = None, **options) -> dict:
        from tm.qa.correct import Corrector

        return Corrector(matcher=self.glossary().matcher).correct(draft, source, **options).to_dict()

    def score(self, hyp: str, refs=(), source: str | None = None, src_lang: str | None = None,
              segments: bool = False) -> dict:
        from tm.qa.score import score

        g = self.glossary() if (source is not None or not refs) else None
        return score(hyp, list(refs), source, entries=g.entries if g else None, matcher=g.matcher if g else None,
                     src_lang=src_lang, segments=segments)


_WORKER: Service | None = None


def _worker_init(parent: int) -> None:
    """The worker process: lower priority (the server, answering lookups as someone types, goes
    first for the CPU), and gone when the server is (even killed without a shutdown)."""
    import time

    os.nice(10)

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _in_worker(db_path: str, method: str, args, kwargs):
    """In the worker process: ``("ok", result)``, or ``("input" | "store", message)`` for a refused input."""
    global _WORKER
    if _WORKER is None:
        _WORKER = Service(db_path, workers=False)
    try:
        return "ok", getattr(_WORKER, method)(*args, **kwargs)
    except StoreError as exc:
        return "store", str(exc)
    except (SongnguError, ValueError) as exc:
        return "input", str(exc)


def _unit_dict(u) -> dict:
    from tm.match import origin

    return {"id": u.id, "vi": u.vi, "en": u.en, "kind": u.kind, "score": u.score, "origin": origin(u.provenance),
            "created": u.created, "changed": u.changed}


def entry_from_dict(data: dict) -> Entry:
    """A glossary entry from JSON sent by a client: forms normalised as the glossary stores them
    (:func:`glossary.model.normalize_form`), unknown keys refused."""
    if not isinstance(data, dict):
        raise InputError("request", "a glossary entry must be a JSON object")
    known = {"id", "type", "vi", "en", "vi_variants", "en_variants", "vi_deprecated", "en_deprecated",
             "confused_with", "note", "source"}
    extra = sorted(set(data) - known - {"origin", "created", "changed"})
    if extra:
        raise InputError("request", f"unknown field(s) {', '.join(extra)}")
    for name in ("id", "type", "vi", "en"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise InputError("request", f"field {name!r} is required (a non-empty string)")
    if data["type"] not in TYPES:
        raise InputError("request", f"type must be one of {', '.join(TYPES)}")

    def strings(name):
        value = data.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError("request", f"field {name!r} must be a list of strings")
        return [normalize_form(v) for v in value if v.strip()]

    def deprecated(name):
        value = data.get(name) or []
        if not isinstance(value, list):
            raise InputError("request", f"field {name!r} must be a list")
        out = []
        for d in value:
            d = {"form": d} if isinstance(d, str) else d
            if not isinstance(d, dict) or not isinstance(d.get("form"), str) or not isinstance(d.get("reason", ""), str):
                raise InputError("request", f"field {name!r}: each item needs a string 'form' (and 'reason')")
            if d["form"].strip():
                out.append(Deprecated(normalize_form(d["form"]), d.get("reason", "").strip()))
        return out

    for name in ("note", "source"):
        if not isinstance(data.get(name, ""), str):
            raise InputError("request", f"field {name!r} must be a string")
    return Entry(id=data["id"].strip(), type=data["type"], vi=normalize_form(data["vi"]), en=normalize_form(data["en"]),
                 vi_variants=strings("vi_variants"), en_variants=strings("en_variants"),
                 vi_deprecated=deprecated("vi_deprecated"), en_deprecated=deprecated("en_deprecated"),
                 confused_with=strings("confused_with"), note=data.get("note", ""), source=data.get("source", ""))
