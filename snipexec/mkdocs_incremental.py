"""Incremental rebuilds under ``mkdocs serve --dirty``: only pages whose inputs changed are rebuilt.

MkDocs' dirty mode rebuilds a page only when its Markdown file is newer than
its HTML. That misses what a page here also depends on: the snippets it runs,
the config and nav, the theme overrides and hooks, other pages' front matter,
and its own text as the build read it (a save during a build leaves the HTML
newer than the file). So every page written records a fingerprint of those
inputs; before the next build, a page whose fingerprint differs is marked stale
(its HTML's mtime set to 0), and MkDocs rebuilds it. Generated files (figures)
copied from a different source than last time are marked the same way.

MkDocs then indexes for search only the pages it rebuilt. Material's own
dirty-reload merge assumes one page per build and one search plugin per site,
but the Korean and English builds share one plugin instance; so the entries of
every page are kept here, per language, and the index is written whole.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DIRTY_WARNING = "A 'dirty' build is being performed"


@dataclass
class SiteState:
    """What the last build of one language wrote."""

    written: dict[str, str] = field(default_factory=dict)  # page src_uri -> fingerprint of its inputs
    search: dict[str, list] = field(default_factory=dict)  # page url -> its search index entries
    built: set[str] = field(default_factory=set)  # page urls built by the build in progress
    site_fingerprint: str = ""


_sites: dict[str, SiteState] = {}
_copied_from: dict[str, str] = {}  # generated file's destination -> the source it was last copied from


def state(config) -> SiteState:
    return _sites.setdefault(config.config_file_path, SiteState())


class _DirtyNotice(logging.Filter):
    """MkDocs warns that dirty builds leave stale navigation; this module rebuilds those pages, and the
    warning would otherwise fail every `strict: true` rebuild. It stays in the log as information."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(DIRTY_WARNING):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "Dirty build: rebuilding only the pages whose inputs changed", ()
        return True


def enable() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, _DirtyNotice) for f in logger.filters):
        logger.addFilter(_DirtyNotice())


def digest(*parts) -> str:
    """A stable digest of plain data (as JSON: a fresh run's meta equals the same meta read from the cache)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _config_files(config) -> list[Path]:
    """The config file and the files it INHERITs from."""
    out, path = [], Path(config.config_file_path)
    while path.is_file() and path not in out:
        out.append(path)
        found = re.search(r"^INHERIT:\s*['\"]?([^'\"\s#]+)", path.read_text(encoding="utf-8"), re.M)
        if not found:
            break
        path = (path.parent / found.group(1)).resolve()
    return out


def tree_stat(folder: str | None) -> list:
    if not folder or not os.path.isdir(folder):
        return []
    return sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in Path(folder).rglob("*") if p.is_file())


def _nav_items(items) -> list:
    out = []
    for item in items or []:
        out.append((type(item).__name__, item.title, getattr(item, "url", None)))
        out.extend(_nav_items(getattr(item, "children", None)))
    return out


def site_fingerprint(config, nav, front_matter: dict) -> str:
    """Inputs every page shares: config, nav, theme overrides, hooks, every page's front matter."""
    return digest(
        [hashlib.sha256(p.read_bytes()).hexdigest() for p in _config_files(config)],
        _nav_items(nav.items),
        tree_stat(config.theme.custom_dir),
        sorted((m.__file__, os.stat(m.__file__).st_mtime_ns) for m in (config.hooks or {}).values()),
        sorted(front_matter.items()),
    )


def mark_stale(config, files, nav, front_matter: dict, page_inputs) -> None:
    """Mark every page whose inputs changed since its HTML was written (``front_matter``: src_uri -> meta)."""
    site = state(config)
    site.site_fingerprint = site_fingerprint(config, nav, front_matter)
    site.built = set()
    for f in files.documentation_pages():
        if site.written.get(f.src_uri) != fingerprint(site, f, page_inputs) and os.path.isfile(f.abs_dest_path):
            os.utime(f.abs_dest_path, ns=(0, 0))


def fingerprint(site: SiteState, file, page_inputs) -> str:
    return digest(site.site_fingerprint, page_inputs(file.src_uri))


def record(config, page, page_inputs) -> None:
    """The page's HTML is about to be written from these inputs."""
    site = state(config)
    site.written[page.file.src_uri] = fingerprint(site, page.file, page_inputs)
    site.built.add(page.url)


def keep_search_whole(config, files) -> None:
    """Give the search plugin every page's entries: the rebuilt pages' new ones, the others' from before."""
    search = config.plugins.get("material/search")
    index = getattr(search, "search_index", None)
    if index is None:
        return
    site = state(config)
    fresh: dict[str, list] = {}
    for entry in index.entries:
        fresh.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    for url in site.built:
        site.search[url] = fresh.get(url, [])
    urls = [f.page.url for f in files.documentation_pages() if f.page]
    site.search = {url: site.search[url] for url in urls if url in site.search}
    index.entries = [entry for url in urls for entry in site.search.get(url, [])]
    search.search_index_prev = None  # Material's own merge would mix in the other language's pages


def copy_from(file) -> None:
    """A generated file (a figure) now copied from another source, e.g. an older cache entry after a
    revert: MkDocs' dirty copy replaces only files whose source is newer, so mark the copy stale."""
    before = _copied_from.get(file.abs_dest_path)
    if before is not None and before != file.abs_src_path and os.path.isfile(file.abs_dest_path):
        os.utime(file.abs_dest_path, ns=(0, 0))
    _copied_from[file.abs_dest_path] = file.abs_src_path
