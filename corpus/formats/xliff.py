"""XLIFF 1.2 (with 1.0/1.1, SDLXLIFF, MQXLIFF) and XLIFF 2.0/2.1/2.2: segments in, corrections and notes out.

Reading (:class:`XliffFile`): every ``trans-unit`` (1.x) or ``unit`` (2.x) with
``translate="no"`` left out; a 1.x unit whose ``seg-source`` is split by
``<mrk mtype="seg">`` (Trados SDLXLIFF, Okapi, memoQ) gives one segment per
``mid``; a 2.x unit one per ``<segment>`` (``<ignorable>`` skipped). Inline
codes (``g x bx ex ph bpt ept it mrk`` in 1.x; ``ph pc sc ec sm em cp mrk`` in
2.x; comments and processing instructions) are placeholders
(:mod:`corpus.formats.segments`): paired codes with content (``g``, ``pc``,
``mrk``) keep their content as text between an opening and a closing placeholder.

State: a 1.x target in state ``new`` or ``needs-translation``, a 2.x segment
in state ``initial``, an SDLXLIFF segment ``Draft``/``Unspecified`` without
text, a memoQ unit ``NotStarted`` is not translated. Confirmed (what ``import``
takes): 1.x ``approved="yes"`` or state ``translated``, ``signed-off``,
``final``; SDLXLIFF ``conf`` ``Translated``, ``ApprovedTranslation``,
``ApprovedSignOff``; memoQ ``ManuallyConfirmed``, ``Confirmed``,
``ConfirmedTranslator``, ``Proofread``, ``Reviewer1Confirmed``,
``Reviewer2Confirmed``; 2.x ``translated``, ``reviewed``, ``final``.

Writing (:meth:`XliffFile.write_corrected`, :meth:`XliffFile.write_findings`)
edits the file's text in place: only the edited targets' content, their state
and the added notes change, every other byte stays as it was. Edited targets
get "needs review": 1.x ``state="needs-review-translation"`` on ``<target>``
(plus SDLXLIFF ``conf="Draft"``, memoQ ``mq:status="PartiallyEdited"``); 2.x
``state="translated" subState="songngu:needs-review"`` on ``<segment>``. The
edit log and the findings go into notes: 1.x ``<note from="songngu">``, 2.x
``<notes><note category="songngu">``.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from corpus.errors import InputError
from corpus.formats.segments import BiSegment, BilingualDocument, Change, code_char
from corpus.formats.xmltext import XmlText, escape, local, read_xml, set_attribute, tokens, unescape

__all__ = ["XliffFile", "read_xliff", "SUFFIXES"]

SUFFIXES = (".xlf", ".xliff", ".sdlxliff", ".mqxliff")
NS12 = ("urn:oasis:names:tc:xliff:document:1.2", "urn:oasis:names:tc:xliff:document:1.1",
        "urn:oasis:names:tc:xliff:document:1.0", None)
NS2 = "urn:oasis:names:tc:xliff:document:2.0"
SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ = "MQXliff"
PAIRED = {"g", "mrk", "pc"}  # codes whose content is text of the segment
NOT_TRANSLATED = {"new", "needs-translation", "initial"}
CONFIRMED_12 = {"translated", "signed-off", "final"}
CONFIRMED_2 = {"translated", "reviewed", "final"}
CONFIRMED_SDL = {"Translated", "ApprovedTranslation", "ApprovedSignOff"}
CONFIRMED_MQ = {"ManuallyConfirmed", "Confirmed", "ConfirmedTranslator", "Proofread", "Reviewer1Confirmed",
                "Reviewer2Confirmed"}
NEEDS_REVIEW_2 = "songngu:needs-review"
_PRIORITY = {"error": "1", "warning": "3", "info": "5"}


@dataclass
class _Piece:
    plain: str
    raw: str
    code: bool


@dataclass
class _Where:
    """Where a segment lives in the file: its target content, the tags to mark, the unit."""

    unit: object
    holder: object | None       # the element whose content is the target text (target or mrk)
    pieces: list | None
    state_el: object | None     # 1.x <target>, 2.x <segment>
    extra: list                 # (element, attribute, value) also set on an edit (SDL conf, memoQ status)
    source_pieces: list | None = None


def _lang(code: str | None) -> str | None:
    return code.strip().replace("_", "-") if code and code.strip() else None


class XliffFile(BilingualDocument):
    """An XLIFF file read into segments (see the module docs).

    Parameters:
        path: the file.
        data: its bytes (read from *path* when None).
    """

    def __init__(self, path, data: bytes | None = None):
        self.xml: XmlText = read_xml(path, data)
        root = self.xml.root
        if local(root) != "xliff":
            raise InputError(path, f"not an XLIFF file: the root element is <{local(root)}>, not <xliff>",
                             line=root.sourceline)
        version = (root.get("version") or "").strip()
        ns = root.nsmap.get(None)
        self.version = "2" if (version.startswith("2") or ns == NS2) else "1"
        super().__init__(os.fspath(path), "", None, None, [])
        self._where: list[_Where] = []
        if self.version == "2":
            self._read2(root)
            self.format = f"xliff-{version or '2.0'}"
        else:
            dialect = "sdlxliff" if SDL in root.nsmap.values() else "mqxliff" if MQ in root.nsmap.values() else None
            self.format = dialect or f"xliff-{version or '1.2'}"
            self._read1(root)
        if not self.target_lang:
            raise InputError(path, "no target language (target-language on <file>, or trgLang on <xliff>)",
                             line=root.sourceline)

    # -- reading -----------------------------------------------------------------------------

    def _pieces(self, el, codes: list) -> list[_Piece]:
        """The content of *el* as pieces; *codes* counts placeholders in the segment."""
        out = []
        start, end = self.xml.content(el)
        pos = start
        for child in el.iterchildren():
            if not isinstance(child.tag, str):
                continue  # comments and PIs are in the raw regions
            s0, s1, e0, e1 = self.xml.span[child]
            out += self._region(pos, s0, codes)
            if local(child) in PAIRED and s1 != e1:
                out.append(self._code(self.xml.text[s0:s1], codes))
                out += self._pieces(child, codes)
                out.append(self._code(self.xml.text[e0:e1], codes))
            else:
                out.append(self._code(self.xml.text[s0:e1], codes))
            pos = e1
        out += self._region(pos, end, codes)
        return out

    def _region(self, start, end, codes) -> list[_Piece]:
        out = []
        for kind, raw in tokens(self.xml.text, start, end):
            if kind == "text":
                out.append(_Piece(unescape(raw), raw, False))
            elif kind == "cdata":
                out.append(_Piece(raw[9:-3], raw, False))
            else:
                out.append(self._code(raw, codes))
        return out

    @staticmethod
    def _code(raw, codes) -> _Piece:
        codes.append(raw)
        return _Piece(code_char(len(codes) - 1), raw, True)

    def _add(self, seg: BiSegment, where: _Where) -> None:
        self.segments.append(seg)
        self._where.append(where)

    def _text(self, el):
        """(plain text, pieces) of an element's content, or (None, None)."""
        if el is None:
            return None, None
        codes: list = []
        pieces = self._pieces(el, codes)
        return "".join(p.plain for p in pieces), pieces

    def _read1(self, root):
        for file_el in (e for e in root.iter("{*}file") if etree_ns(e) in NS12):
            self.source_lang = self.source_lang or _lang(file_el.get("source-language"))
            target_lang = _lang(file_el.get("target-language"))
            date = file_el.get("date")
            for unit in file_el.iter("{*}trans-unit"):
                if etree_ns(unit) not in NS12 or unit.get("translate") == "no":
                    continue
                if unit.get("restype") == "x-gettext-domain-header":
                    continue  # a PO file's header, not text (Translate Toolkit's po2xliff)
                kids = {local(c): c for c in unit if isinstance(c.tag, str) and etree_ns(c) in NS12}
                source, target, segsrc = kids.get("source"), kids.get("target"), kids.get("seg-source")
                if source is None:
                    continue
                if target is not None:
                    target_lang = target_lang or _lang(target.get("{http://www.w3.org/XML/1998/namespace}lang"))
                state = target.get("state") if target is not None else None
                approved = unit.get("approved") == "yes"
                mq_status = unit.get(f"{{{MQ}}}status")
                unit_date = unit.get(f"{{{MQ}}}lastchangedtimestamp") or date
                extra = [(unit, "mq:status", "PartiallyEdited")] if mq_status is not None else []
                if approved:
                    extra.append((unit, "approved", "no"))  # edited: no longer final
                sdl = {s.get("id"): s for s in unit.iter(f"{{{SDL}}}seg")}
                mrks = [m for m in (segsrc.iter("{*}mrk") if segsrc is not None else ())
                        if m.get("mtype") == "seg"]
                if mrks:
                    tmrks = {m.get("mid"): m for m in (target.iter("{*}mrk") if target is not None else ())
                             if m.get("mtype") == "seg"}
                    for m in mrks:
                        mid = m.get("mid")
                        src, src_pieces = self._text(m)
                        tgt_el = tmrks.get(mid)
                        tgt, pieces = self._text(tgt_el)
                        seg_state, translated, confirmed = state, True, approved or state in CONFIRMED_12
                        seg_extra = list(extra)
                        if mid in sdl:
                            seg_state = sdl[mid].get("conf") or state
                            confirmed = seg_state in CONFIRMED_SDL
                            translated = bool(tgt and tgt.strip())
                            seg_extra.append((sdl[mid], "conf", "Draft"))
                        else:
                            translated = state not in NOT_TRANSLATED
                        if mq_status is not None:
                            seg_state, confirmed = mq_status, mq_status in CONFIRMED_MQ
                            translated = mq_status != "NotStarted"
                        self._add(BiSegment(unit.get("id", ""), src, tgt, mid, seg_state, translated,
                                            confirmed and translated, (tgt_el if tgt_el is not None else m).sourceline,
                                            _iso(unit_date)),
                                  _Where(unit, tgt_el, pieces, target, seg_extra, src_pieces))
                    continue
                src, src_pieces = self._text(source)
                tgt, pieces = self._text(target)
                translated = state not in NOT_TRANSLATED
                confirmed = (approved or state in CONFIRMED_12) if state is not None or approved else False
                if mq_status is not None:
                    state, confirmed, translated = mq_status, mq_status in CONFIRMED_MQ, mq_status != "NotStarted"
                self._add(BiSegment(unit.get("id", ""), src, tgt, None, state, translated, confirmed and translated,
                                    (target if target is not None else source).sourceline, _iso(unit_date)),
                          _Where(unit, target, pieces, target, extra, src_pieces))
            self.target_lang = self.target_lang or target_lang

    def _read2(self, root):
        self.source_lang = _lang(root.get("srcLang"))
        self.target_lang = _lang(root.get("trgLang"))
        for unit in root.iter(f"{{{NS2}}}unit"):
            if unit.get("translate") == "no":
                continue
            segs = [s for s in unit if isinstance(s.tag, str) and s.tag == f"{{{NS2}}}segment"]
            for k, seg in enumerate(segs, 1):
                source = seg.find(f"{{{NS2}}}source")
                target = seg.find(f"{{{NS2}}}target")
                src, src_pieces = self._text(source)
                tgt, pieces = self._text(target)
                state = seg.get("state")
                sub = (seg.get("id") or str(k)) if len(segs) > 1 else None
                self._add(BiSegment(unit.get("id", ""), src or "", tgt, sub, state, state != "initial",
                                    state in CONFIRMED_2, (target if target is not None else seg).sourceline),
                          _Where(unit, target, pieces, seg, [], src_pieces))

    def codes(self, index: int) -> tuple[list[str], list[str]]:
        """The markup of the inline codes of segment *index*: source's and target's, in placeholder order."""
        where = self._where[index]
        return tuple([p.raw for p in pieces or () if p.code] for pieces in (where.source_pieces, where.pieces))

    # -- writing -----------------------------------------------------------------------------

    def _note(self, unit, texts: list[tuple[str, str]], edits: list) -> None:
        """Add notes to *unit*: ``(priority, text)`` pairs, into the *edits* list of splices."""
        text = self.xml.text
        s0, s1, e0, e1 = self.xml.span[unit]
        kids = [c for c in unit if isinstance(c.tag, str)]
        indent = re.match(r"\s*", text[s1:]).group() if kids else ""
        if self.version == "1":
            notes = "".join(f'{indent}<note from="songngu" priority="{p}">{escape(t)}</note>' for p, t in texts)
            at = self.xml.span[kids[-1]][3] if kids else e0
            edits.append((at, at, notes))
            return
        notes_el = next((c for c in kids if local(c) == "notes"), None)
        if notes_el is not None:
            inner = [c for c in notes_el if isinstance(c.tag, str)]
            sub_indent = re.match(r"\s*", text[self.xml.span[notes_el][1]:]).group() if inner else indent
            at = self.xml.span[inner[-1]][3] if inner else self.xml.span[notes_el][2]
            edits.append((at, at, "".join(f'{sub_indent}<note category="songngu" priority="{p}">{escape(t)}</note>'
                                          for p, t in texts)))
            return
        first = next((c for c in kids if local(c) in ("originalData", "segment", "ignorable")), None)
        body = "".join(f'<note category="songngu" priority="{p}">{escape(t)}</note>' for p, t in texts)
        at = self.xml.span[first][0] if first is not None else e0
        edits.append((at, at, f"<notes>{body}</notes>{indent}"))

    def _splice(self, edits) -> str:
        text = self.xml.text
        out, pos = [], 0
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
            out.append(text[pos:start])
            out.append(new)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _write(self, out_path, text: str) -> None:
        data = self.xml.encode(text)
        with open(out_path, "wb") as fh:
            fh.write(data)

    def corrected_text(self, changes: dict[int, list[Change]]) -> str:
        """The file's text with *changes* applied to segment targets (see :meth:`write_corrected`)."""
        edits, tags, notes = [], {}, {}
        for index, seg_changes in sorted(changes.items()):
            if not seg_changes:
                continue
            where = self._where[index]
            if where.holder is None:
                continue
            start, end = self.xml.content(where.holder)
            edits.append((start, end, _rebuild(where.pieces, seg_changes)))
            if where.state_el is not None:
                tag = tags.get(where.state_el) or self._start_tag(where.state_el)
                if self.version == "1":
                    tag = set_attribute(tag, "state", "needs-review-translation")
                else:
                    tag = set_attribute(set_attribute(tag, "state", "translated"), "subState", NEEDS_REVIEW_2)
                tags[where.state_el] = tag
            for el, attr, value in where.extra:
                tags[el] = set_attribute(tags.get(el) or self._start_tag(el), attr, value)
            seg = self.segments[index]
            log = [f"{c.before!r} -> {c.after!r} [{c.rule} {c.confidence:.2f}] {c.message}".rstrip()
                   for c in seg_changes]
            label = f"segment {seg.sub}: " if seg.sub else ""
            notes.setdefault(where.unit, []).append(("5", "songngu: " + label + "\n".join(log)))
        for el, tag in tags.items():
            s0, s1, _, _ = self.xml.span[el]
            edits.append((s0, s1, tag))
        for unit, texts in notes.items():
            self._note(unit, texts, edits)
        return self._splice(edits)

    def _start_tag(self, el) -> str:
        s0, s1, _, _ = self.xml.span[el]
        return self.xml.text[s0:s1]

    def write_corrected(self, out_path, changes: dict[int, list[Change]]) -> None:
        """Write a copy with each segment *i*'s target edited by ``changes[i]``, its state set to
        needs review and the edit log in a note; every other byte as it was."""
        self._write(out_path, self.corrected_text(changes))

    def findings_text(self, notes: dict[int, list[tuple[str, str]]]) -> str:
        edits, by_unit = [], {}
        for index, items in sorted(notes.items()):
            seg = self.segments[index]
            prefix = f"segment {seg.sub}: " if seg.sub else ""
            by_unit.setdefault(self._where[index].unit, []).extend(
                (_PRIORITY.get(sev, "5"), f"songngu: {prefix}{text}") for sev, text in items)
        for unit, texts in by_unit.items():
            self._note(unit, texts, edits)
        return self._splice(edits)

    def write_findings(self, out_path, notes: dict[int, list[tuple[str, str]]]) -> None:
        """Write a copy with ``(severity, text)`` notes on the units of segments *i*."""
        self._write(out_path, self.findings_text(notes))


