"""Term rules shared by ``check`` and ``correct``: which source terms the draft renders, and where
the draft renders the others (:mod:`tm.qa.projection`).

- A term inside a longer term of the draft is rendered (``quan hệ ngoại giao`` inside
  ``thiết lập quan hệ ngoại giao``).
- A title the glossary admits only before a name (``Chủ tịch {name}``: ``Chủ tịch Hồ Chí Minh``
  for ``President Ho Chi Minh``) is rendered there (:meth:`glossary.model.Entry.templates`).
- A draft match that is only part of a longer word or name is no occurrence of its term
  (:func:`whole_word_matches`): ``hội Hữu nghị …`` inside ``Hiệp hội Hữu nghị …``, ``Chủ tịch
  Hội nghị Nhân dân Tối cao`` inside ``Đoàn Chủ tịch Hội nghị Nhân dân Tối cao``, the deprecated
  truncation ``Bộ Văn hóa`` at the head of ``Bộ Văn hóa, Thể dục Thể thao và Du lịch``.
- English source terms are also matched in their inflected forms (``memorandums of
  understanding``, ``established diplomatic relations``, the ``Party's``) and with a hyphen
  dropped (``multi-faceted``).
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from corpus.normalize import match_key

__all__ = ["source_terms", "rendered_elsewhere", "project_missing", "whole_word_matches"]

_CONTINUES = re.compile(r"[ \t]*,?[ \t]+[^\W\d_]")

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


@functools.lru_cache(maxsize=100_000)
def _mk(text: str) -> str:
    return match_key(text)


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
    forms = [_mk(f) for f, _ in entry.forms(lang)]
    n = 0
    for g in good:
        if g.entry.id == entry.id:
            continue
        text = " " + _mk(g.text) + " "
        if any(f and f" {f} " in text for f in forms):
            n += 1
    for template in entry.templates(lang):
        head = _mk(template.replace("{name}", "").strip())
        for g in good:
            if g.entry.type != "person":
                continue
            before = _mk(draft[max(0, g.start - 4 * len(head) - 8):g.start]).rstrip()
            if before.endswith(head) and (len(before) == len(head) or not before[-len(head) - 1].isalnum()):
                n += 1
    return n


def project_missing(projector, source: str, draft: str, src_matches, good, draft_matches, extra_taken=(),
                    *, pseudo: bool = False, lang: str = "vi", have=None) -> list:
    """Projections (:class:`tm.qa.projection.Projection`) of the source terms the draft does not
    render, each on a span no other located term or rendered term holds.

    Parameters:
        src_matches: all the source segment's term matches.
        good: the draft's matches of preferred and admitted forms (and terms other rules put in).
        have: occurrences of each entry already rendered (counted from *good* when None, with
            :func:`rendered_elsewhere`).
    """
    if have is None:
        have = Counter(m.entry.id for m in good)
        for eid in {m.entry.id for m in src_matches}:
            if have[eid] < sum(1 for x in src_matches if x.entry.id == eid):
                have[eid] += rendered_elsewhere(next(m.entry for m in src_matches if m.entry.id == eid),
                                                draft, good, lang)
    have = Counter(have)
    expected = {m.entry.id for m in src_matches}
    blocked = [(g.start, g.end) for g in good if g.entry.id in expected] + list(extra_taken)
    out = []
    for m in src_matches:
        if have[m.entry.id] > 0:
            have[m.entry.id] -= 1
            continue
        p = projector.locate(source, draft, m, draft_matches=draft_matches, blocked=blocked, pseudo=pseudo,
                             src_spans=[(x.start, x.end) for x in src_matches])
        if p is not None:
            out.append(p)
            blocked.append((p.start, p.end))
    return out


def whole_word_matches(text: str, matches, units, lang: str = "vi", matcher=None) -> list:
    """*matches* of a Vietnamese *text* without those that are part of a longer word or name:

    - the match starts with a lower-case syllable where its form has a capital, right after a
      capitalised syllable it forms a word with (``Hiệp hội`` holds ``hội Hữu nghị …``);
    - an office or body right after a capitalised word of one syllable that starts no sentence
      and belongs to no other term (``Đoàn Chủ tịch …``);
    - a deprecated truncation of a form of its entry followed by the rest of a name (a comma or a
      space, then a word: ``Bộ Văn hóa, Thể dục Thể thao và Du lịch``).

    With *matcher*, the terms inside a match left out are looked for again (``Việt Nam`` in
    ``hội Hữu nghị Triều Tiên - Việt Nam``).
    """
    if lang != "vi" or not matches:
        return list(matches)
    from tm.qa.wordunits import tokens

    toks = tokens(text)
    index = {t.start: k for k, t in enumerate(toks)}
    spans = [(m.start, m.end) for m in matches]
    out = []
    for m in matches:
        k = index.get(m.start)
        if k is not None and k > 0:
            prev = toks[k - 1]
            gap = text[prev.end:m.start]
            if m.form[:1].isupper() and m.text[:1].islower() and units.joined(text, toks, k - 1):
                out += _inner(matcher, text, m, lang)
                continue
            if m.entry.type in ("office", "organisation") and gap == " " and prev.capitalised \
                    and not (k > 1 and units.joined(text, toks, k - 2)) and _starts_no_sentence(text, toks, k - 1) \
                    and not any(s <= prev.start < e for s, e in spans) and m.text[:1].isupper():
                out += _inner(matcher, text, m, lang)
                continue
        nxt = _CONTINUES.match(text, m.end)
        if m.status == "deprecated" and nxt:
            key = match_key(m.text)
            word = match_key(re.match(r"\w+", text[nxt.end() - 1:]).group())
            rests = [match_key(f)[len(key):] for f, _ in m.entry.forms(lang) if match_key(f).startswith(key)]
            if any(word in re.findall(r"\w+", rest) for rest in rests):
                continue  # the name goes on with the rest of a form
        out.append(m)
    return sorted(out, key=lambda x: x.start)


def _inner(matcher, text: str, m, lang: str) -> list:
    """Matches of other entries inside the match *m* of *text*, with offsets in *text*."""
    if matcher is None:
        return []
    second = re.search(r"\W+", text[m.start:m.end])
    if second is None:
        return []
    base = m.start + second.end()  # past the match's first word, which belongs to the word before
    out = []
    for inner in matcher.find(text[base:m.end], lang):
        if inner.entry.id != m.entry.id:
            out.append(inner._replace(start=inner.start + base, end=inner.end + base))
    return out


def _starts_no_sentence(text: str, toks, k: int) -> bool:
    if k == 0:
        return False
    between = text[toks[k - 1].end:toks[k].start]
    return not re.search(r"[.!?:;\n]", between)
