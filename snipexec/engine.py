"""The engine's front door: results for snippet files, from cache or a fresh run."""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from . import cache as cache_mod
from . import durations
from .batch import Batch
from .capture import DEFAULT_LIMIT, clean
from .cells import SnippetFile, parse, read_source
from .runner import FileRun, run_file

if TYPE_CHECKING:
    from .handoff import Handoff

DEFAULT_TIMEOUT = 300.0
MARKER_START = re.compile(rb"-8<-+[ \t]+\[\s*start\s*:", re.I)
MAX_OUTPUT_BYTES = 256 * 1024 * 1024


class SnippetNotFound(FileNotFoundError):
    pass


class SnippetFailure(RuntimeError):
    """One or more snippet files failed; the message names file, cell, line and exception."""


@dataclass
class CellResult:
    name: str
    status: str
    output: str = ""
    exception: str | None = None
    figures: list[Path] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class FileResult:
    path: str  # relative to the snippets folder
    ok: bool
    cached: bool
    seconds: float  # run time when produced (also for cache hits)
    cells: dict[str, CellResult]
    meta: dict
    error: str | None = None
    failed_elsewhere: bool = False  # another process ran it, failed, and reports it
    # The file as it was when its key was taken: the code pages show beside this output, even if
    # the file is saved again while the build runs.
    snippet: SnippetFile | None = None
    key: str | None = None  # the cache key it was made under: which version of the file and its data

    @property
    def output_size(self) -> int:
        return sum(len(c.output) + len(c.exception or "") for c in self.cells.values())


def _truthy(value: str | None) -> bool:
    return (value or "").lower() not in ("", "0", "false", "no")


@functools.lru_cache(maxsize=512)
def _parse_source(path: Path, raw: bytes) -> SnippetFile:
    """Pages and notebooks ask for the same file many times a build; a save changes the key."""
    return parse(path, read_source(path, raw))


