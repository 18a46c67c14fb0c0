"""MkDocs hooks: the thin adapter between a MkDocs site and the engine.

Settings live under ``extra.snipexec`` in mkdocs.yml::

    extra:
      snipexec:
        snippets: snippets          # folder, relative to mkdocs.yml
        translations: {en: mkdocs.en.yml}   # built into site_dir/<lang>

Pages ask for cells with ``::: run file.py:cell`` lines. Snippets run once,
in parallel, before any page renders; a failure stops the build (and
``mkdocs serve``) with the snippet's file, line and exception.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from snipexec.directives import DirectiveError
from snipexec.directives import find as find_directives
from snipexec.engine import Engine, SnippetFailure, SnippetNotFound
from snipexec.notebooks import Snippets, colab_url, declared_dependencies, lesson_notebook
from snipexec.pages import public_figures, render_page
from snipexec.render import unstash
from snipexec.revision import file_dates, last_changed
from snipexec.runner import start_forkserver

log = logging.getLogger("mkdocs.plugins.snipexec")
FIGURES_DIR = "snippet-figures"
_state: dict = {"engine": None, "results": {}, "figures": {}, "nested": False, "stash": {}, "dates": None}


def _settings(config) -> dict:
    return (config.extra or {}).get("snipexec", {}) or {}


def _engine(config) -> Engine:
    root = Path(config.config_file_path).parent
    snippets = (root / _settings(config).get("snippets", "snippets")).resolve()
    engine = _state["engine"]
    if engine is None or engine.snippets_dir != snippets:
        engine = _state["engine"] = Engine(snippets, project_root=root)
    return engine


def on_startup(command, dirty):
    """Under `mkdocs serve`, start the snippet forkserver now (torch loads in that process, not
    this one), so the first edit re-runs in milliseconds instead of waiting for torch."""
    if command == "serve" and _execution_on():
        start_forkserver()


def _execution_on() -> bool:
    # SNIPEXEC_EXECUTE=0 shows code only: the baseline of the speed benchmarks.
    return os.environ.get("SNIPEXEC_EXECUTE", "1") != "0"


def on_files(files, config):
    engine = _engine(config)
    if not _state["nested"]:
        _state["dates"] = file_dates(Path(config.config_file_path).parent)  # once for both languages
    if not _execution_on():
        _state["results"], _state["figures"] = None, {}
        return files
    wanted = []
    for f in files.documentation_pages():
        try:
            for d in find_directives(Path(f.abs_src_path).read_text(encoding="utf-8"), f.src_uri):
                engine.resolve(d.path)  # a missing file is named with the page line that asks for it
                wanted.append(d.path)
        except SnippetNotFound as e:
            raise PluginError(f"{f.src_uri}:{d.line}: {e}") from None
        except DirectiveError as e:
            raise PluginError(str(e)) from None
    try:
        results = engine.results(wanted)
        engine.raise_for_failures(results)
    except (SnippetFailure, SnippetNotFound, FileNotFoundError, ValueError) as e:
        raise PluginError(f"snippet failed:\n{e}") from None
    if not _state["nested"]:
        _report_timings(engine, results)
    _state["results"] = results
    _state["figures"] = {}
    for result in results.values():
        for fig, name in public_figures(result).items():
            f = File.generated(config, f"{FIGURES_DIR}/{name}", abs_src_path=str(fig))
            files.append(f)
            _state["figures"][fig] = f
    return files


def _report_timings(engine: Engine, results: dict) -> None:
    """Like sphinx-gallery: which snippet costs what, slowest first, on the console and in a file."""
    rows = sorted(results.values(), key=lambda r: -r.seconds)
    lines = [f"{r.seconds:8.2f} s  {'ran   ' if not r.cached else 'cached'}  {r.path}" for r in rows]
    (engine.cache.root / "timings.txt").write_text("seconds    source  snippet\n" + "\n".join(lines) + "\n")
    ran = [line for line, r in zip(lines, rows) if not r.cached]
    log.info("snipexec: %d snippet files, %d ran, %d from cache; slowest first:", len(rows), len(ran), len(rows) - len(ran))
    shown = ran or lines[:5]  # what just ran, else the costliest
    for line in shown:
        log.info("  %s", line)
    if len(lines) > len(shown):
        log.info("  ... all %d in %s", len(lines), engine.cache.root / "timings.txt")


def on_page_markdown(markdown, page, config, files):
    engine = _engine(config)
    figures = _state["figures"]

    def figure_url(fig: Path) -> str:
        return get_relative_url(figures[fig].url, page.url)

    stash = _state["stash"].setdefault(page.file.src_uri, {})
    try:
        used = [d.path for d in find_directives(markdown, page.file.src_uri)]
        rendered = render_page(engine, markdown, _state["results"], figure_url, config.theme.get("language", "en"),
                               page.file.src_uri, stash=stash)
    except DirectiveError as e:
        raise PluginError(str(e)) from None
    # "Last updated" (Material's source-file partial shows page.meta.revision_date).
    sources = [Path(page.file.abs_src_path)] + [engine.snippets_dir / p for p in dict.fromkeys(used)]
    date = last_changed(sources, Path(config.config_file_path).parent, _state["dates"])
    if date:
        page.meta["revision_date"] = date
    if used and "notebooks" in (config.extra or {}):
        _add_notebook(markdown, page, config, files, engine)
    return rendered


def _add_notebook(markdown, page, config, files, engine):
    """The page as a notebook next to it; links for the page template in page.meta.notebook."""
    settings = config.extra["notebooks"] or {}
    results = _state["results"] or {}  # none with execution switched off: code without outputs
    lang = config.theme.get("language", "en")
    snippets = Snippets(
        parse=engine.parse,
        metas={rel: r.meta for rel, r in results.items()},
        folder=lambda rel: engine.resolve(rel).parent,
        project_root=engine.project_root,
        figures=lambda rel, cell: results[rel].cells[cell].figures if rel in results else [],
    )
    root = Path(config.config_file_path).parent
    text = lesson_notebook(markdown, page.title, snippets, lang, page.canonical_url or page.url,
                           declared_dependencies(root / "pyproject.toml"))
    name = Path(page.file.src_uri).with_suffix(".ipynb").name
    f = File.generated(config, f"notebooks/{name}", content=text)
    files.append(f)
    page.meta["notebook"] = {"download": get_relative_url(f.url, page.url), "name": name}
    if settings.get("repo"):
        path = f"{settings.get('path', 'notebooks')}/{lang}/{name}"
        page.meta["notebook"]["colab"] = colab_url(settings["repo"], settings.get("branch", "notebooks"), path)


def on_page_content(html, page, config, files):
    """Outputs go in after Markdown, so no Markdown rule (in tabs, admonitions, lists) can touch them."""
    return unstash(html, _state["stash"].pop(page.file.src_uri, {}))


def _check_twins(root: Path, main_docs: Path, other_docs: Path, main_lang: str, other_lang: str) -> None:
    """Every page needs its twin: the language menu links to the same path in the other language."""
    def pages(d):
        return {p.relative_to(d) for p in d.rglob("*.md")}

    ours, theirs = pages(main_docs), pages(other_docs)
    for missing, have, docs, lang in ((ours - theirs, main_docs, other_docs, other_lang), (theirs - ours, other_docs, main_docs, main_lang)):
        for rel in sorted(missing):
            log.warning("missing translation: %s has no '%s' twin %s",
                        os.path.relpath(have / rel, root), lang, os.path.relpath(docs / rel, root))


def on_post_build(config):
    """Build each translation into ``site_dir/<lang>`` so one build (and one serve) has every language."""
    if _state["nested"]:
        return
    root = Path(config.config_file_path).parent
    for lang, config_file in (_settings(config).get("translations") or {}).items():
        from mkdocs.commands.build import build

        site_dir = os.path.join(config.site_dir, lang)
        sub = load_config(str(root / config_file), site_dir=site_dir, strict=config.strict)
        _check_twins(root, Path(config.docs_dir), Path(sub.docs_dir), config.theme.get("language"), lang)
        _state["nested"] = True
        try:
            sub.plugins.on_startup(command="build", dirty=False)
            build(sub)
        finally:
            _state["nested"] = False
            sub.plugins.on_shutdown()
