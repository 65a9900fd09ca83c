"""Reading text files: encodings, byte-order marks and line ends.

- UTF-8 with or without a byte-order mark; UTF-16 (LE or BE) with a BOM.
- CRLF and lone CR become LF.
- A file that is not text is refused with :class:`~corpus.errors.InputError`
  carrying the byte offset of the first bad byte: a NUL or another control
  character (tab, LF, CR, FF, VT and ESC are allowed), or bytes that do not
  decode.

The text is returned as written (no NFC, no quote changes): normalisation
builds keys elsewhere (:mod:`corpus.normalize`). :func:`read_text_file` keeps what
it takes to write a changed text back as the file was (encoding, BOM, each line's
own ending: LF, CRLF or lone CR), for commands that rewrite a user's file.
"""
from __future__ import annotations

import bisect
import codecs
import html
import os
import re
import sys
from dataclasses import dataclass

from corpus.errors import InputError

__all__ = ["read_text", "read_bytes", "read_lines", "read_text_file", "TextFile", "decode", "split_lines",
           "line_starts", "line_of"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_NEWLINE = re.compile("\r\n?")


def _describe(byte: int) -> str:
    return "NUL byte" if byte == 0 else f"byte 0x{byte:02x}"


def decode(data: bytes, path="-") -> str:
    """Decode the bytes of a text file (see module docs).

    Parameters:
        data: the file's bytes.
        path: the name used in errors.

    Returns the text with LF line ends and without the BOM.
    Raises InputError("not a text file: …", offset=) on binary or undecodable data.
    """
    return _NEWLINE.sub("\n", _decode(data, path)[0])


def _decode(data: bytes, path) -> tuple[str, str, bytes]:
    """``(text with its line ends as written, encoding, BOM)``; errors as :func:`decode`."""
    encoding, skip = "utf-8", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, skip = name, len(bom)
            break
    unit = 2 if encoding.startswith("utf-16") else 1
    if unit == 1:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError(path, "not a text file: NUL byte (binary data)", offset=nul)
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError as err:
        offset = skip + err.start
        if unit == 1:
            problem = f"not a text file: {_describe(data[offset])} is not valid UTF-8"
        else:
            problem = f"not a text file: invalid {encoding.upper()} data"
        raise InputError(path, problem, offset=offset) from None
    bad = _CONTROL.search(text)
    if bad:
        offset = skip + len(text[: bad.start()].encode(encoding))
        raise InputError(
            path, f"not a text file: control character 0x{ord(bad.group()):02x}", offset=offset
        )
    return text, encoding, data[:skip]


def read_bytes(path, stdin: bool = False) -> bytes:
    """The bytes of a file (of standard input for ``-`` with *stdin*); InputError when it is
    missing, a directory or unreadable."""
    if stdin and str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    return data


def read_text(path) -> str:
    """Read a text file (see module docs).

    Parameters:
        path: file path (str or os.PathLike).

    Returns the text with LF line ends. Raises InputError when the file is
    missing, a directory, unreadable or not text.
    """
    return decode(read_bytes(path), os.fspath(path))


@dataclass(frozen=True)
class TextFile:
    """A text file's text (LF line ends) and how to write a changed text back as the file was.

    Parameters:
        text: the decoded text, every line end as ``\n``.
        encoding: ``utf-8``, ``utf-16-le`` or ``utf-16-be``.
        bom: the byte-order mark the file started with (b"" for none).
        line_ends: each line's own ending as written (``\n``, ``\r\n`` or ``\r``), in order.
    """

    text: str
    encoding: str = "utf-8"
    bom: bytes = b""
    line_ends: tuple = ()

    def restore(self, text: str) -> str:
        """*text* (this file's text with changes inside its lines) with the file's line ends;
        a text with other lines gets the file's most common line end."""
        parts = text.split("\n")
        if len(parts) == len(self.line_ends) + 1:
            ends = list(self.line_ends) + [""]
        else:
            common = max(set(self.line_ends), key=self.line_ends.count) if self.line_ends else "\n"
            ends = [common] * (len(parts) - 1) + [""]
        return "".join(p + e for p, e in zip(parts, ends))

    def encode(self, text: str) -> bytes:
        """:meth:`restore` d *text* as bytes in the file's encoding, with its BOM."""
        return self.bom + self.restore(text).encode(self.encoding)


def read_text_file(path) -> TextFile:
    """Read a text file once (validated as :func:`read_text`, same errors), keeping its encoding,
    BOM and line ends (see :class:`TextFile`).

    Parameters:
        path: a file path, or ``-`` for standard input.
    """
    raw, encoding, bom = _decode(read_bytes(path, stdin=True), os.fspath(path))
    return TextFile(_NEWLINE.sub("\n", raw), encoding, bom, tuple(_LINE_END.findall(raw)))


_LINE_END = re.compile("\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of *text* without their ending (LF, CRLF or CR); a final line end adds no empty line."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def line_starts(text: str) -> list[int]:
    """Offsets where the lines of *text* start (for :func:`line_of`)."""
    return [0] + [m.end() for m in _LINE_END.finditer(text)]


def line_of(starts: list[int], offset: int) -> int:
    """The 1-based line holding *offset*, given :func:`line_starts`."""
    return bisect.bisect_right(starts, offset)


def read_lines(path, unescape: bool = False) -> list[str]:
    """Read a line-per-sentence file (IWSLT style), one string per line.

    Parameters:
        path: file path.
        unescape: apply :func:`html.unescape` to each line (``&quot;`` -> ``"``).

    Blank lines are kept so that line numbers stay aligned with a parallel
    file; the empty string after a final newline is not a line.
    """
    lines = split_lines(read_text(path))
    return [html.unescape(line) for line in lines] if unescape else lines
