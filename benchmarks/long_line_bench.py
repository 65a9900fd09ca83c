"""check and correct on a draft that is one long line against the same text with its line breaks.

The text is seed 000 repeated up to each size; the baseline is the same text with its line
breaks, checked in the same run. A check whose cost grows with the square of the line's length
shows a one-line/lines ratio that grows with the size; a linear one keeps it flat.

    python benchmarks/long_line_bench.py            # 0.25, 0.5 and 1 MB
    python benchmarks/long_line_bench.py --sizes 1 5
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossary.tsv import load_bundled  # noqa: E402
from tm.qa.check import Checker  # noqa: E402
from tm.qa.correct import Corrector  # noqa: E402


def texts(size: int) -> tuple[str, str]:
    seed = (ROOT / "corpus" / "examples" / "000_b4a9749fad615be5.txt").read_text(encoding="utf-8")
    lines = [line for line in seed.split("\n") if line.strip()]
    out, n = [], 0
    while n < size:
        for line in lines:
            out.append(line)
            n += len(line) + 1
    return " ".join(out) + "\n", "\n".join(out) + "\n"


def timed(run, text) -> float:
    start = time.process_time()
    run(text)
    return time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1.0], help="sizes in MB")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    entries = load_bundled()
    commands = {"check": Checker(entries).check, "correct": Corrector(entries).correct}
    print(f"{'command':>8} {'size':>8} {'lines s':>8} {'one line s':>10} {'ratio':>6}   "
          f"(CPU seconds, median of {args.runs})")
    for mb in args.sizes:
        one, many = texts(int(mb * 1_000_000))
        for name, run in commands.items():
            t_many, t_one = [], []
            for _ in range(args.runs):  # interleaved: both see the same machine load
                t_many.append(timed(run, many))
                t_one.append(timed(run, one))
            a, b = statistics.median(t_many), statistics.median(t_one)
            print(f"{name:>8} {mb:>6.2f}MB {a:>8.2f} {b:>10.2f} {b / a:>6.2f}")

if __name__ == "__main__":
    main()
