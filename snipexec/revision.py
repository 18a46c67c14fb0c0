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


def last_changed(paths: list[Path], cwd: Path) -> str | None:
    """``YYYY-MM-DD`` of the newest commit touching any of ``paths``, or None when git cannot say."""
    if not paths:
        return None
    line = _git(["log", "-1", "--format=%H %cs", "--", *map(str, paths)], cwd)
    if not line:
        return None
    commit, date = line.split()
    if commit in _boundary_commits(cwd):
        return None
    return date
