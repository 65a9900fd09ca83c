"""Fuzzy-match benchmark: songngu's index against rapidfuzz brute force and Translate Toolkit.

Synthetic memories are made by recombining the IWSLT15 en-vi test sentences
(../shared/data/iwslt15-en-vi): each unit splices the start of one sentence
pair onto the end of another (both languages cut at the same fractions).
One sentence pair in ten is held out. Queries:

- ``near``: a unit's source side with 1-3 random word edits (a known near-duplicate);
- ``none``: a held-out sentence (no near-duplicate in the memory).

For each size the script reports the import rate (units stored and indexed in
one transaction, as ``import tmx`` does), then in a fresh child process the
first query's time (loading what the search needs) against a later one's,
peak memory, per-query p50/p95 of ``Matcher.search_ids`` for top 5 at min 50
and for top 1 at min 75, the same statistics for a rapidfuzz brute-force scan
(``process.extract`` over every unit, token-coded, C loop) in the same run,
the speed-up, an exactness check (every brute-forced query's top scores equal
ours), a cold single ``songngu match`` (a new process, ``--min 75 --top 1``)
against the same process's start-up (``songngu --help``), concordance p50/p95 on two-word phrases,
the time and peak memory of a TMX export of every unit (in its own child
process: compare the peaks across sizes for constant memory), and at 100k units
Translate Toolkit's ``translate.search.match.matcher`` (character Levenshtein,
the peer to beat). Query times are also given in process CPU time, which other
load on the machine disturbs less.

Usage::

    python benchmarks/match_bench.py                 # 100k units
    python benchmarks/match_bench.py --million       # 100k and 1M units (about 10-15 min)
"""
from __future__ import annotations

import argparse
import html
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from corpus.normalize import fold  # noqa: E402
from tm.concordance import Concordance  # noqa: E402
from tm.index import WORD  # noqa: E402
from tm.match import Matcher, tokens  # noqa: E402
from tm.store import Unit, open_store  # noqa: E402

IWSLT = Path(os.environ.get("SONGNGU_SHARED", ROOT.parent / "shared")) / "data" / "iwslt15-en-vi"
TOP, MIN = 5, 50.0


def read_pairs():
    def lines(name, lang):
        with open(IWSLT / f"{name}.{lang}", encoding="utf-8") as fh:
            return [html.unescape(x.rstrip("\n")) for x in fh]
    pairs = []
    for name in ("tst2012", "tst2013"):
        pairs += [(v, e) for v, e in zip(lines(name, "vi"), lines(name, "en")) if v.strip() and e.strip()]
    return pairs


def split_pool(pairs, seed):
    rng = random.Random(seed)
    pairs = pairs[:]
    rng.shuffle(pairs)
    held = len(pairs) // 10
    return pairs[held:], pairs[:held]


def synthetic_units(pool, size, seed):
    """*size* distinct (vi, en) pairs spliced from *pool*."""
    rng = random.Random(seed)
    seen = set()
    split = [(v.split(), e.split()) for v, e in pool]
    while len(seen) < size:
        (av, ae), (bv, be) = rng.choice(split), rng.choice(split)
        f, g = rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75)
        vi = " ".join(av[:round(f * len(av))] + bv[round(g * len(bv)):])
        en = " ".join(ae[:round(f * len(ae))] + be[round(g * len(be)):])
        if vi and en and (vi, en) not in seen:
            seen.add((vi, en))
            yield vi, en


def ensure_db(folder: Path, size: int, seed: int) -> Path:
    path = folder / f"tm-{size}-{seed}.db"
    if path.exists():
        return path
    pool, _ = split_pool(read_pairs(), seed)
    tmp = path.with_suffix(".part")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    units = [Unit(vi, en, kind="parallel", provenance=[{"file": "synthetic"}])
             for vi, en in synthetic_units(pool, size, seed)]
    store = open_store(tmp)
    t0 = time.perf_counter()
    with store.transaction():  # as `import tmx` does: one transaction, the word index written in it
        for start in range(0, len(units), 10000):
            store.add_units(units[start:start + 10000])
    seconds = time.perf_counter() - t0
    store.close()
    os.replace(tmp, path)
    (Path(str(path) + ".import")).write_text(json.dumps({"s": seconds}))
    print(f"  made {path.name}: {size} units stored and indexed in {seconds:.0f} s "
          f"({size / seconds:,.0f} units/s, one transaction)", flush=True)
    return path


