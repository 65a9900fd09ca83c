"""Sentence-alignment quality and speed on tasks made from the IWSLT'15 en-vi pairs.

Tasks: tst2013 cut into documents of 50-200 lines; on each, random neighbours are
merged on one side (1-2 and 2-1 beads) and random lines deleted on one side (1-0 and
0-1), about 18% of beads not 1-1, fixed seed. The lexicon is learned from tst2012 (the
"translation memory"), never from the test documents. Strict precision, recall and F1
over the beads with both sides non-empty, for: Gale-Church length alone; + anchors;
+ the self-trained lexicon of the document; + the tst2012 lexicon; the same with
sentencepiece tokens (a model trained at run time on tst2012). Then two 10,000-sentence
documents are aligned, timed, with peak memory (tracemalloc).

    python benchmarks/align_eval.py             # the table
    python benchmarks/align_eval.py --estimate  # RATIO and VARIANCE of tm/align/lengthmodel.py
    python benchmarks/align_eval.py --tune      # weight search on tst2012 tasks (lexicon: tst2013)
"""
from __future__ import annotations

import argparse
import html
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.align import Lexicon, align  # noqa: E402
from tm.align.parallel import WEIGHTS  # noqa: E402

SHARED = Path(os.environ.get("SONGNGU_SHARED", ROOT.parent / "shared"))
IWSLT = SHARED / "data" / "iwslt15-en-vi"
SEED = 20240501


def load(name):
    read = lambda lang: [html.unescape(x.rstrip("\n")) for x in open(IWSLT / f"{name}.{lang}", encoding="utf-8")]
    return list(zip(read("vi"), read("en")))


def make_task(pairs, rng, p_merge=0.05, p_delete=0.025):
    """(vi sentences, en sentences, gold beads as (tuple vi, tuple en))."""
    beads, k = [], 0
    while k < len(pairs):
        r = rng.random()
        if r < p_merge and k + 1 < len(pairs):  # vi neighbours merged: 1-2
            beads.append(([pairs[k][0] + " " + pairs[k + 1][0]], [pairs[k][1], pairs[k + 1][1]]))
            k += 2
        elif r < 2 * p_merge and k + 1 < len(pairs):  # en neighbours merged: 2-1
            beads.append(([pairs[k][0], pairs[k + 1][0]], [pairs[k][1] + " " + pairs[k + 1][1]]))
            k += 2
        elif r < 2 * p_merge + p_delete:
            beads.append(([pairs[k][0]], []))
            k += 1
        elif r < 2 * p_merge + 2 * p_delete:
            beads.append(([], [pairs[k][1]]))
            k += 1
        else:
            beads.append(([pairs[k][0]], [pairs[k][1]]))
            k += 1
    vi, en, gold = [], [], []
    for bv, be in beads:
        gold.append((tuple(range(len(vi), len(vi) + len(bv))), tuple(range(len(en), len(en) + len(be)))))
        vi += bv
        en += be
    return vi, en, gold


def make_tasks(pairs, seed=SEED):
    rng = random.Random(seed)
    tasks, k = [], 0
    while k + 50 <= len(pairs):
        size = min(rng.randint(50, 200), len(pairs) - k)
        tasks.append(make_task(pairs[k:k + size], rng))
        k += size
    return tasks


def prf(tasks, **kw):
    tp = n_pred = n_gold = 0
    for vi, en, gold in tasks:
        result = align(vi, en, mode="parallel", **kw)
        pred = {(tuple(b.vi), tuple(b.en)) for b in result.pairs if b.vi and b.en}
        g = {b for b in gold if b[0] and b[1]}
        tp += len(pred & g)
        n_pred += len(pred)
        n_gold += len(g)
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def sentencepiece_tokenizer(texts, vocab_size=3000):  # tst2012 supports at most ~3000 pieces
    """A tokenizer of pieces from a sentencepiece model trained now on *texts* (nothing kept)."""
    import sentencepiece as spm

    from corpus.normalize import match_key

    folder = tempfile.mkdtemp(prefix="songngu-spm-")
    corpus = Path(folder) / "text.txt"
    corpus.write_text("\n".join(match_key(t) for t in texts), encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(Path(folder) / "m"),
                                   vocab_size=vocab_size, character_coverage=1.0, minloglevel=2)
    model = spm.SentencePieceProcessor(model_file=str(Path(folder) / "m.model"))
    return lambda text: [p for p in model.encode(match_key(text), out_type=str) if p != "\u2581"]


