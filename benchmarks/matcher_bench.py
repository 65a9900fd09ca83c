"""Throughput of the glossary matcher against a regex alternation, in the same run.

Three runs over 10 MB of text made of IWSLT'15 test sentences (both languages),
shuffled and repeated; two with 100,000 distinct terms synthesised from the
same test sets:

- ``glossary``: terms are the multi-word n-grams (2-6 tokens of letters) of
  tst2012, topped up with two- and three-word combinations of its content
  words; the text is tst2013. Like a domain glossary (names, titles, phrases)
  over unseen text: most terms never occur.
- ``bundled``: songngu's own glossary (its Vietnamese forms) over the text of ``glossary``.
- ``dense``: terms are n-grams of 1-6 tokens of both sets; the text is both
  sets, so every term occurs in it and most words are in a match (a worst
  case: the matches per MB are printed).

N-grams that begin or end with one of the 100 most frequent tokens are left out
(a glossary term does not begin with "the" or "của"). The regex alternation
(longest first, on word boundaries, over the same key) is too slow for 10 MB:
it runs on the first ``--regex-kb`` KB, the matcher on the same sample too.

When ahocorasick-rs is installed, each run also times the search engines alone
(pyahocorasick, which the matcher uses, and ahocorasick-rs) on the first
``--engine-mb`` MB.

Usage: python benchmarks/matcher_bench.py [--terms N] [--mb M] [--regex-kb K] [--repeat R]
       [--engine-mb E] [--shared DIR]
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
from glossary.tsv import load_bundled  # noqa: E402


def read_iwslt(shared: Path, names=("tst2012", "tst2013")) -> list[str]:
    """Non-empty lines of the IWSLT sets *names*, both languages, entities unescaped."""
    folder = shared / "data" / "iwslt15-en-vi"
    lines = []
    for name in names:
        for lang in ("en", "vi"):
            with open(folder / f"{name}.{lang}", encoding="utf-8") as fh:
                lines += [html.unescape(line.strip()) for line in fh if line.strip()]
    return lines


def ngrams(lines: list[str], stop: set, sizes) -> list[str]:
    """Distinct n-grams of letters not beginning or ending with a *stop* token, sorted."""
    grams = set()
    for line in lines:
        toks = line.split()
        for n in sizes:
            for i in range(len(toks) - n + 1):
                gram = toks[i:i + n]
                if all(t.isalpha() for t in gram) and gram[0].lower() not in stop \
                        and gram[-1].lower() not in stop:
                    grams.add(" ".join(gram))
    return sorted(grams)


def synthesise(lines: list[str], count: int, stop: set, rng: random.Random, dense: bool) -> list[str]:
    """*count* terms from *lines* (see the module docs)."""
    grams = ngrams(lines, stop, range(1 if dense else 2, 7))
    if dense or len(grams) >= count:
        return rng.sample(grams, min(count, len(grams)))
    words = sorted({t for line in lines for t in line.split() if t.isalpha() and t.lower() not in stop})
    terms = set(grams)
    while len(terms) < count:
        terms.add(" ".join(rng.sample(words, rng.choice((2, 3)))))
    return sorted(terms)


def make_text(lines: list[str], size: int, rng: random.Random) -> tuple[str, list[str]]:
    """*lines* shuffled and repeated to *size* UTF-8 bytes: (text, its lines)."""
    chunks, total = [], 0
    while total < size:
        block = lines[:]
        rng.shuffle(block)
        for line in block:
            chunks.append(line)
            total += len(line.encode()) + 1
            if total >= size:
                break
    return "\n".join(chunks), chunks


def as_entries(terms: list[str]) -> list[Entry]:
    return [Entry(f"t{i}", "phrase", t, t) for i, t in enumerate(terms)]


def timed(fn, repeat: int):
    """(median seconds, last result) of *repeat* calls."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run(name: str, entries: list[Entry], text: str, lines: list[str], args) -> float:
    """Print the figures of one run; returns the matcher's MB/s on the whole text."""
    mb = len(text.encode()) / 1e6
    terms = sorted({form for e in entries for form, _ in e.forms("vi", deprecated=True)})
    print(f"\n[{name}] {len(terms):,} terms; text {mb:.2f} MB, {len(lines):,} lines")
    t0 = time.perf_counter()
    matcher = Matcher(entries)
    matcher.find("x", "vi")
    print(f"  automaton build:       {time.perf_counter() - t0:7.2f} s")
    t_whole, found = timed(lambda: matcher.find(text, "vi"), args.repeat)
    t_lines, per_line = timed(lambda: sum(len(matcher.find(line, "vi")) for line in lines), 1)
    print(f"  matches: {len(found):,} ({len(found) / mb:,.0f} per MB)")
    print(f"  matcher, one call:     {mb / t_whole:7.2f} MB/s  ({t_whole:.2f} s, median of {args.repeat})")
    print(f"  matcher, line by line: {mb / t_lines:7.2f} MB/s  ({t_lines:.2f} s, {per_line:,} matches)")

    sample = text[: args.regex_kb * 1000]
    sample_mb = len(sample.encode()) / 1e6
    t0 = time.perf_counter()
    alternation = "|".join(re.escape(key(t).text) for t in sorted(terms, key=len, reverse=True))
    regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
    t_compile = time.perf_counter() - t0
    t_regex, regex_found = timed(lambda: regex.findall(key(sample, tones=False).text), 1)
    t_mine, mine_found = timed(lambda: matcher.find(sample, "vi"), args.repeat)
    print(f"  regex alternation:     {sample_mb / t_regex:7.2f} MB/s  (compile {t_compile:.1f} s; on the first "
          f"{sample_mb:.2f} MB: {len(regex_found):,} matches)")
    print(f"  matcher, same sample:  {sample_mb / t_mine:7.2f} MB/s  ({len(mine_found):,} matches, "
          f"median of {args.repeat})")
    print(f"  ratio matcher/regex:   {t_regex / t_mine:7.1f}x  (same sample, same run)")
    engines(matcher, terms, text[: args.engine_mb * 1_000_000], args.repeat)
    return mb / t_whole


