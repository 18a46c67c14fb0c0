"""When a page last changed, according to git: the newest commit that touched
the page's source or any snippet file it runs (a code change changes the
lesson as much as a prose change does).

No MkDocs here. Never fails a build: where git cannot tell the truth the
answer is ``None`` and the page shows no date. That covers no git, no
repository, files never committed, and shallow clones (CI checks out one
commit by default): there ``git log`` stops at the clone's boundary commit,
whose date is the clone's, not the file's.
"""
from __future__ import annotations

import functools
import subprocess
from pathlib import Path


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _boundary_commits(cwd: Path) -> set[str]:
    """The commits a shallow clone was cut at (empty for a full clone)."""
    shallow = _git(["rev-parse", "--path-format=absolute", "--git-path", "shallow"], cwd)
    if not shallow or not Path(shallow).is_file():
        return set()
    return set(Path(shallow).read_text().split())


def file_dates(cwd: Path) -> tuple[Path, dict[str, str | None]] | None:
    """One ``git log`` for the whole history: each file's newest commit date (None at a shallow boundary).

    Returns the repository's top folder and the dates by path relative to it; None without git.
    """
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    log = _git(["log", "--format=@%H %cs", "--name-only", "--no-renames"], cwd) if top else None
    if log is None:
        return None
    boundary = _boundary_commits(cwd)
    dates: dict[str, str | None] = {}
    date = None
    for line in log.splitlines():
        if line.startswith("@"):
            commit, day = line[1:].split()
            date = None if commit in boundary else day  # a boundary's date is the clone's, not the file's
        elif line:
            dates.setdefault(line, date)  # newest first
    return Path(top), dates


def last_changed(paths: list[Path], cwd: Path, dates: tuple[Path, dict] | None = None) -> str | None:
    """``YYYY-MM-DD`` of the newest commit touching any of ``paths``, or None when git cannot say.

    Pass ``dates`` from :func:`file_dates` to ask many times for the price of one git call.
    """
    found = dates or file_dates(cwd)
    if not found or not paths:
        return None
    top, by_path = found
    days = []
    for p in paths:
        rel = _in_repository(str(p), str(top))
        day = by_path.get(rel) if rel is not None else None
        if day:
            days.append(day)
    return max(days) if days else None


@functools.lru_cache(maxsize=4096)
def _in_repository(path: str, top: str) -> str | None:
    """``path`` relative to the repository's top folder (links resolved), None outside it. Remembered:
    a serve rebuild asks for every page and snippet, and each resolve is a syscall per folder."""
    try:
        return Path(path).resolve().relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        return None
