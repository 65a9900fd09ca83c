"""Term projection on the issue-14 dev sets: check locates, correct fixes, nothing is damaged.

Sets (``tests/data``): ``projection_dev.tsv`` (tuned on) and ``projection_heldout.tsv`` (kept
aside, never tuned on). Each line: an English news sentence, a careful Vietnamese translation,
an MT-like draft with planted errors (``wrong span => glossary entry``; number errors are
listed but scored by the number rules, not here), or the reference itself (a clean line).

Figures per set:

- located: share of planted term errors for which ``check --source`` reports a term finding
  whose span covers the wrong words and at most one more word on each side;
- fixed: share of planted term errors after which the corrected line holds a form of the entry
  and none of the wrong span's own words (those not in any form of the entry);
- chrF-lowering lines: corrected lines whose sentence chrF against the reference is lower than
  the draft's;
- clean: on the human translations (all lines, as drafts): errors, warnings per 20 segments,
  lines ``correct`` changes;
- calibration: term edits per confidence band and the share that are right (an edit is right
  when, applied alone to the draft, it fixes a planted term error it overlaps); the band below
  0.7 holds the suggestions ``correct`` does not apply.

Memory: with ``--memory``, the lexicon and word units come from the real en-vi IWSLT pairs of
``../shared`` (and, for the held-out set only, from the dev set's references, as a user's
memory of earlier translations would); without it, from the glossary alone.

Usage::

    python benchmarks/projection_bench.py [--shared ../shared] [--memory [--units sentencepiece]]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.normalize import match_key  # noqa: E402
from glossary.matcher import Matcher  # noqa: E402
from glossary.tsv import load_bundled  # noqa: E402
from tm.qa.check import Checker  # noqa: E402
from tm.qa.correct import Corrector  # noqa: E402
from tm.qa.projection import Projector  # noqa: E402
from tm.qa.wordunits import WordUnits, tokens  # noqa: E402

DATA = ROOT / "tests" / "data"
SETS = (("dev", DATA / "projection_dev.tsv"), ("held-out", DATA / "projection_heldout.tsv"))
BANDS = ((0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
TERM_CHECKS = {"term-mistranslated", "term-deprecated", "term-untranslated", "garbled-term", "term-missing",
               "term-confused"}


def read_set(path) -> list[dict]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("id\t") or not line.strip():
            continue
        no, en, ref, draft, errs = (line.split("\t") + [""])[:5]
        errors = []
        for e in filter(None, errs.split(";")):
            wrong, target = e.split("=>")
            kind = "number" if target.endswith("@number") else "term"
            errors.append({"wrong": wrong, "target": target.removesuffix("@number"), "kind": kind})
        rows.append({"no": no, "en": en, "ref": ref, "draft": draft, "errors": errors})
    return rows


def memory_pairs(shared: Path, extra=()) -> list[tuple[str, str]]:
    folder = shared / "data" / "iwslt15-en-vi"
    pairs = []
    for name in ("tst2012", "tst2013"):
        vi = (folder / f"{name}.vi").read_text(encoding="utf-8").splitlines()
        en = (folder / f"{name}.en").read_text(encoding="utf-8").splitlines()
        import html
        pairs += [(html.unescape(v), html.unescape(e)) for v, e in zip(vi, en) if v.strip() and e.strip()]
    return pairs + list(extra)


def make_projector(matcher, pairs, units: str = "bigrams") -> Projector:
    if not pairs:
        return Projector(matcher)
    from tm.align.lexicon import Lexicon

    lex = Lexicon.from_pairs(pairs, threshold=0.2)
    texts = [v for v, _ in pairs] + [f for e in matcher.entries for f, _ in e.forms("vi")]
    if units == "sentencepiece":
        from tm.qa.wordunits import learn_sentencepiece

        word_units = learn_sentencepiece(texts)
    else:
        word_units = WordUnits.learn(texts)
    return Projector(matcher, lex, word_units)


def _wrong_words(err, entry) -> Counter:
    forms = set()
    for f, _ in entry.forms("vi"):
        forms |= {t.key for t in tokens(f)}
    return Counter(t.key for t in tokens(err["wrong"]) if t.key not in forms)


def _fixed(line_after: str, draft: str, err, entry, matcher) -> bool:
    found = sum(1 for m in matcher.find(line_after, "vi") if m.entry.id == entry.id and m.status != "deprecated")
    if not found:
        return False
    keys_after = Counter(t.key for t in tokens(line_after))
    keys_draft = Counter(t.key for t in tokens(draft))
    for k, n in _wrong_words(err, entry).items():
        if keys_after[k] > keys_draft[k] - n:
            return False
    return True


def _located(findings, draft: str, err) -> bool:
    start = draft.index(err["wrong"])
    end = start + len(err["wrong"])
    toks = tokens(draft)
    before = [t for t in toks if t.end <= start]
    after = [t for t in toks if t.start >= end]
    lo = before[-1].start if before else 0
    hi = after[0].end if after else len(draft)
    return any(f.check in TERM_CHECKS and f.start <= start and f.end >= end and f.start >= lo and f.end <= hi
               for f in findings)


def evaluate(rows, matcher, projector) -> dict:
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    checker = Checker(matcher=matcher, projector=projector)
    corrector = Corrector(matcher=matcher, projector=projector)
    total = located = fixed = lowered = 0
    bands = {b: [0, 0] for b in BANDS}
    misses = []
    for r in rows:
        report = checker.check(r["draft"], r["en"], src_lang="en")
        result = corrector.correct(r["draft"], r["en"], lang="vi", source_lang="en")
        after = result.text
        if chrf.sentence_score(after, [r["ref"]]).score < chrf.sentence_score(r["draft"], [r["ref"]]).score - 1e-9:
            lowered += 1
            misses.append(f"  chrF lowered, line {r['no']}: {after}")
        for err in r["errors"]:
            if err["kind"] != "term":
                continue
            entry = matcher.by_id[err["target"]]
            total += 1
            ok_loc = _located(report.findings, r["draft"], err)
            ok_fix = _fixed(after, r["draft"], err, entry, matcher)
            located += ok_loc
            fixed += ok_fix
            if not (ok_loc and ok_fix):
                misses.append(f"  line {r['no']}: {err['wrong']!r} -> {err['target']}: "
                              f"{'located' if ok_loc else 'NOT located'}, {'fixed' if ok_fix else 'NOT fixed'}")
        for e in result.edits + result.suggestions:
            if not e.rule.startswith("term") and e.rule != "entity-confusion":
                continue
            # Right: applied alone to the draft, the edit fixes a planted error it overlaps.
            alone = r["draft"][:e.start] + e.after + r["draft"][e.end:]
            ok = False
            for err in r["errors"]:
                if err["kind"] != "term":
                    continue
                a = r["draft"].index(err["wrong"])
                if e.start < a + len(err["wrong"]) and a < e.end:
                    ok = ok or _fixed(alone, r["draft"], err, matcher.by_id[err["target"]], matcher)
            for lo, hi in BANDS:
                if lo <= e.confidence < hi:
                    bands[lo, hi][0] += 1
                    bands[lo, hi][1] += ok
    clean_err = clean_warn = clean_changed = 0
    for r in rows:
        report = checker.check(r["ref"], r["en"], src_lang="en")
        clean_err += sum(1 for f in report.findings if f.severity == "error")
        clean_warn += sum(1 for f in report.findings if f.severity == "warning")
        if corrector.correct(r["ref"], r["en"], lang="vi", source_lang="en").text != r["ref"]:
            clean_changed += 1
            misses.append(f"  clean line {r['no']} changed")
    return {"lines": len(rows), "term_errors": total, "located": located, "fixed": fixed, "lowered": lowered,
            "clean_errors": clean_err, "clean_warnings_per_20": 20 * clean_warn / len(rows),
            "clean_changed": clean_changed, "bands": bands, "misses": misses}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--memory", action="store_true", help="learn the lexicon and word units from IWSLT (+ dev refs)")
    ap.add_argument("--units", choices=["bigrams", "sentencepiece"], default="bigrams",
                    help="with --memory: word units from bigram counts or from a sentencepiece model")
    ap.add_argument("--verbose", action="store_true", help="list the misses")
    args = ap.parse_args(argv)
    matcher = Matcher(load_bundled())
    dev = read_set(SETS[0][1])
    for name, path in SETS:
        rows = read_set(path)
        pairs = []
        if args.memory:
            extra = [(r["ref"], r["en"]) for r in dev] if name == "held-out" else []
            pairs = memory_pairs(Path(args.shared), extra)
        res = evaluate(rows, matcher, make_projector(matcher, pairs, args.units))
        n = res["term_errors"]
        print(f"{name}: {res['lines']} lines, {n} planted term errors "
              f"(memory: {'IWSLT' + (' + dev refs' if name == 'held-out' else '') if args.memory else 'none'})")
        print(f"  located by check  {res['located']:3d}/{n}  {100 * res['located'] / n:5.1f}%")
        print(f"  fixed by correct  {res['fixed']:3d}/{n}  {100 * res['fixed'] / n:5.1f}%")
        print(f"  lines whose chrF the correction lowers: {res['lowered']}")
        print(f"  clean references: {res['clean_errors']} errors, {res['clean_warnings_per_20']:.2f} warnings "
              f"per 20 segments, {res['clean_changed']} lines changed by correct")
        print("  term edits by confidence: " + ", ".join(
            f"[{lo:.1f},{min(hi, 1):.1f}) {ok}/{k} right" for (lo, hi), (k, ok) in res["bands"].items()))
        if args.verbose and name == "dev":  # the held-out set's misses are not looked at
            print("\n".join(res["misses"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
