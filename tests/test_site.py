"""Build the real site once, in strict mode, and check what readers get."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LESSON = "lessons/05-three-ways-to-build-a-model/index.html"
pytestmark = pytest.mark.site


def _interruptible() -> None:
    """Ctrl-C as a terminal delivers it, even when the tests run with SIGINT ignored (a background job)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def mkdocs_build(config: Path, site_dir: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    # This checkout's engine, even when the build runs elsewhere (the venv's
    # editable install may point at another checkout).
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "--site-dir", str(site_dir)],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=900,
    )


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_declares_its_language(site):
    for page in pages(site):
        expected = "en" if page.relative_to(site).parts[0] == "en" else "ko"
        assert soup(page).html["lang"] == expected, page


@pytest.mark.parametrize("lang", ["", "en/"])
def test_lesson_shows_real_outputs(site, lang):
    html = (site / lang / LESSON).read_text(encoding="utf-8")
    for expected in (
        "Linear(in_features=20, out_features=30, bias=True)",
        "Total params: 7,141",
        "parameters: 50762",
        "UserWarning: Implicit dimension choice for softmax",
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x4096 and 3136x10)",
    ):
        assert expected in html, expected
    assert "torch 2." in soup(site / lang / LESSON).select_one(".snipexec-stamp").text


def test_every_page_has_its_twin_and_the_language_menu_points_at_it(site):
    ko = {p.relative_to(ROOT / "docs/ko") for p in (ROOT / "docs/ko").rglob("*.md")}
    en = {p.relative_to(ROOT / "docs/en") for p in (ROOT / "docs/en").rglob("*.md")}
    assert ko == en, f"missing twins: {sorted(map(str, ko ^ en))}"
    for page in pages(site):
        if page.name == "404.html":
            continue
        links = {a["hreflang"]: a["href"] for a in soup(page).select("a.md-select__link")}
        assert set(links) == {"ko", "en"}, page
        rel = page.relative_to(site)
        twin = rel.relative_to("en") if rel.parts[0] == "en" else Path("en") / rel
        for lang, href in links.items():
            target = _resolve(page, href)
            assert target is not None and target.is_file(), (page, href)
            assert target.resolve() == (site / (twin if lang != _lang(rel) else rel)).resolve(), (page, lang, href)


def _lang(rel: Path) -> str:
    return "en" if rel.parts[0] == "en" else "ko"


SITE_PREFIX = urlsplit(re.search(r'^site_url: .*"(https://[^"]+)"', (ROOT / "mkdocs.yml").read_text(), re.M).group(1)).path


def _resolve(page: Path, href: str) -> Path | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    path = unquote(parts.path)
    if path.startswith("/"):  # absolute links (the 404 pages) start at the deployed site's root
        site = next(p for p in page.parents if (p / "sitemap.xml").exists() and not (p.parent / "sitemap.xml").exists())
        assert path.startswith(SITE_PREFIX), href
        path = os.path.relpath(site / path[len(SITE_PREFIX):], page.parent)
    target = (page.parent / path) if path else page
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target