class Engine:
    def __init__(
        self,
        snippets_dir: Path,
        project_root: Path | None = None,
        cache_dir: Path | None = None,
        workers: int | None = None,
        force: bool | None = None,
        timeout: float | None = None,
        output_limit: int = DEFAULT_LIMIT,
    ):
        self.snippets_dir = Path(snippets_dir).resolve()
        self.project_root = Path(project_root or self.snippets_dir.parent).resolve()
        cache_dir = cache_dir or os.environ.get("SNIPEXEC_CACHE") or self.project_root / ".cache" / "snipexec"
        self.cache = cache_mod.Cache(Path(cache_dir), self.project_root)
        cores = len(os.sched_getaffinity(0))
        self.workers = workers or int(os.environ.get("SNIPEXEC_WORKERS", 0)) or cores
        # Each file gets its share of the cores, the same however many files miss the
        # cache: a file's numbers then do not depend on what else ran in its build.
        self.threads = max(1, cores // self.workers)
        self.force = _truthy(os.environ.get("SNIPEXEC_FORCE")) if force is None else force
        self.timeout = timeout or float(os.environ.get("SNIPEXEC_TIMEOUT", DEFAULT_TIMEOUT))
        self.output_limit = output_limit
        self._forced: set[str] = set()  # with force, each file runs once per Engine
        self._paths: dict[str, tuple[tuple, Path]] = {}  # rel -> (its lstat when resolved, the resolved path)

    # --- paths -------------------------------------------------------------
    def resolve(self, rel: str) -> Path:
        given = self.snippets_dir / rel
        try:  # resolve() walks every folder of the path; a build asks for each file dozens of times
            link = os.lstat(given)
            seen = (link.st_ino, link.st_mtime_ns)
        except OSError:
            seen = None
        known = self._paths.get(rel)
        if seen is not None and known is not None and known[0] == seen:
            path = known[1]
        else:
            path = given.resolve()
            if self.snippets_dir not in path.parents:
                raise SnippetNotFound(f"snippet '{rel}' is outside {self.snippets_dir}")
            if seen is not None:
                self._paths[rel] = (seen, path)
        if not path.is_file():
            raise SnippetNotFound(f"snippet file {self.snippets_dir.name}/{rel} does not exist")
        return path

    def all_snippets(self) -> list[str]:
        """Files with at least one cell marker; helper modules beside them are not snippets."""
        return sorted(
            str(p.relative_to(self.snippets_dir))
            for p in self.snippets_dir.rglob("*.py")
            if "__pycache__" not in p.parts and MARKER_START.search(p.read_bytes())
        )

    def parse(self, rel: str) -> SnippetFile:
        path = self.resolve(rel)
        return _parse_source(path, path.read_bytes())

    def shown(self, rel: str, results: dict[str, FileResult] | None) -> SnippetFile:
        """The file whose code goes beside ``results[rel]``: the one that ran, else the file as it is now."""
        result = (results or {}).get(rel)
        return result.snippet if result is not None and result.snippet is not None else self.parse(rel)

    # --- running -------------------------------------------------------------
    def start(self, rels: list[str], announce: Handoff | None = None, await_from: Handoff | None = None,
              begin: bool = True, known: dict[str, FileResult] | None = None) -> Batch:
        """Cache hits at once, misses in the background: each result usable as soon as it exists (see ``Batch``).
        ``begin=False``: look up and plan only; ``Batch.begin()`` starts the runs (e.g. after a fork).
        ``known``: results in hand from this engine, used where the file is still the one they ran."""
        batch = Batch(self, rels, announce=announce, await_from=await_from, known=known)
        return batch.begin() if begin else batch

    def results(self, rels: list[str]) -> dict[str, FileResult]:
        """Results for every file in ``rels``: hits from the cache, misses run in parallel, longest first."""
        return self.start(rels).wait()

    def expected_seconds(self, rels: list[str]) -> dict[str, float]:
        """Each file's last run time: from this cache, else ``snippets/durations.json``."""
        recorded = {rel: self.cache.recorded_seconds(self.resolve(rel)) for rel in rels}
        hint = durations.read(self.snippets_dir) if None in recorded.values() else {}
        return {rel: s if s is not None else hint.get(rel, durations.DEFAULT_SECONDS) for rel, s in recorded.items()}

    def recorded_seconds(self) -> dict[str, float]:
        """What ``durations.json`` should say now: every snippet file's last recorded run."""
        found = {rel: self.cache.recorded_seconds(self.resolve(rel)) for rel in self.all_snippets()}
        return {rel: s for rel, s in found.items() if s is not None}

    def _options(self, snippet: SnippetFile) -> dict:
        # threads: numbers can differ with torch's thread count, which follows the worker count
        return {"timeout": snippet.timeout or self.timeout, "output_limit": self.output_limit, "threads": self.threads}

    def _job(self, rel: str) -> dict:
        path = self.resolve(rel)
        source = path.read_bytes()
        snippet = _parse_source(path, source)  # the same bytes as the key: a save in between cannot split them
        options = self._options(snippet)
        data = [(path.parent / d).resolve() for d in snippet.data]
        return {"rel": rel, "path": path, "snippet": snippet, "options": options,
                "key": self.cache.key(path, source, data, options)}

    def _lookup(self, job: dict) -> FileResult | None:
        if self.force and job["rel"] not in self._forced:
            return None
        hit = self.cache.lookup(job["path"], job["key"])
        return self._from_meta(job["rel"], *hit, cached=True, snippet=job["snippet"], key=job["key"]) if hit else None

    def made_elsewhere(self, rel: str) -> None:
        """Another process stored a fresh result for ``rel``: with ``force`` too, it is not run again here."""
        self._forced.add(rel)

    def failed_elsewhere(self, rel: str) -> FileResult:
        return FileResult(rel, False, False, 0.0, {}, {}, f"{rel}: failed in the build that ran it (reported there)", True)

    def _run(self, job: dict) -> FileResult:
        rel, path = job["rel"], job["path"]
        with FileLock(str(self.cache.locks / f"{self.cache.slug(path)}.lock")):
            hit = self._lookup(job)  # another build may have produced it while we waited
            if hit:
                return hit
            self._forced.add(rel)
            job_dir = self.cache.new_job_dir()
            run = run_file(job["snippet"], job_dir, job["options"]["timeout"], MAX_OUTPUT_BYTES, threads=self.threads)
            meta = self._meta(rel, run)
            if not run.ok:
                result = self._from_meta(rel, job_dir, meta, cached=False, snippet=job["snippet"], key=job["key"])
                result.error = run.error
                return result  # failures are never cached; the job folder is kept for a look
            entry = self.cache.store(path, job["key"], job_dir, meta)
            return self._from_meta(rel, entry, meta, cached=False, snippet=job["snippet"], key=job["key"])

    def _meta(self, rel: str, run: FileRun) -> dict:
        cells = []
        for c in run.cells:
            cells.append(
                {
                    "name": c.name,
                    "status": c.status,
                    "output": clean(c.output, self.output_limit, c.printed),
                    "exception": clean(c.exception.encode(), self.output_limit) if c.exception else None,
                    "figures": [f.name for f in c.figures],
                    "seconds": round(c.seconds, 4),
                }
            )
        device = run.device or {}
        return {
            "snippet": rel,
            "seconds": round(run.seconds, 4),
            "produced_at": datetime.fromtimestamp(run.started, timezone.utc).isoformat(timespec="seconds"),
            "torch": device.get("torch"),
            "device": device.get("gpu") or "CPU",
            "cuda": device.get("cuda"),
            "cells": cells,
            "deps": self.cache.dependencies(run.opened, run.path, run.started, run.started + run.wall_seconds + 1),
            "dists": run.dists,
        }

    def _from_meta(self, rel: str, folder: Path, meta: dict, cached: bool, snippet: SnippetFile,
                   key: str | None = None) -> FileResult:
        cells = {
            c["name"]: CellResult(
                c["name"], c["status"], c["output"], c["exception"], [folder / f for f in c["figures"]], c["seconds"]
            )
            for c in meta["cells"]
        }
        ok = all(c.status in ("ok", "raised") for c in cells.values())
        return FileResult(rel, ok, cached, meta["seconds"], cells, meta, snippet=snippet, key=key)

    # --- helpers for callers ----------------------------------------------
    @staticmethod
    def raise_for_failures(results: dict[str, FileResult]) -> None:
        failed = [r for r in results.values() if not r.ok]
        if failed:
            raise SnippetFailure("\n\n".join(r.error or f"{r.path}: failed" for r in failed))

    def prune(self) -> int:
        return self.cache.prune([self.snippets_dir / r for r in self.all_snippets()])
