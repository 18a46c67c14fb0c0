"""MkDocs hooks: the thin adapter between a MkDocs site and the engine.

Settings live under ``extra.snipexec`` in mkdocs.yml::

    extra:
      snipexec:
        snippets: snippets          # folder, relative to mkdocs.yml
        translations: {en: mkdocs.en.yml}   # built into site_dir/<lang>

Pages ask for cells with ``::: run file.py:cell`` lines. ``on_files`` starts
every snippet both languages need (each runs once, in parallel, longest
first) and each page waits only for its own results when it renders, so
pages and notebook views render while the slow snippets still run. A
failure stops the build (and ``mkdocs serve``) with the snippet's file,
line and exception.
"""
from __future__ import annotations

import copy
import ctypes
import functools
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, get_files
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data
from watchdog.observers.polling import PollingObserver

from snipexec import highlight_memo
from snipexec import mkdocs_incremental as incremental
from snipexec import mkdocs_notebooks as notebooks
from snipexec import search_index
from snipexec.cache import write_atomic
from snipexec.cells import SnippetSyntaxError
from snipexec.directives import DirectiveError
from snipexec.directives import find as find_directives
from snipexec.durations import DurationsError
from snipexec.engine import Engine, SnippetFailure, SnippetNotFound
from snipexec.handoff import Handoff
from snipexec.pages import public_figures, render_page
from snipexec.render import unstash
from snipexec.revision import file_dates, last_changed
from snipexec.runner import forget_forkserver, start_forkserver

log = logging.getLogger("mkdocs.plugins.snipexec")
FIGURES_DIR = "snippet-figures"
_state: dict = {"engine": None, "results": {}, "main_results": None, "figures": {}, "nested": False, "stash": {},
                "dates": None, "dirty": False, "page_snippets": {}, "files": {}, "sources": {},
                "front_matter": {}, "command": None, "batch": None, "file_order": {}}
EXIT_REPORTED_BY_MAIN_BUILD = 3  # the translation stopped for a snippet failure the main build reports


def _settings(config) -> dict:
    return (config.extra or {}).get("snipexec", {}) or {}


def _engine_folder(config) -> Path:
    return (Path(config.config_file_path).parent / _settings(config).get("snippets", "snippets")).resolve()


def _engine(config) -> Engine:
    snippets = _engine_folder(config)
    engine = _state["engine"]
    if engine is None or engine.snippets_dir != snippets:
        engine = _state["engine"] = Engine(snippets, project_root=Path(config.config_file_path).parent)
    return engine


@event_priority(100)  # before the search plugin makes its first Jinja environment
def on_config(config):
    """Every build (and serve rebuild) makes new Jinja environments. Two costs are the same each time and
    are kept instead: compiling Material's templates (Jinja's own bytecode cache, on disk; about 0.2 s
    per language) and walking its 14,000 theme files for static assets (about 0.1 s per language)."""
    if not _state["nested"] and _state["command"] == "build" and _execution_on() and _engine(config).cache.is_empty():
        start_forkserver()  # every snippet will run: torch loads there while MkDocs reads the pages
    highlight_memo.install()  # the code blocks of both languages' pages, and of every serve rebuild
    search_index.install()
    notebook_views = config.plugins.get("mkdocs-jupyter")
    if notebook_views:  # its cache evicts what the last build did not use: one folder per language
        for name in ("mkdocs.plugins.mkdocs_jupyter", "mkdocs.mkdocs-jupyter"):  # a line per page and build
            logging.getLogger(name).setLevel(logging.WARNING)
        notebook_views.config["cache_dir"] = str(Path(config.config_file_path).parent / ".cache" / "mkdocs-jupyter"
                                                 / config.theme.get("language", "en"))
        notebooks.render_faster(config)
    theme = config.theme
    if getattr(theme, "keeps_template_work", False):
        return config
    folder = Path(config.config_file_path).parent / ".cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    cache, make_env = FileSystemBytecodeCache(str(folder)), theme.get_env

    def get_env():
        env = make_env()
        env.bytecode_cache = cache
        env.list_templates = functools.partial(_theme_files, theme, env.list_templates)
        return env

    theme.get_env, theme.keeps_template_work = get_env, True
    return config


