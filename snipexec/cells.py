"""Split a snippet file into named cells.

Cells use pymdownx.snippets section markers, so the same file can also be
included as plain code by ``--8<-- "file.py:name"``::

    # --8<-- [start:build]
    model = nn.Linear(2, 3)
    # --8<-- [end:build]

A start marker may carry options after the bracket:
``raises=RuntimeError`` (the cell must raise that type) and ``traceback``
(show the whole traceback, not only its last line).

File options are comments anywhere in the file:
``# snipexec: timeout=300`` and ``# snipexec: data=path/to/file.csv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(
    r"^\s*#\s*-+8<-+\s+\[\s*(?P<kind>start|end)\s*:\s*(?P<name>[a-z][-_0-9a-z]*)\s*\](?P<opts>.*)$",
    re.IGNORECASE,
)
FILE_OPTION = re.compile(r"^\s*#\s*snipexec:\s*(?P<key>[a-z_]+)\s*=\s*(?P<value>.+?)\s*$")


class SnippetSyntaxError(ValueError):
    """A snippet file whose cell markers or options are malformed."""


@dataclass(frozen=True)
class Cell:
    name: str
    first_line: int  # 1-based line of the first code line
    source: str
    shown: bool = True  # False for code between named cells
    raises: str | None = None
    traceback: bool = False


@dataclass(frozen=True)
class SnippetFile:
    path: Path
    cells: tuple[Cell, ...]
    timeout: float | None = None
    data: tuple[str, ...] = field(default_factory=tuple)

    def cell(self, name: str) -> Cell:
        for cell in self.cells:
            if cell.shown and cell.name == name:
                return cell
        names = ", ".join(c.name for c in self.cells if c.shown) or "none"
        raise KeyError(f"{self.path}: no cell named '{name}' (cells: {names})")


def _parse_options(text: str, where: str) -> dict:
    opts: dict = {}
    for word in text.split():
        key, _, value = word.partition("=")
        if key == "raises" and value:
            opts["raises"] = value
        elif key == "traceback" and not value:
            opts["traceback"] = True
        else:
            raise SnippetSyntaxError(f"{where}: unknown cell option '{word}' (use raises=Type, traceback)")
    return opts


def read_source(path: Path, raw: bytes | None = None) -> str:
    """A snippet's text (``raw``: its bytes, already read) as Python reads it: UTF-8, an optional BOM dropped."""
    try:
        return (path.read_bytes() if raw is None else raw).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SnippetSyntaxError(f"{path}: not UTF-8 (byte {e.start}); save the file as UTF-8") from None


def parse(path: Path, text: str | None = None) -> SnippetFile:
    text = read_source(path) if text is None else text.removeprefix("\ufeff")
    # Python's own line breaks only: str.splitlines() also splits on form feeds and U+2028.
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    cells: list[Cell] = []
    options: dict = {"data": []}
    open_cell: tuple[str, int, dict] | None = None
    chunk_start = 1
    hidden = 0

    def flush(end: int, name: str | None, opts: dict) -> None:
        nonlocal hidden
        body = lines[chunk_start - 1 : end]
        if name is None:
            code = [ln for ln in body if ln.strip() and not ln.lstrip().startswith("#")]
            if not code:
                return
            hidden += 1
            name = f"_hidden{hidden}"
            cells.append(Cell(name, chunk_start, "\n".join(body) + "\n", shown=False))
            return
        cells.append(Cell(name, chunk_start, "\n".join(body) + "\n", True, opts.get("raises"), opts.get("traceback", False)))

    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        option = FILE_OPTION.match(line)
        if option:
            key, value = option["key"], option["value"]
            if key == "timeout":
                try:
                    options["timeout"] = float(value)
                except ValueError:
                    options["timeout"] = float("nan")
                if not 0 < options["timeout"] <= 86_400:  # also refuses nan and inf
                    raise SnippetSyntaxError(f"{where}: timeout must be a number of seconds from 1 to 86400, not '{value}'")
            elif key == "data":
                options["data"].append(value)
            else:
                raise SnippetSyntaxError(f"{where}: unknown file option '{key}' (use timeout=, data=)")
            continue
        marker = MARKER.match(line)
        if not marker:
            continue
        kind, name = marker["kind"].lower(), marker["name"].lower()
        if kind == "start":
            if open_cell:
                raise SnippetSyntaxError(f"{where}: cell '{name}' starts inside cell '{open_cell[0]}'")
            if any(c.name == name for c in cells):
                raise SnippetSyntaxError(f"{where}: cell '{name}' is defined twice")
            flush(number - 1, None, {})
            open_cell = (name, number, _parse_options(marker["opts"], where))
            chunk_start = number + 1
        else:
            if not open_cell or open_cell[0] != name:
                raise SnippetSyntaxError(f"{where}: end of cell '{name}' without its start")
            flush(number - 1, open_cell[0], open_cell[2])
            open_cell = None
            chunk_start = number + 1
    if open_cell:
        raise SnippetSyntaxError(f"{path}:{open_cell[1]}: cell '{open_cell[0]}' is never ended")
    flush(len(lines), None, {})
    return SnippetFile(path, tuple(cells), options.get("timeout"), tuple(options["data"]))


def shown_code(cell: Cell) -> str:
    """The code a page shows: the cell without surrounding blank lines."""
    return cell.source.strip("\n") + "\n"
