"""TMX import/export benchmark: units kept as written, against a bare parse of the same file.

A synthetic TMX of N units is made from the IWSLT15 en-vi test sentences
(../shared/data/iwslt15-en-vi), recombined as in ``match_bench.py``: every
``tu`` has a tuid, dates, a creationid and two props, a third language (the
English text labelled ``fr-CA``) and an ``en-GB`` variant on one unit in five;
one in ten carries inline tags; 5% are exact duplicates and 5% variants (the
same keys, other case). Each step runs in its own child process, which reports
its wall time and peak memory:

- ``parse``: lxml ``iterparse`` over the file, clearing each ``tu`` (the floor
  any streaming reader pays; the baseline of the same run);
- ``import``: ``songngu import tmx`` into a fresh store (one transaction);
- ``export``: ``songngu export tmx`` of that store.

With ``--compare-with DIR`` (another songngu checkout, e.g. ``git archive main``
unpacked), its import and export run on the same file too.

Usage::

    python benchmarks/tmx_bench.py                  # 100k units, and 10k for the memory comparison
    python benchmarks/tmx_bench.py --units 20000 --compare-with /tmp/main-src
"""
from __future__ import annotations

import argparse
import html
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IWSLT = Path(os.environ.get("SONGNGU_SHARED", ROOT.parent / "shared")) / "data" / "iwslt15-en-vi"


def _pairs():
    def lines(name, lang):
        with open(IWSLT / f"{name}.{lang}", encoding="utf-8") as fh:
            return [html.unescape(line.strip()) for line in fh]

    out = []
    for name in ("tst2012", "tst2013"):
        out += [(v, e) for v, e in zip(lines(name, "vi"), lines(name, "en")) if v and e]
    return out


def _esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_tmx(path: Path, n: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    pairs = _pairs()
    written, texts = [], []
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="bench" '
                 'creationtoolversion="1" segtype="sentence" o-tmf="bench" adminlang="en-US" srclang="en-US" '
                 'datatype="plaintext"><prop type="x-project">bench</prop></header>\n<body>\n')
        for i in range(n):
            roll = rng.random()
            if written and roll < 0.05:
                fh.write(rng.choice(written))  # an exact duplicate
                continue
            if roll < 0.10 and texts:
                vi, en = (t.upper() for t in rng.choice(texts))  # a variant: another unit's keys
            else:
                (v1, e1), (v2, e2) = rng.choice(pairs), rng.choice(pairs)
                cut = rng.uniform(0.3, 0.7)
                vi = " ".join(v1.split()[:max(1, int(len(v1.split()) * cut))] + v2.split()[int(len(v2.split()) * cut):])
                en = " ".join(e1.split()[:max(1, int(len(e1.split()) * cut))] + e2.split()[int(len(e2.split()) * cut):])
                if len(texts) < 5000:
                    texts.append((vi, en))
            en_seg = _esc(en)
            if i % 10 == 0:
                en_seg = f'<bpt i="1">&lt;b&gt;</bpt>{en_seg}<ept i="1">&lt;/b&gt;</ept>'
            gb = f'<tuv xml:lang="en-GB"><seg>{_esc(en)}</seg></tuv>' if i % 5 == 0 else ""
            tu = (f'<tu tuid="b{i}" creationdate="20240102T030405Z" creationid="bench" changedate="20240203T040506Z">'
                  f'<prop type="x-context-pre">{i - 1}</prop><prop type="x-Filename">doc{i % 97}.html</prop>'
                  f'<tuv xml:lang="en-US"><seg>{en_seg}</seg></tuv>{gb}<tuv xml:lang="vi-VN"><seg>{_esc(vi)}</seg>'
                  f'</tuv><tuv xml:lang="fr-CA"><seg>{_esc(en)}</seg></tuv></tu>\n')
            fh.write(tu)
            if len(written) < 5000:
                written.append(tu)
        fh.write("</body>\n</tmx>\n")


def _child(step: str, tmx: str, db: str, out: str, src: str) -> None:
    sys.path.insert(0, src)
    start = time.perf_counter()
    if step == "parse":
        from lxml import etree

        count = 0
        for _, elem in etree.iterparse(tmx, events=("end",), tag="tu"):
            count += 1
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
        figure = count
    elif step == "import":
        from tm.store import open_store
        from tm.tmx import import_tmx

        report = import_tmx(open_store(db), [tmx])
        figure = f"{report['added']:,} added, {report.get('variants', 0):,} variants, {report['merged']:,} merged"
    else:
        from tm.store import open_store
        from tm.tmx import export_tmx

        figure = export_tmx(open_store(db), out)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "figure": figure}))


def _run(step, tmx, db, out, src):
    run = subprocess.run([sys.executable, __file__, "_child", step, str(tmx), str(db), str(out), str(src)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        _child(*sys.argv[2:7])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--compare-with", help="another songngu checkout to run on the same file")
    args = ap.parse_args()
    sources = [("songngu", ROOT)] + ([("compared", Path(args.compare_with))] if args.compare_with else [])
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted({args.units // 10, args.units}):
            tmx = Path(tmp) / f"bench-{n}.tmx"
            make_tmx(tmx, n)
            base = _run("parse", tmx, "", "", ROOT)
            print(f"{n:,} tu ({tmx.stat().st_size / 1e6:.1f} MB): parse {base['seconds']:.2f} s, "
                  f"peak {base['peak_mb']:.0f} MB")
            for label, src in sources:
                db, out = Path(tmp) / f"{label}-{n}.db", Path(tmp) / f"{label}-{n}.out.tmx"
                imp = _run("import", tmx, db, out, src)
                exp = _run("export", tmx, db, out, src)
                print(f"  {label}: import {imp['seconds']:.2f} s ({imp['seconds'] / base['seconds']:.1f}x parse, "
                      f"{n / imp['seconds']:,.0f} tu/s, {imp['figure']}, peak {imp['peak_mb']:.0f} MB); "
                      f"export {exp['seconds']:.2f} s ({exp['figure']:,} tu, peak {exp['peak_mb']:.0f} MB, "
                      f"{out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
