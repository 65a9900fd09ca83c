"""The check report as one self-contained HTML page.

Source and draft side by side, one row per segment, the problem spans
highlighted (the most severe finding sets the colour, hover for the message)
and numbered to the list of findings under the draft; a summary table on top.
No script, no external file; every piece of text is escaped.
"""
from __future__ import annotations

from html import escape

from tm.qa.check import CHECKS, SEVERITIES, Report

__all__ = ["render_html"]

_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_LANG_NAME = {"vi": "Vietnamese", "en": "English"}

_CSS = """
:root { --err: #fde2e1; --err-line: #c62828; --warn: #fff1c2; --warn-line: #b7791f;
        --info: #e3effd; --info-line: #1e63b5; --muted: #5f6b7a; --rule: #dde3ea; }
* { box-sizing: border-box; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       color: #1d2430; margin: 0; background: #f6f8fa; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.45em; margin: 0 0 4px; }
h2 { font-size: 1.1em; margin: 28px 0 10px; }
.meta { color: var(--muted); margin: 0; }
.verdict { display: inline-block; margin-top: 12px; padding: 4px 12px; border-radius: 14px;
           font-weight: 600; }
.verdict.fail { background: var(--err); color: var(--err-line); }
.verdict.pass { background: #dff5e3; color: #1b6e2d; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid var(--rule); padding: 7px 10px; vertical-align: top; text-align: left; }
th { background: #eef2f6; font-weight: 600; }
.summary { width: auto; min-width: 60%; }
.summary td.n { text-align: right; font-variant-numeric: tabular-nums; }
.summary tr.total td { font-weight: 600; background: #f3f5f8; }
.segs td.num { width: 4.5em; color: var(--muted); font-variant-numeric: tabular-nums; }
.segs td.num small { display: block; font-size: .8em; }
.segs td.text { width: 47%; white-space: pre-wrap; overflow-wrap: anywhere; }
.segs.single td.text { width: auto; }
.segs tr.error td.num { border-left: 4px solid var(--err-line); }
.segs tr.warning td.num { border-left: 4px solid var(--warn-line); }
.segs tr.info td.num { border-left: 4px solid var(--info-line); }
.empty { color: var(--muted); font-style: italic; }
mark { border-radius: 3px; padding: 0 1px; color: inherit; }
mark.error { background: var(--err); box-shadow: inset 0 -2px var(--err-line); }
mark.warning { background: var(--warn); box-shadow: inset 0 -2px var(--warn-line); }
mark.info { background: var(--info); box-shadow: inset 0 -2px var(--info-line); }
mark.src { background: #ece6fb; box-shadow: inset 0 -2px #6b4fbb; }
sup.ref { font-size: .7em; font-weight: 700; color: var(--muted); margin: 0 1px; }
ol.findings { margin: 8px 0 0; padding: 8px 10px 2px 30px; border-top: 1px dashed var(--rule);
              white-space: normal; font-size: .92em; }
ol.findings li { margin-bottom: 6px; }
.sev { display: inline-block; min-width: 4.6em; text-align: center; border-radius: 9px;
       font-size: .78em; font-weight: 700; padding: 0 6px; margin-right: 4px; }
.sev.error { background: var(--err); color: var(--err-line); }
.sev.warning { background: var(--warn); color: var(--warn-line); }
.sev.info { background: var(--info); color: var(--info-line); }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.sugg { color: #1b6e2d; font-weight: 600; }
.filter { margin: 0 0 10px; color: var(--muted); }
#only:checked ~ table tr.clean { display: none; }
footer { margin-top: 28px; color: var(--muted); font-size: .85em; }
"""