def test_no_internal_link_or_anchor_is_broken(site):
    ids = {}
    broken = []
    for page in pages(site):
        for a in soup(page).select("a[href]"):
            target = _resolve(page, a["href"])
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {a['href']}")
                continue
            fragment = urlsplit(a["href"]).fragment
            if fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = {el["id"] for el in soup(target).select("[id]")}
                if unquote(fragment) not in ids[target]:
                    broken.append(f"{page.relative_to(site)} -> {a['href']} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_korean_headings_have_readable_anchors(site):
    headings = soup(site / LESSON).select("article h2[id], article h3[id]")
    assert headings
    for h in headings:
        assert not re.fullmatch(r"_\d+", h["id"]), h


def test_each_language_has_its_own_search_index(site):
    ko = json.loads((site / "search/search_index.json").read_text())
    en = json.loads((site / "en/search/search_index.json").read_text())
    assert all(not d["location"].startswith("en/") for d in ko["docs"])
    assert any(HANGUL.search(d["text"]) for d in ko["docs"])
    assert not any(HANGUL.search(d["title"] + d["text"]) for d in en["docs"])
    # torch.nn splits on the dot, so "nn" is its own search term.
    assert re.search(r"\\\.", ko["config"]["separator"])


def test_warm_rebuild_imports_neither_torch_nor_keras(site, tmp_path):
    code = (
        "import sys, logging\n"
        "from mkdocs.config import load_config\n"
        "from mkdocs.commands.build import build\n"
        f"cfg = load_config({str(ROOT / 'mkdocs.yml')!r}, site_dir={str(tmp_path / 'warm')!r})\n"
        "cfg.plugins.on_startup(command='build', dirty=False)\n"
        "build(cfg)\n"
        "print('HEAVY', sorted(m for m in ('torch', 'keras', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout
    assert "snipexec: ran" not in out.stderr  # nothing re-ran


# --- a tiny site of its own, for the ways a build must fail ---------------

def tiny_site(tmp_path: Path, snippet: str, page: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets/s.py").write_text(snippet)
    (tmp_path / "docs/index.md").write_text(page)
    hooks = ROOT / "snipexec/mkdocs_hooks.py"
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nhooks: [{hooks}]\nmarkdown_extensions: [pymdownx.superfences]\n"
        "extra: {snipexec: {snippets: snippets}}\n"
    )
    return tmp_path / "mkdocs.yml"


@pytest.mark.parametrize(
    "snippet, page, message",
    [
        ("# --8<-- [start:c]\nx = 1\ny = x / 0\n# --8<-- [end:c]\n", "::: run s.py:c\n",
         r"s\.py:3 in cell 'c': unexpected exception: ZeroDivisionError: division by zero"),
        ("# --8<-- [start:c] raises=KeyError\nx = 1\n# --8<-- [end:c]\n", "::: run s.py:c\n",
         r"s\.py:2 in cell 'c': expected KeyError but the cell raised nothing"),
        ("# --8<-- [start:c]\nx = 1\n# --8<-- [end:c]\n", "::: run missing.py:c\n",
         r"index\.md:1: snippet file snippets/missing\.py does not exist"),
        ("# --8<-- [start:c]\nx = 1\n# --8<-- [end:c]\n", "intro\n\n::: run s.py:nope\n",
         r"index\.md:3: .*no cell named 'nope' \(cells: c\)"),
        ("# --8<-- [start:c]\nx = 1\n# --8<-- [end:c]\n", "::: run s.py:c shout\n",
         r"index\.md:1: unknown option shout"),
        ("x = 0\n# --8<-- [start:c]\nx = 1\n", "intro\n\n::: run s.py:c\n",
         r"index\.md:3: .*s\.py:2: cell 'c' is never ended"),
        ("# snipexec: timeout=0\n# --8<-- [start:c]\nx = 1\n# --8<-- [end:c]\n", "::: run s.py:c\n",
         r"index\.md:1: .*s\.py:1: timeout must be a number of seconds"),
    ],
)
def test_bad_snippets_fail_the_build_with_a_precise_message(tmp_path, snippet, page, message):
    config = tiny_site(tmp_path, snippet, page)
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode != 0
    assert re.search(message, build.stderr), build.stderr
    assert not re.search(r'File ".*(mkdocs|snipexec)', build.stderr), build.stderr  # no frames of the build's own


def test_directives_in_code_examples_are_left_alone(tmp_path):
    config = tiny_site(tmp_path, "# --8<-- [start:c]\nprint('ran')\n# --8<-- [end:c]\n",
                       "```text\n::: run s.py:c\n```\n\n::: run s.py:c output-only\n")
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    html = (tmp_path / "out/index.html").read_text()
    assert "::: run s.py:c" in html and html.count(">ran<") == 1


def test_a_missing_translation_fails_the_build_naming_the_file(tmp_path):
    for lang in ("ko", "en"):
        (tmp_path / "docs" / lang).mkdir(parents=True)
        (tmp_path / "docs" / lang / "index.md").write_text("# hi\n")
    (tmp_path / "docs/ko/only-korean.md").write_text("# 안녕\n")
    (tmp_path / "snippets").mkdir()
    hooks = ROOT / "snipexec/mkdocs_hooks.py"
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs/ko\ntheme: {{name: mkdocs, language: ko}}\nhooks: [{hooks}]\n"
        "nav: [index.md, only-korean.md]\nextra: {snipexec: {snippets: snippets, translations: {en: mkdocs.en.yml}}}\n"
    )
    (tmp_path / "mkdocs.en.yml").write_text("INHERIT: mkdocs.yml\ndocs_dir: docs/en\ntheme: {name: mkdocs, language: en}\nnav: [index.md]\n")
    build = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "out", cwd=tmp_path)
    assert build.returncode != 0
    assert "missing translation: docs/ko/only-korean.md has no 'en' twin docs/en/only-korean.md" in build.stderr


def test_both_languages_embed_the_same_cells_in_the_same_order():
    from snipexec.directives import find

    for ko in sorted((ROOT / "docs/ko").rglob("*.md")):
        en = ROOT / "docs/en" / ko.relative_to(ROOT / "docs/ko")
        cells = [[(d.path, d.cell, d.options) for d in find(p.read_text(encoding="utf-8"))] for p in (ko, en)]
        assert cells[0] == cells[1], f"{ko.relative_to(ROOT)} and its English twin embed different cells"


