"""Content-addressed store of snippet results.

An entry lives at ``entries/<snippet-slug>/<key>-<deps>/``. ``key`` hashes
what is known before running (source, declared data, Python, device, run
options); ``deps`` hashes what the run reported (local files it read,
versions of the distributions it imported). A lookup accepts an entry only
if those files and versions are still the same. Entries appear by one
atomic rename, so a killed build never leaves half of one.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from importlib import metadata, util
from pathlib import Path
from stat import S_ISREG

from .child import KEYED_ENV

ENGINE_VERSION = "1"
KEEP_PER_SNIPPET = 3


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write through a temp file of this process's own: concurrent builds never see, or collide on, half a file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:24]


def installed_version(dist: str, memo: Path | None = None, site_state: tuple | None = None) -> str | None:
    """``memo``: a file that keeps the scan between processes (a warm build then reads no package metadata).
    ``site_state``: ``_site_state()`` when the caller asks for many names at once."""
    return _installed_remembered(site_state or _site_state(), memo).get(re.sub(r"[-_.]+", "_", dist).lower())


@functools.lru_cache(maxsize=4)
def _installed_remembered(site_state: tuple, memo: Path | None) -> dict[str, str]:
    """``_installed``, kept on disk under the same key: the package folders and their mtimes."""
    key = digest([list(entry) for entry in site_state])
    if memo is not None:
        try:
            saved = json.loads(memo.read_text())
            if saved.get("key") == key and isinstance(saved.get("versions"), dict):
                return saved["versions"]
        except (OSError, ValueError, AttributeError):
            pass  # none yet, or unreadable: scan
    found = _installed(site_state)
    if memo is not None:
        try:
            write_atomic(memo, json.dumps({"key": key, "versions": found}))
        except OSError:
            pass  # a read-only cache still works, it just scans each time
    return found


def _site_state() -> tuple:
    """Where packages live and when those folders last changed: a pip install changes it."""
    state = []
    for entry in sys.path:
        try:
            state.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            pass
    return tuple(state)


@functools.lru_cache(maxsize=4)
def _installed(site_state: tuple) -> dict[str, str]:
    """Every installed distribution's version, read in one pass (not one search per name)."""
    found: dict[str, str] = {}
    for d in metadata.distributions():
        name = d.metadata["Name"]
        if name:
            found.setdefault(re.sub(r"[-_.]+", "_", name).lower(), d.version)
    return found


def _torch_cuda_version() -> str | None:
    """torch.version.cuda, read from the file so torch is not imported."""
    spec = util.find_spec("torch")
    if not spec or not spec.submodule_search_locations:
        return None
    version_py = Path(list(spec.submodule_search_locations)[0]) / "version.py"
    try:
        text = version_py.read_text()
    except OSError:
        return None
    m = re.search(r"^cuda\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", text, re.M)
    return m.group(1) if m else None


def device_fingerprint() -> str:
    """Where snippets will run: ``cpu`` or ``cuda:<GPU names>:<CUDA version>``.

    Found without importing torch, so a warm build stays light.
    ``SNIPEXEC_DEVICE`` overrides it (``cpu`` forces the CPU label).
    """
    forced = os.environ.get("SNIPEXEC_DEVICE")
    if forced:
        return forced
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return "cpu"
    return _probe_cuda()


