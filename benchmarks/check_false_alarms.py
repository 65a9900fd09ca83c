"""False-alarm rate of `songngu check` on human translations (IWSLT'15 en-vi tst2012, tst2013).

The human translations are right, so every segment with an error-severity
finding is a false alarm (or a glossary disagreement). The baseline, measured
in the same run, checks the same drafts shifted by one line against the
sources (every pair wrong): a useful check flags far more of those.

Run:  python benchmarks/check_false_alarms.py [--show N] [--direction en-vi|vi-en|both]
"""
from __future__ import annotations

import argparse
import html
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
IWSLT = ROOT.parent / "shared" / "data" / "iwslt15-en-vi"


def read(name: str, lang: str) -> list[str]:
    with open(IWSLT / f"{name}.{lang}", encoding="utf-8") as fh:
        return [html.unescape(line.rstrip("\n")) for line in fh]


_QUANTITY_CHECKS = ("number-mismatch", "date-mismatch", "currency-mismatch")


def error_segments(report) -> set[int]:
    return {f.segment for f in report.findings if f.severity == "error"}


def run(checker, sources, drafts, src_lang):
    """Check one document pair kept line for line (empty lines dropped from both sides)."""
    from tm.qa.pairing import LINES, Pairing, Segment

    pairs = [(s, d) for s, d in zip(sources, drafts) if s.strip() and d.strip()]
    segs = [Segment(i, d, s, i, i) for i, (s, d) in enumerate(pairs, 1)]
    draft_lang = "vi" if src_lang == "en" else "en"
    return checker.check_pairing(Pairing(segs, LINES), draft_lang, src_lang)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=0, help="print N false alarms")
    ap.add_argument("--direction", choices=["en-vi", "vi-en", "both"], default="both")
    args = ap.parse_args()
    if not IWSLT.is_dir():
        sys.exit(f"IWSLT data missing at {IWSLT}")
    from glossary.tsv import load_bundled
    from tm.qa.check import Checker

    checker = Checker(load_bundled())
    directions = ["en-vi", "vi-en"] if args.direction == "both" else [args.direction]
    shown = 0
    for direction in directions:
        src_lang, tgt_lang = direction.split("-")
        total = flagged = shifted_flagged = number_alarms = 0
        checks, seg_checks = Counter(), Counter()
        t0 = time.perf_counter()
        for name in ("tst2012", "tst2013"):
            src, tgt = read(name, src_lang), read(name, tgt_lang)
            report = run(checker, src, tgt, src_lang)
            total += len(report.segments)
            bad = error_segments(report)
            flagged += len(bad)
            for f in report.findings:
                if f.severity == "error":
                    checks[f.check] += 1
                if f.check in _QUANTITY_CHECKS:  # warnings too: "hai bên" (both sides) is no count
                    number_alarms += 1
            for seg in bad:
                for c in {f.check for f in report.findings if f.segment == seg and f.severity == "error"}:
                    seg_checks[c] += 1
            shifted = run(checker, src[1:], tgt[:-1], src_lang)
            shifted_flagged += len(error_segments(shifted))
            for f in report.findings:
                if f.severity == "error" and shown < args.show:
                    shown += 1
                    seg = report.segments[f.segment - 1]
                    print(f"  [{f.check}] «{f.text[:80]}» {f.message[:140]}\n    src: {seg.source[:160]}\n"
                          f"    dft: {seg.draft[:160]}")
        elapsed = time.perf_counter() - t0
        rate, base = flagged / total, shifted_flagged / total
        print(f"{direction}: {total} human-translated segments, {flagged} with an error finding: "
              f"false-alarm rate {100 * rate:.2f}% (target < 5%)")
        print("  by check (segments): " + ", ".join(f"{c} {n}" for c, n in seg_checks.most_common()))
        print(f"  number, date and amount findings of any severity: {number_alarms} "
              f"({20 * number_alarms / total:.2f} per 20 segments)")
        print(f"  baseline, drafts shifted one line (all wrong): {100 * base:.1f}% flagged; "
              f"ratio shifted/true {base / rate if rate else float('inf'):.1f}x; {elapsed:.1f} s for both runs")


if __name__ == "__main__":
    main()
