"""Shared fixtures: small snippet projects written on the fly."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snipexec.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


class Project:
    """A throwaway project: ``snippets/`` plus its own cache."""

    def __init__(self, root: Path):
        self.root = root
        self.snippets = root / "snippets"
        self.snippets.mkdir(parents=True, exist_ok=True)
        self.cache = root / ".cache" / "snipexec"

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def snippet(self, rel: str, text: str) -> str:
        self.write(f"snippets/{rel}", text)
        return rel

    def engine(self, **kw) -> Engine:
        kw.setdefault("workers", 2)
        return Engine(self.snippets, project_root=self.root, cache_dir=self.cache, **kw)

    def run(self, rel: str, **kw):
        return self.engine(**kw).results([rel])[rel]


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path / "proj")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once per session in strict mode (both languages)."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=900,
    )
    assert build.returncode == 0, build.stderr
    return out
