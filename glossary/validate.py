"""Consistency checks of a glossary: what the curated file and every import must pass."""
from __future__ import annotations

from typing import NamedTuple

from corpus.normalize import match_key, nfc
from glossary.model import LANGS, TYPES, normalize_form
from glossary.tsv import valid_id

__all__ = ["Problem", "validate"]


class Problem(NamedTuple):
    """One problem: the entry id, the field (``vi_variants``...) and what is wrong."""

    entry_id: str
    field: str
    message: str

    def __str__(self):
        return f"{self.entry_id}: {self.field}: {self.message}"


def _form_problem(form: str) -> str | None:
    if not form.strip():
        return "empty term"
    if "|" in form:
        return f"{form!r} contains '|'"
    if form != nfc(form):
        return f"{form!r} is not NFC"
    if form != normalize_form(form):
        return f"{form!r} has leading, trailing, repeated or non-space whitespace"
    return None


def validate(entries) -> list[Problem]:
    """All problems of *entries*; an empty list means the glossary is valid.

    Checks: ids valid and unique; known types; preferred terms not empty;
    every term normalised (NFC, trimmed, single spaces); no term (preferred,
    admitted or deprecated) twice, within an entry or across entries, compared
    by :func:`corpus.normalize.match_key` (case, NFC and tone placement
    insensitive); so no deprecated form equals a preferred or admitted one;
    ``confused_with`` names other existing entries.

    Parameters:
        entries: :class:`glossary.model.Entry` objects.
    """
    entries = list(entries)
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    owners: dict[tuple[str, str], tuple[str, str, str]] = {}  # (lang, key) -> (entry id, field, status)
    for e in entries:
        if not valid_id(e.id):
            problems.append(Problem(e.id, "id", f"bad id {e.id!r}"))
        if e.id in ids:
            problems.append(Problem(e.id, "id", "duplicate id"))
        ids[e.id] = ids.get(e.id, 0) + 1
        if e.type not in TYPES:
            problems.append(Problem(e.id, "type", f"unknown type {e.type!r}"))
        for lang in LANGS:
            if not e.preferred(lang).strip():
                problems.append(Problem(e.id, lang, "empty preferred term"))
            fields = [(lang, e.preferred(lang), "preferred")]
            fields += [(f"{lang}_variants", v, "admitted") for v in e.variants(lang)]
            fields += [(f"{lang}_deprecated", d.form, "deprecated") for d in e.deprecated(lang)]
            for field, form, status in fields:
                if not form.strip():
                    if status != "preferred":
                        problems.append(Problem(e.id, field, "empty term"))
                    continue
                bad = _form_problem(form)
                if bad:
                    problems.append(Problem(e.id, field, bad))
                key = (lang, match_key(form))
                if key not in owners:
                    owners[key] = (e.id, field, status)
                    continue
                other_id, other_field, other_status = owners[key]
                where = "this entry" if other_id == e.id else f"entry {other_id}"
                if "deprecated" in (status, other_status) and status != other_status:
                    msg = f"{form!r} is both deprecated and a preferred/admitted term ({where}, {other_field})"
                else:
                    msg = f"{form!r} is already a term of {where} ({other_field})"
                problems.append(Problem(e.id, field, msg))
    for e in entries:
        for target in e.confused_with:
            if target == e.id:
                problems.append(Problem(e.id, "confused_with", "an entry cannot be confused with itself"))
            elif target not in ids:
                problems.append(Problem(e.id, "confused_with", f"no entry with id {target!r}"))
    return problems
