"""What a reader (or a link preview) gets besides the lesson text: metadata,
edit links, last-updated dates, 404 pages. Checked in the built HTML."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from snipexec.pages import snippets_in
from snipexec.revision import last_changed

ROOT = Path(__file__).resolve().parent.parent
LESSON = "lessons/05-three-ways-to-build-a-model/index.html"
pytestmark = pytest.mark.site


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def meta(page: BeautifulSoup, prop: str) -> str | None:
    tag = page.find("meta", attrs={"property": prop}) or page.find("meta", attrs={"name": prop})
    return tag["content"] if tag else None


@pytest.mark.parametrize("lang, locale, other", [("ko", "ko_KR", "en_US"), ("en", "en_US", "ko_KR")])
def test_link_previews_have_title_description_url_and_locale(site, lang, locale, other):
    base = site if lang == "ko" else site / "en"
    source = ROOT / "docs" / lang / "lessons/05-three-ways-to-build-a-model.md"
    page = soup(base / LESSON)
    assert meta(page, "og:title").startswith("Basic 5")
    assert meta(page, "og:description") and meta(page, "og:description") in source.read_text(encoding="utf-8")
    assert meta(page, "og:url") == page.find("link", rel="canonical")["href"]
    assert meta(page, "og:url").endswith(("/en/" if lang == "en" else "/pytorch101/") + LESSON.removesuffix("index.html"))
    assert meta(page, "og:locale") == locale and meta(page, "og:locale:alternate") == other
    assert meta(page, "og:type") == "article"
    for html in base.glob("**/*.html"):
        if lang == "ko" and html.relative_to(site).parts[0] == "en":
            continue
        assert meta(soup(html), "og:locale") == locale, html


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_edit_link_opens_the_page_source_in_its_language(site, lang):
    base = site if lang == "ko" else site / "en"
    edit = soup(base / LESSON).select_one('a.md-content__button[href*="/edit/"]')
    assert edit is not None
    assert edit["href"].endswith(f"/edit/main/docs/{lang}/lessons/05-three-ways-to-build-a-model.md")
    assert (ROOT / "docs" / lang / "lessons/05-three-ways-to-build-a-model.md").is_file()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_last_updated_date_is_git_s_answer_for_page_and_snippets(site, lang):
    source = ROOT / "docs" / lang / "lessons/05-three-ways-to-build-a-model.md"
    files = [source] + [ROOT / "snippets" / p for p in snippets_in(source.read_text(encoding="utf-8"))]
    expected = last_changed(files, ROOT)  # None in a shallow clone: then the page must show no date
    shown = soup((site if lang == "ko" else site / "en") / LESSON).select_one(".md-source-file")
    if expected is None:
        assert shown is None
    else:
        assert shown is not None and expected in shown.text


@pytest.mark.parametrize("lang, title", [("ko", "페이지를 찾을 수 없습니다"), ("en", "Page not found")])
def test_404_page_in_each_language(site, lang, title):
    page = soup((site if lang == "ko" else site / "en") / "404.html")
    assert page.html["lang"] == lang
    assert title in page.h1.text
    home = page.select_one("article a.md-button")["href"]
    assert home.endswith("/pytorch101/" if lang == "ko" else "/pytorch101/en/")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_lesson5_draws_its_models_from_the_real_objects(site, lang):
    page = soup((site if lang == "ko" else site / "en") / LESSON)
    charts = [pre.get_text() for pre in page.select("article pre.mermaid")]
    assert len(charts) == 3 and all(c.startswith("flowchart TD\n") for c in charts)
    sequential, keras, cnn = charts
    assert 'hidden1<br/>Linear(in_features=20, out_features=100, bias=True)' in sequential
    assert "dense_1 --> concatenate" in keras and "dense_4 --> concatenate" in keras  # the two branches merge
    assert "conv_2<br/>Conv2d(32, 64" in cnn and "fc<br/>Linear(in_features=3136, out_features=10" in cnn
    assert all("accTitle:" in c for c in charts)  # screen readers get a title for each diagram


# A lesson page's own weight: its HTML plus the images it shows (the theme's
# shared CSS and JS are cached across pages and not counted). Lesson 5
# measured 131,443 bytes of HTML (Korean) and no images, so the budget leaves
# room for a lesson with several training-curve figures, not for a runaway
# output or a pasted image.
HTML_BUDGET = 300_000
PAGE_BUDGET = 1_000_000


def test_lesson_pages_stay_within_their_size_budget(site):
    lessons = sorted(site.glob("**/lessons/*/index.html"))
    assert lessons
    over = []
    for html in lessons:
        page = soup(html)
        images = {(html.parent / img["src"]).resolve() for img in page.select("article img[src]")
                  if not img["src"].startswith(("http:", "https:", "data:"))}
        size = html.stat().st_size
        total = size + sum(p.stat().st_size for p in images)
        if size > HTML_BUDGET or total > PAGE_BUDGET:
            over.append(f"{html.relative_to(site)}: HTML {size:,} B (budget {HTML_BUDGET:,}), "
                        f"with {len(images)} images {total:,} B (budget {PAGE_BUDGET:,})")
    assert not over, "\n".join(over)