def configs(memory):
    length_only = {**WEIGHTS, "anchor": 0.0, "anchor_miss": 0.0, "self_train": 0}
    anchors = {**WEIGHTS, "self_train": 0}
    no_self = {**WEIGHTS, "self_train": 0}
    lex = Lexicon.from_pairs(memory)
    yield "Gale-Church (length only)", dict(weights=length_only)
    yield "+ anchors", dict(weights=anchors)
    yield "+ anchors + self-trained lexicon (no memory)", dict(weights=WEIGHTS)
    yield "+ anchors + tst2012 lexicon", dict(weights=no_self, lexicon=lex)
    yield "+ anchors + tst2012 lexicon + self-trained (full)", dict(weights=WEIGHTS, lexicon=lex)
    tok = sentencepiece_tokenizer([t for pair in memory for t in pair])
    yield "full, sentencepiece tokens", dict(weights=WEIGHTS, lexicon=Lexicon.from_pairs(memory, tokenize=tok))


def speed(pairs, n=10000, seed=SEED):
    rng = random.Random(seed)
    big = [pairs[k % len(pairs)] for k in range(n)]
    vi, en, _ = make_task(big, rng)
    vi, en = vi[:n], en[:n]
    tracemalloc.start()
    t0 = time.perf_counter()
    result = align(vi, en, mode="parallel")
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return len(vi), len(en), seconds, peak, len(result.pairs)


def estimate():
    import numpy as np

    pairs = load("tst2012")
    lv = np.array([max(len(v.strip()), 1) for v, _ in pairs], float)
    le = np.array([len(e.strip()) for _, e in pairs], float)
    ratio = le.sum() / lv.sum()
    variance = float(np.mean((le - ratio * lv) ** 2 / lv))
    print(f"RATIO = {ratio:.3f}  VARIANCE = {variance:.2f}  ({len(pairs)} tst2012 pairs)")


def tune():
    tasks = make_tasks(load("tst2012"))
    lex = Lexicon.from_pairs(load("tst2013"))
    best = dict(WEIGHTS)
    grid = {"prior_22": [6.0, 9.0, 12.0], "lex": [0.05, 0.1, 0.25, 0.5], "lex_miss": [0.05, 0.12, 0.25],
            "prior_del": [3.0, 4.6, 6.0], "prior_merge": [1.5, 2.3, 3.0], "anchor": [1.0, 3.0, 5.0],
            "anchor_miss": [0.0, 0.5, 1.0], "lex": [0.05, 0.1, 0.25, 0.5], "confident": [1.0, 2.0, 4.0]}
    best_f = prf(tasks, weights=best, lexicon=lex)[2]
    for name, values in grid.items():
        for v in values:
            trial = {**best, name: v}
            f = prf(tasks, weights=trial, lexicon=lex)[2]
            if f > best_f + 1e-4:
                best, best_f = trial, f
        print(f"{name} = {best[name]}  F1 {best_f:.4f}", flush=True)
    print(best)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estimate", action="store_true")
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    if not IWSLT.is_dir():
        sys.exit(f"IWSLT data missing at {IWSLT}")
    if args.estimate:
        return estimate()
    if args.tune:
        return tune()
    tasks = make_tasks(load("tst2013"))
    beads = [b for _, _, gold in tasks for b in gold]
    other = sum(1 for b in beads if (len(b[0]), len(b[1])) != (1, 1))
    print(f"{len(tasks)} tst2013 documents, {len(beads)} beads, {other / len(beads):.1%} not 1-1, seed {SEED}")
    print(f"{'aligner':52} {'P':>6} {'R':>6} {'F1':>6} {'s':>6}")
    base = None
    for name, kw in configs(load("tst2012")):
        t0 = time.perf_counter()
        p, r, f = prf(tasks, **kw)
        base = base or f
        print(f"{name:52} {p:6.3f} {r:6.3f} {f:6.3f} {time.perf_counter() - t0:6.1f}", flush=True)
    print(f"(F1 ratio full / length-only is printed per row above; baseline length-only F1 {base:.3f})")
    if not args.no_speed:
        n, m, seconds, peak, count = speed(load("tst2012") + load("tst2013"))
        print(f"speed: {n} x {m} sentences aligned in {seconds:.1f} s, peak memory {peak:.0f} MiB, {count} beads")


if __name__ == "__main__":
    main()