_theme_listing: dict = {}


def _theme_files(theme, list_templates, extensions=None, filter_func=None):
    """``env.list_templates`` remembered per theme folders (the custom folder is checked for changes)."""
    key = (tuple(theme.dirs), repr(incremental.tree_stat(theme.custom_dir)), extensions,
           getattr(filter_func, "__code__", filter_func),
           tuple(theme.static_templates))
    if key not in _theme_listing:
        _theme_listing.clear()
        _theme_listing[key] = list_templates(extensions=extensions, filter_func=filter_func)
    return list(_theme_listing[key])


def on_startup(command, dirty):
    """Under `mkdocs serve`, start the snippet forkserver now (torch loads in that process, not
    this one), so the first edit re-runs in milliseconds instead of waiting for torch.
    With ``--dirty`` (as `make serve` runs it), rebuilds redo only the pages whose inputs changed."""
    if _state["nested"]:
        return
    _state["dirty"], _state["command"] = dirty, command
    if dirty:
        incremental.enable()
    if command == "serve" and _execution_on():
        start_forkserver()


SERVE_POLL_SECONDS = 0.1  # an idle serve then takes ~6% of one slow core; 0.05 s doubled that for 25 ms
SERVE_QUIET_SECONDS = 0.05  # MkDocs waits 0.1 s for more changes before it rebuilds


def on_serve(server, config, builder):
    """MkDocs polls the watched folders every 0.5 s; poll every 0.1 s, so a saved snippet starts its rebuild
    at once (the folders are small: each poll is a few hundred stat calls). Polling, not native file
    events, because events miss changes on network and WSL-mounted folders, which is why MkDocs polls.
    Once a change is seen, wait 0.05 s for more: a save's writes land within one poll, and a write a
    poll splits only starts one more (dirty) rebuild."""
    watched = list(server._watched_paths)  # what `mkdocs serve` watches before its plugins' on_serve
    for path in watched:
        while path in server._watched_paths:
            server.unwatch(path)
    server.observer = PollingObserver(timeout=SERVE_POLL_SECONDS)
    server.build_delay = min(server.build_delay, SERVE_QUIET_SECONDS)
    for path in watched:
        server.watch(path)
    # What the pages are made of besides docs_dir: the snippets, and each translation's config and pages.
    root = Path(config.config_file_path).parent
    server.watch(str(_engine(config).snippets_dir))
    notebooks = _engine(config).cache.root / "notebooks"
    if notebooks.is_dir():  # notebooks written after a rebuild start the next one
        server.watch(str(notebooks))
    for config_file in (_settings(config).get("translations") or {}).values():
        server.watch(str(root / config_file))
        server.watch(load_config(str(root / config_file)).docs_dir)
    return server


def _execution_on() -> bool:
    # SNIPEXEC_EXECUTE=0 shows code only: the baseline of the speed benchmarks.
    return os.environ.get("SNIPEXEC_EXECUTE", "1") != "0"