def _rebuild(pieces: list[_Piece], changes: list[Change]) -> str:
    """The raw content of a target after *changes* (plain offsets; never across a code)."""
    out, pos = [], 0
    total = sum(len(p.plain) for p in pieces)
    changes = sorted(changes, key=lambda c: (c.start, c.end))
    for k, p in enumerate(pieces):
        ps, pe = pos, pos + len(p.plain)
        pos = pe
        last_text = not any(not q.code for q in pieces[k + 1:])
        mine = [c for c in changes if (c.start < pe and c.end > ps) or (ps <= c.start < pe)
                or (c.start == pe == total and last_text)]
        if p.code or not mine:
            out.append(p.raw)
            continue
        buf, cur = [], ps
        for c in mine:
            s, e = max(c.start, ps), min(c.end, pe)
            buf.append(p.plain[cur - ps:s - ps])
            if c.start >= ps:
                buf.append(c.after)
            cur = max(cur, e)
        buf.append(p.plain[cur - ps:])
        out.append(escape("".join(buf)))
    if pieces == [] and changes:
        out.append(escape("".join(c.after for c in changes)))
    return "".join(out)


def etree_ns(el) -> str | None:
    tag = el.tag
    return tag[1:tag.index("}")] if tag.startswith("{") else None


def _iso(stamp: str | None) -> str | None:
    """An XLIFF date (``2024-01-31T23:59:59Z``, memoQ's with fractions) as ``YYYY-MM-DDTHH:MM:SSZ``."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})", (stamp or "").strip())
    return "{}-{}-{}T{}:{}:{}Z".format(*m.groups()) if m else None


def read_xliff(path, data: bytes | None = None) -> XliffFile:
    """Read an XLIFF file (see :class:`XliffFile`)."""
    return XliffFile(path, data)
