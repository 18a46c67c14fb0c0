"""The benchmark's anchors build the same lesson pages and snippets as snipexec, so the comparison is fair.

Generation only: nothing here runs a snippet or MkDocs."""
import re
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from snipexec import directives
from snipexec.cells import parse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402

PAGES = [(lang, p) for lang in ("ko", "en") for p in sorted((ROOT / "docs" / lang).rglob("*.md"))
         if directives.find(p.read_text())]


def _run_cells(page: Path) -> list:
    """Every cell the page runs (a directive indented in a tab is a second look, not a run)."""
    return [parse(ROOT / "snippets" / d.path).cell(d.cell) for d in directives.find(page.read_text()) if not d.indent]


@pytest.fixture(scope="module")
def anchors(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("anchors")
    return bench.make_markdown_exec_project(ROOT, tmp / "mdexec"), bench.make_jupyter_project(ROOT, tmp / "jupyter")


def test_there_are_lesson_pages_to_compare():
    assert len(PAGES) >= 18 and {lang for lang, _ in PAGES} == {"ko", "en"}


@pytest.mark.parametrize("lang,page", PAGES, ids=lambda v: v if isinstance(v, str) else v.stem)
def test_markdown_exec_anchor_executes_every_cell_the_page_runs(anchors, lang, page):
    generated = (anchors[0] / "docs" / lang / page.relative_to(ROOT / "docs" / lang)).read_text()
    executed = "".join(re.findall(r'```python exec="on"[^\n]*\n(.*?)```', generated, flags=re.S))
    for cell in _run_cells(page):
        body = textwrap.indent(cell.source, "    ") if cell.raises else cell.source  # inside try/except there
        assert body in executed, f"{page.name}: cell {cell.name} is not executed by markdown-exec"
    assert "::: run" not in generated


@pytest.mark.parametrize("lang,page", PAGES, ids=lambda v: v if isinstance(v, str) else v.stem)
def test_jupyter_anchor_has_every_cell_the_page_runs_as_code(anchors, lang, page):
    nb_path = (anchors[1] / "docs" / lang / page.relative_to(ROOT / "docs" / lang)).with_suffix(".ipynb")
    nb = nbformat.read(nb_path, as_version=4)
    code = "".join(c.source for c in nb.cells if c.cell_type == "code")
    for cell in _run_cells(page):
        assert cell.source in code, f"{page.name}: cell {cell.name} is missing from the executed notebook"
    assert all("::: run" not in c.source for c in nb.cells)