def bilingual_site(tmp_path: Path, ko_page: str, en_page: str) -> Path:
    for lang, text in (("ko", ko_page), ("en", en_page)):
        (tmp_path / "docs" / lang).mkdir(parents=True)
        (tmp_path / "docs" / lang / "index.md").write_text(text)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets/s.py").write_text("# --8<-- [start:both]\nprint('in both')\n# --8<-- [end:both]\n")
    (tmp_path / "snippets/en_only.py").write_text(
        "# --8<-- [start:c]\nprint('only the English page asks')\n# --8<-- [end:c]\n")
    hooks = ROOT / "snipexec/mkdocs_hooks.py"
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs/ko\ntheme: {{name: mkdocs, language: ko}}\nhooks: [{hooks}]\n"
        "markdown_extensions: [pymdownx.superfences]\n"
        "extra: {snipexec: {snippets: snippets, translations: {en: mkdocs.en.yml}}}\n"
    )
    (tmp_path / "mkdocs.en.yml").write_text("INHERIT: mkdocs.yml\ndocs_dir: docs/en\ntheme: {name: mkdocs, language: en}\n")
    return tmp_path / "mkdocs.yml"


def test_the_translation_builds_beside_the_main_language_and_runs_what_only_it_needs(tmp_path):
    """`mkdocs build` builds the English site in a second process; a cell only it shows still runs."""
    config = bilingual_site(tmp_path, "::: run s.py:both\n", "::: run s.py:both\n\n::: run en_only.py:c\n")
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    english = (tmp_path / "out/en/index.html").read_text()
    assert "in both" in english and "only the English page asks" in english
    assert "only the English page asks" not in (tmp_path / "out/index.html").read_text()


def test_a_broken_translation_fails_the_build_naming_its_page(tmp_path):
    config = bilingual_site(tmp_path, "::: run s.py:both\n", "::: run s.py:both\n\n::: run missing.py:c\n")
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode != 0
    assert "docs/en/index.md:3: snippet file snippets/missing.py does not exist" in build.stderr, build.stderr
    assert "the translated site failed to build" in build.stderr


def test_a_strict_warning_in_the_translation_says_which_language_and_why(tmp_path):
    config = bilingual_site(tmp_path, "::: run s.py:both\n", "[gone](missing.md)\n")
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode != 0
    warning = next(line for line in build.stderr.splitlines() if "missing.md" in line)
    assert "[en]" in warning, build.stderr
    assert "[en] Aborted with 1 warnings in strict mode!" in build.stderr, build.stderr


# --- a cold build renders what it can while slow snippets run --------------

def two_page_site(tmp_path: Path, slow_body: str, log: Path) -> Path:
    """Both languages: page a.md waits on a slow snippet, b.md on a fast one. A probe hook, after the
    snipexec hook, logs each page as it renders; the slow snippet logs when it is done."""
    pages = {"a.md": "# A\n\n::: run slow.py:c\n", "b.md": "# B\n\n::: run fast.py:c\n"}
    for lang in ("ko", "en"):
        (tmp_path / "docs" / lang).mkdir(parents=True)
        for name, text in pages.items():
            (tmp_path / "docs" / lang / name).write_text(text)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets/slow.py").write_text(f"# --8<-- [start:c]\n{slow_body}\n# --8<-- [end:c]\n")
    (tmp_path / "snippets/fast.py").write_text("# --8<-- [start:c]\nprint('fast')\n# --8<-- [end:c]\n")
    # What a fresh clone has: the last known run times, so the slow file is known to be slow.
    (tmp_path / "snippets/durations.json").write_text('{"slow.py": 5.0, "fast.py": 0.01}')
    (tmp_path / "probe.py").write_text(
        "def on_page_markdown(markdown, page, config, files):\n"
        f"    with open({str(log)!r}, 'a') as f:\n"
        "        f.write(config.theme['language'] + ':' + page.file.src_uri + '\\n')\n"
    )
    hooks = ROOT / "snipexec/mkdocs_hooks.py"
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nsite_url: https://example.org/\ndocs_dir: docs/ko\ntheme: {{name: mkdocs, language: ko}}\n"
        f"hooks: [{hooks}, probe.py]\nnav: [a.md, b.md]\n"
        "extra: {snipexec: {snippets: snippets, translations: {en: mkdocs.en.yml}}}\n"
    )
    (tmp_path / "mkdocs.en.yml").write_text(
        "INHERIT: mkdocs.yml\nsite_url: https://example.org/en/\ndocs_dir: docs/en\ntheme: {name: mkdocs, language: en}\n")
    return tmp_path / "mkdocs.yml"


