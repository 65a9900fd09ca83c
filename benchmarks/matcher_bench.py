"""Throughput of the glossary matcher against a regex alternation, in the same run.

Terms: 100,000 distinct n-grams (1-4 tokens of letters) drawn at random from the
IWSLT'15 test sets (both languages), leaving out n-grams that begin or end with
one of the 100 most frequent tokens (a glossary term does not begin with "the"
or "của"). Text: the same IWSLT sentences, shuffled and repeated to 10 MB, so
every term occurs in it (a dense worst case: the matches per MB are printed).

Usage: python benchmarks/matcher_bench.py [--terms N] [--mb M] [--regex-kb K] [--shared DIR]
"""
from __future__ import annotations

import argparse
import html
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.normalize import key  # noqa: E402
from glossary.matcher import Matcher  # noqa: E402
from glossary.model import Entry  # noqa: E402


def read_iwslt(shared: Path) -> list[str]:
    folder = shared / "data" / "iwslt15-en-vi"
    lines = []
    for name in ("tst2012", "tst2013"):
        for lang in ("en", "vi"):
            with open(folder / f"{name}.{lang}", encoding="utf-8") as fh:
                lines += [html.unescape(line.strip()) for line in fh if line.strip()]
    return lines


def synthesise_terms(lines: list[str], count: int, rng: random.Random) -> list[str]:
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
    grams = sorted(grams)
    return rng.sample(grams, min(count, len(grams)))


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", type=int, default=100_000)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--regex-kb", type=int, default=100, help="text size for the (slow) regex baseline")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    if not (args.shared / "data" / "iwslt15-en-vi").is_dir():
        sys.exit(f"IWSLT data not found under {args.shared}/data (pass --shared)")

    rng = random.Random(13)
    lines = read_iwslt(args.shared)
    terms = synthesise_terms(lines, args.terms, rng)
    target = int(args.mb * 1_000_000)
    chunks, size = [], 0
    while size < target:
        block = lines[:]
        rng.shuffle(block)
        for line in block:
            chunks.append(line)
            size += len(line.encode()) + 1
            if size >= target:
                break
    text = "\n".join(chunks)
    mb = len(text.encode()) / 1e6
    entries = [Entry(f"t{i}", "phrase", t, t) for i, t in enumerate(terms)]
    print(f"terms: {len(terms)} IWSLT n-grams; text: {mb:.2f} MB, {len(chunks)} lines")

    t0 = time.perf_counter()
    matcher = Matcher(entries)
    matcher.find("x", "vi")
    print(f"automaton build: {time.perf_counter() - t0:.2f} s")

    t_key, _ = timed(lambda: key(text, tones=False), args.repeat)
    t_whole, found = timed(lambda: matcher.find(text, "vi"), args.repeat)
    t_lines, per_line = timed(lambda: sum(len(matcher.find(line, "vi")) for line in chunks), 1)
    print(f"matches: {len(found)} ({len(found) / mb:,.0f} per MB)")
    print(f"key() alone:           {mb / t_key:7.2f} MB/s  ({t_key:.2f} s, part of the matcher's time)")
    print(f"matcher, one call:     {mb / t_whole:7.2f} MB/s  ({t_whole:.2f} s, median of {args.repeat})")
    print(f"matcher, line by line: {mb / t_lines:7.2f} MB/s  ({t_lines:.2f} s, {per_line} matches)")

    sample = text[: args.regex_kb * 1000]
    sample_mb = len(sample.encode()) / 1e6
    t0 = time.perf_counter()
    alternation = "|".join(re.escape(key(t).text) for t in sorted(terms, key=len, reverse=True))
    regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    t_compile = time.perf_counter() - t0
    t_regex, regex_found = timed(lambda: regex.findall(key(sample, tones=False).text), 1)
    t_mine, mine_found = timed(lambda: matcher.find(sample, "vi"), args.repeat)
    print(f"regex alternation:     {sample_mb / t_regex:7.2f} MB/s  (compile {t_compile:.1f} s; "
          f"on the first {sample_mb:.2f} MB: {len(regex_found)} matches vs {len(mine_found)})")
    print(f"ratio matcher/regex:   {(mb / t_whole) / (sample_mb / t_regex):7.1f}x")
    verdict = "meets" if mb / t_whole >= 20 else "misses"
    print(f"target 20 MB/s: {verdict} ({mb / t_whole:.1f} MB/s)")


if __name__ == "__main__":
    main()
