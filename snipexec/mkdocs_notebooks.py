"""Lesson notebooks for MkDocs: written where mkdocs-jupyter can render a notebook view of them.

The notebooks themselves come from ``snipexec.notebooks`` (no MkDocs there);
this module places them, links them from their lesson page, and fixes what
mkdocs-jupyter gets wrong for this site (heading anchors of Korean headings).
"""
from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urljoin, urlsplit

from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from snipexec import mkdocs_incremental as incremental
from snipexec.cache import write_atomic
from snipexec.directives import find as find_directives
from snipexec.notebooks import Snippets, colab_url, declared_dependencies, lesson_notebook

_names: dict[str, dict[str, str]] = {}  # config file -> page src_uri -> notebook file name
_inputs: dict[Path, tuple[str, int]] = {}  # notebook path -> (digest of its inputs, mtime it was written with)
pending: dict[Path, tuple[str, str]] = {}  # notebooks to write once the build is done (serve --dirty)
_plans: dict[str, dict] = {}  # config file -> page src_uri -> its notebook, to write


def add(files, config, engine, pages, results: dict | None, dirty: bool, later: bool = False) -> None:
    """Each page that runs snippets, as a notebook (written under the cache folder, so mkdocs-jupyter,
    which reads notebooks from disk, can render a notebook view of it).

    ``later``: the results are not all there yet; each notebook is written by ``write_for_view`` just
    before its view renders."""
    lang = config.theme.get("language", "en")
    # A plain File with its own src_dir, not File.generated: mkdocs-jupyter's view finds the notebook
    # through src_dir, which a generated file lacks.
    src_dir = engine.cache.root / "notebooks" / lang
    folder = src_dir / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    # Deferred writes need a watcher to see them; the first build of a serve runs before it watches.
    defer = dirty and config.config_file_path in _names
    names = _names[config.config_file_path] = {}
    plans = _plans[config.config_file_path] = {}
    for src_uri, (meta, body, found) in pages.items():
        title = meta.get("title") or next(iter(re.findall(r"^#\s+(.+)$", body, re.M)), Path(src_uri).stem)
        url = urljoin(config.site_url or "", files.get_file_from_path(src_uri).url)
        names[src_uri] = Path(src_uri).with_suffix(".ipynb").name
        plan = plans[src_uri] = _Plan(engine, folder / names[src_uri], body, title, url,
                                      functools.partial(_site_link, config, files, src_uri, url))
        if not later:
            plan.write(config, results or {}, defer)  # none with execution switched off: code without outputs
    for name in names.values():
        files.append(File(f"notebooks/{name}", str(src_dir), config.site_dir, config.use_directory_urls))


@dataclass
class _Plan:
    """One lesson's notebook, to be written once its results are known."""

    engine: object
    path: Path
    body: str
    title: str
    url: str
    links: Callable[[str], str]

    @property
    def snippets(self) -> list[str]:
        return sorted({d.path for d in find_directives(self.body)})

    def write(self, config, results: dict, defer: bool = False) -> None:
        engine, path, used = self.engine, self.path, self.snippets
        snippets = Snippets(
            parse=lambda rel: engine.shown(rel, results),
            metas={rel: r.meta for rel, r in results.items()},
            folder=lambda rel: engine.resolve(rel).parent,
            project_root=engine.project_root,
            figures=lambda rel, cell: results[rel].cells[cell].figures if rel in results else [],
        )
        declared = declared_dependencies(Path(config.config_file_path).parent / "pyproject.toml")
        lang = config.theme.get("language", "en")
        inputs = incremental.digest(self.body, self.title, self.url, sorted(declared),
                                    [snippets.metas.get(rel) for rel in used],
                                    [os.stat(engine.resolve(rel)).st_mtime_ns for rel in used])
        if path.is_file() and _inputs.get(path) == (inputs, path.stat().st_mtime_ns):
            return  # same inputs and nobody else (another build) wrote it since: the same notebook
        text = lesson_notebook(self.body, self.title, snippets, lang, self.url, declared, links=self.links)
        if path.is_file() and path.read_text(encoding="utf-8") == text:  # unchanged: its view is not rebuilt
            _inputs[path] = (inputs, path.stat().st_mtime_ns)
        elif defer and path.is_file():
            # Rendering a notebook view costs ~0.5 s; under `make serve` the lesson page comes first, and
            # the new notebook is written after this build, so its view follows in the next rebuild.
            pending[path] = (text, inputs)
        else:
            write(path, text, inputs)


