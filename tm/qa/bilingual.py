"""Checking, correcting and scoring the segments of a bilingual file (XLIFF, Word).

The format modules (:mod:`corpus.formats`) read a file into segments with ids
and inline codes as placeholders; this module feeds them to the same checks
and corrections as plain text (one segment a line, paired line by line), and
maps the findings and edits back to the segments, so the format module can
write them into a copy of the file.

- :func:`check_document`: a :class:`tm.qa.check.Report` whose segments carry the
  unit id; segments without a target are reported ``omitted``, targets the file
  marks as not translated ``untranslated``.
- :func:`correct_document`: the edits of :class:`tm.qa.correct.Corrector` per
  segment; an edit whose span holds an inline code is left as a suggestion.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from corpus.errors import InputError
from corpus.formats.segments import Change, apply_changes, one_line, touches_code

__all__ = ["languages", "texts", "score_texts", "check_document", "finding_notes", "correct_document",
           "correct_docx", "correct_file", "DocumentCorrection"]


def languages(doc) -> tuple[str, str]:
    """``(source, target)`` as ``vi``/``en`` from the file's language codes."""
    out = []
    for code, what in ((doc.source_lang, "source"), (doc.target_lang, "target")):
        base = (code or "").split("-")[0].lower()
        if base not in ("vi", "en"):
            raise InputError(doc.path, f"{what} language {code or 'missing'}: songngu works on Vietnamese "
                                       "and English (vi, en)")
        out.append(base)
    if out[0] == out[1]:
        raise InputError(doc.path, f"source and target are both {out[0]}")
    return out[0], out[1]


def texts(doc) -> tuple[list[int], str, str]:
    """Indices of the checkable segments, and their targets and sources one a line."""
    idx = [i for i, s in enumerate(doc.segments) if s.checkable]
    draft = "\n".join(one_line(doc.segments[i].target) for i in idx)
    source = "\n".join(one_line(doc.segments[i].source) for i in idx)
    return idx, draft, source


def clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


def score_texts(doc) -> tuple[str, str, str]:
    """``(targets, sources, source language)`` of *doc* for :func:`tm.qa.score.score`: the segments
    with a target, one a line, without their inline codes."""
    from corpus.formats.segments import strip_codes

    _, draft, source = texts(doc)
    return strip_codes(draft), strip_codes(source), languages(doc)[0]


def check_document(checker, doc):
    """Check every segment of *doc* with *checker* (a :class:`tm.qa.check.Checker`)."""
    from tm.qa.check import Finding
    from tm.qa.pairing import LINES, Pairing, Segment

    sl, tl = languages(doc)
    bis = [s for s in doc.segments if s.source.strip()]
    if not bis:
        raise InputError(doc.path, "no segment with source text")
    # a segment without a target is reported once, not as every term and number it lacks
    segs = [Segment(n, one_line(s.target or ""), one_line(s.source) if s.checkable else None, s.line, None, s.ref)
            for n, s in enumerate(bis, 1)]
    report = checker.check_pairing(Pairing(segs, LINES), tl, sl)
    for seg, bi in zip(segs, bis):
        if not bi.checkable:
            what = "no target" if bi.target is None else "empty target"
            report.findings.append(Finding("omitted", "warning", seg.number, 0, 0, "", None,
                                           f"{what}: the segment is not translated ({clip(bi.source)})"))
        elif not bi.translated:
            report.findings.append(Finding("untranslated", "warning", seg.number, 0, len(seg.draft), seg.draft,
                                           None, f"the file marks this target not translated (state {bi.state})"))
    report.findings.sort(key=lambda f: (f.segment, f.start, f.end, f.check))
    return report


@dataclass
class DocumentCorrection:
    """Edits per segment index of a bilingual document, with the Corrector's result."""

    changes: dict = field(default_factory=dict)      # segment index -> [Change]
    edits: list = field(default_factory=list)        # (segment index, tm.qa.correct.Edit) applied
    suggestions: list = field(default_factory=list)  # (segment index, Edit) not applied
    style: str | None = None

    def target(self, doc, index: int) -> str | None:
        """Segment *index*'s target after the edits."""
        return apply_changes(doc.segments[index].target or "", self.changes.get(index, []))

    def unapplied(self, skipped) -> None:
        """Turn the ``(segment index, Change)`` pairs a writer could not apply back into suggestions."""
        for i, c in skipped:
            self.changes[i].remove(c)
            edit = next(e for j, e in self.edits if j == i and e.after == c.after and e.before == c.before)
            self.edits.remove((i, edit))
            edit.applied = False
            edit.message += "; not applied: the text spans differently formatted parts (a link, a field)"
            self.suggestions.append((i, edit))
        self.suggestions.sort(key=lambda p: (p[0], p[1].offset))

    def to_dict(self, doc) -> dict:
        def row(i, e):
            return {"unit": doc.segments[i].ref, **e.to_dict()}

        return {"file": doc.path, "format": doc.format,
                "segments": [{"unit": doc.segments[i].ref, "before": doc.segments[i].target,
                              "after": self.target(doc, i)} for i in sorted(self.changes)],
                "edits": [row(i, e) for i, e in self.edits],
                "suggestions": [row(i, e) for i, e in self.suggestions], "tone_style": self.style}


