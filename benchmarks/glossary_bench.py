"""Large glossaries: `songngu import glossary`, a cold `songngu lookup` and a cold `songngu check`.

Each command runs as a new process, as a user runs it, timed on the wall clock with its peak
memory (its maximum resident set, from GNU time). The baseline of the same run is the
same command on a store holding only the bundled glossary (117 terms): the issue's targets are
ratios to it (lookup at most 3x and 250 MB, check at most 3x and 400 MB).

The large glossaries are synthesised as ``benchmarks/check_bench.py`` makes them: word n-grams
of the IWSLT text (many of them in the check's draft: a dense case), then two joined, plus the
bundled glossary; written as our TSV and imported with the CLI (parsing, merging, storing and the
lookup keys, one transaction). Lookup queries: forms of the glossary (exact), the same lower-cased
without diacritics (folded), with one letter changed (fuzzy), sentences of IWSLT tst2012 (terms
contained) and words in no entry.

Run:  python benchmarks/glossary_bench.py [--terms 100000 1000000] [--runs 5] [--no-check]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from check_bench import glossary, read  # noqa: E402

CLI = [sys.executable, str(ROOT / "cli.py")]


TIME = "/usr/bin/time"  # GNU time: the child's own peak (ru_maxrss of a fork of this big process would carry its size)


def run(args, db) -> tuple[float, float, subprocess.CompletedProcess]:
    """``(wall seconds, peak MB, result)`` of ``songngu --db DB ARGS`` in a new process."""
    cmd = CLI + ["--db", str(db), *map(str, args)]
    if os.path.exists(TIME):
        cmd = [TIME, "-f", "@@peak %M"] + cmd
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - t0
    peak, err = float("nan"), res.stderr
    if b"@@peak " in err:
        err, _, tail = err.rpartition(b"@@peak ")
        peak = int(tail.split()[0]) / 1024
    return wall, peak, subprocess.CompletedProcess(args, res.returncode, res.stdout, err)


def make_store(folder: Path, entries, name: str):
    """Write *entries* as TSV, import them into a new store with the CLI; ``(db, seconds, peak MB)``."""
    from glossary.tsv import TsvGlossary

    tsv = folder / f"{name}.tsv"
    tsv.write_text(TsvGlossary(entries, []).serialize(), encoding="utf-8")
    db = folder / f"{name}.db"
    wall, peak, res = run(["import", "glossary", tsv, "--from", "tsv"], db)
    if res.returncode:
        sys.exit(res.stderr.decode())
    tsv.unlink()
    return db, wall, peak


def queries(entries, rng, count: int):
    from corpus.normalize import fold

    picked = rng.sample(entries, min(len(entries), 4 * count))
    forms = [f for e in picked for f, _ in e.forms("vi")[:1] + e.forms("en")[:1]]
    out = []
    for i in range(count):
        form = forms[i % len(forms)]
        kind = i % 5
        if kind == 0:
            out.append(("exact", form))
        elif kind == 1:
            out.append(("folded", fold(form)))
        elif kind == 2:
            at = rng.randrange(len(form))
            out.append(("fuzzy", form[:at] + rng.choice("aeiou") + form[at + 1:]))
        elif kind == 3:
            out.append(("contained", rng.choice(read("en", ("tst2012",)))))
        else:
            out.append(("none", rng.choice(["zebrafish", "hyperloop", "quetzal", "xylophones", "ngựa vằn"])))
    return out


def lookups(db, qs):
    walls, peaks = [], []
    for _, q in qs:
        wall, peak, res = run(["lookup", q], db)
        if res.returncode:
            sys.exit(f"lookup {q!r}: {res.stderr.decode()}")
        walls.append(wall)
        peaks.append(peak)
    return walls, peaks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--terms", type=int, nargs="*", default=[100_000])
    ap.add_argument("--runs", type=int, default=10, help="lookups per store (each a new process)")
    ap.add_argument("--mb", type=float, default=1.0, help="size of the checked draft")
    ap.add_argument("--no-check", action="store_true", help="skip the cold checks")
    args = ap.parse_args()
    from glossary.tsv import load_bundled

    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="songngu-glossary-bench-"))
    bundled = load_bundled()
    base_db, _, _ = make_store(folder, bundled, "bundled")
    draft = folder / "draft.vi.txt"
    lines = read("vi")
    text, i = [], 0
    while sum(map(len, text)) < args.mb * 2**20:
        text.append(lines[i % len(lines)])
        i += 1
    draft.write_text("\n".join(text) + "\n", encoding="utf-8")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; each figure a new process")
    for n in args.terms:
        entries, _, _ = glossary(n)
        db, wall, peak = make_store(folder, entries, f"g{n}")
        print(f"\n== {len(entries):,} entries ==")
        print(f"import glossary (TSV, CLI, one transaction): {wall:.1f} s ({len(entries) / wall:,.0f} entries/s), "
              f"peak {peak:.0f} MB, store {db.stat().st_size / 2**20:.0f} MB")
        qs = queries(entries, rng, args.runs)
        big, big_peak = [], []
        base, base_peak = [], []
        for q in qs:  # alternate, so that load on the machine hits both alike
            w, p = lookups(db, [q])
            big += w
            big_peak += p
            w, p = lookups(base_db, [q])
            base += w
            base_peak += p
        ratio = statistics.median(big) / statistics.median(base)
        print(f"cold lookup: median {statistics.median(big):.3f} s (max {max(big):.3f}), peak {max(big_peak):.0f} MB; "
              f"bundled glossary {statistics.median(base):.3f} s, peak {max(base_peak):.0f} MB: {ratio:.2f}x")
        for kind in ("exact", "folded", "fuzzy", "contained", "none"):
            ws = [w for (k, _), w in zip(qs, big) if k == kind]
            if ws:
                print(f"  {kind:>9}: median {statistics.median(ws):.3f} s ({len(ws)} queries)")
        if not args.no_check and n <= 200_000:
            cw, cp, res = run(["check", draft], db)
            bw, bp, _ = run(["check", draft], base_db)
            print(f"cold check of a {args.mb:g} MB draft (no source): {cw:.1f} s, peak {cp:.0f} MB; bundled "
                  f"glossary {bw:.1f} s, peak {bp:.0f} MB: {cw / bw:.1f}x (exit {res.returncode})")
        db.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