def lesson_of_view(page, config) -> str | None:
    """The lesson page (src_uri) whose notebook ``page`` views, if it is a notebook view."""
    return next((src for src, name in _names.get(config.config_file_path, {}).items()
                 if f"notebooks/{name}" == page.file.src_uri), None)


def views(config) -> dict[str, str]:
    """Notebook view src_uri -> its lesson's src_uri."""
    return {f"notebooks/{name}": src for src, name in _names.get(config.config_file_path, {}).items()}


def write_for_view(page, config, results_for: Callable[[list[str]], dict]) -> None:
    """Before mkdocs-jupyter reads a view's notebook: write it, once its lesson's results are there."""
    lesson = lesson_of_view(page, config)
    plan = _plans.get(config.config_file_path, {}).get(lesson)
    if plan is not None:
        plan.write(config, results_for(plan.snippets))


def _site_link(config, files, src_uri: str, page_url: str, target: str) -> str:
    """A link of page ``src_uri`` as an absolute URL of the site (``03-autograd.md#x`` -> its page)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("/", "mailto:")):
        return target
    if not parts.path:  # an anchor on this page
        return page_url + target
    linked = files.get_file_from_path(posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), unquote(parts.path))))
    if linked is None:
        return urljoin(page_url, target)
    return urljoin(config.site_url or "", linked.url) + (f"#{parts.fragment}" if parts.fragment else "")


def write_pending() -> None:
    """Under serve: the notebooks held back during the build (their folder is watched: the next rebuild)."""
    for path, (text, inputs) in pending.items():
        write(path, text, inputs)
    pending.clear()


def write(path: Path, text: str, inputs: str) -> None:
    write_atomic(path, text)  # `make serve` and `make test` may write the same notebook at once
    _inputs[path] = (inputs, path.stat().st_mtime_ns)


def edit_lesson(page, config) -> None:
    """A notebook view's "edit this page" opens its lesson's Markdown: the notebook is made by the build."""
    lesson = lesson_of_view(page, config)
    if lesson and page.edit_url and page.edit_url.endswith(page.file.src_uri):
        page.edit_url = page.edit_url[: -len(page.file.src_uri)] + lesson


def link(page, config, files) -> None:
    """Links for the page template (page.meta.notebook): the notebook view, the .ipynb, Colab."""
    name = _names.get(config.config_file_path, {}).get(page.file.src_uri)
    if not name:
        return
    nb = files.get_file_from_path(f"notebooks/{name}")
    links = {"name": name}
    if nb.is_documentation_page():  # mkdocs-jupyter made it a page; include_source puts the .ipynb beside it
        links["view"] = get_relative_url(nb.url, page.url)
        links["download"] = get_relative_url(posixpath.join(posixpath.dirname(nb.dest_uri), name), page.url)
    else:
        links["download"] = get_relative_url(nb.url, page.url)
    settings = config.extra["notebooks"] or {}
    if settings.get("repo"):
        path = f"{settings.get('path', 'notebooks')}/{config.theme.get('language', 'en')}/{name}"
        links["colab"] = colab_url(settings["repo"], settings.get("branch", "notebooks"), path)
    page.meta["notebook"] = links


NOTEBOOK_HEADING = re.compile(r'<h([1-6]) id="[^"]*">(.*?)<a class="anchor-link" href="#[^"]*">¶</a></h\1>', re.S)
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)


def share_styles(html: str, page, config) -> str:
    """mkdocs-jupyter inlines JupyterLab's whole stylesheet (570 KB, fonts included) into every
    notebook view. It is the same for every view: one file, linked where the styles stood (so the
    cascade keeps its order), which a reader's browser loads once."""
    styles = INLINE_STYLE.findall(html)
    if not styles:
        return html
    css = "\n".join(styles)
    name = f"assets/notebook-view-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    target = Path(config.site_dir) / name
    if not target.is_file():  # named by its content: an existing file is this one
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    first = INLINE_STYLE.search(html).start()
    link = f'<link rel="stylesheet" href="{get_relative_url(name, page.url)}">\n'
    return html[:first] + link + INLINE_STYLE.sub("", html[first:])


