"""songngu command line: a thin click layer over the tm, corpus and glossary packages."""
from __future__ import annotations

import gc
import html
import json
import os
import sqlite3
import sys
import traceback
from importlib.metadata import PackageNotFoundError, version

import click

from corpus.errors import Interrupted, SongnguError

try:
    __version__ = version("songngu")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+source"


class Failure(click.ClickException):
    """A user-facing error: one line on stderr, exit code 2."""

    exit_code = 2


def fail(message: str):
    raise Failure(message)


class SongnguGroup(click.Group):
    """Turns library errors into one-line messages (``--debug`` shows the traceback)."""

    def invoke(self, ctx):
        # A command builds large, long-lived and acyclic tables (glossary indexes, matches): the
        # default collector would walk them again every 700 allocations (a quarter of check's time).
        gc.set_threshold(100_000, 20, 20)
        try:
            try:
                return super().invoke(ctx)
            except click.exceptions.Exit:
                raise
            except BaseException:
                _failed(ctx)
                raise
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Interrupted as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(130)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            ctx.exit(130)
        except SongnguError as exc:
            if ctx.obj and ctx.obj.debug:
                traceback.print_exc()
            raise Failure(str(exc)) from None
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except sqlite3.DatabaseError as exc:  # a store damaged after it was opened
            if ctx.obj and ctx.obj.debug:
                traceback.print_exc()
            raise Failure(f"{ctx.obj.name if ctx.obj else 'store'}: the store is damaged or unreadable ({exc})") from None
        except (OSError, UnicodeError) as exc:
            if ctx.obj and ctx.obj.debug:
                traceback.print_exc()
            name = getattr(exc, "filename", None)
            raise Failure(f"{name}: {exc.strerror or exc}" if name else str(exc)) from None
        except Exception as exc:  # a bug: still no traceback unless asked
            if ctx.obj and ctx.obj.debug:
                raise
            click.echo(f"Error: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                       err=True)
            ctx.exit(1)


def _failed(ctx) -> None:
    """A command failed: remove the store it created and left empty (see tm.store.discard_if_empty)."""
    obj = ctx.obj if isinstance(ctx.obj, Context) else None
    if obj is not None and obj._store is not None:
        from tm.store import discard_if_empty

        if discard_if_empty(obj._store):
            obj._store = None


class Context:
    """What every command gets: the store path and how to open it."""

    def __init__(self, db, debug):
        self.db, self.debug = db, debug
        self._store = None

    def store(self, create: bool = False):
        """The store; with ``create=False`` a missing store is an error."""
        if self._store is None:
            from tm.store import open_store

            self._store = open_store(self.db, create=create)
        return self._store

    def has_store(self) -> bool:
        """Whether there is a store to read (a file that exists, or a server URL)."""
        from tm.store import store_exists

        return store_exists(self.db)

    @property
    def name(self) -> str:
        """The store as shown to the user (a URL without its password)."""
        from tm.store import store_name

        return store_name(self.db)

    def close(self):
        if self._store is not None:
            self._store.close()


pass_ctx = click.make_pass_decorator(Context)


def echo_json(data) -> None:
    """Print *data* as indented UTF-8 JSON."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def progress(label: str):
    """A progress callback ``(done, total)`` drawing a bar on a terminal only."""
    if not sys.stderr.isatty():
        return None
    state = {}

    def update(done, total, stage=label):
        bar = state.get(stage)
        if bar is None:
            for old in state.values():
                old.render_finish()
            bar = state[stage] = click.progressbar(length=total or 1, label=stage, file=sys.stderr)
            bar.render_progress()
        bar.update(done - bar.pos)
        if total and done >= total:
            bar.render_finish()

    return update


class BoundedFloat(click.FloatRange):
    """A float within bounds; ``nan`` (which compares false with every bound) is refused."""

    name = "number"

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number in the range {self._describe_range()}", param, ctx)
        return number


FORMAT_TEXT_JSON = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                                show_default=True, help="Output format.")


@click.group(cls=SongnguGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False), envvar="SONGNGU_DB", default="songngu.db",
              show_default=True, help="Store: a file, or postgresql://user@host/db for a team's shared store (or set SONGNGU_DB).")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.version_option(__version__, prog_name="songngu")
@click.pass_context
def main(ctx, db, debug):
    """songngu: Vietnamese-English translation memory and terminology.

    \b
    Example:
      songngu build && songngu lookup "Bình Nhưỡng"
    """
    ctx.obj = Context(db, debug)
    ctx.call_on_close(ctx.obj.close)


# --- build ---
@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=False))
@FORMAT_TEXT_JSON
@pass_ctx
def build(obj, paths, fmt):
    """Build the store from documents (default: the bundled example corpus).

    Reads plain-text or Markdown files (or folders of them), splits them into
    sentences, pairs Vietnamese with English documents, aligns them into
    translation units and loads the bundled glossary. Rebuilding the same
    inputs changes nothing.

    \b
    Example:
      songngu build
      songngu build reports/2024/*.txt
    """
    from tm.build import build as run_build

    report = run_build(obj.store(create=True), list(paths) or None, progress=progress("build"))
    if fmt == "json":
        echo_json(report.to_dict())
        return
    click.echo(report.summary())


# --- stats ---
@main.command()
@FORMAT_TEXT_JSON
@pass_ctx
def stats(obj, fmt):
    """Counts of documents, segments, translation units and glossary terms.

    \b
    Example:
      songngu stats --format json
    """
    data = obj.store().stats()
    if fmt == "json":
        echo_json(data)
        return
    kinds = ", ".join(f"{n} {k}" for k, n in data["units_by_kind"].items())
    click.echo(f"store:      {obj.name} (schema {data['schema_version']})")
    click.echo(f"documents:  {data['documents']}")
    click.echo(f"segments:   {data['segments']}")
    click.echo(f"units:      {data['units']} ({kinds})")
    click.echo(f"terms:      {data['terms']}")


# --- align ---
def _align_side(path, lines: bool, unescape: bool):
    """(numbers, texts) of a file: 1-based line numbers with --lines, else sentence numbers."""
    from corpus.document import load_document
    from corpus.reader import read_lines

    if lines:
        rows = [(k, t.strip()) for k, t in enumerate(read_lines(path, unescape=unescape), 1) if t.strip()]
        return [k for k, _ in rows], [t for _, t in rows]
    sentences = load_document(path).sentences()
    return [s.index for s in sentences], [html.unescape(s.text) if unescape else s.text for s in sentences]


def _align_helpers(obj):
    """(glossary matcher, lexicon of the store) when available."""
    matcher = lexicon = None
    try:
        from glossary.matcher import Matcher
        from glossary.tsv import load_bundled

        matcher = Matcher(load_bundled())
    except ImportError:
        pass
    if obj.has_store():
        from tm.align import Lexicon
        from tm.build import MIN_LEXICON_UNITS

        store = obj.store()
        kinds = ("parallel", "imported")
        if store.count_units(kinds) >= MIN_LEXICON_UNITS:
            lexicon = Lexicon.from_pairs((u.vi, u.en) for u in store.iter_units(kinds))
        if store.glossary_entries() and matcher is not None:
            matcher = Matcher(store.glossary_entries())
    return matcher, lexicon


@main.command()
@click.argument("vi_file", type=click.Path(dir_okay=False))
@click.argument("en_file", type=click.Path(dir_okay=False))
@click.option("--lines", is_flag=True, help="One sentence per line (no sentence splitting).")
@click.option("--unescape", is_flag=True,
              help="Decode HTML entities (&quot; -> \") as found in Moses-tokenized corpora.")
@click.option("--mode", type=click.Choice(["parallel", "comparable", "auto"]), default="parallel",
              show_default=True, help="A text and its translation, articles on the same events, or guess.")
@click.option("--min-score", type=BoundedFloat(0, 1), default=None,
              help="Drop pairs scoring below this (0-1); comparable default 0.6.")
@click.option("--format", "fmt", type=click.Choice(["text", "tsv", "json", "tmx"]), default="text",
              show_default=True, help="Output format.")
@click.option("--store", "to_store", is_flag=True, help="Also add the pairs to the translation memory.")
@pass_ctx
def align(obj, vi_file, en_file, lines, unescape, mode, min_score, fmt, to_store):
    """Align a Vietnamese and an English document into sentence pairs.

    Prints the pairs without storing them (--store adds them to the memory, kind
    parallel or comparable). Numbers are 1-based sentences, or lines with --lines;
    an empty side marks a sentence left unpaired.

    \b
    Example:
      songngu align bai.vi.txt article.en.txt --format json
      songngu align talk.vi talk.en --lines --unescape --store
    """
    from tm.align import align as align_texts

    vi_nums, vi_texts = _align_side(vi_file, lines, unescape)
    en_nums, en_texts = _align_side(en_file, lines, unescape)
    matcher, lexicon = _align_helpers(obj)
    result = align_texts(vi_texts, en_texts, mode=mode, matcher=matcher, lexicon=lexicon, min_score=min_score)
    if not result.pairs and result.warnings and result.mode != "comparable":
        fail(f"{vi_file} / {en_file}: " + "; ".join(result.warnings))
    for w in result.warnings:
        click.echo(f"warning: {vi_file} / {en_file}: {w}", err=True)
    rows = [{"vi": [vi_nums[i] for i in b.vi], "en": [en_nums[j] for j in b.en],
             "vi_text": " ".join(vi_texts[i] for i in b.vi), "en_text": " ".join(en_texts[j] for j in b.en),
             "score": b.score} for b in result.pairs]
    units = _align_units(result, rows, vi_file, en_file, lines)
    if to_store:
        store = obj.store(create=True)
        with store.transaction():
            added, merged = store.add_units(units)
        click.echo(f"stored {added} new units ({merged} already in the memory), kind {result.mode}", err=True)
    if fmt == "json":
        echo_json({"mode": result.mode, "pairs": rows, "warnings": result.warnings})
    elif fmt == "tsv":
        for r in rows:
            click.echo("\t".join([",".join(map(str, r["vi"])), ",".join(map(str, r["en"])), f"{r['score']:.3f}",
                                  r["vi_text"].replace("\t", " "), r["en_text"].replace("\t", " ")]))
    elif fmt == "tmx":
        _echo_tmx(units)
    else:
        unit = "line" if lines else "sentence"
        paired = sum(1 for r in rows if r["vi"] and r["en"])
        click.echo(f"{result.mode} alignment: {paired} pairs, {len(rows) - paired} {unit}s unpaired"
                   + (": no sentence pair states the same facts" if not rows and result.mode == "comparable" else ""))
        for r in rows:
            vi_n = ",".join(map(str, r["vi"])) or "-"
            en_n = ",".join(map(str, r["en"])) or "-"
            click.echo(f"\n{vi_n} <-> {en_n}  score {r['score']:.2f}")
            if r["vi_text"]:
                click.echo(f"  vi: {r['vi_text']}")
            if r["en_text"]:
                click.echo(f"  en: {r['en_text']}")


def _align_units(result, rows, vi_file, en_file, lines):
    from tm.store import Unit

    key = "lines" if lines else "sentences"
    kind = "parallel" if result.mode == "parallel" else "comparable"
    return [Unit(vi=r["vi_text"], en=r["en_text"], kind=kind, score=r["score"], provenance=[{
        "vi": {"doc": os.path.basename(vi_file), key: r["vi"]},
        "en": {"doc": os.path.basename(en_file), key: r["en"]}}]) for r in rows if r["vi"] and r["en"]]


def _echo_tmx(units):
    from tm.tmx import TMXWriter

    with _temporary(".tmx") as tmp:
        with TMXWriter(tmp, srclang="vi") as out:
            for u in units:
                out.write(u)
        _copy_to_stdout(tmp)


class _temporary:
    """A temporary file path (``with _temporary(".tmx") as path``), removed afterwards."""

    def __init__(self, suffix: str):
        import tempfile

        fd, self.path = tempfile.mkstemp(suffix=suffix)
        os.close(fd)

    def __enter__(self) -> str:
        return self.path

    def __exit__(self, *exc):
        os.unlink(self.path)


def _copy_to_stdout(path) -> None:
    """The bytes of *path* on standard output, as written."""
    import shutil

    sys.stdout.flush()
    with open(path, "rb") as fh:
        shutil.copyfileobj(fh, sys.stdout.buffer)
    sys.stdout.buffer.flush()


# --- lookup ---
@main.command()
@click.argument("query")
@click.option("--lang", type=click.Choice(["auto", "vi", "en"]), default="auto", show_default=True,
              help="Language of the query (auto: both).")
@FORMAT_TEXT_JSON
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="At most N entries.")
@pass_ctx
def lookup(obj, query, lang, fmt, limit):
    """Look up how a term is translated: glossary entries, then examples from the memory.

    Matches exactly, then ignoring case and tone-mark placement, then without
    diacritics (binh nhuong), then typos (Pyongyong), then terms inside a longer
    query. Shows both preferred terms, variants, deprecated forms, type, note,
    how it matched with a score, and up to three example sentence pairs; a
    word in no entry shows the memory's sentence pairs holding it. Uses the
    store's glossary, or the bundled one when the store has none.

    \b
    Example:
      songngu lookup "Bình Nhưỡng"
      songngu lookup "Truong Tan Sang" --format json
    """

    from glossary.lookup import lookup as run_lookup, memory_examples, render_text, suggest
    from glossary.tsv import load_bundled

    store = obj.store() if obj.has_store() else None
    # the store's glossary through its lookup keys, else the bundled one (examples still from the store)
    entries = None if store is not None and store.glossary_count() else load_bundled()
    results = run_lookup(query, entries, lang=lang, limit=limit, store=store)
    suggestions = [] if results else suggest(query, entries, lang=lang, store=store)
    memory = memory_examples(store, query, lang=lang) if store is not None and not results else []
    if fmt == "json":
        echo_json({"query": query, "entries": [r.to_dict() for r in results],
                   "suggestions": [{"form": form, "id": e.id, "vi": e.vi, "en": e.en} for form, e in suggestions],
                   "memory": memory})
        return
    click.echo(render_text(query, results, suggestions, memory))


# --- match ---
def _highlight(text: str, spans) -> str:
    """*text* with the ``(start, end)`` *spans* in bold yellow."""
    for start, end in reversed(spans):
        text = text[:start] + click.style(text[start:end], fg="yellow", bold=True) + text[end:]
    return text


def _echo_match(result, query, fmt):
    from tm.match import differing_spans

    if fmt in ("json", "jsonl"):
        data = {"query": query, "matches": [m.to_dict() for m in result]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=None if fmt == "jsonl" else 2))
        return
    if not result:
        click.echo(f"no match for: {query}")
        return
    colour = sys.stdout.isatty()
    for rank, m in enumerate(result, 1):
        source = _highlight(m.source, differing_spans(query, m.source)) if colour else m.source
        label = f"  [{m.unit.kind}]" if m.unit.kind != "parallel" else ""
        click.echo(f"{rank}. {m.score:5.1f}%{label}  {source}")
        click.echo(f"          -> {m.target}")


@main.command()
@click.argument("text", required=False)
@click.option("--lang", type=click.Choice(["auto", "vi", "en"]), default="auto", show_default=True,
              help="Language of the query.")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True, help="At most K matches.")
@click.option("--min", "min_score", type=BoundedFloat(0, 100, min_open=True), default=50.0,
              show_default=True, help="Lowest score shown, in percent.")
@click.option("--batch", type=click.Path(dir_okay=False, allow_dash=True),
              help="A file of queries, one per line ('-' for standard input).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text",
              show_default=True, help="Output format (jsonl: one JSON object per query; --batch prints jsonl for json).")
@pass_ctx
def match(obj, text, lang, top, min_score, batch, fmt):
    """Fuzzy matches from the translation memory for a sentence.

    The score is the one CAT tools show: 100 x (1 - word edit distance / the
    longer sentence's word count), on NFC, tone-canonical, lower-cased words.
    The search is exact: the best match is the one a full scan would find.
    In text mode the words that differ are highlighted on a terminal.

    \b
    Example:
      songngu match "The two countries signed five memoranda."
      songngu match --batch new-sentences.txt --format jsonl --min 70
    """
    from corpus.reader import read_text
    from tm.match import Matcher

    if (text is None) == (batch is None):
        fail("give one query TEXT or --batch FILE")
    if text is not None and not text.strip():
        fail("the query is empty")
    matcher = Matcher(obj.store())
    if text is not None:
        _echo_match(matcher.search(text, lang=lang, top=top, min_score=min_score), text, fmt)
        return
    queries = (sys.stdin.read() if batch == "-" else read_text(batch)).splitlines()
    for query in (q.strip() for q in queries):
        if query:
            _echo_match(matcher.search(query, lang=lang, top=top, min_score=min_score), query,
                        "jsonl" if fmt == "json" else fmt)


# --- concordance ---
@main.command()
@click.argument("phrase")
@click.option("--lang", type=click.Choice(["auto", "vi", "en"]), default="auto", show_default=True,
              help="Language of the phrase.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N units.")
@FORMAT_TEXT_JSON
@pass_ctx
def concordance(obj, phrase, lang, limit, fmt):
    """Every translation unit containing a phrase, in both languages.

    Whole words, case-insensitive, hòa = hoà; a phrase typed without
    diacritics also ignores them in the memory (quan he finds quan hệ).

    \b
    Example:
      songngu concordance "quan hệ ngoại giao"
      songngu concordance "memorandum of understanding" --format json
    """
    from tm.concordance import Concordance
    from tm.match import tokens

    if not tokens(phrase):
        fail(f"nothing to search for in {phrase!r}: the phrase has no words")
    hits, more = Concordance(obj.store()).search(phrase, lang=lang, limit=limit)
    if fmt == "json":
        echo_json({"phrase": phrase, "hits": [h.to_dict() for h in hits], "more": more})
        return
    if not hits:
        click.echo(f"no unit contains: {phrase}")
        return
    other = {"vi": "en", "en": "vi"}
    for h in hits:
        text = _highlight(h.unit.text(h.lang), h.spans)
        label = f"  [{h.unit.kind}]" if h.unit.kind != "parallel" else ""
        click.echo(f"#{h.unit.id}{label}\n  {h.lang}: {text}\n  {other[h.lang]}: {h.unit.text(other[h.lang])}")
    click.echo(f"{len(hits)} units" + (" shown; more contain it (--limit)" if more else ""))


# --- check ---
def _qa_glossary(obj):
    """The store's glossary when there is a store with terms, else the bundled one."""
    if obj.has_store():
        entries = obj.store().glossary_entries()
        if entries:
            return entries
    from glossary.tsv import load_bundled

    return load_bundled()


def _qa_memory(obj):
    """(matcher, projector, English sentences) for check and correct: the store's lexicon, word
    units and English text when there is a store (see :func:`tm.qa.pseudo.from_store`)."""
    from pathlib import Path

    from glossary.matcher import Matcher

    matcher = Matcher(_qa_glossary(obj))
    if not Path(obj.db).exists():
        return matcher, None, None
    from tm.qa.pseudo import from_store

    projector, english = from_store(obj.store(), matcher)
    return matcher, projector, english


def _write_or_echo(text: str, output) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    else:
        click.echo(text)


@main.command()
@click.argument("draft", type=click.Path(dir_okay=False))
@click.option("--source", type=click.Path(dir_okay=False), help="The source text the draft translates.")
@click.option("--src-lang", type=click.Choice(["en", "vi"]), help="Source language (default: detected).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "xliff"]), default="text",
              show_default=True,
              help="Output format; html is one self-contained page; xliff: a copy of an XLIFF draft "
                   "with the findings as notes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@pass_ctx
@click.pass_context
def check(ctx, obj, draft, source, src_lang, fmt, output):
    """Check a draft translation against the glossary and its source.

    Pairs source and draft line by line when they have the same number of
    non-empty lines, otherwise by sentence alignment. Checks terms (missing,
    deprecated, left in the source language, garbled), numbers, dates and
    amounts across the two conventions, consistency and untranslated
    segments; without --source, deprecated and garbled terms, source-language
    forms and mixed tone-mark styles. A source term rendered in other words
    is reported at the draft span that renders it (term-mistranslated).
    Uses the store's glossary (and its lexicon and word units), or the
    bundled one when there is no store.

    Exit code: 0 without errors, 1 when a finding has severity error, 2 for
    bad input.

    DRAFT may be an XLIFF file (.xlf, .xliff, .sdlxliff, .mqxliff: its units'
    sources and targets, findings named by unit id) or a Word .docx (its
    paragraphs; a two-column source | target table is read as segment pairs).

    \b
    Example:
      songngu check draft.vi.txt --source source.en.txt
      songngu check mt.vi.txt --format html -o report.html
      songngu check job.sdlxliff --format xliff -o job.checked.sdlxliff
    """
    from corpus.formats import kind_of, read_bilingual, read_plain
    from corpus.formats.segments import visible
    from tm.qa.check import Checker

    matcher, projector, _ = _qa_memory(obj)
    checker = Checker(matcher=matcher, projector=projector)
    bilingual = read_bilingual(draft)
    if fmt == "xliff" and kind_of(draft) != "xliff":
        fail(f"{draft}: --format xliff needs an XLIFF draft")
    if bilingual is not None:
        from tm.qa.bilingual import check_document

        if source:
            click.echo(f"warning: --source ignored: {draft} holds its own sources", err=True)
        report = check_document(checker, bilingual)
    else:
        draft_text = read_plain(draft)
        source_text = read_plain(source) if source else None
        report = checker.check(draft_text, source_text, src_lang=src_lang,
                               draft_name=draft, source_name=source or "source")
    if fmt == "xliff":
        from tm.qa.bilingual import finding_notes

        notes = finding_notes(report, bilingual)
        text = bilingual.findings_text(notes)
        if output:
            bilingual.write_findings(output, notes)
        else:
            click.echo(text, nl=False)
    elif fmt == "json":
        _write_or_echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), output)
    elif fmt == "html":
        from tm.qa.html import render_html

        _write_or_echo(visible(render_html(report, draft_name=draft, source_name=source)), output)
    else:
        _write_or_echo(visible(report.to_text(draft)), output)
    if output:
        s = report.summary()
        counts = ", ".join(f"{s[k]} {k}{'' if s[k] == 1 or k == 'info' else 's'}" for k in ("error", "warning", "info"))
        click.echo(f"{output}: {counts}", err=True)
    ctx.exit(report.exit_code)


# --- score ---
@main.command()
@click.argument("hyp", type=click.Path(dir_okay=False))
@click.option("--ref", "refs", multiple=True, type=click.Path(dir_okay=False),
              help="A reference translation, line for line (repeatable).")
@click.option("--source", type=click.Path(dir_okay=False), help="The source text, for term and number checks.")
@click.option("--src-lang", type=click.Choice(["en", "vi"]), help="Source language (default: detected).")
@click.option("--segments", is_flag=True, help="Add per-segment (per-line) scores.")
@FORMAT_TEXT_JSON
@pass_ctx
def score(obj, hyp, refs, source, src_lang, segments, fmt):
    """Score machine translation (with references, or reference-free).

    With references: BLEU, chrF2, chrF++ and TER (sacrebleu, signatures
    shown) on text normalised first (NFC, one tone-mark style). With a
    source: terminology accuracy (WMT21 exact match), deprecated-term rate,
    number and date consistency. Without a reference: a reference-free
    estimate from the glossary, numbers and length, which is only an estimate.

    HYP may be an XLIFF file or a Word .docx with a source | target table: its
    targets are scored against its sources (one segment a line; references
    line for line with the segments that have a target); a plain .docx is read
    one paragraph a line.

    \b
    Example:
      songngu score mt.vi.txt --ref human.vi.txt
      songngu score mt.vi.txt --source article.en.txt --segments --format json
      songngu score job.xlf --format json
    """
    from corpus.formats import read_bilingual, read_plain
    from tm.qa.score import format_text, score as run_score

    bilingual = read_bilingual(hyp)
    if bilingual is not None:
        from tm.qa.bilingual import score_texts

        hyp_text, source_text, file_src_lang = score_texts(bilingual)
        src_lang = src_lang or file_src_lang
        if source:
            source_text = read_plain(source)
    else:
        hyp_text = read_plain(hyp)
        source_text = read_plain(source) if source else None
    entries = _qa_glossary(obj) if (source_text is not None or not refs) else None
    result = run_score(hyp_text, [read_plain(r) for r in refs], source_text, hyp_name=hyp, ref_names=refs, source_name=source or "source",
                       entries=entries, src_lang=src_lang, segments=segments)
    if fmt == "json":
        echo_json(result)
    else:
        click.echo(format_text(result))


# --- correct ---
def _edit_line(e) -> str:
    return f"line {e.line}: {e.before!r} -> {e.after!r}  [{e.rule} {e.confidence:.2f}] {e.message}"


@main.command()
@click.argument("draft", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--source", type=click.Path(dir_okay=False), help="The source text the draft translates.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the corrected text here.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "diff"]), default="text",
              show_default=True, help="text: the corrected text; json: text and edit log; diff: word diff.")
@click.option("--min-confidence", type=BoundedFloat(0, 1), default=0.7, show_default=True,
              help="Edits scored lower are only suggested.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--fix-numbers", is_flag=True, help="Also fix numbers that disagree with the source.")
@click.option("--tone-style", type=click.Choice(["auto", "traditional", "modern"]), default="auto",
              show_default=True, help="Tone marks: hòa (traditional), hoà (modern), auto = the draft's majority.")
@pass_ctx
def correct(obj, draft, source, output, fmt, min_confidence, dry_run, fix_numbers, tone_style):
    """Correct machine-translated text with the glossary, with a change log.

    Rules: deprecated terms, source-language forms and names without
    diacritics, garbled multi-word terms, source terms rendered in other words
    (the span that renders them is replaced; with --source, or without it the
    store's English sentences on the same facts as a pseudo-source, with
    lower confidence), entity confusions the glossary records (applied only
    when the document supports them), Vietnamese news conventions ($ amounts,
    months in digits, day ranges, one tone-mark style), and numbers that
    disagree with the source (reported; fixed with --fix-numbers). Only the
    edited spans change; every edit is logged with its rule and confidence.
    Uses the store's glossary, or the bundled one when there is no store.

    XLIFF (.xlf, .xliff, .sdlxliff, .mqxliff): the targets are corrected
    against their sources; -o writes a copy where only the edited targets
    change (marked needs-review, the edit log in a note); without -o that copy
    goes to standard output. Word .docx: -o writes each edit as a tracked
    change by "songngu" with the rule in a comment; the text output is the
    corrected paragraphs, one a line (what accepting every change gives).

    \b
    Example:
      songngu correct mt.vi.txt -o fixed.vi.txt
      songngu correct mt.vi.txt --source article.en.txt --format diff --dry-run
      songngu correct job.xlf -o job.fixed.xlf
      songngu correct report.vi.docx --source report.en.docx -o report.fixed.docx
    """
    from corpus.formats import kind_of, read_plain
    from corpus.reader import read_text_file
    from tm.qa.correct import Corrector

    kind = kind_of(draft)
    options = dict(min_confidence=min_confidence, tone_style=tone_style, fix_numbers=fix_numbers)
    matcher, projector, english = _qa_memory(obj)
    corrector = Corrector(matcher=matcher, projector=projector, memory=english)
    if kind != "text":
        _correct_file(corrector, draft, kind, source, output, fmt, dry_run, options)
        return
    doc = read_text_file(draft)
    source_text = read_plain(source) if source else None
    result = corrector.correct(doc.text, source_text, names=(draft, source), **options)
    if output and not dry_run:
        with open(output, "wb") as fh:
            fh.write(doc.encode(result.text))
    summary = f"{len(result.edits)} edits, {len(result.suggestions)} suggestions"
    if fmt == "json":
        echo_json(result.to_dict())
    elif fmt == "diff":
        colours = {"del": "red", "ins": "green", "note": "bright_black"}
        colour = sys.stdout.isatty()
        click.echo(result.diff(doc.text, style=(lambda t, k: click.style(t, fg=colours[k])) if colour else None)
                   or "no edits")
        click.echo(summary)
    elif dry_run or output:
        for e in result.edits:
            click.echo(_edit_line(e))
        for e in result.suggestions:
            click.echo("suggestion: " + _edit_line(e))
        click.echo(summary + (f"; written to {output}" if output and not dry_run else ""))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(doc.restore(result.text).encode("utf-8"))
        sys.stdout.buffer.flush()
        for e in result.suggestions:
            click.echo("suggestion: " + _edit_line(e), err=True)
        click.echo(summary, err=True)


def _correct_file(corrector, draft, kind, source, output, fmt, dry_run, options):
    """correct on an XLIFF or a Word file (see correct's help)."""
    from corpus.formats import read_plain
    from corpus.formats.segments import visible
    from tm.qa.bilingual import correct_file

    written = output if output and not dry_run else None
    source_text = read_plain(source) if source and kind != "xliff" else None
    doc, text, fix = correct_file(corrector, draft, source_text, written, **options)
    if doc is not None and source:
        click.echo(f"warning: --source ignored: {draft} holds its own sources", err=True)
    ref = (lambda i: f"unit {doc.segments[i].ref}") if doc is not None else (lambda i: f"paragraph {i + 1}")
    summary = f"{len(fix.edits)} edits, {len(fix.suggestions)} suggestions"
    if fmt == "json":
        data = fix.to_dict(doc) if doc is not None else {
            "file": draft, "text": text, "edits": [{"paragraph": i + 1, **e.to_dict()} for i, e in fix.edits],
            "suggestions": [{"paragraph": i + 1, **e.to_dict()} for i, e in fix.suggestions],
            "tone_style": fix.style}
        echo_json(data)
        return
    lines = [f"{ref(i)}: {e.before!r} -> {e.after!r}  [{e.rule} {e.confidence:.2f}] {e.message}"
             for i, e in fix.edits]
    lines += [f"suggestion: {ref(i)}: {e.before!r} -> {e.after!r}  [{e.rule} {e.confidence:.2f}] {e.message}"
              for i, e in fix.suggestions]
    if fmt == "diff" or dry_run or written:
        for line in lines:
            click.echo(visible(line))
        click.echo(summary + (f"; written to {written}" if written else ""))
        return
    sys.stdout.flush()
    if kind == "xliff":
        sys.stdout.buffer.write(doc.xml.encode(text))
    else:
        sys.stdout.buffer.write((visible(text) + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()
    for line in lines:
        click.echo(visible(line), err=True)
    click.echo(summary, err=True)


@main.group("import")
def import_():
    """Import a glossary, a TMX or an XLIFF file into the store.

    \b
    Example:
      songngu import tmx memory.tmx
    """


@main.group()
def export():
    """Export the translation memory (TMX) or the glossary (TSV, OmegaT, CSV, TBX).

    \b
    Example:
      songngu export tmx -o memory.tmx
    """


# --- import glossary ---
@import_.command("glossary")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "file_format", type=click.Choice(["auto", "tsv", "omegat", "csv", "tbx"]),
              default="auto", show_default=True,
              help="Format of FILE (auto: by its name and content; tbx reads TBX v3 and MARTIF).")
@click.option("--direction", type=click.Choice(["en-vi", "vi-en"]), default="en-vi", show_default=True,
              help="OmegaT files: which language the source column holds.")
@click.option("--strict", is_flag=True,
              help="Stop at the first item that cannot be imported, instead of skipping and reporting it.")
@FORMAT_TEXT_JSON
@pass_ctx
def import_glossary(obj, file, file_format, direction, strict, fmt):
    """Merge a glossary file into the store.

    Entries with an id (TSV, TBX, CSV with an id column) replace the stored
    entry of that id; entries without one (OmegaT) join the entry that has their
    terms or are added. An entry whose term belongs to another entry is a
    conflict: reported and left out. The same source term with another
    translation (OmegaT) is kept as its own entry. TBX definitions, contexts,
    subject fields, part of speech, notes, admin data and other languages are
    kept; what cannot be (a concept without a Vietnamese term, an empty term, a
    term not in Latin letters, as in a Japanese glossary) is skipped and
    reported, or stops the import with --strict. A bad row stops the import with
    its line number and the store is left as it was.

    \b
    Example:
      songngu import glossary terms.tsv
      songngu import glossary project-glossary.txt --from omegat --direction en-vi
    """
    from glossary.merge import import_glossary as run_import

    result = run_import(obj.store(create=True), file, file_format, direction=direction, strict=strict)
    if fmt == "json":
        echo_json(result.to_dict())
        return
    click.echo(f"{file}: {len(result.added)} added, {len(result.updated)} updated, "
               f"{len(result.unchanged)} unchanged, {len(result.conflicts)} conflicting, "
               f"{len(result.skipped)} skipped")
    for conflict in result.conflicts:
        click.echo(f"  conflict: {conflict}")
    for line, why in result.skipped:
        click.echo(f"  skipped: {f'line {line}: ' if line else ''}{why}")


# --- export glossary ---
@export.command("glossary")
@click.option("--format", "file_format", type=click.Choice(["tsv", "omegat", "csv", "tbx", "tbx-martif"]),
              default="tsv", show_default=True,
              help="tbx: TBX-Basic (TBX v3); tbx-martif: the older layout Translate Toolkit and Okapi read.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write ('-' for standard output).")
@click.option("--direction", type=click.Choice(["en-vi", "vi-en"]), default="en-vi", show_default=True,
              help="OmegaT: which language goes in the source column.")
@click.option("--bundled", is_flag=True, help="Write the glossary bundled with songngu, not the store's.")
@pass_ctx
def export_glossary(obj, file_format, output, direction, bundled):
    """Write the store's glossary as TSV, OmegaT, CSV or TBX.

    OmegaT: a UTF-8 .txt with source, target and comment columns, deprecated
    terms left out. TBX keeps everything, with preferred, admitted and
    deprecated status. A store without glossary entries is an error (exit 2);
    --bundled writes the glossary shipped with songngu.

    \b
    Example:
      songngu export glossary --format omegat -o glossary.txt
      songngu export glossary --format tbx -o glossary.tbx
      songngu export glossary --bundled -o bundled.tsv
    """
    from glossary.formats import write_glossary
    from glossary.tsv import load_bundled

    if bundled:
        entries = load_bundled()
    else:
        entries = obj.store().glossary_entries()
        if not entries:
            fail(f"{obj.name}: the store has no glossary entries to export (run `songngu build` or "
                 "`songngu import glossary FILE`; --bundled writes the bundled glossary)")
    text = write_glossary(entries, file_format, direction=direction)
    if output == "-":
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    click.echo(f"{output}: {len(entries)} entries ({file_format})", err=True)


# --- import tmx ---
@import_.command("tmx")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@FORMAT_TEXT_JSON
@pass_ctx
def import_tmx(obj, files, fmt):
    """Import TMX files (1.1 to 1.4, in the encoding their XML declaration names) into the memory.

    Keeps each unit as written (every language, attribute, prop, note, inline
    tag and the text as written) for export; matching uses its Vietnamese and
    English sides (vi, vi-VN, vi_VN, VI, vie; en-GB, eng...). Only exact
    duplicates are merged; units without both sides are skipped and counted by
    reason. All files go in one transaction: a malformed file, or one that
    yields no unit, imports nothing (exit 2).

    \b
    Example:
      songngu import tmx memory.tmx
      songngu import tmx omegat/project_save.tmx other.tmx --format json
    """
    from tm.tmx import import_tmx as run_import

    report = run_import(obj.store(create=True), files, progress=progress("importing"))
    if fmt == "json":
        echo_json(report)
        return
    for f in report["files"]:
        variants = f", {f['variants']} variants (same text as a stored unit) kept" if f["variants"] else ""
        line = (f"{f['file']}: {f['tu']} units read, {f['added']} added{variants}, {f['merged']} exact "
                f"duplicates merged, {f['skipped']} skipped")
        reasons = ", ".join(f"{n} {why}" for why, n in f["skipped_by_reason"].items())
        click.echo(line + (f" ({reasons})" if reasons else ""))


# --- import xliff ---
@import_.command("xliff")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@FORMAT_TEXT_JSON
@pass_ctx
def import_xliff(obj, files, fmt):
    """Import the confirmed translations of XLIFF files into the translation memory.

    Reads XLIFF 1.2 (and 1.0/1.1, SDLXLIFF, MQXLIFF) and 2.0/2.1: each
    translated, confirmed segment becomes a parallel unit with its unit id,
    file and date; inline codes are kept as TMX markup for export. Segments
    without a target, not translated or not confirmed are counted and left
    out. All files go in one transaction: a bad file imports nothing.

    \b
    Example:
      songngu import xliff job.vi.xlf
      songngu import xliff *.sdlxliff --format json
    """
    from tm.xliff import import_xliff as run_import

    report = run_import(obj.store(create=True), files)
    if fmt == "json":
        echo_json(report)
        return
    for f in report["files"]:
        click.echo(f"{f['file']}: {f['segments']} segments, {f['confirmed']} confirmed: {f['added']} added, "
                   f"{f['merged']} merged with existing; {f['skipped']} left out (no target, not translated "
                   f"or not confirmed)")


# --- export tmx ---
@export.command("tmx")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="TMX file to write (- for standard output).")
@click.option("--srclang", type=click.Choice(["en", "vi"]), default=None,
              help="Source language in the header, first in each unit (default: imported units as written, "
                   "others English first).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["parallel", "comparable", "imported"]),
              help="Only units of this kind (repeatable; default all).")
@pass_ctx
def export_tmx(obj, output, srclang, kinds):
    """Write the translation memory as TMX 1.4b for OmegaT, Trados, memoQ.

    Imported units are written back as they were read: every language,
    attribute, prop, note and inline tag, the text as written (and the file's
    header when they all come from one file). Other units have a tuid,
    creation and change dates, and their kind, alignment score and provenance
    as x- props; comparable units are marked, so a CAT tool can penalise them
    or you can leave them out (--kind parallel).

    \b
    Example:
      songngu export tmx -o memory.tmx
      songngu export tmx -o vi-en.tmx --srclang vi --kind parallel --kind imported
    """
    from tm.tmx import export_tmx as run_export

    if output != "-":
        count = run_export(obj.store(), output, srclang=srclang, kinds=list(kinds) or None,
                           progress=progress("exporting"))
        click.echo(f"{output}: {count} units (TMX 1.4b, srclang {srclang or 'as imported'})")
        return
    with _temporary(".tmx") as tmp:
        count = run_export(obj.store(), tmp, srclang=srclang, kinds=list(kinds) or None,
                           progress=progress("exporting"))
        _copy_to_stdout(tmp)
    click.echo(f"standard output: {count} units (TMX 1.4b, srclang {srclang or 'as imported'})", err=True)


# --- terms ---
@main.group()
def terms():
    """Term extraction from the translation memory.

    \b
    Example:
      songngu terms extract --min-count 3
    """


@terms.command("extract")
@click.option("--min-count", type=click.IntRange(min=1), default=2, show_default=True,
              help="Minimum number of units for each term and for the pair.")
@click.option("--format", "fmt", type=click.Choice(["tsv", "json"]), default="tsv", show_default=True,
              help="Output format.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="At most N candidates.")
@pass_ctx
def terms_extract(obj, min_count, fmt, limit):
    """Candidate term pairs from the translation memory, for a curator to review.

    Multi-word candidates on both sides (capitalised sequences and noun phrases
    in English, syllable n-grams in Vietnamese) paired by log-likelihood over
    the aligned units, plus names spelled the same without diacritics
    (Nông Đức Mạnh / Nong Duc Manh). Terms already in the glossary are left out.
    TSV columns: vi, en, score, support (units with both), vi_count, en_count, method.

    \b
    Example:
      songngu terms extract --min-count 3
      songngu terms extract --format json --limit 20
    """
    from glossary.extract import extract_terms

    store = obj.store()
    found = extract_terms(store.iter_units(), store.glossary_entries(), min_count=min_count, limit=limit)
    if fmt == "json":
        echo_json({"candidates": [c.to_dict() for c in found]})
        return
    click.echo("vi\ten\tscore\tsupport\tvi_count\ten_count\tmethod")
    for c in found:
        click.echo(f"{c.vi}\t{c.en}\t{c.score:.1f}\t{c.support}\t{c.vi_count}\t{c.en_count}\t{c.method}")


# --- copy ---
@main.command("copy")
@click.argument("src")
@click.argument("dst")
@FORMAT_TEXT_JSON
def copy_(src, dst, fmt):
    """Copy a whole store into an empty one, between SQLite and PostgreSQL, exactly.

    Documents, sentences, units (with their TMX as written) and the glossary,
    ids included; the destination builds its own indexes. One transaction.

    \b
    Example:
      songngu copy songngu.db postgresql://desk@dbhost/songngu
      songngu copy postgresql://desk@dbhost/songngu backup.db
    """
    from tm.copy import copy_store
    from tm.store import open_store

    source = open_store(src, create=False)
    target = open_store(dst)
    try:
        counts = copy_store(source, target, progress=progress("copying"))
    except BaseException:
        from tm.store import discard_if_empty

        discard_if_empty(target)  # a store file this copy created goes again (nothing was written)
        raise
    finally:
        source.close()
        target.close()
    if fmt == "json":
        echo_json({"source": source.path, "destination": target.path, "rows": counts})
        return
    click.echo(f"{target.path}: copied from {source.path}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))


# --- migrate ---
@main.command()
@pass_ctx
def migrate(obj):
    """Bring the store's schema up to this songngu's version (opening a store does it too).

    \b
    Example:
      songngu --db postgresql://owner@dbhost/songngu migrate
    """
    store = obj.store(create=True)
    before = getattr(store, "migrated_from", None)
    now_at = store.schema_version()
    click.echo(f"{store.path}: schema version {now_at}" + (f" (was {before})" if before is not None else
                                                             " (up to date)"))

# --- serve ---
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (only this machine by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8700, show_default=True, help="Port.")
@click.option("--private", is_flag=True, help="Reads need a user token too (writes always do).")
@click.option("--max-body", type=click.IntRange(min=1024), default=None,
              help="Largest request in bytes  [default: 5 MB].")
@pass_ctx
def serve(obj, host, port, private, max_body):
    """A web page and an HTTP API over the store's memory and glossary.

    The page: lookup as you type (glossary, then memory), concordance, a
    draft's QA report with accept/ignore per finding, glossary editing. The
    JSON API is described at /openapi.json; Weblate's tmserver machinery and
    Virtaal use the amaGama routes (/tmserver/vi/en/unit/TEXT). Writes need a
    user token (songngu user add NAME).

    \b
    Example:
      songngu user add lan
      songngu serve --port 8700      # then open http://127.0.0.1:8700/
    """
    try:
        from tm.web import serve as run
    except ImportError as exc:
        fail(f"songngu serve needs the serve extra: pip install -c constraints.txt -e \".[serve]\" ({exc.name})")
    obj.store()  # a missing or bad store fails here, in one line
    run(obj.db, host=host, port=port, private=private, max_body=max_body)


# --- user ---
@main.group()
def user():
    """Users of songngu serve (writes need a user token).

    \b
    Example:
      songngu user add lan --role editor
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["editor", "translator"]), default="editor", show_default=True,
              help="editor: edits the glossary and memory; translator: ignore rules only.")
@FORMAT_TEXT_JSON
@pass_ctx
def user_add(obj, name, role, fmt):
    """Add a user and print their token once (the store keeps only its hash).

    \b
    Example:
      songngu user add lan
      curl -H "Authorization: Bearer TOKEN" -X DELETE http://127.0.0.1:8700/api/units/12
    """
    from tm.web import add_user

    token = add_user(obj.store(), name, role)
    if fmt == "json":
        echo_json({"name": name, "role": role, "token": token})
        return
    click.echo(f"user {name} ({role}) added; token (shown only now, keep it safe):")
    click.echo(token)


if __name__ == "__main__":
    main()
