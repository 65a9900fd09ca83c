"""``songngu build``: documents in, translation units and glossary out, in one transaction.

Pairing rule (see :func:`tm.align.pair_documents`): ``NAME.vi.txt`` goes with ``NAME.en.txt``
(also ``NAME-vi.md``/``NAME_en.txt``: any separator, any suffix) as a text and its translation;
other documents pair by content, when they share enough facts (dates, amounts, names, glossary
terms). Every document left unpaired is reported with a warning that says how to pair it.
An empty file named on the command line is refused (nothing is stored); an empty file found
in a folder is skipped with a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from corpus.document import load_document
from corpus.errors import InputError
from tm.store import Store, Unit

SUFFIXES = (".txt", ".md", ".markdown", ".docx")
# Below this many parallel units the memory teaches the aligner too little.
MIN_LEXICON_UNITS = 200


def bundled_corpus() -> list[Path]:
    """The example corpus shipped with songngu (the three seed documents)."""
    folder = resources.files("corpus") / "examples"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(SUFFIXES))


def expand_paths(paths) -> list[Path]:
    """Files as given, folders expanded to their text and Markdown files (sorted)."""
    out = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                raise InputError(path, "folder holds no .txt or .md files (nor .docx)")
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise InputError(path, "no such file or folder")
    return out


@dataclass
class BuildReport:
    """What a build did."""

    documents: list = field(default_factory=list)  # {"name", "lang", "sentences", "new"}
    pairs: list = field(default_factory=list)  # {"vi", "en", "mode", "score", "units"}
    units_added: int = 0
    units_merged: int = 0
    glossary: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "documents": self.documents, "pairs": self.pairs, "units_added": self.units_added,
            "units_merged": self.units_merged, "glossary": self.glossary, "warnings": self.warnings,
        }

    def summary(self) -> str:
        new = sum(d["new"] for d in self.documents)
        lines = [f"documents: {len(self.documents)} read, {new} new"]
        for d in self.documents:
            lines.append(f"  {d['name']}  [{d['lang'] or '?'}]  {d['sentences']} sentences"
                         + ("" if d["new"] else "  (already stored)"))
        lines.append(f"document pairs: {len(self.pairs)}")
        for p in self.pairs:
            lines.append(f"  {p['vi']} <-> {p['en']}  {p['mode']}  {p['units']} units")
        lines.append(f"translation units: {self.units_added} added, {self.units_merged} already stored")
        g = self.glossary
        if g:
            lines.append(f"glossary: {g.get('added', 0)} added, {g.get('updated', 0)} updated, "
                         f"{g.get('unchanged', 0)} unchanged"
                         + (f", {g['kept']} user entries kept" if g.get("kept") else ""))
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def build(store: Store, paths=None, *, progress=None) -> BuildReport:
    """Ingest documents, align Vietnamese with English ones, load the bundled glossary.

    Parameters:
        store: an open store; everything happens in one transaction.
        paths: files or folders; None for the bundled example corpus.
        progress: optional callback ``(done, total, stage)``.
    """
    from glossary.matcher import Matcher
    from glossary.tsv import load_bundled
    from tm.align import Lexicon, pair_documents

    files = bundled_corpus() if paths is None else expand_paths(paths)
    named = {Path(p) for p in paths or () if not Path(p).is_dir()}
    docs, report = [], BuildReport()
    for i, path in enumerate(files, 1):
        doc = load_document(path)
        if not doc.sentences():
            if path in named:
                raise InputError(path, "no text to store (the file is empty or holds no sentences)")
            report.warnings.append(f"{doc.name}: skipped: no text (empty or no sentences)")
        else:
            docs.append(doc)
        _tick(progress, i, len(files), "reading")
    if not docs:
        raise InputError(paths[0] if paths else "corpus", "no document with text to store")
    with store.transaction():
        bundled = load_bundled()
        origins = store.glossary_origins()
        mine = [e for e in bundled if origins.get(e.id, "bundled") == "bundled"]
        report.glossary = store.upsert_glossary(mine, origin="bundled")
        report.glossary["kept"] = len(bundled) - len(mine)
        matcher = Matcher(store.glossary_entries())

        for doc in docs:
            doc_id, created = store.add_document(doc)
            sentences = doc.sentences()
            if created:
                store.add_sentences(doc_id, sentences)
            report.documents.append(
                {"name": doc.name, "lang": doc.lang, "sentences": len(sentences), "new": created})
            if doc.lang is None:
                report.warnings.append(f"{doc.name}: language not recognised (neither Vietnamese nor English)")

        lexicon = None
        if store.count_units("parallel") + store.count_units("imported") >= MIN_LEXICON_UNITS:
            lexicon = Lexicon.from_pairs((u.vi, u.en) for u in store.iter_units(("parallel", "imported")))

        doc_pairs = pair_documents(docs, matcher=matcher)
        for i, pair in enumerate(doc_pairs, 1):
            units, mode = _align_pair(pair, matcher, lexicon, report)
            added, merged = store.add_units(units)
            report.units_added += added
            report.units_merged += merged
            report.pairs.append({"vi": pair.vi_doc.name, "en": pair.en_doc.name, "mode": mode,
                                 "score": round(pair.score, 3), "units": len(units)})
            _tick(progress, i, len(doc_pairs), "aligning")
        report.warnings += _unpaired(docs, doc_pairs)
    return report


def _unpaired(docs, doc_pairs) -> list[str]:
    """A warning for every document no other document pairs with, saying how to pair it."""
    paired = {id(d) for p in doc_pairs for d in (p.vi_doc, p.en_doc)}
    langs = {d.lang for d in docs}
    out = []
    for d in docs:
        if id(d) in paired or d.lang is None:
            continue  # an unknown language has its own warning
        other = "en" if d.lang == "vi" else "vi"
        if other not in langs:
            why = f"no {'English' if other == 'en' else 'Vietnamese'} document among the inputs"
        else:
            why = "no document shares its name tag or enough of its facts (dates, amounts, names, terms)"
        out.append(f"{d.name}: not paired ({why}); name a text and its translation NAME.vi.txt and "
                   "NAME.en.txt to pair them")
    return out


def _align_pair(pair, matcher, lexicon, report) -> tuple[list[Unit], str]:
    """The units of a document pair, and the mode they were aligned in (a pair named as a
    translation that is none is mined as comparable, with a warning)."""
    from tm.align import align

    vi_sents, en_sents = pair.vi_doc.sentences(), pair.en_doc.sentences()
    result = align([s.text for s in vi_sents], [s.text for s in en_sents],
                   mode=pair.mode, matcher=matcher, lexicon=lexicon)
    report.warnings += [f"{pair.vi_doc.name} / {pair.en_doc.name}: {w}" for w in result.warnings]
    kind = "parallel" if result.mode == "parallel" else "comparable"
    units = []
    for bead in result.pairs:
        if not bead.vi or not bead.en:
            continue
        units.append(Unit(
            vi=" ".join(vi_sents[i].text for i in bead.vi),
            en=" ".join(en_sents[i].text for i in bead.en),
            kind=kind, score=round(bead.score, 4),
            provenance=[{
                "vi": {"doc": pair.vi_doc.name, "sentences": [vi_sents[i].index for i in bead.vi]},
                "en": {"doc": pair.en_doc.name, "sentences": [en_sents[i].index for i in bead.en]},
            }],
        ))
    return units, result.mode


def _tick(progress, done, total, stage):
    if progress is not None:
        progress(done, total, stage)
