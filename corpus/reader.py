"""Reading text files: encodings, byte-order marks and line ends.

- UTF-8 with or without a byte-order mark; UTF-16 (LE or BE) with a BOM.
- CRLF and lone CR become LF.
- A file that is not text is refused with :class:`~corpus.errors.InputError`
  carrying the byte offset of the first bad byte: a NUL or another control
  character (tab, LF, CR, FF, VT and ESC are allowed), or bytes that do not
  decode.

The text is returned as written (no NFC, no quote changes): normalisation
builds keys elsewhere (:mod:`corpus.normalize`).
"""
from __future__ import annotations

import codecs
import html
import os
import re

from corpus.errors import InputError

__all__ = ["read_text", "read_bytes", "read_lines", "decode"]

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
    return _NEWLINE.sub("\n", text)


def read_text(path) -> str:
    """Read a text file (see module docs).

    Parameters:
        path: file path (str or os.PathLike).

    Returns the text with LF line ends. Raises InputError when the file is
    missing, a directory, unreadable or not text.
    """
    return decode(read_bytes(path), os.fspath(path))


def read_bytes(path) -> bytes:
    """The bytes of a file; InputError when it is missing, a directory or unreadable."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None


def read_lines(path, unescape: bool = False) -> list[str]:
    """Read a line-per-sentence file (IWSLT style), one string per line.

    Parameters:
        path: file path.
        unescape: apply :func:`html.unescape` to each line (``&quot;`` -> ``"``).

    Blank lines are kept so that line numbers stay aligned with a parallel
    file; the empty string after a final newline is not a line.
    """
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [html.unescape(line) for line in lines] if unescape else lines