def render_html(report: Report, *, draft_name: str = "draft", source_name: str | None = None) -> str:
    """The whole page for *report* (see the module docs).

    Parameters:
        report: a :class:`tm.qa.check.Report`.
        draft_name, source_name: file names shown in the title and column heads.
    """
    summary = report.summary()
    with_source = report.pairing != "none"
    title = f"songngu check: {draft_name}"
    errors = summary["error"]
    verdict = (f'<span class="verdict fail">{errors} error{"s" * (errors != 1)} to fix</span>' if errors
               else '<span class="verdict pass">no errors</span>')
    how = {"lines": "paired line by line", "sentences": "paired by sentence alignment",
           "none": "checked without a source"}[report.pairing]
    meta = [f"{summary['segments']} segments", how,
            f"{_LANG_NAME[report.source_lang]} → {_LANG_NAME[report.draft_lang]}"]
    if source_name:
        meta.insert(0, f"source: {source_name}")
    parts = [
        "<!DOCTYPE html>", f'<html lang="{escape(report.draft_lang)}">', "<head>",
        '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
        f"<h1>Check of <code>{escape(draft_name)}</code></h1>",
        f'<p class="meta">{escape(" · ".join(meta))}</p>', verdict,
    ]
    parts += [f'<p class="meta">warning: {escape(w)}</p>' for w in report.warnings]
    parts += _summary_table(report)
    parts += _segment_table(report, with_source, draft_name, source_name)
    parts += ['<footer>Made by songngu check. Severity: error = must fix before delivery (exit code 1), '
              "warning = look at it, info = for your information.</footer>",
              "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _summary_table(report: Report) -> list[str]:
    counts = {}
    for f in report.findings:
        counts.setdefault(f.check, dict.fromkeys(SEVERITIES, 0))[f.severity] += 1
    rows = ['<h2 id="summary">Summary</h2>', '<table class="summary">',
            "<thead><tr><th>Check</th><th>What it looks for</th><th>Errors</th><th>Warnings</th>"
            "<th>Info</th></tr></thead>", "<tbody>"]
    if not counts:
        rows.append('<tr><td colspan="5" class="empty">No findings.</td></tr>')
    for name in sorted(counts, key=lambda c: (-counts[c]["error"], c)):
        c = counts[name]
        rows.append(f"<tr><td><code>{escape(name)}</code></td><td>{escape(CHECKS.get(name, ''))}</td>"
                    + "".join(f'<td class="n">{c[s]}</td>' for s in SEVERITIES) + "</tr>")
    s = report.summary()
    rows.append('<tr class="total"><td>Total</td>'
                f'<td>{s["segments_with_errors"]} of {s["segments"]} segments with an error</td>'
                + "".join(f'<td class="n">{s[x]}</td>' for x in SEVERITIES) + "</tr>")
    rows += ["</tbody>", "</table>"]
    return rows


def _segment_table(report, with_source, draft_name, source_name) -> list[str]:
    by_seg = {}
    for f in report.findings:
        by_seg.setdefault(f.segment, []).append(f)
    head = ["<th>#</th>"]
    if with_source:
        head.append(f"<th>Source ({escape(_LANG_NAME[report.source_lang])}"
                    f"{': ' + escape(source_name) if source_name else ''})</th>")
    head.append(f"<th>Draft ({escape(_LANG_NAME[report.draft_lang])}: {escape(draft_name)})</th>")
    rows = ['<h2 id="segments">Segments</h2>',
            '<input type="checkbox" id="only"> <label class="filter" for="only">'
            "show only segments with findings</label>",
            f'<table class="segs{"" if with_source else " single"}">', f"<thead><tr>{''.join(head)}</tr></thead>", "<tbody>"]
    for seg in report.segments:
        found = sorted(by_seg.get(seg.number, []), key=lambda f: (f.start, _RANK[f.severity]))
        worst = min((f.severity for f in found), key=_RANK.get, default=None)
        line = f"<small>line {seg.draft_line}</small>" if seg.draft_line else ""
        if seg.unit is not None:
            line += f"<small>unit {escape(seg.unit)}</small>"
        cells = [f'<td class="num">{seg.number}{line}</td>']
        if with_source:
            spans = [(f.source_span, f, i) for i, f in enumerate(found, 1) if f.source_span]
            cells.append(f'<td class="text" lang="{escape(report.source_lang)}">'
                         f"{_marked(seg.source or '', spans, source=True)}</td>")
        draft_spans = [((f.start, f.end), f, i) for i, f in enumerate(found, 1)
                       if f.end > f.start and f.end - f.start < len(seg.draft)]
        body = _marked(seg.draft, draft_spans) if seg.draft else '<span class="empty">(no translation)</span>'
        cells.append(f'<td class="text" lang="{escape(report.draft_lang)}">{body}{_finding_list(found, seg.draft)}</td>')
        rows.append(f'<tr id="s{seg.number}" class="{worst or "clean"}">{"".join(cells)}</tr>')
    rows += ["</tbody>", "</table>"]
    return rows


def _marked(text: str, spans, *, source: bool = False) -> str:
    """*text* escaped, with ``<mark>`` around each span and its finding numbers after it."""
    if not spans:
        return escape(text)
    cuts = sorted({0, len(text), *(s for (s, _), _, _ in spans), *(e for (_, e), _, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        covering = [(f, i) for (s, e), f, i in spans if s <= a and b <= e]
        if covering:
            worst = min((f for f, _ in covering), key=lambda f: _RANK[f.severity])
            css = "src" if source else worst.severity
            tip = " | ".join(f"{i}. {f.check}: {f.message}" for f, i in covering)
            piece = f'<mark class="{css}" title="{escape(tip)}">{piece}</mark>'
        ends = [i for (s, e), f, i in spans if e == b]
        if ends:
            piece += f'<sup class="ref">{",".join(map(str, ends))}</sup>'
        out.append(piece)
    return "".join(out)


def _finding_list(found, draft: str) -> str:
    if not found:
        return ""
    items = []
    for i, f in enumerate(found, 1):  # a span that is the whole segment is not quoted again
        span = f" «{escape(f.text)}»" if f.text and 0 < f.end - f.start < len(draft) else ""
        sugg = f' → <span class="sugg">«{escape(f.suggestion)}»</span>' if f.suggestion else ""
        items.append(f'<li value="{i}" class="{f.severity}"><span class="sev {f.severity}">{f.severity}</span>'
                     f"<code>{escape(f.check)}</code>{span}{sugg}: {escape(f.message)}</li>")
    return f'<ol class="findings">{"".join(items)}</ol>'
