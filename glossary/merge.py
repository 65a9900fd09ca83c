"""Merging an imported glossary into the store's: added, updated, conflicting entries.

Rules, applied entry by entry in file order:

- An entry **with an id** (our TSV, CSV with an ``id`` column, TBX) is
  authoritative: it replaces the stored entry of that id (fields its format
  carries; the rest are kept) or is added.
- An entry **without an id** (OmegaT, CSV or TSV without ids) is matched by its
  terms: if its target-language term (OmegaT: the target column; otherwise
  Vietnamese) belongs to a stored entry, its new forms are added to that entry
  as admitted variants (and its note fills an empty note); if not, it is added
  with an id made from its type and English term, even when its source term
  is another entry's: the same word with another translation is a homonym
  (``bank``: ``ngân hàng``, ``bờ sông``), and both pairs are kept.
- A **conflict** is an incoming entry whose term belongs to a different stored
  entry (or, without an id, terms of several entries, or a form the entry marks
  deprecated). Conflicting entries are reported and left out; the rest is applied.

Terms are normalised on the way in (NFC, trimmed, single spaces). A bad row (an
entry still invalid after the merge, a ``confused_with`` id that names no
entry) raises :class:`corpus.errors.InputError` with its line, and nothing is
imported: :func:`import_glossary` writes everything in one store transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from corpus.errors import InputError
from corpus.normalize import fold, match_key
from glossary.model import DETAIL_FIELDS, LANGS, Deprecated, Entry, copy_detail, normalize_form
from glossary.validate import validate

__all__ = ["Conflict", "MergeResult", "merge", "import_glossary", "FULL_FIELDS"]

FULL_FIELDS = frozenset(("id", "type", "vi", "en", "vi_variants", "en_variants", "vi_deprecated",
                         "en_deprecated", "confused_with", "note", "source") + DETAIL_FIELDS)
_PREFIX = {"organisation": "org"}


@dataclass
class Conflict:
    """An incoming entry left out: *form* (in *lang*) belongs to entry *existing_id*."""

    incoming: Entry
    form: str
    lang: str
    existing_id: str
    line: int | None = None
    reason: str = "belongs to"

    def __str__(self):
        where = f"line {self.line}: " if self.line else ""
        return (f"{where}{self.incoming.en or self.incoming.vi!r} not imported: {self.lang} term "
                f"{self.form!r} {self.reason} entry {self.existing_id}")

    def to_dict(self) -> dict:
        return {"line": self.line, "incoming": self.incoming.to_dict(), "form": self.form, "lang": self.lang,
                "existing_id": self.existing_id, "reason": self.reason}


@dataclass
class MergeResult:
    """What a merge changes: the entries to store and how each incoming entry fared."""

    entries: list[Entry] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[tuple] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
                "conflicts": [c.to_dict() for c in self.conflicts],
                "skipped": [{"line": line, "why": why} for line, why in self.skipped],
                "added_ids": self.added, "updated_ids": self.updated}


def _normalised(e: Entry) -> Entry:
    def uniq(values, taken):
        out = []
        for v in values:
            k = match_key(v)
            if v and k not in taken:
                taken.add(k)
                out.append(v)
        return out

    fixed = replace(e, vi=normalize_form(e.vi), en=normalize_form(e.en), note=" ".join(e.note.split()),
                    source=" ".join(e.source.split()), confused_with=list(dict.fromkeys(e.confused_with)))
    for lang in LANGS:
        taken = {match_key(fixed.preferred(lang))}
        setattr(fixed, f"{lang}_variants", uniq([normalize_form(v) for v in e.variants(lang)], taken))
        deps, seen = [], set()
        for d in e.deprecated(lang):
            form = normalize_form(d.form)
            if form and match_key(form) not in seen:
                seen.add(match_key(form))
                deps.append(Deprecated(form, " ".join(d.reason.split())))
        setattr(fixed, f"{lang}_deprecated", deps)
    return fixed


def _keys(e: Entry, *, deprecated: bool = True):
    """``(lang, key, form, status)`` of every form of *e*."""
    for lang in LANGS:
        for form, status in e.forms(lang, deprecated=deprecated):
            yield lang, match_key(form), form, status


def _new_id(e: Entry, taken) -> str:
    prefix = _PREFIX.get(e.type, e.type)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(e.en or e.vi)).strip("-")[:60].strip("-") or "term"
    base = f"{prefix}.{slug}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


class _State:
    """The glossary as the merge goes: entries by id and the owner of each term key."""

    def __init__(self, entries):
        self.by_id = {e.id: e for e in entries}
        self.owner: dict[tuple[str, str], tuple[str, str]] = {}
        for e in entries:
            self._index(e)

    def _index(self, e: Entry):
        for lang, k, _, status in _keys(e):
            self.owner.setdefault((lang, k), (e.id, status))

    def put(self, e: Entry, old: Entry | None):
        if old is not None:
            for lang, k, _, _ in _keys(old):
                if self.owner.get((lang, k), ("",))[0] == old.id:
                    del self.owner[(lang, k)]
        self.by_id[e.id] = e
        self._index(e)


def _with_id(state: _State, e: Entry, fields, line, result: MergeResult):
    old = state.by_id.get(e.id)
    for lang, k, form, _ in _keys(e):
        owner = state.owner.get((lang, k))
        if owner and owner[0] != e.id:
            result.conflicts.append(Conflict(e, form, lang, owner[0], line))
            return None, old
    if old is None:
        return replace(e, type=e.type or "phrase"), None
    merged = replace(old)
    for name in fields - {"id"}:
        value = getattr(e, name)
        if name == "type" and not value:
            continue
        setattr(merged, name, list(value) if isinstance(value, list) else copy_detail(value))
    return merged, old


def _without_id(state: _State, e: Entry, line, result: MergeResult, join_lang: str = "vi"):
    owners = {}
    for lang, k, form, _ in _keys(e):
        owner = state.owner.get((lang, k))
        if owner:
            owners.setdefault(owner[0], (lang, form, owner[1]))
    if owners and not any(lang == join_lang for lang, _, _ in owners.values()):
        owners = {}  # its source term is another entry's, its translation is not: a homonym
    if len(owners) > 1:
        other = sorted(owners)[1]
        lang, form, _ = owners[other]
        result.conflicts.append(Conflict(e, form, lang, other, line))
        return None, None
    if not owners:
        new = replace(e, type=e.type or "phrase")
        new.id = _new_id(new, state.by_id)
        return new, None
    target_id = next(iter(owners))
    old = state.by_id[target_id]
    for lang, k, form, incoming_status in _keys(e):
        owner = state.owner.get((lang, k))
        if owner and (owner[1] == "deprecated") != (incoming_status == "deprecated"):
            result.conflicts.append(Conflict(e, form, lang, target_id, line,
                                             reason=f"is {owner[1]} (not {incoming_status}) in"))
            return None, old
    merged = replace(old, vi_variants=list(old.vi_variants), en_variants=list(old.en_variants),
                     vi_deprecated=list(old.vi_deprecated), en_deprecated=list(old.en_deprecated))
    for lang in LANGS:
        known = {match_key(f) for f, _ in merged.forms(lang, deprecated=True)}
        for form, _ in e.forms(lang):
            if match_key(form) not in known:
                merged.variants(lang).append(form)
                known.add(match_key(form))
        for dep in e.deprecated(lang):
            if match_key(dep.form) not in known:
                merged.deprecated(lang).append(dep)
                known.add(match_key(dep.form))
    if e.note and not merged.note:
        merged.note = e.note
    return merged, old


def merge(existing, incoming, *, fields=FULL_FIELDS, lines=None, path="-", join_lang: str = "vi") -> MergeResult:
    """Merge *incoming* entries into *existing* ones (see the module docs).

    Parameters:
        existing: the stored entries.
        incoming: parsed entries; ``id``/``type`` may be ``""`` when the format has none.
        fields: the entry fields the incoming format carries (others are kept).
        lines: 1-based line of each incoming entry, for messages.
        path: the file name, for errors.
        join_lang: the language whose term decides which stored entry an entry
            without id joins (the target language of an OmegaT file).
    """
    state = _State(list(existing))
    lines = list(lines) if lines is not None else [None] * len(incoming)
    result = MergeResult()
    touched: dict[str, tuple[Entry, Entry | None, int | None]] = {}
    for raw, line in zip(incoming, lines):
        e = _normalised(raw)
        if e.id:
            new, old = _with_id(state, e, set(fields), line, result)
        else:
            new, old = _without_id(state, e, line, result, join_lang)
        if new is None:
            continue
        problems = [p for p in validate([new]) if p.field != "confused_with"]
        if problems:
            raise InputError(path, f"entry {new.id}: {problems[0].field}: {problems[0].message}", line=line)
        first_old = touched[new.id][1] if new.id in touched else old
        touched[new.id] = (new, first_old, line)
        state.put(new, old)
    for new, old, line in touched.values():
        for target in new.confused_with:
            if target not in state.by_id or target == new.id:
                raise InputError(path, f"entry {new.id}: confused_with: no other entry with id {target!r}",
                                 line=line)
        if old is None:
            result.added.append(new.id)
        elif old.to_dict() != new.to_dict():
            result.updated.append(new.id)
        else:
            result.unchanged.append(new.id)
        result.entries.append(new)
    return result


def _fields(fmt_obj) -> frozenset:
    """The entry fields a parsed file carries."""
    name = getattr(fmt_obj, "name", "")
    if name == "omegat":
        src = fmt_obj.direction.split("-")[0]
        return frozenset(("vi", "en", f"{src}_variants", "note"))
    if name in ("csv", "tsv"):
        return frozenset(fmt_obj.columns)
    return FULL_FIELDS


def import_glossary(store, path, fmt: str = "auto", *, direction: str = "en-vi", strict: bool = False) -> MergeResult:
    """Read a glossary file and merge it into *store* in one transaction.

    Parameters:
        store: an open :class:`tm.store.Store`.
        path: the glossary file.
        fmt: ``auto``, ``tsv``, ``omegat``, ``csv`` or ``tbx``.
        direction: for OmegaT files: ``en-vi`` (English source column) or ``vi-en``.
        strict: what cannot be imported (a TBX concept without a Vietnamese term, a
            term in another script...) is an error, instead of skipped and reported
            in ``MergeResult.skipped``.
    """
    from glossary.formats import read_glossary

    parsed = read_glossary(path, fmt, direction=direction, strict=strict)
    join_lang = direction.split("-")[1] if getattr(parsed, "name", "") == "omegat" else "vi"
    with store.transaction():
        result = merge(store.glossary_entries(), parsed.entries, fields=_fields(parsed),
                       lines=parsed.lines, path=str(path), join_lang=join_lang)
        store.upsert_glossary(result.entries, origin=f"import:{Path(str(path)).name}")
    result.skipped = list(parsed.skipped)
    return result
