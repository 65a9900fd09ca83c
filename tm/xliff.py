"""``songngu import xliff``: the confirmed segments of XLIFF files as parallel units.

Each translated, confirmed segment (:class:`corpus.formats.xliff.XliffFile`)
becomes a :class:`tm.store.Unit` of kind ``parallel``: plain text without the
inline codes on each side, the codes kept as TMX ``<ph>`` markup (their XLIFF
markup as the native code) so that ``export tmx`` writes them back, the file
name and unit id (and segment id) as provenance, the file's date as creation
and change date. One transaction for all the files.
"""
from __future__ import annotations

import os
import re

from corpus.formats.segments import CODE_BASE, strip_codes
from corpus.formats.xmltext import escape
from tm.store import Unit

__all__ = ["import_xliff", "units"]

_CODE = re.compile("[\ue000-\uf8ff]")


def _markup(text: str, codes: list[str]) -> str | None:
    """*text* as TMX inline markup: each placeholder a ``<ph>`` holding the XLIFF code."""
    if not _CODE.search(text):
        return None
    out, pos = [], 0
    for m in _CODE.finditer(text):
        out.append(escape(text[pos:m.start()]))
        k = ord(m.group()) - CODE_BASE
        out.append(f'<ph x="{k + 1}">{escape(codes[k]) if k < len(codes) else ""}</ph>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def units(doc) -> tuple[list[Unit], dict]:
    """The units of an :class:`XliffFile` and counts ``{"segments", "confirmed", "skipped"}``."""
    from tm.qa.bilingual import languages

    sl, tl = languages(doc)
    out, confirmed = [], 0
    name = os.path.basename(doc.path)
    for index, seg in enumerate(doc.segments):
        if not (seg.checkable and seg.translated and seg.confirmed):
            continue
        confirmed += 1
        src_codes, tgt_codes = doc.codes(index)
        side, codes = {sl: seg.source, tl: seg.target}, {sl: src_codes, tl: tgt_codes}
        plain = {k: strip_codes(v).strip() for k, v in side.items()}
        if not plain["vi"] or not plain["en"]:
            continue
        origin = {"file": name, "unit": seg.id}
        if seg.sub is not None:
            origin["segment"] = seg.sub
        props = {"x-xliff-state": seg.state} if seg.state else {}
        out.append(Unit(vi=plain["vi"], en=plain["en"], kind="parallel", provenance=[origin],
                        created=seg.date, changed=seg.date,
                        vi_markup=_markup(side["vi"].strip(), codes["vi"]),
                        en_markup=_markup(side["en"].strip(), codes["en"]), props=props))
    return out, {"segments": len(doc.segments), "confirmed": confirmed,
                 "skipped": len(doc.segments) - confirmed}


def import_xliff(store, paths) -> dict:
    """Import XLIFF files into *store* in one transaction (all or nothing).

    Returns ``{"files": [{"file", "segments", "confirmed", "skipped", "added", "merged"}], "added", "merged"}``.
    """
    from corpus.formats.xliff import read_xliff

    docs = [read_xliff(p) for p in paths]  # every file read (and refused) before anything is stored
    report = {"files": [], "added": 0, "merged": 0}
    with store.transaction():
        for path, doc in zip(paths, docs):
            found, counts = units(doc)
            added, merged = store.add_units(found)
            report["files"].append({"file": str(path), **counts, "added": added, "merged": merged})
            report["added"] += added
            report["merged"] += merged
    return report
