"""Term rules shared by ``check`` and ``correct``: which source terms the draft renders, and where
the draft renders the others (:mod:`tm.qa.projection`).

- A term inside a longer term of the draft is rendered (``quan hệ ngoại giao`` inside
  ``thiết lập quan hệ ngoại giao``).
- A title the glossary admits only before a name (``Chủ tịch {name}``: ``Chủ tịch Hồ Chí Minh``
  for ``President Ho Chi Minh``) is rendered there (:meth:`glossary.model.Entry.templates`).
- English source terms are also matched in their inflected forms (``memorandums of
  understanding``, ``established diplomatic relations``, the ``Party's``) and with a hyphen
  dropped (``multi-faceted``).
"""
from __future__ import annotations

import re
from collections import Counter

from corpus.normalize import match_key

__all__ = ["source_terms", "rendered_elsewhere", "project_missing"]

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?(?:['’]s)?")


def _uninflected(text: str, vocab: set) -> str | None:
    """*text* with inflected English words replaced by their glossary base form, padded with
    spaces so that every offset stays; None when nothing changes."""
    out, changed = list(text), False
    for m in _WORD.finditer(text):
        w = m.group()
        low = w.lower()
        if low in vocab:
            continue
        base = None
        for cand in _bases(low):
            if cand in vocab:
                base = cand
                break
        if base is None:
            continue
        rep = w[:len(base)] if w[:len(base)].lower() == base else base
        rep = rep[:1].upper() + rep[1:] if w[:1].isupper() else rep
        out[m.start():m.end()] = list(rep.ljust(len(w)))
        changed = True
    return "".join(out) if changed else None


def _bases(w: str) -> list[str]:
    out = []
    for suffix in ("'s", "’s"):
        if w.endswith(suffix):
            w = w[:-2]
            out.append(w)
    if "-" in w:
        out.append(w.replace("-", ""))
    if w.endswith("ies"):
        out.append(w[:-3] + "y")
    if w.endswith("es"):
        out.append(w[:-2])
    if w.endswith("s"):
        out.append(w[:-1])
    if w.endswith("ed"):
        out += [w[:-2], w[:-1]]
    return out


_VOCAB: dict = {}


def _vocab(matcher) -> set:
    got = _VOCAB.get(id(matcher))
    if got is None or got[0] is not matcher:
        words = set()
        for e in matcher.entries:
            for form, _ in e.forms("en"):
                words |= {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)?", form)}
        got = _VOCAB[id(matcher)] = (matcher, words)
    return got[1]


def source_terms(matcher, text: str, lang: str, found: list) -> list:
    """*found* (the matches of *text*) plus the terms found only in the uninflected text."""
    if lang != "en" or not text:
        return found
    plain = _uninflected(text, _vocab(matcher))
    if plain is None:
        return found
    taken = [(m.start, m.end) for m in found]
    extra = []
    for m in matcher.find(plain, lang, include_deprecated=False):
        if any(m.start < e and s < m.end for s, e in taken):
            continue
        extra.append(m._replace(text=text[m.start:m.end]))
    return sorted(found + extra, key=lambda m: m.start) if extra else found


def rendered_elsewhere(entry, draft: str, good, lang: str = "vi") -> int:
    """Occurrences of *entry* the draft renders inside another term (``thiết lập quan hệ ngoại
    giao``) or as a title the glossary admits before a name (``Chủ tịch Hồ Chí Minh``)."""
    forms = [match_key(f) for f, _ in entry.forms(lang)]
    n = 0
    for g in good:
        if g.entry.id == entry.id:
            continue
        text = " " + match_key(g.text) + " "
        if any(f and f" {f} " in text for f in forms):
            n += 1
    for template in entry.templates(lang):
        head = match_key(template.replace("{name}", "").strip())
        for g in good:
            if g.entry.type != "person":
                continue
            before = match_key(draft[:g.start]).rstrip()
            if before.endswith(head) and (len(before) == len(head) or not before[-len(head) - 1].isalnum()):
                n += 1
    return n


def project_missing(projector, source: str, draft: str, src_matches, good, draft_matches, extra_taken=(),
                    *, pseudo: bool = False, lang: str = "vi") -> list:
    """Projections (:class:`tm.qa.projection.Projection`) of the source terms the draft does not
    render, each on a span no other located term or rendered term holds."""
    have = Counter(m.entry.id for m in good)
    for m in src_matches:
        if have[m.entry.id] < sum(1 for x in src_matches if x.entry.id == m.entry.id):
            have[m.entry.id] += rendered_elsewhere(m.entry, draft, good, lang)
    expected = {m.entry.id for m in src_matches}
    blocked = [(g.start, g.end) for g in good if g.entry.id in expected] + list(extra_taken)
    out = []
    for m in src_matches:
        if have[m.entry.id] > 0:
            have[m.entry.id] -= 1
            continue
        p = projector.locate(source, draft, m, draft_matches=draft_matches, blocked=blocked, pseudo=pseudo)
        if p is not None:
            out.append(p)
            blocked.append((p.start, p.end))
    return out