def fix_headings(html: str, page, config) -> str:
    """Heading ids in notebook views as on the lesson pages, and the page's TOC from them.

    mkdocs-jupyter slugs headings to ASCII, so a Korean heading gets an empty id, and its TOC
    (made by another slug function) links to ids that do not exist."""
    slugify = (config.mdx_configs.get("toc") or {}).get("slugify") or (lambda text, sep: re.sub(r"\W+", sep, text).lower())
    seen: dict[str, int] = {}
    tokens: list[dict] = []
    stack: list[dict] = []

    def heading(m: re.Match) -> str:
        level, inner = int(m[1]), m[2]
        name = unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        base = slugify(name, "-") or "section"
        n = seen.get(base, 0)
        seen[base] = n + 1
        anchor = base if n == 0 else f"{base}_{n}"
        token = {"level": level, "id": anchor, "name": name, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
        return f'<h{level} id="{anchor}">{inner}<a class="anchor-link" href="#{anchor}">¶</a></h{level}>'

    html = NOTEBOOK_HEADING.sub(heading, html)
    page.toc = get_toc(tokens)
    h1 = next((t["name"] for t in _walk(tokens) if t["level"] == 1), None)
    if h1 and not _plugin_config(config).get("ignore_h1_titles"):
        page.title = h1  # what mkdocs-jupyter's own TOC pass would have set
    return html


def _walk(tokens):
    for t in tokens:
        yield t
        yield from _walk(t["children"])


def _plugin_config(config) -> dict:
    plugin = config.plugins.get("mkdocs-jupyter")
    return plugin.config if plugin else {}


def render_faster(config) -> None:
    """Two costs of each notebook view that this site does not need, cut before the first render
    (together about half of mkdocs-jupyter's 0.2 s per view, so a cold build's 18 views):

    * its TOC pass converts the whole notebook a second time, to Markdown, for a TOC and title
      that ``fix_headings`` makes again from the HTML (it must: that TOC has the wrong ids);
    * each view makes a new nbconvert exporter, which compiles its ~15 Jinja templates anew;
      Jinja's bytecode cache on disk keeps them compiled (keyed by each template's source).

    Both patch mkdocs-jupyter 0.26 and nbconvert 7, pinned in pyproject.toml."""
    from jinja2 import FileSystemBytecodeCache
    from mkdocs_jupyter import plugin as jupyter_plugin
    from nbconvert.exporters.templateexporter import TemplateExporter

    jupyter_plugin._get_nb_toc_tokens = _no_toc_pass
    create = TemplateExporter._create_environment
    if getattr(create, "snipexec_cache", False):
        return
    folder = Path(config.config_file_path).parent / ".cache" / "jinja" / "nbconvert"
    folder.mkdir(parents=True, exist_ok=True)
    cache = FileSystemBytecodeCache(str(folder))

    @functools.wraps(create)
    def create_with_cache(self):
        env = create(self)
        env.bytecode_cache = cache
        return env

    create_with_cache.snipexec_cache = True
    TemplateExporter._create_environment = create_with_cache


def _no_toc_pass(path, toc_depth):
    return [], None
