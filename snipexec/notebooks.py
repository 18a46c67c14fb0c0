"""A lesson page as a Jupyter notebook that runs top to bottom in a fresh kernel.

No MkDocs here: the adapter hands over the page's Markdown (front matter
already removed) and gets back the notebook's JSON text.

- Prose becomes Markdown cells, with the site-only syntax turned into plain
  Markdown: ``{ #id }`` heading anchors and HTML comments are dropped,
  admonitions become block quotes, content tabs become bold labels, code
  annotation markers ``# (1)!`` are removed.
- Each top-level ``::: run file.py:cell`` becomes a code cell with the
  cell's code and the output the build recorded (the same output the page
  shows). Before the first cell used from a file come that file's earlier
  cells the page does not show (its imports, cells not embedded), in file
  order, so every cell finds what it needs. A directive inside a tab (an
  indented one) is a second look at code the notebook runs elsewhere; it
  becomes a plain code block, so nothing runs twice.
- ``raises=`` cells carry the ``raises-exception`` tag, so Jupyter (and
  nbclient) runs on past the expected error.
- Local files a snippet read (helper modules, small text data) are written
  first with ``%%writefile``.
- The first code cell installs what Colab lacks, pinned to the versions the
  build used, and selects Keras' torch backend.
"""
from __future__ import annotations

import ast
import base64
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import directives
from .cells import SnippetFile, shown_code
from .render import fence_for

# Distributions a Colab runtime already has. Reinstalling torch there would
# download a multi-GB CUDA build; the others are simply not worth the wait.
COLAB_PROVIDES = frozenset(
    {"torch", "numpy", "matplotlib", "scikit-learn", "scipy", "pandas", "pillow", "tqdm", "rich", "filelock"}
)
WRITEFILE_LIMIT = 100_000  # bytes; larger data must come from the repository

TEXT = {
    "ko": {
        "setup": "Colab이나 새 환경에서 처음 한 번 실행하세요. 이 강좌가 쓰는 라이브러리 중 Colab에 없는 것을 "
        "사이트 빌드와 같은 버전으로 설치하고, Keras가 파이토치 위에서 돌도록 설정합니다.",
        "source": "이 노트북은 [사이트의 강좌 페이지]({url})에서 자동으로 만들어졌습니다. 사이트의 출력은 {stamp}에서 "
        "실행한 결과입니다.",
        "no_stamp": "사이트 빌드",  # execution switched off: no run to describe
    },
    "en": {
        "setup": "Run this first on Colab or in a fresh environment: it installs what this lesson needs and Colab "
        "lacks, at the versions the site was built with, and makes Keras run on PyTorch.",
        "source": "This notebook was generated from [the lesson page]({url}). The outputs on the site were produced "
        "with {stamp}.",
        "no_stamp": "the site's build",
    },
}


@dataclass
class Snippets:
    """What the notebook needs to know about the snippets a page runs."""

    parse: Callable[[str], SnippetFile]  # "05_x/a.py" -> parsed file
    metas: dict[str, dict]  # "05_x/a.py" -> the engine's result meta (outputs, dists, deps)
    folder: Callable[[str], Path]  # "05_x/a.py" -> the folder the snippet runs in
    project_root: Path
    figures: Callable[[str, str], list[Path]] = field(default=lambda rel, cell: [])


# --- prose -------------------------------------------------------------------

ANCHOR = re.compile(r"^(#{1,6}[ \t].*?)[ \t]*\{[^}\n]*\}[ \t]*$", re.M)
COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)(?:\s+"(?P<title>(?:[^"\\]|\\.)*)")?\s*$')
TAB = re.compile(r'^===\+?\s+"(?P<label>[^"]*)"\s*$')
ANNOTATION_MARKER = re.compile(r"\s*#\s*\(\d+\)!")


def _block(lines: list[str], i: int) -> tuple[list[str], int]:
    """The 4-space indented lines (and blank lines) after line ``i``, dedented."""
    body = []
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or lines[j].startswith("    ")):
        body.append(lines[j][4:])
        j += 1
    while body and not body[-1].strip():
        body.pop()
        j -= 1
    return body, j