@functools.lru_cache(maxsize=None)
def _probe_cuda() -> str:
    cuda = _torch_cuda_version()
    smi = shutil.which("nvidia-smi")
    if not cuda or not smi:
        return "cpu"
    try:
        names = subprocess.run(
            [smi, "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True, timeout=20
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return "cpu"
    names = [n.strip() for n in names if n.strip()]
    return f"cuda:{'+'.join(names)}:{cuda}" if names else "cpu"


# The modules that decide what a run records; rendering and the MkDocs adapter do not.
OUTPUT_MODULES = ("_preload.py", "cache.py", "capture.py", "cells.py", "child.py", "engine.py", "runner.py")


@functools.lru_cache(maxsize=None)
def engine_fingerprint() -> str:
    """The engine's own source: a change to how snippets run invalidates every entry."""
    h = hashlib.sha256(ENGINE_VERSION.encode())
    for name in OUTPUT_MODULES:
        h.update(name.encode() + (Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:16]


def python_fingerprint() -> str:
    return f"{platform.python_implementation()}-{sys.version.split()[0]}-{platform.machine()}"


def _source_of_bytecode(path: Path) -> Path:
    """``pkg/__pycache__/mod.cpython-311.pyc`` -> ``pkg/mod.py``: importing a cached module opens only the .pyc."""
    if path.suffix == ".pyc" and path.parent.name == "__pycache__":
        return path.parent.parent / (path.name.split(".", 1)[0] + ".py")
    return path


def _sound(entry: Path) -> dict | None:
    """An entry's result if the entry is whole: its result.json reads, and every figure it names is a file
    of the entry, of the size it had when stored. A cut artifact download or a lost figure would otherwise
    be served, or block the snippet."""
    try:
        meta = json.loads((entry / "result.json").read_text())
        figures = [name for cell in meta["cells"] for name in cell["figures"]]
        sizes = meta.get("sizes", {})  # entries stored before sizes were recorded: presence only
        for name in figures:
            if not (isinstance(name, str) and name == Path(name).name):
                return None
            found = (entry / name).stat()
            if not S_ISREG(found.st_mode) or sizes.get(name, found.st_size) != found.st_size:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return meta


def _delete(path: Path) -> None:
    """An entry or a leftover job folder; a stray file where one belongs goes too."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class Cache:
    def __init__(self, root: Path, project_root: Path):
        self.root = Path(root).resolve()  # snippets chdir to their folder: paths must be absolute
        self.project_root = Path(project_root).resolve()
        self.entries = self.root / "entries"
        self.tmp = self.root / "tmp"
        self.locks = self.root / "locks"
        self._slugs: dict[Path, str] = {}
        for d in (self.entries, self.tmp, self.locks):
            d.mkdir(parents=True, exist_ok=True)

    def is_empty(self) -> bool:
        """Nothing has run with this cache yet (a fresh clone or CI runner)."""
        return next(self.entries.iterdir(), None) is None

    # --- keys -------------------------------------------------------------
    def slug(self, snippet: Path) -> str:
        """A folder name per snippet path: readable, and unique thanks to the path's hash."""
        known = self._slugs.get(snippet)
        if known is None:  # resolve() walks every folder of the path: once per path, not per look-up
            rel = os.path.relpath(Path(snippet).resolve(), self.project_root)
            readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", rel)[-80:]
            known = self._slugs[snippet] = f"{readable}-{hashlib.sha256(rel.encode()).hexdigest()[:10]}"
        return known

    def key(self, snippet: Path, source: bytes, data_files: list[Path], options: dict) -> str:
        data = {}
        for p in data_files:
            rel = os.path.relpath(p, self.project_root)
            if not p.is_file():
                raise FileNotFoundError(f"{snippet}: declared data file {rel} does not exist")
            data[rel] = sha256_file(p)
        return digest(
            {
                "engine": engine_fingerprint(),
                "path": os.path.relpath(Path(snippet).resolve(), self.project_root),
                "source": hashlib.sha256(source).hexdigest(),
                "data": data,
                "python": python_fingerprint(),
                "device": device_fingerprint(),
                "env": {k: os.environ[k] for k in KEYED_ENV if k in os.environ},
                "options": options,
            }
        )

    def dependencies(self, opened: dict[str, bool], snippet: Path, started: float, finished: float) -> dict[str, str]:
        """Files under the project the run read, and did not write or create."""
        deps = {}
        for name, wrote in sorted(opened.items()):
            p = _source_of_bytecode(Path(name))
            if wrote or not p.is_file():
                continue
            try:
                rp = p.resolve()
                rel = rp.relative_to(self.project_root)
            except (OSError, ValueError):
                continue
            if rp == Path(snippet).resolve() or self.root in rp.parents or Path(__file__).parent in rp.parents:
                continue
            if rel.parts[0] in (".venv", ".git"):
                continue
            if started <= rp.stat().st_mtime <= finished:
                continue  # made or changed by the run itself
            deps[str(rel)] = sha256_file(rp)
        return deps

    # --- lookup and store ------------------------------------------------
    def _valid(self, meta: dict) -> bool:
        for rel, h in meta["deps"].items():
            p = self.project_root / rel
            if not p.is_file() or sha256_file(p) != h:
                return False
        state = _site_state()  # once per entry, not per distribution: a stat of each sys.path folder
        return all(installed_version(d, memo=self.root / "installed.json", site_state=state) == v
                   for d, v in meta["dists"].items())

    def lookup(self, snippet: Path, key: str) -> tuple[Path, dict] | None:
        folder = self.entries / self.slug(snippet)
        try:
            candidates = sorted(folder.glob(f"{key}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return None
        for entry in candidates:
            meta = _sound(entry)  # None: pruned by a concurrent build, or damaged (a miss; the next store replaces it)
            try:
                if meta is not None and self._valid(meta):
                    os.utime(entry)  # most recently used survives pruning
                    return entry, meta
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
        return None

    def new_job_dir(self) -> Path:
        d = self.tmp / f"job-{uuid.uuid4().hex}"
        d.mkdir(parents=True)
        return d

    def store(self, snippet: Path, key: str, job_dir: Path, meta: dict) -> Path:
        """Move a finished job folder into place in one atomic rename."""
        meta["sizes"] = {name: (job_dir / name).stat().st_size for cell in meta["cells"] for name in cell["figures"]}
        (job_dir / "result.json").write_text(json.dumps(meta, indent=1, sort_keys=True))
        for junk in job_dir.glob("home-*"):
            shutil.rmtree(junk, ignore_errors=True)
        (job_dir / "events.jsonl").unlink(missing_ok=True)
        for raw in job_dir.glob("*.out"):
            raw.unlink()  # result.json holds the cleaned text; raw floods would only take space
        folder = self.entries / self.slug(snippet)
        if folder.is_file() or folder.is_symlink():
            folder.unlink()  # a stray file where the snippet's folder belongs: not ours to keep
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{key}-{digest([meta['deps'], meta['dists']])}"
        try:
            os.rename(job_dir, target)
        except OSError:
            if _sound(target) is None:  # a damaged entry (a cut download, a lost figure): this run replaces it
                self._remove(target)
                try:
                    os.rename(job_dir, target)
                except OSError:
                    pass
            shutil.rmtree(job_dir, ignore_errors=True)  # or an identical entry landed first (concurrent build)
        self._prune_snippet(folder)
        return target

    def recorded_seconds(self, snippet: Path) -> float | None:
        """How long the newest entry of this snippet took to run, if any."""
        folder = self.entries / self.slug(snippet)
        try:
            newest = max((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
            return json.loads((newest / "result.json").read_text())["seconds"]
        except (OSError, ValueError, KeyError):
            return None

    def merge_from(self, other_root: Path) -> tuple[int, int]:
        """Copy in the entries of another cache (e.g. one per shard); entries are immutable.
        Returns how many were added, and how many were left out as damaged."""
        added = damaged = 0
        for entry in sorted(Path(other_root, "entries").glob("*/*")):
            target = self.entries / entry.parent.name / entry.name
            if target.exists() and _sound(target) is not None:
                continue
            if _sound(entry) is None:
                damaged += 1
                continue
            if target.exists():
                self._remove(target)  # damaged here, whole there
            staging = self.tmp / f"merge-{uuid.uuid4().hex}"
            shutil.copytree(entry, staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(staging, target)
                added += 1
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)
        return added, damaged

    # --- pruning ---------------------------------------------------------
    def _remove(self, entry: Path) -> None:
        doomed = self.tmp / f"gone-{uuid.uuid4().hex}"
        try:
            os.rename(entry, doomed)  # vanish atomically, then delete at leisure
        except OSError:
            return
        _delete(doomed)

    def _prune_snippet(self, folder: Path) -> None:
        entries = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP_PER_SNIPPET:]:
            self._remove(old)

    def prune(self, existing_snippets: list[Path], stale_tmp_seconds: float = 3600) -> int:
        """Drop entries of snippets that no longer exist, damaged entries and leftovers of killed builds."""
        keep = {self.slug(p) for p in existing_snippets}
        removed = 0
        for folder in self.entries.iterdir():
            if not folder.is_dir() or folder.is_symlink():
                self._remove(folder)  # a stray file: no snippet's folder
                removed += 1
                continue
            if folder.name not in keep:
                for entry in folder.iterdir():
                    self._remove(entry)
                    removed += 1
                shutil.rmtree(folder, ignore_errors=True)
                continue
            for entry in folder.iterdir():
                if _sound(entry) is None:
                    self._remove(entry)
                    removed += 1
        now = time.time()
        for leftover in self.tmp.iterdir():
            try:
                if now - leftover.lstat().st_mtime > stale_tmp_seconds:
                    _delete(leftover)
                    removed += 1
            except OSError:
                pass
        return removed
