"""Lesson pages as notebooks: built from the page and its snippets, and they run."""
from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path

import nbformat
import pytest

from snipexec.notebooks import Snippets, declared_dependencies, install_cell, lesson_notebook, plain_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_site_syntax_becomes_plain_markdown():
    md = textwrap.dedent('''\
        ## Traps { #traps }

        <!--pytest.mark.skip-->
        ```python
        drive.mount("/content/drive")  # (1)!
        ```

        !!! warning "Say \\"dim\\""
            Always pass `dim`.

        === "Tab A"

            text a
        ''')
    out = plain_markdown(md)
    assert out.startswith("## Traps\n\n```python")
    assert "pytest" not in out and "(1)!" not in out
    assert '> **Say "dim"**\n>\n> Always pass `dim`.' in out
    assert "**Tab A**\n\ntext a" in out


def test_install_cell_pins_only_what_colab_lacks():
    cell = install_cell({"torch": "2.13.0+cpu", "keras": "3.15.1", "torchinfo": "1.8.0", "namex": "0.1"},
                        {"torch", "keras", "torchinfo", "numpy"})
    assert cell.splitlines()[0] == "%pip install -q keras==3.15.1 torchinfo==1.8.0"
    assert 'os.environ["KERAS_BACKEND"] = "torch"' in cell


def test_a_dependency_added_while_serving_reaches_the_install_cell(tmp_path):
    """The dependencies are remembered between rebuilds, but an edited pyproject.toml is read again."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["torch>=2", "numpy"]\n')
    assert declared_dependencies(pyproject) == {"torch", "numpy"}
    stamp = pyproject.stat()
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["torch>=2", "numpi"]\n')
    os.utime(pyproject, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # same size, same mtime: a copy tool
    assert declared_dependencies(pyproject) == {"torch", "numpi"}


def test_cells_come_with_their_setup_in_file_order(project):
    rel = project.snippet("l/a.py", '''
        """Docstring only describes the file."""
        import math
        # --8<-- [start:unused]
        r = 2
        # --8<-- [end:unused]
        # --8<-- [start:area]
        print(round(math.pi * r * r, 2))
        # --8<-- [end:area]
        # --8<-- [start:boom] raises=ZeroDivisionError
        1 / 0
        # --8<-- [end:boom]
    ''')
    project.write("snippets/l/helper.py", "X = 1\n")
    engine = project.engine()
    result = engine.results([rel])[rel]
    page = "Intro\n\n=== \"Tab\"\n\n    ::: run l/a.py:area code-only\n\n::: run l/a.py:area\n\nThen\n\n::: run l/a.py:boom\n"
    snippets = Snippets(engine.parse, {rel: result.meta}, lambda r: engine.resolve(r).parent, project.root)
    nb = nbformat.reads(lesson_notebook(page, "T", snippets, "en", "https://x/", set()), 4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [
        code[0].source,  # install / backend
        "import math",  # hidden setup, docstring dropped
        "r = 2",  # not on the page, but area needs it
        "print(round(math.pi * r * r, 2))",
        "1 / 0",
    ]
    assert code[3].outputs[0]["text"] == "12.57\n"  # the build's output comes along
    assert code[4].metadata.tags == ["raises-exception"]
    tab = next(c for c in nb.cells if c.cell_type == "markdown" and "**Tab**" in c.source)
    assert "```python\nprint(round(" in tab.source  # the tab's copy is shown, not run twice


LESSON5 = "05-three-ways-to-build-a-model"


@pytest.fixture(scope="module")
def lesson5_notebook(site) -> Path:
    return site / f"notebooks/{LESSON5}/{LESSON5}.ipynb"


@pytest.mark.site
def test_lesson_pages_link_their_notebook_view_download_and_colab(site, lesson5_notebook):
    from bs4 import BeautifulSoup

    for lang in ("", "en/"):
        page = site / lang / "lessons" / LESSON5
        html = BeautifulSoup((page / "index.html").read_text(), "html.parser")
        view, download, colab = [a["href"] for a in html.select(".lesson-notebook a")]
        assert json.loads((page / download).resolve().read_text())["nbformat"] == 4
        lang_dir = "en" if lang else "ko"
        assert colab == ("https://colab.research.google.com/github/pytorch101-kr/pytorch101/blob/notebooks/"
                         f"notebooks/{lang_dir}/{LESSON5}.ipynb")
        # The notebook view (mkdocs-jupyter) shows the same outputs the lesson page shows.
        shown = BeautifulSoup((page / view / "index.html").resolve().read_text(), "html.parser")
        assert shown.select(".jp-Notebook .jp-CodeCell")
        outputs = " ".join(o.get_text() for o in shown.select(".jp-OutputArea-output"))
        lesson_outputs = [o.get_text().strip() for o in html.select(".snipexec-output")]
        assert lesson_outputs and all(o.splitlines()[0] in outputs for o in lesson_outputs[:5])
        assert shown.select_one("html")["lang"] == lang_dir
        # Titled by the lesson's heading, with a TOC whose links land on the view's own headings.
        assert shown.title.get_text().startswith(html.select_one("h1").get_text().strip().rstrip("¶"))
        toc = [a["href"].lstrip("#") for a in shown.select("nav.md-nav--secondary a[href^='#']")]
        assert len(toc) >= 3 and all(shown.find(id=t) for t in toc)
        edit = shown.select_one("a.md-content__button[rel=edit]")["href"]
        assert edit.endswith(f"/docs/{lang_dir}/lessons/{LESSON5}.md"), edit  # the notebook itself is built
        # JupyterLab's stylesheet comes as one shared file, not inlined into every view.
        inline = sum(len(st.get_text()) for st in shown.select("style"))
        assert inline < 20_000, f"{inline:,} characters of inline CSS"
        sheets = [(page / view / link["href"]).resolve() for link in shown.select("article link[rel=stylesheet]")]
        assert any(".jp-OutputArea" in p.read_text() for p in sheets if p.is_file()), sheets
    en = json.loads((site / f"en/notebooks/{LESSON5}/{LESSON5}.ipynb").read_text())
    assert en["cells"][0]["source"][0].startswith("# Basic 5: Three ways")
    assert "모델" in "".join(json.loads(lesson5_notebook.read_text())["cells"][0]["source"])


@pytest.mark.site
def test_links_in_notebooks_point_at_the_site(site):
    """Relative links (other lessons, anchors) mean nothing in Colab: they become the site's URLs."""
    for nb_path in sorted(site.glob("**/notebooks/*/*.ipynb")):
        prose = "".join("".join(c["source"]) for c in json.loads(nb_path.read_text())["cells"] if c["cell_type"] == "markdown")
        targets = re.findall(r"\]\(([^)\s]+)", prose)
        assert all(t.startswith("https://") for t in targets), (nb_path.name, [t for t in targets if not t.startswith("https://")])
    ko = "".join("".join(c["source"]) for c in json.loads((site / f"notebooks/{LESSON5}/{LESSON5}.ipynb").read_text())["cells"])
    assert "https://pytorch101-kr.github.io/pytorch101/lessons/04-nn-module/" in ko


