"""Build the real site once, in strict mode, and check what readers get."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LESSON = "lessons/05-three-ways-to-build-a-model/index.html"
pytestmark = pytest.mark.site


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
    ],
)
def test_bad_snippets_fail_the_build_with_a_precise_message(tmp_path, snippet, page, message):
    config = tiny_site(tmp_path, snippet, page)
    build = mkdocs_build(config, tmp_path / "out", cwd=tmp_path)
    assert build.returncode != 0
    assert re.search(message, build.stderr), build.stderr


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
