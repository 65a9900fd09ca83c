"""corpus.spans: the one overlap test of check, correct and the conventions (the linear one-line
check rests on it; its speed is measured by benchmarks/long_line_bench.py, not here)."""
from __future__ import annotations

import random

from corpus.spans import Spans, overlaps


def test_spans_answer_as_the_plain_test_does():
    rng = random.Random(5)
    for _ in range(200):
        pairs = []
        for _ in range(rng.randrange(0, 30)):
            s = rng.randrange(0, 2000)
            pairs.append((s, s + rng.choice((0, 1, 3, 40, 70, 300))))
        spans = Spans(pairs[: len(pairs) // 2])
        for p in pairs[len(pairs) // 2:]:
            spans.append(p)
        assert list(spans) == pairs and len(spans) == len(pairs)
        for _ in range(50):
            a = rng.randrange(0, 2100)
            b = a + rng.choice((0, 1, 2, 65, 500))
            assert spans.overlaps(a, b) == overlaps(a, b, pairs) == overlaps(a, b, spans)


def test_one_long_line_is_checked_like_its_lines(seed_paths):
    """The draft as one line finds the same terms, numbers and dates as with its line breaks."""
    from glossary.tsv import load_bundled
    from tm.qa.check import Checker

    lines = [line for line in seed_paths["000"].read_text(encoding="utf-8").split("\n") if line.strip()][2:]
    checker = Checker(load_bundled())
    by_line = checker.check("\n".join(lines * 20))
    one = checker.check(" ".join(lines * 20))
    def what(report):
        return sorted((f.check, f.text) for f in report.findings if f.check != "untranslated")
    assert what(one) == what(by_line) and len(what(one)) > 100
