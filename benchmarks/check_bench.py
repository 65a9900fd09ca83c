"""Speed of `songngu check`: a 1 MB draft against a 100,000-term glossary (target < 2 s).

The glossary is synthesised from the IWSLT text: every distinct word n-gram
the matcher benchmark would make (about 21,000 English and 32,000 Vietnamese,
all of them occurring in the draft: a dense worst case), then two such n-grams
joined (mostly absent from the text, as most terms of a large glossary are)
up to --terms, Vietnamese paired with English at random, plus the bundled
glossary. The draft is the IWSLT Vietnamese repeated to 1 MB and the source the
matching English lines. Times are medians of --repeat runs, each run shown too, and each check's
CPU time is compared with the baseline's in the same run (the median ratio is shown): the first check
is slower (the garbled-term finder caches what it learns of each term), and a one-shot
`songngu check` is a first run; a later one may hold a full garbage collection. The baseline,
measured in the same run, is one bare pass of the term matcher over every draft line: the least any glossary
check must do.

With --unseen the terms come from tst2012 only and the draft from tst2013, as
in a real glossary most of whose terms a given draft does not use.

Run:  python benchmarks/check_bench.py [--terms 100000] [--mb 1] [--repeat 3] [--unseen]
"""
from __future__ import annotations

import argparse
import gc
import html
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
IWSLT = ROOT.parent / "shared" / "data" / "iwslt15-en-vi"


def read(lang: str, names=("tst2012", "tst2013")) -> list[str]:
    lines = []
    for name in names:
        with open(IWSLT / f"{name}.{lang}", encoding="utf-8") as fh:
            lines += [html.unescape(line.rstrip("\n")) for line in fh]
    return lines


def synthesise_terms(lines, count: int, rng) -> tuple[list[str], int]:
    """*count* distinct terms and how many of them are n-grams of *lines*: every 1-4 word n-gram of
    letters not starting or ending with one of the 100 commonest words (as
    benchmarks/matcher_bench.py makes them), then two of those joined, up to *count*."""
    freq = Counter(tok.lower() for line in lines for tok in line.split())
    stop = {tok for tok, _ in freq.most_common(100)}
    grams = set()
    for line in lines:
        toks = line.split()
        for n in (1, 2, 3, 4):
            for i in range(len(toks) - n + 1):
                gram = toks[i:i + n]
                if all(t.isalpha() for t in gram) and gram[0].lower() not in stop \
                        and gram[-1].lower() not in stop:
                    grams.add(" ".join(gram))
    pool = sorted(grams)
    terms = rng.sample(pool, min(count, len(pool)))
    dense, seen = len(terms), set(terms)
    while len(terms) < count:
        term = f"{rng.choice(pool)} {rng.choice(pool)}"
        if term not in seen:
            seen.add(term)
            terms.append(term)
    return terms, dense


def glossary(n_terms: int, names=("tst2012", "tst2013")):
    from glossary.model import Entry
    from glossary.tsv import load_bundled

    rng = random.Random(5)
    bundled = load_bundled()
    n = n_terms - len(bundled)
    (vi, vi_dense), (en, en_dense) = synthesise_terms(read("vi", names), n, rng), synthesise_terms(read("en", names), n, rng)
    entries = bundled + [Entry(f"synthetic.{i}", "phrase", v, e) for i, (v, e) in enumerate(zip(vi, en))]
    return entries, vi_dense, en_dense


def timed(fn, repeat: int):
    """``(median wall time, median CPU time, last result, every wall time)`` of *repeat* calls of *fn*."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), result, walls


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", type=int, default=100_000)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--unseen", action="store_true",
                    help="terms from tst2012 only, the draft from tst2013: most terms do not occur in it")
    args = ap.parse_args()
    text_sets, term_sets = (("tst2013",), ("tst2012",)) if args.unseen else (("tst2012", "tst2013"),) * 2
    if not IWSLT.is_dir():
        sys.exit(f"IWSLT data missing at {IWSLT}")
    from tm.qa.check import Checker
    from tm.qa.garbled import finder_for

    vi, en = read("vi", text_sets), read("en", text_sets)
    pairs = [(v, e) for v, e in zip(vi, en) if v.strip() and e.strip()]
    draft_lines, source_lines, size = [], [], 0
    while size < args.mb * 1_000_000:
        for v, e in pairs:
            draft_lines.append(v)
            source_lines.append(e)
            size += len(v.encode("utf-8")) + 1
            if size >= args.mb * 1_000_000:
                break
    draft, source = "\n".join(draft_lines) + "\n", "\n".join(source_lines) + "\n"
    entries, vi_dense, en_dense = glossary(args.terms, term_sets)
    print(f"draft {len(draft.encode('utf-8')) / 1e6:.2f} MB ({'+'.join(text_sets)}), {len(draft_lines)} lines; "
          f"glossary {len(entries)} entries ({vi_dense} Vietnamese and {en_dense} English terms are "
          f"n-grams of {'+'.join(term_sets)}); median of {args.repeat}")

    def fresh():
        checker = Checker(entries)
        checker.check("Việt Nam và Triều Tiên.", "Viet Nam and the DPRK.", src_lang="en")  # matcher automata
        for lang in ("vi", "en"):  # and their searches for many lines (Matcher.find_many)
            checker.matcher.find_many(["Việt Nam và Triều Tiên."] * 100, lang)
        finder_for(checker.matcher, "vi")  # the garbled-term index
        return checker

    build_t, build_c, checker, _ = timed(fresh, args.repeat)
    # The indexes live as long as the process: frozen out of the collector's reach, as a process
    # serving checks would keep them (a full collection walks them for over a second).
    gc.collect()
    gc.freeze()
    matcher = checker.matcher
    # Baseline and checks interleaved, run by run: this machine's speed drifts over minutes, and
    # each check is compared with the baseline of its own run.
    jobs = {"baseline": lambda: [matcher.find(line, "vi") for line in draft_lines],
            "check without a source": lambda: checker.check(draft, src_lang="en"),
            "check with the source": lambda: checker.check(draft, source, src_lang="en")}
    walls, cpus, reports = {name: [] for name in jobs}, {name: [] for name in jobs}, {}
    for _ in range(args.repeat):
        for name, fn in jobs.items():
            _, cpu, reports[name], (wall,) = timed(fn, 1)
            walls[name].append(wall)
            cpus[name].append(cpu)
    med = statistics.median
    target = 2.0
    print("                                                    wall      CPU")
    print(f"baseline: one matcher pass over the draft         {med(walls['baseline']):6.2f} s "
          f"{med(cpus['baseline']):6.2f} s")
    print(f"glossary indexes (matcher, garbled-term finder)   {build_t:6.2f} s {build_c:6.2f} s  (once per run)")
    for name in list(jobs)[1:]:
        wall, ratio = med(walls[name]), med(c / b for c, b in zip(cpus[name], cpus["baseline"]))
        print(f"{name:<24}                          {wall:6.2f} s {med(cpus[name]):6.2f} s  ({ratio:4.1f}x baseline "
              f"CPU, {len(reports[name].findings)} findings)  {'OK' if wall < target else 'SLOW'} (< {target} s); "
              f"runs {', '.join(f'{t:.2f}' for t in walls[name])} s")
    print(f"with index building (a cold `songngu check` run)  {build_t + walls['check with the source'][0]:6.2f} s  "
          "(with the source, its first run)")


if __name__ == "__main__":
    main()
