"""Results made in one process, announced to a process forked from it.

The maker stores each result in the cache both processes share, then writes
one line to a pipe; the forked process waits for that line and reads the
result from the cache. So a file both need runs once, and the forked process
needs no snippet runner (no torch import) of its own.
"""
from __future__ import annotations

import json
import os
import threading
from typing import Iterator


class Handoff:
    """Make it before the fork; then the maker calls ``as_maker()``, the forked process ``as_waiter()``.

    ``promised``: the files the maker will have results for (cached or run)."""

    def __init__(self, promised):
        self.promised = frozenset(promised)
        self._read, self._write = os.pipe()
        self._lock = threading.Lock()

    def as_maker(self) -> None:
        os.close(self._read)
        self._read = -1

    def as_waiter(self) -> None:
        os.close(self._write)
        self._write = -1

    def stop_listening(self) -> None:
        """The waiter needs nothing more: the maker's notices then fail at once instead of filling the pipe."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1

    def made(self, rel: str, ok: bool) -> None:
        line = (json.dumps({"rel": rel, "ok": ok}) + "\n").encode()
        with self._lock:
            if self._write < 0:
                return
            try:
                os.write(self._write, line)  # one short line: written whole (PIPE_BUF)
            except OSError:  # the waiter is gone (it failed and exited): nobody to tell
                pass

    def close(self) -> None:
        """Nothing more will come: the waiter makes what it still lacks itself."""
        with self._lock:
            if self._write >= 0:
                os.close(self._write)
                self._write = -1

    def notices(self) -> Iterator[tuple[str, bool]]:
        """(file, ok) as the maker announces them, until it closes its end or dies."""
        with os.fdopen(self._read, "rb", closefd=True) as pipe:
            self._read = -1
            for line in pipe:
                try:
                    notice = json.loads(line)
                except ValueError:  # the maker died mid-line
                    return
                yield notice["rel"], bool(notice["ok"])
