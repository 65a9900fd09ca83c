"""Errors raised by the library; the CLI prints them as one line, exit code 2."""
from __future__ import annotations


class SongnguError(Exception):
    """Base of every error the command line reports without a traceback."""


class InputError(SongnguError):
    """A file the user gave is missing, unreadable or malformed.

    Parameters:
        path: the file (or ``-`` for standard input).
        problem: what is wrong, in a few words.
        line, column: 1-based position, where it applies.
        offset: byte offset, where it applies (binary or undecodable files).
    """

    def __init__(self, path, problem: str, *, line=None, column=None, offset=None):
        self.path, self.problem = str(path), problem
        self.line, self.column, self.offset = line, column, offset
        super().__init__(str(self))

    def __str__(self):
        where = self.path
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        elif self.offset is not None:
            where += f" (byte {self.offset})"
        return f"{where}: {self.problem}"


class StoreError(SongnguError):
    """The store is damaged, locked or from a newer version."""


class Interrupted(SongnguError):
    """Work stopped by Ctrl-C; the store was rolled back."""
