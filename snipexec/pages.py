"""Replace the directives of a page with rendered cells and a stamp."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import directives, render
from .cells import shown_code
from .engine import Engine, FileResult


def snippets_in(markdown: str, source: str = "<page>") -> list[str]:
    return [d.path for d in directives.find(markdown, source)]


def figure_name(result: FileResult, cell: str, n: int) -> str:
    """Stable public name of a figure: ``<snippet path>/<cell>-<n>.png``."""
    return f"{result.path[:-3]}/{cell}-{n}.png"


def public_figures(result: FileResult) -> dict[Path, str]:
    return {fig: figure_name(result, c.name, n) for c in result.cells.values() for n, fig in enumerate(c.figures, 1)}


def render_page(
    engine: Engine,
    markdown: str,
    results: dict[str, FileResult] | None,
    figure_url: Callable[[Path], str],
    lang: str,
    source: str = "<page>",
    stamp: bool = True,
    stash: dict[str, str] | None = None,
) -> str:
    found = directives.find(markdown, source)
    if not found:
        return markdown
    pieces, last, used = [], 0, {}
    for d in found:
        try:
            code = shown_code(engine.shown(d.path, results).cell(d.cell))
        except KeyError as e:
            raise directives.DirectiveError(f"{source}:{d.line}: {e.args[0]}") from None
        title = f"{engine.snippets_dir.name}/{d.path}"
        if results is None:  # execution switched off: code only
            block = "\n" + render.code_block(code, title)
        else:
            try:
                block = render.cell_markdown(
                    code, title, results[d.path].cells[d.cell], figure_url,
                    show_code="output-only" not in d.options, show_output="code-only" not in d.options,
                    output_as="mermaid" if "output-as-mermaid" in d.options else None, stash=stash,
                )
            except ValueError as e:
                raise directives.DirectiveError(f"{source}:{d.line}: {e}") from None
            used[d.path] = results[d.path].meta
        if d.indent:
            block = "\n".join(d.indent + line if line else line for line in block.split("\n"))
        pieces += [markdown[last : d.start], block]
        last = d.end
    pieces.append(markdown[last:])
    text = "".join(pieces)
    return text + render.stamp_markdown(list(used.values()), lang) if stamp else text


def write_rendered(engine: Engine, results: dict[str, FileResult], out_dir: Path, figure_base: str = "snippet-figures/") -> list[Path]:
    """Each cell as ``<out>/<snippet>/<cell>.md`` for a plain ``--8<--`` include."""
    written = []
    for result in results.values():
        figures = public_figures(result)
        snippet = engine.shown(result.path, results)
        for cell in result.cells.values():
            if cell.name.startswith("_hidden"):
                continue
            target = out_dir / result.path[:-3] / f"{cell.name}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            text = render.cell_markdown(
                shown_code(snippet.cell(cell.name)),
                f"{engine.snippets_dir.name}/{result.path}",
                cell,
                lambda fig: figure_base + figures[fig],
            )
            target.write_text(text, encoding="utf-8")
            written.append(target)
            for fig, name in figures.items():
                dest = out_dir / "figures" / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(fig.read_bytes())
    return written
