"""Sentence-alignment quality and speed on tasks made from the IWSLT'15 en-vi pairs.

Tasks: tst2013 cut into documents of 50-200 lines; on each, random neighbours are
merged on one side (1-2 and 2-1 beads) and random lines deleted on one side (1-0 and
0-1), about 15% of beads not 1-1, fixed seed. The lexicon is learned from tst2012 (the
"translation memory"), never from the test documents. Strict precision, recall and F1
over the beads with both sides non-empty (pooled over documents, with the median of the
per-document F1 and the ratio to the length-only baseline of the same run), for:
Gale-Church length alone; + anchors; + a lexicon self-trained on the document; + the
tst2012 lexicon (the full aligner); the same with sentencepiece pieces (a model trained
at run time on tst2012, deleted after), whose F1 difference is also shown over five task
seeds. Then the self-trained lexicon on one long
document (all of tst2013), and two 10,000-sentence documents aligned in a child process:
wall and CPU seconds, peak resident memory.

    python benchmarks/align_eval.py             # the tables
    python benchmarks/align_eval.py --estimate  # RATIO and VARIANCE of tm/align/lengthmodel.py
    python benchmarks/align_eval.py --tune      # weight search on tst2012 tasks (lexicon: other tst2012 half)
"""
from __future__ import annotations

import argparse
import html
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.align import Lexicon, align  # noqa: E402
from tm.align.parallel import WEIGHTS  # noqa: E402

SHARED = Path(os.environ.get("SONGNGU_SHARED", ROOT.parent / "shared"))
IWSLT = SHARED / "data" / "iwslt15-en-vi"
SEED = 20240501
try:
    import sentencepiece  # noqa: F401  (optional: only for the comparison rows)
    HAVE_SENTENCEPIECE = True
except ImportError:
    HAVE_SENTENCEPIECE = False


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
    """Pooled strict (P, R, F1) over non-empty beads, and the median per-document F1."""
    tp = n_pred = n_gold = 0
    per_doc = []
    for vi, en, gold in tasks:
        result = align(vi, en, mode="parallel", **kw)
        pred = {(tuple(b.vi), tuple(b.en)) for b in result.pairs if b.vi and b.en}
        g = {b for b in gold if b[0] and b[1]}
        hit = len(pred & g)
        per_doc.append(2 * hit / max(len(pred) + len(g), 1))
        tp += hit
        n_pred += len(pred)
        n_gold += len(g)
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return p, r, 2 * p * r / max(p + r, 1e-9), statistics.median(per_doc)


def sentencepiece_tokenizer(texts, vocab_size=3000):  # tst2012 supports at most ~3000 pieces
    """A tokenizer of pieces from a sentencepiece model trained now on *texts*; the model
    files are deleted (the processor keeps the model in memory)."""
    import sentencepiece as spm

    from corpus.normalize import match_key

    folder = tempfile.mkdtemp(prefix="songngu-spm-")
    try:
        corpus = Path(folder) / "text.txt"
        corpus.write_text("\n".join(match_key(t) for t in texts), encoding="utf-8")
        spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(Path(folder) / "m"),
                                       vocab_size=vocab_size, character_coverage=1.0, minloglevel=2)
        model = spm.SentencePieceProcessor(model_file=str(Path(folder) / "m.model"))
    finally:
        shutil.rmtree(folder)
    return lambda text: [p for p in model.encode(match_key(text), out_type=str) if p != "\u2581"]


def sentencepiece_seeds(memory, seeds=(SEED, 1, 2, 3, 4)):
    """F1 with word and with sentencepiece lexicons on the tasks of several seeds."""
    words = Lexicon.from_pairs(memory)
    pieces = Lexicon.from_pairs(memory, tokenize=sentencepiece_tokenizer([t for pair in memory for t in pair]))
    out = []
    for seed in seeds:
        tasks = make_tasks(load("tst2013"), seed=seed)
        out.append((seed, prf(tasks, lexicon=words)[2], prf(tasks, lexicon=pieces)[2]))
    return out


def configs(memory):
    length_only = {**WEIGHTS, "anchor": 0.0, "anchor_miss": 0.0, "self_train": 0}
    anchors = {**WEIGHTS, "self_train": 0}
    lex = Lexicon.from_pairs(memory)
    yield "Gale-Church (length only)", dict(weights=length_only)
    yield "+ anchors", dict(weights=anchors)
    yield "+ anchors + self-trained lexicon (no memory)", dict(weights=WEIGHTS)
    yield "+ anchors + tst2012 lexicon, words (full)", dict(weights=WEIGHTS, lexicon=lex)
    if HAVE_SENTENCEPIECE:
        tok = sentencepiece_tokenizer([t for pair in memory for t in pair])
        yield "+ anchors + tst2012 lexicon, sentencepiece", dict(weights=WEIGHTS,
                                                              lexicon=Lexicon.from_pairs(memory, tokenize=tok))


def speed_task(n=10000, seed=SEED):
    """Two documents of exactly *n* sentences from tst2012 + tst2013 repeated (the tail of
    the longer side after the cut is left unpaired)."""
    pairs = load("tst2012") + load("tst2013")
    vi, en, _ = make_task([pairs[k % len(pairs)] for k in range(int(n * 1.12))], random.Random(seed))
    return vi[:n], en[:n]


def _memory_mib(field):
    """VmRSS or VmHWM (peak) of this process in MiB (Linux), else 0."""
    try:
        with open("/proc/self/status") as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith(field + ":")) / 1024
    except (OSError, StopIteration):
        return 0.0


