"""What reading and writing XLIFF and Word files costs on top of the checks themselves.

IWSLT tst2012 (1,553 en->vi pairs, entities unescaped) is written three ways: two plain-text files (the
baseline, paired line by line), an XLIFF 1.2 file with inline codes (every third target and source gets a
``<g>`` around its third word and an ``<x/>`` before its last word), and a Word document with the
Vietnamese side one paragraph a line (for ``correct``, with the English text as the source). Each run
times, in the same process and interleaved: ``check`` and ``correct`` on the text files, and the same on
the XLIFF / Word file including reading it and writing the corrected copy (``-o``). Printed: median
seconds of ``--repeat`` runs and each format's ratio to the text baseline of the same runs.

Usage::

    python benchmarks/files_bench.py [--shared ../shared] [--repeat 3]
"""
from __future__ import annotations

import argparse
import html
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _xliff(pairs) -> str:
    rows = []
    for k, (vi, en) in enumerate(pairs, 1):
        def code(text):
            words = text.split(" ")
            if k % 3 or len(words) < 5:
                return html.escape(text, quote=False)
            esc = [html.escape(w, quote=False) for w in words]
            esc[2] = f'<g id="{k}">{esc[2]}</g>'
            esc[-1] = f'<x id="x{k}"/>{esc[-1]}'
            return " ".join(esc)
        rows.append(f'<trans-unit id="{k}"><source>{code(en)}</source>'
                    f'<target state="translated">{code(vi)}</target></trans-unit>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            '<file original="tst2012" source-language="en" target-language="vi" datatype="plaintext"><body>\n'
            + "\n".join(rows) + "\n</body></file></xliff>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = Path(args.shared) / "data" / "iwslt15-en-vi"
    vi = [html.unescape(l.rstrip("\n")) for l in open(data / "tst2012.vi", encoding="utf-8")]
    en = [html.unescape(l.rstrip("\n")) for l in open(data / "tst2012.en", encoding="utf-8")]
    pairs = [(v, e) for v, e in zip(vi, en) if v.strip() and e.strip()]

    import docx

    from corpus.formats import read_bilingual
    from corpus.formats.docx import read_docx
    from glossary.tsv import load_bundled
    from glossary.matcher import Matcher
    from tm.qa.bilingual import check_document, correct_docx, correct_document
    from tm.qa.check import Checker
    from tm.qa.correct import Corrector

    tmp = Path(tempfile.mkdtemp())
    (tmp / "d.vi").write_text("\n".join(v for v, _ in pairs) + "\n", encoding="utf-8")
    (tmp / "s.en").write_text("\n".join(e for _, e in pairs) + "\n", encoding="utf-8")
    (tmp / "job.xlf").write_text(_xliff(pairs), encoding="utf-8")
    d = docx.Document()
    for v, _ in pairs:
        d.add_paragraph(v)
    d.save(tmp / "d.docx")
    matcher = Matcher(load_bundled())
    checker, corrector = Checker(matcher=matcher), Corrector(matcher=matcher)
    from corpus.reader import read_text

    def text_check():
        checker.check(read_text(tmp / "d.vi"), read_text(tmp / "s.en"), src_lang="en")

    def text_correct():
        out = corrector.correct(read_text(tmp / "d.vi"), read_text(tmp / "s.en"), lang="vi", source_lang="en")
        (tmp / "out.vi").write_text(out.text, encoding="utf-8")

    def xliff_check():
        check_document(checker, read_bilingual(tmp / "job.xlf"))

    def xliff_correct():
        doc = read_bilingual(tmp / "job.xlf")
        doc.write_corrected(tmp / "out.xlf", correct_document(corrector, doc).changes)

    def docx_correct():
        correct_docx(corrector, read_docx(tmp / "d.docx"), read_text(tmp / "s.en"), tmp / "out.docx",
                     lang="vi", source_lang="en")

    cases = {"check text": text_check, "check xliff": xliff_check, "correct text": text_correct,
             "correct xliff -o": xliff_correct, "correct docx -o": docx_correct}
    times = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, fn in cases.items():
            start = time.process_time()
            fn()
            times[name].append(time.process_time() - start)
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"IWSLT tst2012, {len(pairs)} segments, median CPU seconds of {args.repeat} interleaved runs")
    for name, t in med.items():
        base = med["check text"] if name.startswith("check") else med["correct text"]
        print(f"  {name:18s} {t:6.2f} s   x{t / base:.2f} the text baseline   runs: "
              + ", ".join(f"{x:.2f}" for x in times[name]))


if __name__ == "__main__":
    main()
