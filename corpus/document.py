"""Documents: title, paragraphs and sentences of a plain-text or Markdown file.

Structure rules (:func:`parse_document`):

- Paragraphs are separated by blank lines, ruler lines (``-----``, ``***``,
  ``___``, ``===``) and list items. Inside a block, a line starts a new
  paragraph when the previous line ends a sentence (``.``, ``!``, ``?``, ``…``,
  ``:``, ``;``, with closing quotes or brackets), so a file with one
  paragraph per line works; otherwise it continues the previous line (hard
  wrap) when that line is long (50 characters or more) or the new line starts
  in lower case; a short unpunctuated line before it is a heading.
- Markdown: ``#`` headings, ``-``/``*``/``+`` list markers and ``>`` quote
  markers are removed, emphasis (``**b**``, ``*i*``, ``_i_``, `` `c` ``) and
  links (``[text](url)``) keep their text. Numbered items keep their number.
- The title is the first paragraph when it is a ``#`` heading, or a single
  line of at most 25 words that does not end in ``.``, ``,``, ``;`` or ``:``.
  It stays in ``paragraphs`` (as a heading) so that it is translated too.
- Dropped: ruler lines; the ``./.`` end mark of news copy (``anniversaries./.``
  keeps its full stop); keyword boilerplate: a paragraph that is a list of at
  least six short comma-separated phrases without sentence punctuation or
  numbers, that repeats the title or a heading, or, at the end of the
  document, repeats a word in three phrases (site tag lines).

Text is kept as written; ``sha256`` is the hash of the NFC text (LF line ends)
so that rebuilding the same document is idempotent whatever its encoding.
A sentence's language is detected on its own (mixed documents), falling back
to its paragraph's and then to the document's, which is the majority of its
sentences.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from corpus.langid import detect
from corpus.normalize import fold, match_key
from corpus.reader import read_text
from corpus.segment import split_sentences

__all__ = ["Paragraph", "Sentence", "Document", "parse_document", "load_document"]


@dataclass
class Paragraph:
    """A paragraph; ``line`` is its 1-based first line in the file.

    ``line_starts`` holds the offsets in ``text`` where its later lines begin
    (lines are joined with one space).
    """

    text: str
    line: int
    heading: bool = False
    line_starts: tuple = field(default=(), repr=False, compare=False)


@dataclass
class Sentence:
    """A sentence: ``index`` 1-based in the document, ``para`` 1-based index of
    its paragraph in ``Document.paragraphs``, ``line`` 1-based line in the file."""

    index: int
    text: str
    lang: str | None
    para: int
    line: int


@dataclass
class Document:
    """A parsed document (see module docs)."""

    name: str
    path: str | None
    title: str | None
    paragraphs: list[Paragraph]
    lang: str | None
    sha256: str
    _sentences: list | None = field(default=None, repr=False, compare=False)

    def sentences(self) -> list[Sentence]:
        """The sentences of every paragraph, in order (computed once)."""
        if self._sentences is None:
            self._sentences = _sentences(_detected(self.paragraphs), self.lang)
        return self._sentences


_RULER = re.compile(r"\s*([-*_=~—–•·+])(?:[ \t]*\1){2,}\s*\Z")
_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*\Z")
_BULLET = re.compile(r"\s*[-*+•]\s+(?=\S)")
_NUMBERED = re.compile(r"\s*(?:\d{1,3}|[a-zA-Z])[.)]\s+(?=\S)")
_QUOTE_MARK = re.compile(r"\s{0,3}>\s?")
_FENCE = re.compile(r"\s*(```|~~~)")
_END_MARK = re.compile(r"\s*\./\.\s*\Z")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'”’»)\]]*\Z")
_MARKUP = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
)
_KEYWORD_SPLIT = re.compile(r"\s*[,;|·•]\s*")
_WORD = re.compile(r"\w+")


def _inline(line: str) -> str:
    for pattern, repl in _MARKUP:
        line = pattern.sub(repl, line)
    line = line.strip()
    if _END_MARK.search(line):
        body = _END_MARK.sub("", line)
        line = body if not body or body[-1] in ".!?…" else body + "."
    return line


def _blocks(lines):
    """Yield paragraphs as lists of (line number, text, kind) with kind in
    ``text``, ``heading`` (``#``), ``item`` (list item)."""
    block: list = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip() or _FENCE.match(raw):
            if block:
                yield block
            block = []
            continue
        if _RULER.match(raw):
            if block:
                if raw.strip()[0] in "=-" and len(block) == 1:
                    block = [(block[0][0], block[0][1], "heading")]  # Setext heading
                yield block
            block = []
            continue
        heading = _HEADING.match(raw)
        if heading:
            if block:
                yield block
            text = _inline(heading.group(2))
            if text:
                yield [(number, text, "heading")]
            block = []
            continue
        line = _QUOTE_MARK.sub("", raw, count=1)
        kind = "text"
        bullet = _BULLET.match(line)
        if bullet:
            line, kind = line[bullet.end():], "item"
        elif _NUMBERED.match(line):
            kind = "item"
        text = _inline(line)
        if not text:
            continue
        if block and (kind == "item" or not _continues(block[-1][1], text)):
            yield block
            block = []
        block.append((number, text, kind))
    if block:
        yield block


def _continues(previous: str, line: str) -> bool:
    """Does *line* continue the paragraph whose last line is *previous*?"""
    if _ENDS_SENTENCE.search(previous):
        return False
    first = next((c for c in line if c.isalnum()), "")
    return first.islower() or len(previous) >= 50


def _paragraph(block) -> Paragraph:
    starts, text = [], ""
    for _, line, _ in block:
        if text:
            text += " "
            starts.append(len(text))
        text += line
    heading = len(block) == 1 and (block[0][2] == "heading" or _looks_like_heading(text))
    return Paragraph(text, block[0][0], heading, tuple(starts))


def _looks_like_heading(text: str) -> bool:
    return len(text.split()) <= 25 and text[-1] not in ".,;:"


def _is_keyword_line(index: int, paragraphs: list) -> bool:
    """Is paragraph *index* a comma-separated list of short keyword phrases (site tags)?"""
    body = paragraphs[index].text.rstrip(" .")
    if body.count(",") < 5 or re.search(r"[.!?…:](?:\s|\Z)", body):
        return False
    items = [item for item in _KEYWORD_SPLIT.split(body) if item]
    if len(items) < 6 or sum(any(c.isdigit() for c in item) for item in items) * 5 > len(items):
        return False
    others = {match_key(p.text) for i, p in enumerate(paragraphs) if i != index and p.heading}
    keys = [match_key(item) for item in items]
    if any(len(item.split()) > 6 and k not in others for item, k in zip(items, keys)):
        return False
    if any(k in others for k in keys):
        return True
    words = Counter(w for item in items for w in set(_WORD.findall(fold(item))))
    return index == len(paragraphs) - 1 and words.most_common(1)[0][1] >= 3


def _detected(paragraphs):
    """(paragraph number, paragraph, its language, span, detected language) of every sentence."""
    out = []
    for number, par in enumerate(paragraphs, 1):
        par_lang = detect(par.text[:400])
        for span in split_sentences(par.text, par_lang):
            out.append((number, par, par_lang, span, detect(span.text)))
    return out


def _sentences(detected, doc_lang) -> list[Sentence]:
    out = []
    for number, par, par_lang, span, lang in detected:
        line = par.line + bisect.bisect_right(par.line_starts, span.start)
        out.append(Sentence(len(out) + 1, span.text, lang or par_lang or doc_lang, number, line))
    return out


def parse_document(text: str, name: str, path=None) -> Document:
    """Parse the text of a document (see module docs).

    Parameters:
        text: the decoded text (any line ends; a leading BOM is ignored).
        name: the document's name (usually its file name).
        path: where it was read from, if anywhere.
    """
    text = re.sub(r"\r\n?", "\n", text.lstrip("\ufeff"))
    digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
    paragraphs = [_paragraph(block) for block in _blocks(text.split("\n"))]
    title = None
    if paragraphs and paragraphs[0].heading:
        title = paragraphs[0].text
    kept = [par for i, par in enumerate(paragraphs) if not _is_keyword_line(i, paragraphs)]
    doc = Document(name, None if path is None else os.fspath(path), title, kept, None, digest)
    detected = _detected(kept)
    langs = Counter(lang for *_, lang in detected if lang)
    if langs:
        doc.lang = langs.most_common(1)[0][0]
    doc._sentences = _sentences(detected, doc.lang)
    return doc


def load_document(path) -> Document:
    """Read and parse a text or Markdown file (see :func:`corpus.reader.read_text`), or a Word
    .docx (its paragraphs, see :mod:`corpus.formats.docx`).

    Parameters:
        path: the file; its base name becomes the document name.
    """
    name = os.path.basename(os.fspath(path))
    if name.lower().endswith((".docx", ".doc")):
        from corpus.formats.docx import read_docx
        from corpus.formats.segments import strip_codes

        # one paragraph a block: a Word paragraph is a paragraph, whatever its punctuation
        text = "\n\n".join(strip_codes(p.text) for p in read_docx(path).paragraphs if p.text.strip())
        return parse_document(text, name, path)
    return parse_document(read_text(path), name, path)
