"""Loopback load test of ``songngu serve``: lookups at a fixed rate, p95 latency.

The memory is the synthetic one of ``match_bench.py`` (IWSLT15 en-vi test pairs
recombined, one pair in ten held out) with the bundled glossary; the server runs
in its own process (``songngu serve``) on a free 127.0.0.1 port. Lookup queries
are 1-3 word windows of the held-out sentences (so hits and misses both occur),
half of them typed without diacritics, each answered with glossary entries and
up to 5 memory units (the page's lookup as you type).

Phases, each an open-loop schedule of ``--rate`` requests/s for ``--seconds``
(latency counted from the scheduled send time, so a stall shows up in full):

1. ``idle``: lookups alone;
2. ``with checks``: the same lookups while another client keeps posting a long
   draft to ``/api/check`` (all of tst2013 with its source, one after another).

Baseline in the same run: the same queries through ``Service.lookup`` in this
process, no HTTP, one at a time. Ratios are HTTP p95 over direct p95 and
"with checks" p95 over idle p95.

Usage::

    python benchmarks/serve_bench.py                      # 100k units
    python benchmarks/serve_bench.py --units 1000000      # 1M units (building it takes a few minutes once)
"""
from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import match_bench  # noqa: E402  (the synthetic memory, same seed and held-out split)

from corpus.normalize import fold  # noqa: E402


def queries(count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 2)
    _, held = match_bench.split_pool(match_bench.read_pairs(), seed)
    out = []
    while len(out) < count:
        vi, en = rng.choice(held)
        words = (vi if rng.random() < 0.6 else en).split()
        words = [w for w in words if any(ch.isalpha() for ch in w)]
        if not words:
            continue
        n = rng.randint(1, min(3, len(words)))
        at = rng.randrange(len(words) - n + 1)
        q = " ".join(words[at:at + n])
        out.append(fold(q) if rng.random() < 0.5 else q)
    return out


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(latencies) -> str:
    ms = [x * 1000 for x in latencies]
    return (f"p50 {statistics.median(ms):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms  "
            f"p99 {percentile(ms, 99):6.1f} ms  max {max(ms):6.1f} ms  (n={len(ms)})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--db", str(db), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/stats")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start: " + proc.stderr.read().decode()[-2000:])


def run_load(port: int, qs: list[str], rate: float, seconds: float, workers: int = 16):
    """Open loop: request i is due at start + i / rate; returns (latencies, errors)."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    lock = threading.Lock()
    nxt = [0]
    lat, errors = [], []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= total:
                break
            due = start + i / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                conn.request("GET", "/api/lookup?examples=5&q=" + quote(qs[i % len(qs)]))
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors.append(resp.status)
            except OSError as exc:
                errors.append(str(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            lat.append(time.perf_counter() - due)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=100_000, help="memory size (default 100000)")
    ap.add_argument("--rate", type=float, default=50.0, help="lookups per second (default 50)")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each phase (default 20)")
    ap.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp") + "/songngu-bench")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    db = match_bench.ensure_db(folder, args.units, args.seed)
    from glossary.tsv import load_bundled
    from tm.store import open_store
    from tm.web.service import Service

    store = open_store(db)
    with store.transaction():
        store.upsert_glossary(load_bundled(), origin="bundled")
    store.close()
    qs = queries(500, args.seed)

    service = Service(db)
    t0 = time.perf_counter()
    service.lookup(qs[0])  # loads the index
    warm = time.perf_counter() - t0
    for q in qs:  # warm: caches as a running server has them
        service.lookup(q, examples=5)
    direct = []
    for q in qs:
        t0 = time.perf_counter()
        service.lookup(q, examples=5)
        direct.append(time.perf_counter() - t0)
    hits = sum(1 for q in qs[:100] if service.lookup(q)["memory"])
    service.close()

    port = free_port()
    print(f"serve_bench: {args.units:,} units, {len(qs)} lookup queries ({hits}/100 with memory hits), "
          f"{args.rate:g}/s for {args.seconds:g} s per phase; index load {warm:.1f} s", flush=True)
    proc = start_server(db, port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for q in qs[:20]:  # the server's first lookups load its index
            conn.request("GET", "/api/lookup?q=" + quote(q))
            conn.getresponse().read()
        idle, idle_err = run_load(port, qs, args.rate, args.seconds)

        pairs = match_bench.read_pairs()
        draft = "\n".join(v for v, _ in pairs[1553:])
        source = "\n".join(e for _, e in pairs[1553:])
        body = json.dumps({"draft": draft, "source": source})
        stop = threading.Event()
        checks = []

        def checker():
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            while not stop.is_set():
                t0 = time.perf_counter()
                c.request("POST", "/api/check", body=body, headers={"Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                checks.append((r.status, time.perf_counter() - t0))

        th = threading.Thread(target=checker)
        th.start()
        time.sleep(0.5)
        busy, busy_err = run_load(port, qs, args.rate, args.seconds)
        stop.set()
        th.join()
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    d_p95 = percentile(direct, 95)
    print(f"  direct (Service.lookup, no HTTP)  {summary(direct)}")
    print(f"  HTTP idle                         {summary(idle)}  errors {len(idle_err)}")
    print(f"  HTTP with checks running          {summary(busy)}  errors {len(busy_err)}")
    check_s = [s for st, s in checks if st == 200]
    print(f"  checks during phase 2: {len(check_s)} of {len(draft.splitlines())} lines each, "
          f"median {statistics.median(check_s) if check_s else float('nan'):.2f} s")
    print(f"  ratios: HTTP idle p95 / direct p95 = {percentile(idle, 95) / d_p95:.2f}; "
          f"with checks p95 / idle p95 = {percentile(busy, 95) / percentile(idle, 95):.2f}")


if __name__ == "__main__":
    main()