@event_priority(10)  # before mkdocs-jupyter, which turns the generated notebooks into notebook views
def on_files(files, config):
    """Start every snippet the pages need (both languages', so each runs once), without waiting for them:
    a page waits for its own results when it renders (``on_page_markdown``)."""
    engine = _engine(config)
    nested = _state["nested"]
    if not nested:
        _state["dates"] = file_dates(Path(config.config_file_path).parent)  # once for both languages
        notebooks.pending.clear()
        _state["main_results"] = None  # set when this build's results are in (a forked translation has none)
    pages, wanted = _read_pages(files, config, engine)
    _state["results"], _state["figures"], _state["batch"] = None, {}, None
    subs, handoff = [], None
    if not nested:
        subs = _state["translations"] = _translations(config)  # here, so a missing twin counts as this build's warning
        if _execution_on():
            wanted += _cells_of(subs, engine)
            if _can_fork(config):
                handoff = Handoff(wanted)
    later = not _state["dirty"]  # rebuild tracking (--dirty) fingerprints each page's results before on_nav
    if _execution_on():
        try:  # cache look-ups and the schedule now; the runs start after the fork below
            main = _state.get("main_results") if nested else None  # a translation built in this process
            known = main[1] if main and main[0] is engine else None
            _state["batch"] = engine.start(wanted, announce=handoff, await_from=_state.get("handoff"), begin=False,
                                           known=known)
        except DurationsError as e:
            raise PluginError(str(e)) from None
        except (SnippetNotFound, FileNotFoundError, ValueError) as e:
            raise PluginError(f"snippet failed:\n{e}") from None
    if not nested and _can_fork(config):
        _fork_translations(subs, handoff)  # returns in this process only
    if _state["batch"] is not None:
        _state["batch"].begin()
        if not later:
            _state["results"] = _all_results()
            _add_figures(files, config, _state["results"])
    if "notebooks" in (config.extra or {}):
        notebooks.add(files, config, engine, pages, _state["results"], _state["dirty"],
                      later=later and _state["batch"] is not None)
    if later and _state["batch"] is not None and _state["batch"].ran:
        files = _ready_first(files, config)
    return files


def _read_pages(files, config, engine: Engine) -> tuple[dict, list[str]]:
    """The ``::: run`` lines of every page, checked: a missing file or cell is named with its page line."""
    pages, wanted = {}, []  # src_uri -> (front matter, body, directives)
    sources = _state["sources"][config.config_file_path] = {}  # src_uri -> digest of its text
    front_matter = _state["front_matter"][config.config_file_path] = {}
    for f in files.documentation_pages():
        if not f.src_uri.endswith(".md"):
            continue
        text = Path(f.abs_src_path).read_text(encoding="utf-8")
        where = _page_path(config, f.abs_src_path)
        try:
            text_digest, body, meta, found = _page_parts(text, where)
            sources[f.src_uri] = text_digest  # what this build renders (a save mid-build differs)
            front_matter[f.src_uri] = meta
            for d in found:
                engine.parse(d.path).cell(d.cell)
        except (SnippetNotFound, SnippetSyntaxError, KeyError) as e:
            raise PluginError(f"{where}:{d.line}: {e.args[0]}") from None
        except DirectiveError as e:
            raise PluginError(str(e)) from None
        if found:
            pages[f.src_uri] = (meta, body, found)
            wanted += [d.path for d in found]
    _state["page_snippets"][config.config_file_path] = {src: [d.path for d in p[2]] for src, p in pages.items()}
    return pages, wanted


@functools.lru_cache(maxsize=256)
def _page_parts_remembered(text: str, where: str) -> tuple:
    body, meta = get_data(text)
    return incremental.digest(text), body, meta, find_directives(text, where)  # lines of the file, front matter included


def _page_parts(text: str, where: str) -> tuple[str, str, dict, list]:
    """A page's digest, body, front matter and ``::: run`` lines; remembered by text, as serve rebuilds
    read every page again (YAML front matter costs ~2 ms a page)."""
    text_digest, body, meta, found = _page_parts_remembered(text, where)
    return text_digest, body, copy.deepcopy(meta), list(found)


