"""`make serve` (mkdocs serve --dirty): a rebuild redoes only what changed, and the site stays whole."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "snipexec/mkdocs_hooks.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, root: Path, port: int):
        self.root, self.url = root, f"http://127.0.0.1:{port}/"

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:  # waits while a rebuild runs
            return r.read().decode("utf-8")

    def wait_for(self, path: str, text: str, timeout: float = 60) -> str:
        deadline = time.time() + timeout
        body = ""
        while time.time() < deadline:
            try:
                body = self.get(path)
                if text in body:
                    return body
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{path} never showed {text!r}; last body ends {body[-300:]!r}")

    def search(self, lang_prefix: str = "") -> list[dict]:
        return json.loads(self.get(f"{lang_prefix}search/search_index.json"))["docs"]

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        time.sleep(0.05)  # a distinct mtime from the last build
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.fixture
def served(tmp_path):
    """Two languages, two pages each, two snippets; served the way `make serve` serves the real site."""
    root = tmp_path / "site-src"
    for lang, (a, b) in {"ko": ("가 페이지", "나 페이지"), "en": ("Page A", "Page B")}.items():
        (root / "docs" / lang).mkdir(parents=True)
        (root / "docs" / lang / "a.md").write_text(f"# {a}\n\n::: run a.py:show\n", encoding="utf-8")
        (root / "docs" / lang / "b.md").write_text(f"# {b}\n\n::: run b.py:show\n", encoding="utf-8")
    (root / "snippets").mkdir()
    for name in ("a", "b"):
        (root / "snippets" / f"{name}.py").write_text(
            f"# --8<-- [start:show]\nprint('{name} says one')\n# --8<-- [end:show]\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs/ko\nstrict: true\ntheme: {{name: material, language: ko}}\nhooks: [{HOOKS}]\n"
        "plugins: [search]\nmarkdown_extensions: [pymdownx.superfences]\nnav: [{첫째: a.md}, {둘째: b.md}]\n"
        "extra: {snipexec: {snippets: snippets, translations: {en: mkdocs.en.yml}}}\n", encoding="utf-8")
    (root / "mkdocs.en.yml").write_text(
        "INHERIT: mkdocs.yml\ndocs_dir: docs/en\ntheme: {name: material, language: en}\n"
        "nav: [{First: a.md}, {Second: b.md}]\n", encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SNIPEXEC_CACHE": str(tmp_path / "cache")}
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    site = Served(root, port)
    try:
        site.wait_for("a/", "a says one", timeout=120)
        yield site
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        print((tmp_path / "serve.log").read_text())  # shown when a test fails


def _pages(entries: list[dict]) -> set[str]:
    return {e["location"].split("#")[0] for e in entries}


def test_a_snippet_edit_shows_in_both_languages_and_search_stays_whole(served):
    served.edit("snippets/a.py", "a says one", "a says two")
    served.wait_for("a/", "a says two")
    served.wait_for("en/a/", "a says two")
    assert "b says one" in served.get("b/")

    ko, en = served.search(), served.search("en/")
    assert _pages(ko) == _pages(en) == {"a/", "b/"}  # pages not rebuilt keep their entries
    assert any("a says two" in e["text"] for e in ko) and not any("a says one" in e["text"] for e in ko)
    assert any("나 페이지" in e["title"] for e in ko)
    assert not any("페이지" in e["title"] + e["text"] for e in en)  # no Korean in the English index


def test_config_and_page_edits_rebuild_the_pages_they_touch(served):
    served.edit("mkdocs.yml", "{둘째: b.md}", "{두번째 강좌: b.md}")
    served.wait_for("a/", "두번째 강좌")  # the nav on a page whose own file did not change
    served.edit("docs/en/b.md", "# Page B", "# Page B, revised")
    served.wait_for("en/b/", "Page B, revised")
    assert "Page B, revised" in json.dumps(served.search("en/"))


def test_a_failing_snippet_is_reported_and_the_fix_shows(served, tmp_path):
    served.edit("snippets/b.py", "print('b says one')", "print('b says one')\n1 / 0")
    log = tmp_path / "serve.log"
    deadline = time.time() + 60
    while "ZeroDivisionError" not in log.read_text() and time.time() < deadline:
        time.sleep(0.1)
    assert "b.py:3 in cell 'show': unexpected exception: ZeroDivisionError" in log.read_text()
    served.edit("snippets/b.py", "1 / 0", "print('b fixed')")
    served.wait_for("b/", "b fixed")
    served.wait_for("en/b/", "b fixed")


def test_a_lesson_edit_marks_the_series_index_for_rebuild(tmp_path):
    """The index's lesson cards show each lesson's reading time, so under serve --dirty a lesson edit
    must rebuild the index page too, though the index's own file did not change."""
    import importlib.util

    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    spec = importlib.util.spec_from_file_location("lesson_cards", ROOT / "overrides/hooks/lesson_cards.py")
    cards = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cards)
    (tmp_path / "docs/lessons").mkdir(parents=True)
    (tmp_path / "docs/index.md").write_text(f"# Home\n\n{cards.MARKER}\n")
    (tmp_path / "docs/other.md").write_text("# Other\n")
    (tmp_path / "docs/lessons/a.md").write_text("# A\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    files = get_files(config)
    for f in files.documentation_pages():
        Path(f.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
        Path(f.abs_dest_path).write_text("built")
        os.utime(f.abs_dest_path, (1000, 1000))
    os.utime(tmp_path / "docs/lessons/a.md", (2000, 2000))  # the lesson changed after the last build

    cards.on_files(files, config)
    built = {f.src_uri: os.path.getmtime(f.abs_dest_path) for f in files.documentation_pages()}
    assert built["index.md"] == 0  # stale: MkDocs rebuilds it
    assert built["other.md"] == 1000  # no cards on it: left alone


def test_reverting_a_figure_snippet_serves_the_first_figure_again(served):
    """The reverted figure comes from an older cache entry, older than the copy being served."""
    import re

    for lang in ("ko", "en"):
        (served.root / "docs" / lang / "c.md").write_text("# C\n\n::: run c.py:plot\n", encoding="utf-8")
    (served.root / "snippets/c.py").write_text(
        "# --8<-- [start:plot]\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "plt.plot([0, 1], [0, 1], color='red')\nprint('drawn in red')\n# --8<-- [end:plot]\n", encoding="utf-8")
    page = served.wait_for("c/", "drawn in red", timeout=120)

    def png() -> bytes:
        src = re.search(r'<img src="([^"]+\.png)"', served.get("c/"))[1]
        with urllib.request.urlopen(served.url + "c/" + src, timeout=30) as r:
            return r.read()

    assert "<img" in page
    red = png()
    served.edit("snippets/c.py", "'red')\nprint('drawn in red')", "'blue')\nprint('drawn in blue')")
    served.wait_for("c/", "drawn in blue")
    assert png() != red
    served.edit("snippets/c.py", "'blue')\nprint('drawn in blue')", "'red')\nprint('drawn in red')")
    served.wait_for("c/", "drawn in red")
    assert png() == red


def test_a_page_saved_during_a_rebuild_is_not_left_stale(served):
    """A save that lands while a rebuild runs leaves the page's HTML newer than its file, so MkDocs' own
    dirty check (file newer than HTML) would skip it forever; its text is part of its fingerprint."""
    path = served.root / "docs/ko/b.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# 나 페이지", "# 나 페이지, 고침"), encoding="utf-8")
    os.utime(path, (1000, 1000))  # older than the HTML, as after a save during a build
    served.wait_for("b/", "나 페이지, 고침")