def test_pages_render_while_a_slow_snippet_runs_and_the_site_is_written_as_by_a_warm_build(tmp_path):
    log = tmp_path / "log.txt"
    config = two_page_site(tmp_path, f"import time\ntime.sleep(4)\nopen({str(log)!r}, 'a').write('slow-done\\n')\nprint('slow')", log)
    cold = mkdocs_build(config, tmp_path / "cold", cwd=tmp_path)
    assert cold.returncode == 0, cold.stderr
    order = log.read_text().split()
    done = order.index("slow-done")
    assert {"ko:b.md", "en:b.md"} <= set(order[:done]), order  # both languages' b.md did not wait for a.md's snippet
    assert {"ko:a.md", "en:a.md"} <= set(order[done + 1:]), order
    assert "slow" in (tmp_path / "cold/a/index.html").read_text() and "fast" in (tmp_path / "cold/en/b/index.html").read_text()
    assert order.count("slow-done") == 1  # ran once for both languages

    warm = mkdocs_build(config, tmp_path / "warm", cwd=tmp_path)  # from the cache: renders in file order
    assert warm.returncode == 0, warm.stderr
    assert log.read_text().count("slow-done") == 1
    for written in ("search/search_index.json", "en/search/search_index.json", "sitemap.xml", "en/sitemap.xml"):
        assert (tmp_path / "cold" / written).read_bytes() == (tmp_path / "warm" / written).read_bytes(), written


def test_a_snippet_saved_while_it_runs_shows_the_code_that_ran_beside_its_output(tmp_path):
    """Pages waiting on a slow file render last: a save in the meantime must not pair new code with old output."""
    started = tmp_path / "started"
    config = two_page_site(tmp_path, f"import time\nopen({str(started)!r}, 'w').close()\ntime.sleep(3)\nprint('first' + 'version')",
                           tmp_path / "log.txt")

    def save_while_it_runs():
        for _ in range(1200):
            if started.exists():
                break
            time.sleep(0.05)
        (tmp_path / "snippets/slow.py").write_text("# --8<-- [start:c]\nprint('second' + 'version')\n# --8<-- [end:c]\n")

    editor = threading.Thread(target=save_while_it_runs)
    editor.start()
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    editor.join()
    assert build.returncode == 0, build.stderr
    for page in ("out/a/index.html", "out/en/a/index.html"):
        text = soup(tmp_path / page).get_text()
        assert "firstversion" in text and "'first'" in text, page  # the output and the code that printed it
        assert "second" not in text, page


def test_a_failing_snippet_is_reported_once_with_its_line(tmp_path):
    config = two_page_site(tmp_path, "import time\ntime.sleep(1)\nraise KeyError('gone')", tmp_path / "log.txt")
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode != 0
    assert build.stderr.count("slow.py:4 in cell 'c': unexpected exception: KeyError: 'gone'") == 1, build.stderr
    # The English build leaves the report to the main build.
    assert not [line for line in build.stderr.splitlines() if "[en]" in line and "ERROR" in line], build.stderr


def test_a_cell_only_the_translation_shows_fails_the_build_with_its_line(tmp_path):
    config = bilingual_site(tmp_path, "::: run s.py:both\n", "::: run s.py:both\n\n::: run en_only.py:c\n")
    (tmp_path / "snippets/en_only.py").write_text("# --8<-- [start:c]\nx = 1\n1 / 0\n# --8<-- [end:c]\n")
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode != 0
    assert build.stderr.count("en_only.py:3 in cell 'c': unexpected exception: ZeroDivisionError") == 1, build.stderr


def test_ctrl_c_stops_a_build_and_every_snippet_it_started(tmp_path):
    pidfile = tmp_path / "pid"
    config = two_page_site(tmp_path, f"import os, time\nopen({str(pidfile)!r}, 'w').write(str(os.getpid()))\ntime.sleep(300)",
                           tmp_path / "log.txt")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    build = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-f", str(config), "--site-dir", str(tmp_path / "out")],
                             cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_interruptible)
    for _ in range(600):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    build.send_signal(signal.SIGINT)
    try:
        build.wait(15)
    finally:
        build.kill()
    time.sleep(0.5)
    alive = os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    if alive:
        os.kill(pid, signal.SIGKILL)
    assert build.returncode != 0 and not alive, f"exit {build.returncode}, snippet still running: {alive}"
