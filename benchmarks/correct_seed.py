"""``songngu correct`` on seed 000: chrF and BLEU of the article before and after, and its edits.

The reference is ``tests/data/seed000_reference.vi.txt``, a hand-corrected version of the article
(one line per line of the seed). Scores come from :func:`tm.qa.score.score` (sacrebleu after NFC and
tone-mark canonicalization). The uncorrected article is the baseline, scored in the same run.

Two glossaries:

- ``bundled``: the curated glossary as shipped;
- ``general``: the same without the deprecated forms whose reason cites seed 000 (the glossary
  records some of the seed's own garbles as deprecated forms): what the general rules (garbled
  terms, confusions, conventions) achieve on an article the glossary was not written from;
- ``general + memory``: the general glossary with the English sentences of seeds 001/002 (what a
  memory built from the bundled corpus holds) as pseudo-sources for term projection.

Usage::

    python benchmarks/correct_seed.py [--shared ../shared] [--markdown]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.tsv import load_bundled  # noqa: E402
from tm.qa.correct import Corrector  # noqa: E402
from tm.qa.score import score  # noqa: E402

REFERENCE = ROOT / "tests" / "data" / "seed000_reference.vi.txt"
METRICS = ("chrf", "chrf++", "bleu", "ter")


def general_entries(entries) -> list:
    """*entries* without the deprecated forms recorded from seed 000."""
    return [dataclasses.replace(e, vi_deprecated=[d for d in e.vi_deprecated if "seed 000" not in d.reason])
            for e in entries]


def seed_scores(seed: str, reference: str, entries, memory=None) -> dict:
    """``{"before": {...}, "after": {...}, "result": Correction}`` for one glossary (and, with
    *memory*, English sentences serving as a pseudo-source)."""
    result = Corrector(entries, memory=memory).correct(seed)
    before = score(seed, [reference])
    after = score(result.text, [reference])
    return {"before": {m: before[m] for m in METRICS}, "after": {m: after[m] for m in METRICS},
            "result": result}


def _edit_rows(result, markdown: bool) -> list[str]:
    rows = []
    if markdown:
        rows += ["| line | rule | conf. | before | after |", "|---|---|---|---|---|"]
    for e in result.edits + [s for s in result.suggestions if s.before != s.after]:
        rule = e.rule if e.applied else f"{e.rule} (suggestion)"
        if markdown:
            rows.append(f"| {e.line} | {rule} | {e.confidence:.2f} | {e.before} | {e.after} |")
        else:
            rows.append(f"  line {e.line:2d} {rule:32} {e.confidence:.2f}  {e.before!r} -> {e.after!r}")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--markdown", action="store_true", help="print the edits as a Markdown table")
    args = ap.parse_args(argv)
    found = sorted((Path(args.shared) / "seeds").glob("000_*.txt"))
    if not found:
        sys.exit(f"seed 000 not found under {args.shared}/seeds (give --shared)")
    seed = found[0].read_text(encoding="utf-8")
    reference = REFERENCE.read_text(encoding="utf-8")
    bundled = load_bundled()
    from corpus.document import load_document

    memory = [s.text for p in sorted((Path(args.shared) / "seeds").glob("00[12]_*.txt"))
              for s in load_document(p).sentences()]
    for name, entries, mem in (("bundled", bundled, None), ("general", general_entries(bundled), None),
                               ("general + memory (seeds 001/002 as pseudo-source)",
                                general_entries(bundled), memory)):
        res = seed_scores(seed, reference, entries, mem)
        result = res["result"]
        print(f"glossary {name}: {len(result.edits)} edits, {len(result.suggestions)} suggestions")
        for m in METRICS:
            b, a = res["before"][m], res["after"][m]
            print(f"  {m:7} before {b:6.2f}  after {a:6.2f}  ({a - b:+.2f}, x{a / b if b else float('nan'):.2f})")
        print("\n".join(_edit_rows(result, args.markdown)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