def make_queries(db: Path, count: int, seed: int):
    """Half near-duplicates of stored units, half held-out sentences; both languages."""
    rng = random.Random(seed + 1)
    _, held = split_pool(read_pairs(), seed)
    store = open_store(db)
    top = store.max_unit_id()
    vocab = {"vi": set(), "en": set()}
    for v, e in held:
        vocab["vi"].update(v.split())
        vocab["en"].update(e.split())
    vocab = {k: sorted(v) for k, v in vocab.items()}
    queries = []
    while len(queries) < count // 2:
        lang = rng.choice(("vi", "en"))
        (unit,) = store.get_units([rng.randint(1, top)]) or [None]
        if unit is None:
            continue
        words = unit.text(lang).split()
        for _ in range(rng.randint(1, 3)):
            op, at = rng.choice("sdi"), rng.randrange(len(words))
            if op == "s":
                words[at] = rng.choice(vocab[lang])
            elif op == "d" and len(words) > 1:
                del words[at]
            else:
                words.insert(at, rng.choice(vocab[lang]))
        queries.append({"kind": "near", "lang": lang, "text": " ".join(words)})
    for v, e in rng.sample(held, count - len(queries)):
        lang = rng.choice(("vi", "en"))
        queries.append({"kind": "none", "lang": lang, "text": v if lang == "vi" else e})
    store.close()
    return queries


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry the parent's
    size over a fork and exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(db: str, queries_path: str):
    """Child process: open the store, run the queries (the first one cold), print JSON."""
    queries = json.loads(Path(queries_path).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    store = open_store(db)
    matcher = Matcher(store)
    first = queries[0]
    matcher.search_ids(tokens(first["text"]), first["lang"], TOP, MIN)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    matcher.search_ids(tokens(first["text"]), first["lang"], TOP, MIN)
    again = time.perf_counter() - t0
    for lang in ("vi", "en"):  # what the other language's first query loads
        matcher.index.lengths(lang)
    out = {}
    for name, top, least in (("top5_min50", TOP, MIN), ("top1_min75", 1, 75.0)):
        rows = out[name] = []
        for q in queries:
            toks = tokens(q["text"])
            t, c = time.perf_counter(), time.process_time()
            res = matcher.search_ids(toks, q["lang"], top, least)
            rows.append({"ms": (time.perf_counter() - t) * 1000, "cpu_ms": (time.process_time() - c) * 1000,
                         "scores": [s for s, _ in res]})
    conc, rng, conc_ms = Concordance(store), random.Random(5), []
    for i, q in enumerate(queries[:200]):  # two-word phrases, every other Vietnamese one without diacritics
        words = q["text"].split()
        at = rng.randrange(max(1, len(words) - 1))
        phrase = " ".join(words[at:at + 2])
        phrase = fold(phrase) if q["lang"] == "vi" and i % 2 else phrase
        t = time.perf_counter()
        conc.search(phrase, lang=q["lang"], limit=20)
        conc_ms.append((time.perf_counter() - t) * 1000)
    peak = peak_mb()
    size = os.path.getsize(db)
    print(json.dumps({"cold_s": cold, "again_s": again, "peak_mb": peak, "db_mb": size / 2**20,
                      "results": out, "concordance_ms": conc_ms}))


def cold_cli(db: Path, queries, runs: int = 5):
    """Wall times of new ``songngu match`` processes (top 1, min 75) and of ``songngu --help`` (the
    start-up both pay), run alternately: ``(first match, median of the later ones, median start-up)``
    in seconds. The first is the first match after the import (nothing is built then)."""
    cli = [sys.executable, str(ROOT / "cli.py")]
    match, start = [], []
    for q in queries[:runs]:
        t = time.perf_counter()
        subprocess.run(cli + ["--help"], check=True, capture_output=True)
        start.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(cli + ["--db", str(db), "match", q["text"], "--lang", q["lang"], "--top", "1", "--min", "75"],
                       check=True, capture_output=True)
        match.append(time.perf_counter() - t)
    return match[0], statistics.median(match[1:]), statistics.median(start)


def export(db: str, out: str):
    """Child process: export every unit as TMX, print time and peak memory as JSON."""
    from tm.tmx import export_tmx

    store = open_store(db)
    t0 = time.perf_counter()
    count = export_tmx(store, out)
    seconds = time.perf_counter() - t0
    peak = peak_mb()
    print(json.dumps({"units": count, "s": seconds, "peak_mb": peak, "mb": os.path.getsize(out) / 2**20}))
    os.unlink(out)


class BruteForce:
    """rapidfuzz over every unit, tokens coded as characters; same score definition."""

    def __init__(self, db: Path):
        store = open_store(db)
        self.codes = {}
        self.choices = {"vi": [], "en": []}
        for unit in store.iter_units():
            self.choices["vi"].append(self.encode(tokens(unit.vi)))
            self.choices["en"].append(self.encode(tokens(unit.en)))
        store.close()

    def encode(self, toks, grow=True):
        out = []
        for t in toks:
            c = self.codes.get(t)
            if c is None:
                if not grow:
                    out.append("\x01")
                    continue
                c = self.codes[t] = chr(0x100 + len(self.codes))
            out.append(c)
        return "".join(out)

    def search(self, text, lang, top=TOP, least=MIN):
        q = self.encode(tokens(text), grow=False)
        hits = process.extract(q, self.choices[lang], scorer=Levenshtein.normalized_similarity,
                                limit=top, score_cutoff=least / 100)
        return [100 * s for _, s, _ in hits]


def tt_matcher(db: Path, queries, count):
    """Translate Toolkit's matcher over the same units (source = each query's language)."""
    from translate.search.match import matcher
    from translate.storage.base import TranslationStore, TranslationUnit

    store = open_store(db)
    stores = {"vi": TranslationStore(), "en": TranslationStore()}
    for u in store.iter_units():
        for lang, src, tgt in (("vi", u.vi, u.en), ("en", u.en, u.vi)):
            unit = TranslationUnit(src)
            unit.target = tgt
            stores[lang].units.append(unit)
    store.close()
    # Its heap compares units when two similarities tie; base units define no order.
    TranslationUnit.__lt__ = lambda a, b: id(a) < id(b)
    t0 = time.perf_counter()
    matchers = {lang: matcher(s, max_candidates=TOP, min_similarity=MIN, max_length=10000)
                for lang, s in stores.items()}
    setup = time.perf_counter() - t0
    times = []
    for q in queries[:count]:
        t = time.perf_counter()
        matchers[q["lang"]].matches(q["text"])
        times.append((time.perf_counter() - t) * 1000)
    return setup, times


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_size(args, size):
    print(f"\n== {size:,} units ==", flush=True)
    db = ensure_db(Path(args.dir), size, args.seed)
    queries = make_queries(db, args.queries, args.seed)
    qpath = Path(args.dir) / f"queries-{size}.json"
    qpath.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    child = subprocess.run([sys.executable, __file__, "_measure", str(db), str(qpath)],
                           check=True, capture_output=True, text=True)
    data = json.loads(child.stdout)
    imported = json.loads(Path(str(db) + ".import").read_text())["s"] if Path(str(db) + ".import").exists() else None
    if imported:
        print(f"import: {size:,} units stored and indexed in {imported:.1f} s ({size / imported:,.0f} units/s)")
    print(f"first query in a new process {data['cold_s'] * 1000:.0f} ms (open the store, load the token "
          f"sequences of its language), the same query again {data['again_s'] * 1000:.2f} ms; peak memory "
          f"{data['peak_mb']:.0f} MB, store file {data['db_mb']:.0f} MB")
    for name, rows in data["results"].items():
        for kind in ("near", "none", "all"):
            ms = [r["ms"] for r, q in zip(rows, queries) if kind in ("all", q["kind"])]
            print(f"  songngu {name} {kind:>4}: p50 {pct(ms, 50):7.2f} ms  p95 {pct(ms, 95):7.2f} ms  "
                  f"max {max(ms):7.2f} ms  ({len(ms)} queries)")
    ours = data["results"]["top5_min50"]
    if "concordance_ms" in data:
        cm = data["concordance_ms"]
        print(f"  concordance (two-word phrases, limit 20): p50 {pct(cm, 50):7.2f} ms  p95 {pct(cm, 95):7.2f} ms  "
              f"({len(cm)} phrases)")
    cpu = [r["cpu_ms"] for r in ours]
    print(f"  songngu  all, CPU time of the process (less sensitive to other load): p50 {pct(cpu, 50):7.2f} ms  "
          f"p95 {pct(cpu, 95):7.2f} ms")
    t0 = time.perf_counter()
    brute = BruteForce(db)
    print(f"  brute force setup (token coding, not timed below) {time.perf_counter() - t0:.1f} s")
    rng = random.Random(args.seed)
    sample = sorted(rng.sample(range(len(queries)), min(args.brute, len(queries))))
    bf_ms, bf_cpu, mismatches = [], [], 0
    for i in sample:
        t, c = time.perf_counter(), time.process_time()
        scores = brute.search(queries[i]["text"], queries[i]["lang"])
        bf_ms.append((time.perf_counter() - t) * 1000)
        bf_cpu.append((time.process_time() - c) * 1000)
        mine = ours[i]["scores"]
        if len(scores) != len(mine) or any(abs(a - b) > 1e-6 for a, b in zip(scores, mine)):
            mismatches += 1
    ours_sample = [ours[i]["ms"] for i in sample]
    print(f"  brute force : p50 {pct(bf_ms, 50):7.2f} ms  p95 {pct(bf_ms, 95):7.2f} ms  ({len(sample)} queries)")
    cpu_sample = [ours[i]["cpu_ms"] for i in sample]
    print(f"  speed-up on the same queries: p50 {statistics.median(bf_ms) / statistics.median(ours_sample):.0f}x, "
          f"mean {statistics.mean(bf_ms) / statistics.mean(ours_sample):.0f}x; in CPU time p50 "
          f"{statistics.median(bf_cpu) / statistics.median(cpu_sample):.0f}x, "
          f"mean {statistics.mean(bf_cpu) / statistics.mean(cpu_sample):.0f}x")
    print(f"  exactness: top-{TOP} scores equal brute force on {len(sample) - mismatches}/{len(sample)} queries")
    top1, bf1, bad1 = data["results"]["top1_min75"], [], 0
    for i in sample:
        t = time.perf_counter()
        scores = brute.search(queries[i]["text"], queries[i]["lang"], 1, 75.0)
        bf1.append((time.perf_counter() - t) * 1000)
        mine = top1[i]["scores"]
        bad1 += len(scores) != len(mine) or any(abs(a - b) > 1e-6 for a, b in zip(scores, mine))
    mine1 = [top1[i]["ms"] for i in sample]
    print(f"  top 1, min 75: brute force p50 {pct(bf1, 50):7.2f} ms; songngu p50 {pct(mine1, 50):.2f} ms on the "
          f"same queries ({statistics.median(bf1) / statistics.median(mine1):.0f}x); equal top-1 scores on "
          f"{len(sample) - bad1}/{len(sample)}")
    first, cold, start = cold_cli(db, queries)
    print(f"  cold `songngu match --top 1 --min 75` (new process): the first after the import {first:.2f} s, "
          f"later ones median {cold:.2f} s ({first / cold:.2f}x); `songngu --help` {start:.2f} s in the same run "
          f"(match {cold / start:.1f}x the start-up)")
    tmx = Path(args.dir) / f"export-{size}.tmx"
    child = subprocess.run([sys.executable, __file__, "_export", str(db), str(tmx)],
                           check=True, capture_output=True, text=True)
    ex = json.loads(child.stdout)
    print(f"  TMX export: {ex['units']:,} units in {ex['s']:.1f} s ({ex['units'] / ex['s']:,.0f} units/s), "
          f"{ex['mb']:.0f} MB file, peak memory {ex['peak_mb']:.0f} MB (export process)")
    if size <= 100_000 and args.tt:
        setup, tt = tt_matcher(db, queries, args.tt)
        ours_tt = [r["ms"] for r in ours[:args.tt]]
        print(f"  Translate Toolkit matcher: setup {setup:.1f} s, p50 {pct(tt, 50):7.1f} ms  "
              f"p95 {pct(tt, 95):7.1f} ms  ({len(tt)} queries); songngu is "
              f"{statistics.median(tt) / statistics.median(ours_tt):.0f}x faster at p50")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        measure(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_export":
        export(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--million", action="store_true", help="also run at 1,000,000 units")
    ap.add_argument("--sizes", type=int, nargs="*", help="explicit sizes (overrides the defaults)")
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--brute", type=int, default=40, help="queries also run by brute force")
    ap.add_argument("--tt", type=int, default=20, help="queries run by Translate Toolkit (0: skip)")
    ap.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp") + "/songngu-bench")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not IWSLT.is_dir():
        sys.exit(f"IWSLT data missing at {IWSLT} (../shared)")
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    sizes = args.sizes or ([100_000, 1_000_000] if args.million else [100_000])
    print(f"fuzzy match, top {TOP}, min {MIN:g}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    for size in sizes:
        run_size(args, size)


if __name__ == "__main__":
    main()