LINK = re.compile(r"(!?\[[^\]\n]*\]\()([^)\s]+)")


def plain_markdown(text: str, links: Callable[[str], str] | None = None) -> str:
    """Material/pymdownx syntax to Markdown that Jupyter and Colab render. ``links`` rewrites link
    targets (relative links to other pages mean nothing in a notebook: they become the site's URLs)."""
    text = COMMENT.sub("", text)
    text = ANCHOR.sub(r"\1", text)
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    fence = None
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^\s*(`{3,}|~{3,})", line)
        if m and (fence is None or line.strip().startswith(fence)):
            fence = m.group(1) if fence is None else None
            out.append(line)
        elif fence is not None:
            out.append(ANNOTATION_MARKER.sub("", line))
        elif ADMONITION.match(line):
            a = ADMONITION.match(line)
            body, i = _block(lines, i)
            title = re.sub(r'\\(.)', r"\1", a["title"] or "") or a["kind"].capitalize()
            out.append(f"> **{title}**")
            out.append(">")
            out += [f"> {b}".rstrip() for b in plain_markdown("\n".join(body), links).split("\n")]
            continue
        elif TAB.match(line):
            body, i = _block(lines, i)
            out.append(f"**{TAB.match(line)['label']}**")
            out.append("")
            out += plain_markdown("\n".join(body), links).split("\n")
            continue
        else:
            out.append(LINK.sub(lambda m: m[1] + links(m[2]), line) if links else line)
        i += 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


# --- cells -------------------------------------------------------------------

def without_docstring(code: str) -> str:
    """Hidden setup code minus the module docstring (which only describes the file)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        code = "\n".join(code.splitlines()[first.end_lineno:])
    return code.strip("\n")


def _source(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def markdown_cell(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": _source(text)}


def code_cell(code: str, outputs: list | None = None, tags: list[str] | None = None) -> dict:
    meta = {"tags": tags} if tags else {}
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": outputs or [], "source": _source(code.rstrip("\n"))}


def recorded_outputs(meta_cell: dict | None, figures: list[Path]) -> list[dict]:
    """The build's output of a cell as notebook outputs (what the page shows)."""
    if not meta_cell:
        return []
    outputs = []
    if meta_cell.get("output"):
        outputs.append({"output_type": "stream", "name": "stdout", "text": _source(meta_cell["output"])})
    for fig in figures:
        if fig.is_file():
            png = base64.b64encode(fig.read_bytes()).decode("ascii")
            outputs.append({"output_type": "display_data", "metadata": {}, "data": {"image/png": png, "text/plain": ["<Figure>"]}})
    exc = meta_cell.get("exception")
    if exc:
        last = exc.strip().splitlines()[-1]
        ename, _, evalue = last.partition(": ")
        outputs.append({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": exc.rstrip("\n").splitlines()})
    return outputs


def install_cell(dists: dict[str, str], wanted: set[str], provided=COLAB_PROVIDES) -> str:
    """``%pip install`` of the lesson's declared dependencies Colab lacks, plus the Keras backend."""
    norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()  # noqa: E731
    wanted_n = {norm(w) for w in wanted}
    provided_n = {norm(p) for p in provided}
    pins = sorted(f"{d}=={v.split('+')[0]}" for d, v in dists.items() if norm(d) in wanted_n and norm(d) not in provided_n)
    lines = []
    if pins:
        lines.append("%pip install -q " + " ".join(pins))
    lines += ["import os", "", 'os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported']
    return "\n".join(lines) + "\n"


def _writefile_cells(rel: str, snippets: Snippets, written: set[str]) -> list[dict]:
    cells = []
    folder = snippets.folder(rel).resolve()
    for dep in sorted(snippets.metas.get(rel, {}).get("deps", {})):
        path = (snippets.project_root / dep).resolve()
        if dep in written or path.parent != folder or path.stat().st_size > WRITEFILE_LIMIT:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        written.add(dep)
        cells.append(code_cell(f"%%writefile {path.name}\n{text}", tags=["helper-file"]))
    return cells


def lesson_notebook(markdown: str, title: str, snippets: Snippets, lang: str, page_url: str,
                    declared: set[str], stamp: str = "", links: Callable[[str], str] | None = None) -> str:
    """The notebook of one page, as nbformat 4 JSON text. ``links`` maps the page's link targets to URLs."""
    text = TEXT.get(lang, TEXT["en"])
    found = directives.find(markdown)
    rels = list(dict.fromkeys(d.path for d in found))
    dists: dict[str, str] = {}
    for rel in rels:
        dists.update(snippets.metas.get(rel, {}).get("dists", {}))

    if not stamp:
        metas = [snippets.metas[r] for r in rels if r in snippets.metas]
        torch_versions = sorted({m["torch"] for m in metas if m.get("torch")})
        devices = sorted({m.get("device", "CPU") for m in metas})
        stamp = ", ".join([f"torch {v}" for v in torch_versions] + devices)
    intro = f"# {title}\n\n" + text["source"].format(url=page_url, stamp=stamp or text["no_stamp"])
    cells = [markdown_cell(intro), markdown_cell(text["setup"]), code_cell(install_cell(dists, declared), tags=["setup"])]
    emitted: dict[str, set[str]] = {rel: set() for rel in rels}
    written: set[str] = set()
    pending_prose: list[str] = []

    def flush_prose():
        md = plain_markdown("".join(pending_prose), links)
        pending_prose.clear()
        if md.strip():
            cells.append(markdown_cell(md))

    last = 0
    for d in found:
        pending_prose.append(markdown[last : d.start])
        last = d.end
        snippet = snippets.parse(d.path)
        cell = snippet.cell(d.cell)
        if d.indent:  # a second look (e.g. in a tab): show the code, run nothing
            code = shown_code(cell)
            fence = fence_for(code)
            pending_prose.append(f"{fence}python\n{code}{fence}")
            continue
        done = emitted[d.path]
        if cell.name in done:  # shown again further down: it already ran
            code = shown_code(cell)
            fence = fence_for(code)
            pending_prose.append(f"{fence}python\n{code}{fence}")
            continue
        flush_prose()
        meta_cells = {c["name"]: c for c in snippets.metas.get(d.path, {}).get("cells", [])}
        if not done:
            cells.extend(_writefile_cells(d.path, snippets, written))
        for earlier in snippet.cells:
            if earlier.name == cell.name:
                break
            if earlier.name not in done:
                done.add(earlier.name)
                code = earlier.source.strip("\n") if earlier.shown else without_docstring(earlier.source)
                if all(not ln.strip() or ln.lstrip().startswith("#") for ln in code.splitlines()):
                    continue
                tags = ["setup"] if not earlier.shown else []
                if earlier.raises:
                    tags.append("raises-exception")
                cells.append(code_cell(code, recorded_outputs(meta_cells.get(earlier.name), snippets.figures(d.path, earlier.name)), tags))
        done.add(cell.name)
        cells.append(code_cell(
            shown_code(cell),
            recorded_outputs(meta_cells.get(cell.name), snippets.figures(d.path, cell.name)) if "code-only" not in d.options else [],
            ["raises-exception"] if cell.raises else [],
        ))
    pending_prose.append(markdown[last:])
    flush_prose()
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "colab": {"provenance": []},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for n, c in enumerate(cells):
        c["id"] = f"cell-{n}"
    return json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"


def declared_dependencies(pyproject: Path) -> set[str]:
    """Names of the project's dependencies (only those get pinned in the install cell)."""
    return set(_declared(pyproject.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=8)
def _declared(text: str) -> frozenset[str]:
    """Remembered by the file's text: each lesson notebook asks, and parsing TOML is the slow part."""
    import tomllib

    deps = tomllib.loads(text).get("project", {}).get("dependencies", [])
    return frozenset(re.split(r"[\s<>=!~\[;]", d, maxsplit=1)[0] for d in deps)


def colab_url(repo: str, branch: str, path: str) -> str:
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path.strip('/')}"