@pytest.mark.site
def test_notebook_views_stay_out_of_search_and_nav(site):
    for lang in ("", "en/"):
        index = json.loads((site / lang / "search/search_index.json").read_text())
        assert not [d for d in index["docs"] if d["location"].startswith("notebooks/")]
        assert (site / lang / f"notebooks/{LESSON5}/index.html").is_file()
        from bs4 import BeautifulSoup

        home = BeautifulSoup((site / lang / "index.html").read_text(), "html.parser")
        nav = [a["href"] for a in home.select("nav.md-nav--primary a[href]")]
        assert "lessons/01-tensors/" in nav and not [h for h in nav if "notebooks/" in h]


@pytest.mark.site
def test_lesson5_notebook_runs_top_to_bottom_in_a_fresh_kernel(lesson5_notebook, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(lesson5_notebook, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [c for c in code if any(o.output_type == "error" for o in c.outputs)]
    assert [c.source for c in errors] == [c.source for c in code if "raises-exception" in c.metadata.get("tags", [])]
    assert errors and "mat1 and mat2 shapes cannot be multiplied" in errors[0].outputs[-1].evalue
    # Keras prints its summary through rich, which Jupyter shows as display data.
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for c in code for o in c.outputs)
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # and colours it
    assert "Total params: 7,141" in text and "parameters: 50762" in text
    torchinfo = next(c for c in code if "\nsummary(net" in c.source)
    assert "Total params: 7,141" in torchinfo.outputs[0].data["text/plain"]  # Jupyter shows the returned table


def _write_for_a_while(path: str, text: str, start, seconds: float) -> None:
    import time

    from snipexec import mkdocs_notebooks
    start.wait(60)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        mkdocs_notebooks.write(Path(path), text, inputs="")


def test_two_builds_writing_one_notebook_neither_fails_nor_leaves_half(tmp_path):
    """`make serve` and `make test` share .cache/snipexec/notebooks: both may write a view at once."""
    import multiprocessing

    target = tmp_path / "lesson.ipynb"
    texts = ["a" * 100_000, "b" * 150_000]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_write_for_a_while, args=(str(target), text, start, 1.5)) for text in texts]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert target.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.ipynb"], "temp files left behind"