def engines(matcher: Matcher, terms: list[str], text: str, repeat: int) -> None:
    """The search engine alone on the matcher's key of *text*: pyahocorasick (every
    occurrence, as the matcher uses it) against ahocorasick-rs (leftmost-longest), if installed."""
    try:
        import ahocorasick_rs
    except ImportError:
        print("  engines: ahocorasick-rs is not installed (pip install ahocorasick-rs to compare)")
        return
    from glossary.matcher import _pattern, _separated, _text_key, term_keys

    mb = len(text.encode()) / 1e6
    automaton, _ = matcher._automaton("vi", False, True)
    padded = " " + _separated(_text_key(text, False)[0]) + " "
    words = sorted({_pattern(k)[0] for t in terms for k in term_keys(t)} - {None})
    # separators doubled, so that non-overlapping matches can share the space between two terms
    rs = ahocorasick_rs.AhoCorasick([w.replace(" ", "  ") for w in words],
                                    matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    doubled = padded.replace(" ", "  ")
    t_py, _ = timed(lambda: sum(1 for _ in automaton.iter(padded)), repeat)
    t_rs, _ = timed(lambda: rs.find_matches_as_indexes(doubled), repeat)
    print(f"  engines on {mb:.1f} MB: pyahocorasick {mb / t_py:.1f} MB/s, ahocorasick-rs {mb / t_rs:.1f} MB/s "
          f"(ratio {t_py / t_rs:.1f}x, medians of {repeat})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", type=int, default=100_000)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--regex-kb", type=int, default=50, help="text size for the (slow) regex baseline")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engine-mb", type=int, default=2, help="text size for the engine comparison")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    if not (args.shared / "data" / "iwslt15-en-vi").is_dir():
        sys.exit(f"IWSLT data not found under {args.shared}/data (pass --shared)")

    both = read_iwslt(args.shared)
    stop = {tok for tok, _ in Counter(t.lower() for line in both for t in line.split()).most_common(100)}
    size = int(args.mb * 1_000_000)
    speeds = {}
    rng = random.Random(13)
    terms = synthesise(read_iwslt(args.shared, ("tst2012",)), args.terms, stop, rng, dense=False)
    text, lines = make_text(read_iwslt(args.shared, ("tst2013",)), size, rng)
    speeds["glossary"] = run("glossary", as_entries(terms), text, lines, args)
    speeds["bundled"] = run("bundled", load_bundled(), text, lines, args)
    terms = synthesise(both, args.terms, stop, rng, dense=True)
    text, lines = make_text(both, size, rng)
    speeds["dense"] = run("dense", as_entries(terms), text, lines, args)
    print()
    for name, speed in speeds.items():
        print(f"target 20 MB/s, {name}: {'meets' if speed >= 20 else 'misses'} ({speed:.1f} MB/s, one call)")


if __name__ == "__main__":
    main()
