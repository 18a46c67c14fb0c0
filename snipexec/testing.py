"""Helpers for tests of lesson snippets (no pytest import needed)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .cells import parse
from .child import _seed_everything
from .engine import Engine, FileResult

_engines: dict[Path, Engine] = {}


def result(snippets_dir: Path, rel: str) -> FileResult:
    """The engine's result for one file, from the project's cache when valid; fails on a failed run."""
    snippets_dir = Path(snippets_dir).resolve()
    engine = _engines.setdefault(snippets_dir, Engine(snippets_dir))
    res = engine.results([rel])[rel]
    if not res.ok:
        raise AssertionError(res.error)
    return res


def namespace(path: Path) -> dict:
    """Run a snippet's cells in this process and return its globals, to assert on real objects.

    Cells marked ``raises=`` must raise that type; the run goes on after them.
    """
    path = Path(path).resolve()
    snippet = parse(path)
    ns: dict = {"__name__": "__main__", "__file__": str(path)}
    _seed_everything()  # the same seeds the engine's snippet processes get
    old_cwd, old_path = os.getcwd(), list(sys.path)
    os.chdir(path.parent)
    sys.path.insert(0, str(path.parent))
    try:
        for cell in snippet.cells:
            code = compile("\n" * (cell.first_line - 1) + cell.source, str(path), "exec", dont_inherit=True)
            if not cell.raises:
                exec(code, ns)
                continue
            try:
                exec(code, ns)
            except Exception as exc:  # noqa: BLE001
                names = {c.__name__ for c in type(exc).__mro__}
                if cell.raises not in names:
                    raise AssertionError(f"{path}: cell '{cell.name}' raised {type(exc).__name__}, not {cell.raises}") from exc
            else:
                raise AssertionError(f"{path}: cell '{cell.name}' should raise {cell.raises}")
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
    return ns
