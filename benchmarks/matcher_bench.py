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

Each run also checks the results against the previous implementation, kept here
only (``OverlappingMatcher``: pyahocorasick reporting every overlapping occurrence,
leftmost-longest chosen in Python), on the whole text in the same run: the match
lists must be equal, and both speeds are printed; and ``find_many`` over the lines
must give the matches of one ``find`` per line.

Usage: python benchmarks/matcher_bench.py [--terms N] [--mb M] [--regex-kb K] [--repeat R] [--shared DIR]
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

import ahocorasick  # noqa: E402

from corpus.normalize import key  # noqa: E402
from glossary.matcher import _ASCII_SEP, _OTHER_SEP, _RANK, NARROW_MIN, Matcher, TermMatch, _choose, _pattern, \
    _text_key, term_keys  # noqa: E402
from glossary.model import Entry  # noqa: E402
from glossary.tsv import load_bundled  # noqa: E402


class OverlappingMatcher(Matcher):
    """The previous matcher, the baseline: every occurrence from pyahocorasick, then
    leftmost-longest chosen in a Python loop."""

    def _automaton(self, lang: str, folded: bool, deprecated: bool):
        spec = (lang, folded, deprecated)
        if spec not in self._automata:
            groups: dict[tuple, list] = {}
            for index, entry in enumerate(self.entries):
                for form, status in entry.forms(lang, deprecated=deprecated):
                    keys = term_keys(form, folded=folded)
                    cand = (_RANK[status], index, form, status, frozenset(keys))
                    for core, lead, trail in {_pattern(k) for k in keys} - {None}:
                        groups.setdefault((" " * lead + core + " " * trail, lead, trail), []).append(cand)
            automaton, candidates = None, []
            if groups:
                automaton = ahocorasick.Automaton()
                for (word, lead, trail), cands in groups.items():
                    cands = sorted(set(cands), key=lambda c: c[:4])
                    automaton.add_word(word, (lead - len(word), len(word) - lead - trail, len(candidates)))
                    candidates.append((cands, not (lead and trail)))
                automaton.make_automaton()
            self._automata[spec] = (automaton, candidates)
        return self._automata[spec]

    def find(self, text: str, lang: str, *, folded: bool = False, include_deprecated: bool = True):
        automaton, candidates = self._automaton(lang, folded, include_deprecated)
        if automaton is None or not text:
            return []
        k_text, span, unified = _text_key(text, folded)
        best: dict[int, tuple[int, int]] = {}
        get = best.get
        separated = k_text.encode("utf-8").translate(_ASCII_SEP).decode("utf-8")
        if _OTHER_SEP.search(separated):
            separated = _OTHER_SEP.sub(" ", separated)
        for end, (offset, inner, cid) in automaton.iter(" " + separated + " "):
            start = end + offset
            prev = get(start)
            if prev is None or prev[0] < inner:
                best[start] = (inner, cid)
        out, last_end = [], 0
        for start in sorted(best):
            if start < last_end:
                continue
            inner, cid = best[start]
            last_end = end = start + inner
            cands, edged = candidates[cid]
            cand = cands[0]
            o_start, o_end = span(start, end) if span else (start, end)
            if len(cands) > 1 or edged:
                cand, trim = _choose(cands, edged, k_text[start:end], text[o_start:o_end], unified)
                if trim:
                    start, end = start + trim[0], start + trim[1]
                    o_start, o_end = span(start, end) if span else (start, end)
            out.append(TermMatch(self.entries[cand[1]], o_start, o_end, text[o_start:o_end], cand[2], cand[3]))
        return out


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


def run(name: str, entries: list[Entry], text: str, lines: list[str], args) -> tuple[float, bool]:
    """Print the figures of one run; returns (the matcher's MB/s on the whole text, whether its
    matches equal the previous matcher's)."""
    mb = len(text.encode()) / 1e6
    terms = sorted({form for e in entries for form, _ in e.forms("vi", deprecated=True)})
    print(f"\n[{name}] {len(terms):,} terms; text {mb:.2f} MB, {len(lines):,} lines")
    t0 = time.perf_counter()
    matcher = Matcher(entries)
    matcher.find("x", "vi")
    t_general = time.perf_counter() - t0
    matcher.find("x " * NARROW_MIN, "vi")
    print(f"  automaton build:       {time.perf_counter() - t0:7.2f} s  (general {t_general:.2f} s, then the "
          f"one-byte search for long texts)")
    t_whole, found = timed(lambda: matcher.find(text, "vi"), args.repeat)
    t_lines, per_line = timed(lambda: [matcher.find(line, "vi") for line in lines], 1)
    t_many, many = timed(lambda: matcher.find_many(lines, "vi"), args.repeat)
    print(f"  matches: {len(found):,} ({len(found) / mb:,.0f} per MB)")
    print(f"  matcher, one call:     {mb / t_whole:7.2f} MB/s  ({t_whole:.2f} s, median of {args.repeat})")
    print(f"  matcher, line by line: {mb / t_lines:7.2f} MB/s  ({t_lines:.2f} s, {sum(map(len, per_line)):,} matches)")
    print(f"  find_many(lines):      {mb / t_many:7.2f} MB/s  ({t_many:.2f} s, median of {args.repeat}; "
          f"{'the same matches' if many == per_line else 'DIFFERENT matches'} as line by line)")

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
    t0 = time.perf_counter()
    baseline = OverlappingMatcher(entries)
    baseline.find("x", "vi")
    t_build = time.perf_counter() - t0
    t_old, old_found = timed(lambda: baseline.find(text, "vi"), args.repeat)
    print(f"  previous matcher:      {mb / t_old:7.2f} MB/s  ({t_old:.2f} s, median of {args.repeat}; "
          f"build {t_build:.2f} s; pyahocorasick, every occurrence)")
    print(f"  ratio matcher/previous: {t_old / t_whole:6.1f}x  (whole text, same run)")
    same = old_found == found
    print(f"  same matches as the previous matcher on the whole text: {'yes' if same else 'NO'} "
          f"({len(old_found):,} vs {len(found):,})")
    if not same:
        diff = next(i for i, (a, b) in enumerate(zip(old_found + [None], found + [None])) if a != b)
        print(f"    first difference at match {diff}: {old_found[diff:diff + 1]} vs {found[diff:diff + 1]}")
    return mb / t_whole, same and many == per_line


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", type=int, default=100_000)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--regex-kb", type=int, default=50, help="text size for the (slow) regex baseline")
    ap.add_argument("--repeat", type=int, default=3)
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
    for name, (speed, same) in speeds.items():
        print(f"target 20 MB/s, {name}: {'meets' if speed >= 20 else 'misses'} ({speed:.1f} MB/s, one call); "
              f"results {'equal to' if same else 'DIFFERENT from'} the previous matcher's")
    if not all(same for _, same in speeds.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