def _cells_of(subs, engine: Engine) -> list[str]:
    """The snippet files the translations' pages use. Their mistakes are left for their own build, which
    names the page and line."""
    wanted = []
    for sub in subs:
        if _engine_folder(sub) != engine.snippets_dir:
            continue  # a snippets folder of its own: its build runs those
        for f in get_files(sub).documentation_pages():
            if not f.src_uri.endswith(".md"):
                continue
            try:
                found = find_directives(Path(f.abs_src_path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, DirectiveError):
                continue
            for d in found:
                try:
                    engine.parse(d.path).cell(d.cell)
                except (SnippetNotFound, KeyError, ValueError):
                    continue
                wanted.append(d.path)
    return wanted


def _results_for(rels) -> dict:
    """The results of ``rels``, waiting for those still running. A failure stops the build with every
    failure of the batch, as a build that waited for all of them would report it."""
    batch, engine = _state["batch"], _state["engine"]
    rels = list(dict.fromkeys(rels))
    try:
        found = {rel: batch.result(rel) for rel in rels if batch.has(rel)}
        unknown = [rel for rel in rels if rel not in found]  # a page saved since on_files asks for more
        found.update(engine.results(unknown) if unknown else {})
    except (SnippetNotFound, FileNotFoundError, ValueError) as e:
        raise PluginError(f"snippet failed:\n{e}") from None
    failed = [r for r in found.values() if not r.ok]
    if failed:
        if any(r.failed_elsewhere for r in failed):
            _exit_reported_by_main_build()
        try:
            everything = {**_all_results(raise_failures=False), **found}
            Engine.raise_for_failures(everything)
        except SnippetFailure as e:
            raise PluginError(f"snippet failed:\n{e}") from None
    return {rel: found[rel] for rel in rels}


def _all_results(raise_failures: bool = True) -> dict:
    try:
        results = _state["batch"].wait()
        if raise_failures:
            if any(r.failed_elsewhere for r in results.values() if not r.ok):
                _exit_reported_by_main_build()
            Engine.raise_for_failures(results)
    except (SnippetFailure, SnippetNotFound, FileNotFoundError, ValueError) as e:
        raise PluginError(f"snippet failed:\n{e}") from None
    return results


def _exit_reported_by_main_build():
    """In the forked translation build: a snippet the main build ran failed, and the main build reports it
    (with file, cell and line). Leave quietly: an exception would have MkDocs log a page error here too."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_REPORTED_BY_MAIN_BUILD)


def _add_figures(files, config, results: dict) -> None:
    """Figures the snippets drew, as files of the site (once each)."""
    for result in results.values():
        for fig, name in public_figures(result).items():
            if fig in _state["figures"]:
                continue
            f = File.generated(config, f"{FIGURES_DIR}/{name}", abs_src_path=str(fig), inclusion=InclusionLevel.INCLUDED)
            files.append(f)
            if _state["dirty"]:
                incremental.copy_from(f)
            _state["figures"][fig] = f


def _ready_first(files, config):
    """MkDocs renders the pages in file order. Pages whose snippets still run go last, in the order their
    results should come, so every other page and notebook view renders meanwhile instead of after the
    slowest snippet. ``on_env`` puts the order back before anything is written."""
    batch = _state["batch"]
    uses = _state["page_snippets"].get(config.config_file_path, {})
    uses = {**uses, **{view: uses.get(lesson, []) for view, lesson in notebooks.views(config).items()}}

    def ready(f) -> float:
        return max((batch.expected_ready.get(rel, 0.0) for rel in uses.get(f.src_uri, ())), default=0.0)

    _state["file_order"][config.config_file_path] = [f.src_uri for f in files]
    return Files(sorted(files, key=ready))  # stable: the order of MkDocs among pages ready at once


@event_priority(101)  # before the tags plugin writes tags.json
def on_env(env, config, files):
    """Every page has rendered, so every result is in: report them, and give the files back their order."""
    if _state["batch"] is not None:
        _state["results"] = _all_results()
        if not _state["nested"]:
            _report_timings(_state["engine"], _state["results"])
            _state["main_results"] = (_state["engine"], _state["results"])  # its translations use them as they are
    order = _state["file_order"].pop(config.config_file_path, None)
    if order:
        rank = {uri: i for i, uri in enumerate(order)}
        current = list(files)
        for f in current:
            files.remove(f)
        for f in sorted(current, key=lambda f: rank.get(f.src_uri, len(rank))):  # figures added since: last
            files.append(f)
        _tags_in_site_order(config, files)
    return env


def _tags_in_site_order(config, files) -> None:
    """Material's tags plugin lists pages in the order they rendered (tags.json): the site's order instead,
    as in a build that waited for nothing. Its mappings are a dict by page URL (Material 9.8, pinned)."""
    mappings = getattr(config.plugins.get("material/tags"), "mappings", None)
    data = getattr(mappings, "data", None)
    if isinstance(data, dict):
        rank = {f.url: i for i, f in enumerate(files.documentation_pages())}
        mappings.data = dict(sorted(data.items(), key=lambda item: rank.get(item[0], len(rank))))


@event_priority(10)  # before mkdocs-jupyter reads the notebook
def on_pre_page(page, config, files):
    if _state["batch"] is not None and not _state["dirty"]:
        notebooks.write_for_view(page, config, _results_for)
    return page


def on_build_error(error):
    if _state["batch"] is not None:
        _state["batch"].cancel()


def _page_path(config, abs_src_path: str) -> str:
    """How messages name a page: from the project root, so the language shows (docs/en/...)."""
    return os.path.relpath(abs_src_path, Path(config.config_file_path).parent)


def _page_inputs(config):
    """For incremental rebuilds: what a page shows (its text as read, its snippets' results, its date)."""
    engine, results = _engine(config), _state["results"] or {}
    uses = _state["page_snippets"].get(config.config_file_path, {})
    texts = _state["sources"].get(config.config_file_path, {})
    root = Path(config.config_file_path).parent

    def inputs(src_uri: str):
        used = dict.fromkeys(uses.get(src_uri, []))
        sources = [Path(config.docs_dir) / src_uri] + [engine.snippets_dir / p for p in used]
        return texts.get(src_uri), [(rel, results[rel].meta if rel in results else None) for rel in used], \
            last_changed(sources, root, _state["dates"])

    return inputs


def on_nav(nav, config, files):
    _state["files"][config.config_file_path] = files
    if _state["dirty"]:
        incremental.mark_stale(config, files, nav, _state["front_matter"][config.config_file_path],
                               _page_inputs(config))
    return nav


def on_post_page(output, page, config):
    if _state["dirty"]:
        incremental.record(config, page, _page_inputs(config))
    return output


def _report_timings(engine: Engine, results: dict) -> None:
    """Like sphinx-gallery: which snippet costs what, slowest first, on the console and in a file."""
    rows = sorted(results.values(), key=lambda r: -r.seconds)
    lines = [f"{r.seconds:8.2f} s  {'ran   ' if not r.cached else 'cached'}  {r.path}" for r in rows]
    write_atomic(engine.cache.root / "timings.txt", "seconds    source  snippet\n" + "\n".join(lines) + "\n")
    ran = [line for line, r in zip(lines, rows) if not r.cached]
    log.info("snipexec: %d snippet files, %d ran, %d from cache; slowest first:", len(rows), len(ran), len(rows) - len(ran))
    shown = ran or lines[:5]  # what just ran, else the costliest
    for line in shown:
        log.info("  %s", line)
    if len(lines) > len(shown):
        log.info("  ... all %d in %s", len(lines), engine.cache.root / "timings.txt")


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):  # a notebook view: mkdocs-jupyter renders it
        page.meta["search"] = {"exclude": True}  # its lesson page is what search should find
        notebooks.edit_lesson(page, config)
        return markdown
    engine = _engine(config)
    figures = _state["figures"]

    def figure_url(fig: Path) -> str:
        return get_relative_url(figures[fig].url, page.url)

    stash = _state["stash"].setdefault(page.file.src_uri, {})
    try:
        where = _page_path(config, page.file.abs_src_path)
        used = [d.path for d in find_directives(markdown, where)]
        results = None  # execution switched off: code only
        if _state["batch"] is not None:
            results = _results_for(used)
            _add_figures(files, config, results)
        rendered = render_page(engine, markdown, results, figure_url, config.theme.get("language", "en"),
                               where, stash=stash)
    except DirectiveError as e:
        raise PluginError(str(e)) from None
    # "Last updated" (Material's source-file partial shows page.meta.revision_date).
    sources = [Path(page.file.abs_src_path)] + [engine.snippets_dir / p for p in dict.fromkeys(used)]
    date = last_changed(sources, Path(config.config_file_path).parent, _state["dates"])
    if date:
        page.meta["revision_date"] = date
    notebooks.link(page, config, files)
    return rendered


def on_page_content(html, page, config, files):
    """Outputs go in after Markdown, so no Markdown rule (in tabs, admonitions, lists) can touch them."""
    if page.file.src_uri.endswith(".ipynb"):
        return notebooks.share_styles(notebooks.fix_headings(html, page, config), page, config)
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


@event_priority(50)  # before the search plugin writes its index
def _search_index_whole(config):
    if _state["dirty"]:
        incremental.keep_search_whole(config, _state["files"][config.config_file_path])


def _translations(config) -> list:
    """Each translation's config, built into ``site_dir/<lang>`` so one build (and one serve) has every language."""
    root = Path(config.config_file_path).parent
    subs = []
    for lang, config_file in (_settings(config).get("translations") or {}).items():
        site_dir = os.path.join(config.site_dir, lang)
        sub = load_config(str(root / config_file), site_dir=site_dir, strict=config.strict)
        _check_twins(root, Path(config.docs_dir), Path(sub.docs_dir), config.theme.get("language"), lang)
        subs.append(sub)
    return subs


def _build(subs) -> None:
    from mkdocs.commands.build import build

    for sub in subs:
        _state["translation"] = sub.theme.get("language")
        _state["nested"] = True
        try:
            sub.plugins.on_startup(command="build", dirty=_state["dirty"])
            build(sub, dirty=_state["dirty"])
        finally:
            _state["nested"] = False
            sub.plugins.on_shutdown()


def _can_fork(config) -> bool:
    """`mkdocs build` builds the translations in a forked process, beside the main language: on two
    cores that takes the English half off a build. Not under serve or --dirty (rebuilds share
    state with the server, whose threads must not be forked), nor with other threads alive."""
    return (_state["command"] == "build" and not _state["dirty"] and hasattr(os, "fork")
            and threading.active_count() == 1 and bool(_settings(config).get("translations")))


def _fork_translations(subs, handoff: Handoff | None) -> None:
    """The child waits for the snippets this process runs (``handoff``); a cell only it shows runs on a
    forkserver of its own."""
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        _state["translations_pid"] = pid
        if handoff:
            handoff.as_maker()
        return
    code = 1
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the main build died, so stop
        if os.getppid() != parent:  # it died before that took effect
            os._exit(1)
        forget_forkserver()  # the main build's forkserver is its child, not ours
        if handoff:
            handoff.as_waiter()
            _state["handoff"] = handoff
        for handler in logging.getLogger("mkdocs").handlers:  # both builds write at once: say whose line
            handler.addFilter(_tag_language)
        _build(subs)
        code = 0
    except Abort as e:
        log.error("%s", e)  # MkDocs logged the cause; this says which (e.g. --strict warnings)
    except KeyboardInterrupt:
        code = 130  # Ctrl-C reached both processes: the main build reports it
    except BaseException:  # noqa: BLE001 - a bug: show it, then fail the main build
        log.exception("the translated site failed to build")
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _tag_language(record: logging.LogRecord) -> bool:
    record.msg = f"[{_state.get('translation')}] {record.msg}"
    return True


def _build_translations(config):
    if _state["nested"]:
        return
    pid = _state.pop("translations_pid", None)
    subs = _state.pop("translations", None)
    if pid is None:
        _build(subs if subs is not None else _translations(config))
    else:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code == EXIT_REPORTED_BY_MAIN_BUILD:
            raise PluginError("the translated site stopped: a snippet it shows failed (see above)")
        if code != 0:
            how = f"exit code {code}" if code > 0 else f"killed by {signal.Signals(-code).name}"
            raise PluginError(f"the translated site failed to build ({how}); its messages are above")
    notebooks.write_pending()


on_post_build = CombinedEvent(_search_index_whole, _build_translations)


def on_shutdown():
    """A main build that failed first leaves its snippets and its translations' process running: stop them."""
    if _state["nested"]:
        return
    if _state["batch"] is not None:
        _state["batch"].cancel()
    pid = _state.pop("translations_pid", None)
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