def speed_child(memory: bool):
    """Run in a child process: align the speed task, print seconds and memory."""
    lexicon = Lexicon.from_pairs(load("tst2012")) if memory else None
    vi, en = speed_task()
    try:  # reset the peak to what is resident now (Linux >= 4.0)
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
    base = _memory_mib("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    result = align(vi, en, mode="parallel", lexicon=lexicon)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = _memory_mib("VmHWM")
    paired = sum(1 for b in result.pairs if b.vi and b.en)
    print(f"{len(vi)} {len(en)} {wall:.2f} {cpu:.2f} {peak:.0f} {peak - base:.0f} {paired}")


def speed():
    rows = []
    for memory in (False, True):
        cmd = [sys.executable, __file__, "--speed-child"] + (["--memory"] if memory else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()
        rows.append((memory, *out))
    return rows


def estimate():
    import numpy as np

    pairs = load("tst2012")
    lv = np.array([max(len(v.strip()), 1) for v, _ in pairs], float)
    le = np.array([len(e.strip()) for _, e in pairs], float)
    ratio = le.sum() / lv.sum()
    variance = float(np.mean((le - ratio * lv) ** 2 / lv))
    print(f"RATIO = {ratio:.3f}  VARIANCE = {variance:.2f}  ({len(pairs)} tst2012 pairs)")


def tune():
    """Coordinate search of the weights on tst2012 only: tasks from its first 800 pairs,
    the lexicon from the rest (tst2013 stays unseen)."""
    pairs = load("tst2012")
    tasks = make_tasks(pairs[:800])
    lex = Lexicon.from_pairs(pairs[800:])
    best = dict(WEIGHTS)
    grid = {"prior_22": [6.0, 9.0, 12.0], "lex": [0.05, 0.1, 0.25, 0.5], "lex_miss": [0.05, 0.12, 0.25],
            "prior_del": [3.0, 4.6, 6.0], "prior_merge": [1.5, 2.3, 3.0], "anchor": [1.0, 3.0, 5.0],
            "anchor_miss": [0.0, 0.5, 1.0]}
    best_f = prf(tasks, weights=best, lexicon=lex)[2]
    for name, values in grid.items():
        for v in values:
            trial = {**best, name: v}
            f = prf(tasks, weights=trial, lexicon=lex)[2]
            if f > best_f + 1e-4:
                best, best_f = trial, f
        print(f"{name} = {best[name]}  F1 {best_f:.4f}", flush=True)
    print(best)


def long_document():
    """Self-training on one long document: all of tst2013 as a single task."""
    task = make_task(load("tst2013"), random.Random(SEED))
    return [(name, prf([task], weights={**WEIGHTS, "self_train": st}))
            for name, st in (("+ anchors", 0), ("+ anchors + self-trained lexicon", 1))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--estimate", action="store_true")
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--speed-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not IWSLT.is_dir():
        sys.exit(f"IWSLT data missing at {IWSLT}")
    if args.speed_child:
        return speed_child(args.memory)
    if args.estimate:
        return estimate()
    if args.tune:
        return tune()
    from tm.align.lengthmodel import RATIO, VARIANCE

    estimate()
    print(f"(tm/align/lengthmodel.py ships RATIO = {RATIO}  VARIANCE = {VARIANCE})")
    tasks = make_tasks(load("tst2013"))
    beads = [b for _, _, gold in tasks for b in gold]
    other = sum(1 for b in beads if (len(b[0]), len(b[1])) != (1, 1))
    sizes = sorted(len(gold) for _, _, gold in tasks)
    print(f"{len(tasks)} tst2013 documents of {sizes[0]}-{sizes[-1]} beads, {len(beads)} beads, "
          f"{other / len(beads):.1%} not 1-1, seed {SEED}; memory: tst2012 ({len(load('tst2012'))} pairs)")
    header = f"{'aligner':46} {'P':>6} {'R':>6} {'F1':>6} {'median':>6} {'xbase':>6} {'s':>5}"
    print(header)
    base = None
    for name, kw in configs(load("tst2012")):
        t0 = time.perf_counter()
        p, r, f, med = prf(tasks, **kw)
        base = base or f
        print(f"{name:46} {p:6.3f} {r:6.3f} {f:6.3f} {med:6.3f} {f / base:6.3f} {time.perf_counter() - t0:5.1f}",
              flush=True)
    print("(median: of the per-document F1; xbase: F1 / length-only F1 of this run)")
    if HAVE_SENTENCEPIECE:
        print("sentencepiece minus words, full aligner, tst2013 tasks of five seeds:")
        diffs = [sp - w for _, w, sp in sentencepiece_seeds(load("tst2012"))]
        print("  " + "  ".join(f"{d:+.3f}" for d in diffs) + f"   median {statistics.median(diffs):+.3f}")
    else:
        print("(sentencepiece is not installed: its rows are left out)")
    print("one document of all 1268 tst2013 lines, no memory:")
    for name, (p, r, f, _) in long_document():
        print(f"  {name:44} {p:6.3f} {r:6.3f} {f:6.3f}")
    if not args.no_speed:
        for memory, n, m, wall, cpu, peak, grown, paired in speed():
            what = "with the tst2012 lexicon" if memory else "no memory (self-trained)"
            print(f"speed, {what}: {n} x {m} sentences in {wall} s wall, {cpu} s CPU; peak RSS {peak} MiB, "
                  f"+{grown} MiB while aligning; {paired} pairs")


if __name__ == "__main__":
    main()