def correct_document(corrector, doc, **options) -> DocumentCorrection:
    """Correct the targets of *doc* with *corrector*; *options* as :meth:`Corrector.correct`."""
    sl, tl = languages(doc)
    idx, draft, source = texts(doc)
    out = DocumentCorrection()
    if not idx:
        return out
    result = corrector.correct(draft, source, lang=tl, source_lang=sl, **options)
    out.style = result.style
    for e in result.edits:
        i = idx[e.line - 1]
        if touches_code(e.before) or touches_code(e.after) or "\n" in e.before:
            e.applied = False
            e.message = (e.message + "; " if e.message else "") + "not applied: the span holds an inline code"
            out.suggestions.append((i, e))
            continue
        out.edits.append((i, e))
        out.changes.setdefault(i, []).append(Change(e.start, e.end, e.after, e.rule, e.confidence, e.message,
                                                    e.before))
    out.suggestions += [(idx[e.line - 1], e) for e in result.suggestions]
    out.suggestions.sort(key=lambda p: (p[0], p[1].start))
    return out


def correct_docx(corrector, docx, source: str | None, out, **options):
    """Correct the paragraphs of a Word document (:class:`corpus.formats.docx.DocxFile`) and write
    the edits as tracked changes to *out* (a path or a binary file object).

    Returns ``(text, DocumentCorrection)``: the corrected paragraphs one a line, exactly what
    accepting every tracked change gives, and the edits by paragraph index.
    """
    draft = "\n".join(one_line(p.text) for p in docx.paragraphs)
    if not draft.strip():
        raise InputError(docx.path, "no text to correct (the document is empty)")
    result = corrector.correct(draft, source, **options)
    starts = [0] + [k + 1 for k, c in enumerate(draft) if c == "\n"]
    out_fix = DocumentCorrection(style=result.style)
    for e in result.edits:
        i = e.line - 1
        if touches_code(e.before) or touches_code(e.after) or "\n" in e.before:
            e.applied = False
            e.message = (e.message + "; " if e.message else "") + "not applied: the span holds an inline code"
            out_fix.suggestions.append((i, e))
            continue
        start = e.offset - starts[i]
        out_fix.edits.append((i, e))
        out_fix.changes.setdefault(i, []).append(Change(start, start + len(e.before), e.after, e.rule,
                                                        e.confidence, e.message, e.before))
    out_fix.suggestions += [(e.line - 1, e) for e in result.suggestions]
    originals = [p.text for p in docx.paragraphs]
    out_fix.unapplied(docx.write_corrected(out, out_fix.changes))
    lines = [apply_changes(text, out_fix.changes.get(i, [])) for i, text in enumerate(originals)]
    return "\n".join(lines), out_fix


def correct_file(corrector, path, source=None, out=None, **options):
    """Correct an XLIFF or Word file and write the corrected copy to *out* (a path; None: nothing written).

    Parameters:
        source: the source text for a plain Word document (bilingual files hold their own).
        options: as :meth:`tm.qa.correct.Corrector.correct`.

    Returns ``(doc, text, fix)``: the :class:`BilingualDocument` (None for a plain Word
    document), the corrected XLIFF text or the corrected segments / paragraphs one a line
    (what accepting every tracked change gives), and the :class:`DocumentCorrection`.
    """
    import io

    from corpus.formats import kind_of, read_bilingual
    from corpus.formats.docx import read_docx

    doc = read_bilingual(path)
    if doc is None:
        text, fix = correct_docx(corrector, read_docx(path), source, out or io.BytesIO(), **options)
        return None, text, fix
    fix = correct_document(corrector, doc, **options)
    if kind_of(path) == "xliff":
        if out:
            doc.write_corrected(out, fix.changes)
        return doc, doc.corrected_text(fix.changes), fix
    fix.unapplied(doc.write_corrected(out or io.BytesIO(), fix.changes))
    return doc, "\n".join(fix.target(doc, i) or "" for i in range(len(doc.segments))), fix


def finding_notes(report, doc) -> dict[int, list[tuple[str, str]]]:
    """The findings of *report* on *doc* as ``{segment index: [(severity, note text)]}`` for
    :meth:`BilingualDocument.write_findings`."""
    from corpus.formats.segments import visible

    index = {s.ref: i for i, s in enumerate(doc.segments)}
    notes: dict[int, list] = {}
    for f in report.findings:
        seg = report.segments[f.segment - 1]
        text = f" «{f.text}»" if f.text and f.end - f.start < len(seg.draft) else ""
        sugg = f" → «{f.suggestion}»" if f.suggestion else ""
        notes.setdefault(index[seg.unit], []).append(
            (f.severity, visible(f"{f.severity} {f.check}:{text}{sugg} {f.message}")))
    return notes
