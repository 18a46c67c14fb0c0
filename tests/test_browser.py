"""A real browser on the built site: Debian's Chromium driven by Playwright.

Playwright's own browser download does not work everywhere (it does not on
the CI machines), so the tests drive the system's Chromium. ``.ci/run``
installs it with apt; ``CHROMIUM=/path/to/chrome`` picks another one.
Without it the browser tests FAIL with a message saying how to get it: a
skipped browser test would look like a passing one.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
MISSING_CHROMIUM = (
    "The browser tests need Chromium and did not find it at {where}.\n"
    "Install it (Debian: `sudo apt-get install -y chromium`), or run `.ci/run`,\n"
    "which installs it before `make test`; or point CHROMIUM=/path/to/chromium at another build\n"
    "(a Google Chrome works too: CHROMIUM=$(command -v google-chrome))."
)
# The deployed site lives at site_url. Pages link relatively, but the 404
# pages link from its path, and the sitemaps name full URLs (Material's
# language menu looks the reader's page up in the other language's sitemap).
SITE_URL = re.search(r'^site_url: .*"(https://[^"]+)"', (ROOT / "mkdocs.yml").read_text(), re.M).group(1)  # the default of !ENV [SITE_URL, ...]
SITE_PREFIX = urlsplit(SITE_URL).path


def find_chromium() -> str | None:
    wanted = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    return shutil.which(wanted) or (wanted if os.access(wanted, os.X_OK) else None)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site at ``/`` like GitHub Pages would at site_url: the
    site_url prefix maps to the root too, sitemaps name the served URLs, and a
    missing page gets the 404 page of its language."""

    def translate_path(self, path):
        if path.startswith(SITE_PREFIX) and SITE_PREFIX != "/":
            path = "/" + path[len(SITE_PREFIX):]
        return super().translate_path(path)

    def do_GET(self):
        if not urlsplit(self.path).path.endswith("/sitemap.xml"):
            return super().do_GET()
        # As deployed, the sitemap's URLs are where the site is served from.
        path = Path(self.translate_path(urlsplit(self.path).path))
        if not path.is_file():
            return self.send_error(404)
        host = f"http://{self.headers.get('Host', '127.0.0.1')}/"
        body = path.read_text(encoding="utf-8").replace(SITE_URL, host).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / ("en/404.html" if self.path.startswith(("/en/", SITE_PREFIX + "en/")) else "404.html")
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class SiteServer:
    def __init__(self, site: Path):
        handler = functools.partial(SiteHandler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# --- fixtures ---------------------------------------------------------------

pytestmark = pytest.mark.browser
OUT = ROOT / "test-output"
LESSON = "lessons/05-three-ways-to-build-a-model/"


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.fail(MISSING_CHROMIUM.format(where=os.environ.get("CHROMIUM", "/usr/bin/chromium")), pytrace=False)
    return path


@pytest.fixture(scope="session")
def server(site):
    srv = SiteServer(site)
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Tab:
    """A page plus what went wrong in it: console errors and uncaught exceptions."""

    def __init__(self, page, base: str):
        self.page, self.base, self.errors = page, base, []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def _console(self, msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        # The tests run offline and block every other host (Google Fonts, the
        # GitHub API for the repository's star count); those failures are the
        # sandbox's, not the site's.
        if where and not where.startswith(self.base):
            return
        self.errors.append(f"{msg.text} ({where})")

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return response


# Material loads Mermaid's runtime from a CDN the tests cannot reach, and
# without it Material's page scripts stop (annotations, for one, never mount).
# A stand-in drawing an empty SVG, labelled with the diagram's accTitle, keeps
# the page behaving as it does online; what the diagrams say is checked in
# the HTML by test_reader_site.py. MERMAID_JS=/path/to/mermaid.min.js (e.g.
# from `npm pack mermaid@11`) draws the real diagrams instead.
MERMAID_STANDIN = """
window.mermaid = {
  initialize: function () {},
  render: function (id, text) {
    var title = ((text.match(/accTitle:\\s*(.*)/) || [])[1] || "diagram").replace(/[<>&"]/g, "");
    return Promise.resolve({svg: '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="' + title + '"></svg>'});
  }
};
"""


def offline_context(browser, server, **options):
    """A browser context that reaches only the test server (and a Mermaid runtime)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url, **options)
    real = os.environ.get("MERMAID_JS")
    mermaid = Path(real).read_bytes() if real and Path(real).is_file() else MERMAID_STANDIN.encode()
    context.route(re.compile(r"^(?!" + re.escape(server.url) + ")"), lambda route: route.abort())
    context.route(re.compile(r"^https://unpkg\.com/mermaid@\d+/dist/mermaid\.min\.js$"),
                  lambda route: route.fulfill(body=mermaid, content_type="text/javascript"))
    return context


@pytest.fixture
def tab(browser, server):
    context = offline_context(browser, server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    page = context.new_page()
    yield Tab(page, server.url)
    context.close()


def lesson_pages(site: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(site)) + "/" for p in site.glob("**/lessons/*/index.html"))


def notebook_views(site: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(site)) + "/" for p in site.glob("**/notebooks/*/index.html"))


def search(tab: Tab, query: str) -> list[str]:
    """Type into the search box the way a reader does; the result links once they are in.

    Material searches on keyboard events, so each query ends with a key press
    (Playwright types Hangul as composed text, which sends no key events).
    """
    page = tab.page
    strings = json.loads(page.locator("#__config").text_content())["translations"]
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    box.click()
    box.fill("")
    box.press("End")
    page.wait_for_function("t => document.querySelector('.md-search-result__meta').textContent.trim() === t",
                           arg=strings["search.result.placeholder"])
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        """([q, none]) => {
            const meta = document.querySelector('.md-search-result__meta').textContent.trim();
            if (meta === none) return true;
            return [...document.querySelectorAll('.md-search-result__item a')]
                .some(a => new URL(a.href).searchParams.get('h') === q);
        }""",
        arg=[query.lower(), strings["search.result.none"]],
    )
    assert meta.is_visible()
    return page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")


# --- tests -------------------------------------------------------------------

@pytest.mark.parametrize("start, menu_item, expected", [
    (LESSON, "English", "en/" + LESSON),
    ("en/" + LESSON, "한국어", LESSON),
])
def test_language_menu_keeps_the_reader_on_the_same_lesson(tab, start, menu_item, expected):
    tab.goto(start)
    page = tab.page
    page.wait_for_load_state("networkidle")  # Material has fetched the sitemaps it looks the page up in
    page.locator(".md-header__option .md-select > button").hover()
    page.get_by_role("link", name=menu_item, exact=True).click()
    page.wait_for_url(tab.base + expected)
    assert page.locator("html").get_attribute("lang") == ("en" if expected.startswith("en/") else "ko")
    assert not tab.errors


def test_korean_search_finds_korean_words_by_their_stem(tab, site):
    tab.goto(LESSON)
    hits = search(tab, "모델")
    lessons = {h.split("?")[0] for h in hits if "/lessons/" in h}
    assert tab.base + LESSON in lessons, hits
    assert "모델을" in (site / LESSON / "index.html").read_text(encoding="utf-8")
    assert all("/en/" not in h for h in hits), "the Korean search returned English pages"


@pytest.mark.parametrize("lang", ["", "en/"])
def test_nn_finds_the_pages_about_torch_nn(tab, lang):
    tab.goto(lang)
    hits = search(tab, "nn")
    assert any(h.startswith(tab.base + lang + LESSON) for h in hits), hits


def test_each_language_searches_only_its_own_pages(tab):
    tab.goto("en/")
    assert search(tab, "모델") == []  # no Korean page in the English index
    hits = search(tab, "Sequential")
    assert hits and all(h.startswith(tab.base + "en/") for h in hits), hits
    tab.goto("")
    hits = search(tab, "Sequential")
    assert hits and not any("/en/" in h for h in hits), hits


def test_copy_button_copies_the_code(tab):
    from snipexec.cells import parse, shown_code

    expected = shown_code(parse(ROOT / "snippets/05_three_ways/sequential.py").cell("unnamed"))
    tab.goto(LESSON)
    page = tab.page
    block = page.locator("article .highlight").filter(has_text="model1 = nn.Sequential(").first
    block.hover()
    block.locator("button[data-md-type=copy]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected.strip()  # the snippet's code, without line anchors or output


@pytest.mark.parametrize("lang", ["", "en/"])
def test_content_tabs_switch(tab, lang):
    tab.goto(lang + LESSON)
    page = tab.page
    tabs = page.locator("article .tabbed-set").first
    labels = tabs.locator(".tabbed-labels > label")
    assert labels.count() >= 3
    blocks = tabs.locator(".tabbed-content > .tabbed-block")
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    labels.nth(1).click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()
    labels.nth(2).click()
    assert blocks.nth(2).is_visible() and not blocks.nth(1).is_visible()


@pytest.mark.parametrize("lang", ["", "en/"])
def test_code_annotation_opens_its_note(tab, lang):
    tab.goto(lang + LESSON)
    page = tab.page
    block = page.locator("article .highlight").filter(has_text="drive.mount(").first
    marker = block.locator(".md-annotation__index").first
    marker.click()
    note = block.locator(".md-annotation .md-tooltip__inner").first
    note.wait_for(state="visible")
    assert "/content/drive/MyDrive" in note.inner_text()


def test_no_console_errors_and_every_image_has_alt_text(tab, site):
    pages = lesson_pages(site) + notebook_views(site) + ["", "en/"]
    assert len(pages) >= 4
    problems = []
    for path in pages:
        tab.errors.clear()
        tab.goto(path)
        tab.page.wait_for_timeout(300)  # let deferred scripts (Mermaid) run
        problems += [f"{path}: {e}" for e in tab.errors]
        for img in tab.page.locator("article img").all():
            alt = img.get_attribute("alt")
            if not (alt and alt.strip()):
                problems.append(f"{path}: image without alt text: {img.get_attribute('src')}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["", "en/"])
def test_the_notebook_download_is_a_valid_notebook(tab, lang, tmp_path):
    import nbformat

    tab.goto(lang + LESSON)
    with tab.page.expect_download() as download:
        tab.page.locator(".lesson-notebook a[download]").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "05-three-ways-to-build-a-model.ipynb"
    nb = nbformat.read(saved, as_version=4)
    nbformat.validate(nb)
    assert any(c.cell_type == "code" and c.get("outputs") for c in nb.cells)


@pytest.mark.parametrize("lang", ["", "en/"])
def test_the_notebook_view_shows_the_lesson_as_cells_with_outputs(tab, lang):
    tab.goto(lang + LESSON)
    first_output = tab.page.locator("article .snipexec-output").first.inner_text().splitlines()[0]
    tab.page.locator(".lesson-notebook a.md-button").first.click()
    tab.page.wait_for_url("**/notebooks/05-three-ways-to-build-a-model/")
    tab.page.locator(".jp-Notebook .jp-CodeCell").first.wait_for()  # Material's instant loading swaps it in
    assert tab.page.locator(".jp-Notebook .jp-CodeCell").count() > 5
    assert first_output in tab.page.locator(".jp-Notebook").inner_text()
    assert tab.errors == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_screenshot_of_the_lesson(tab, lang):
    OUT.mkdir(exist_ok=True)
    tab.goto(("" if lang == "ko" else "en/") + LESSON)
    target = OUT / f"lesson-05-{lang}.png"
    tab.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


@pytest.mark.parametrize("path, title", [("no/such/page/", "페이지를 찾을 수 없습니다"), ("en/no/such/page/", "Page not found")])
def test_a_missing_page_gets_a_styled_404_in_its_language(tab, path, title):
    response = tab.goto(path)
    assert response.status == 404
    page = tab.page
    assert title in page.locator("h1").inner_text()
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") == "sticky"  # the CSS loaded
    # The page's own 404 status is logged too; anything else (a missing asset) is not expected.
    assert [e for e in tab.errors if not e.endswith(f"({tab.base}{path})")] == []


# Rules left out of the accessibility check, each with its reason. Only
# serious and critical violations fail the test; "moderate" ones (Material's
# tag list is a second <nav> without a name: landmark-unique) do not.
AXE_EXCLUDED_RULES: dict[str, str] = {}


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in AXE_EXCLUDED_RULES}}
    found = Axe().run(page, options=options).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, server, site, scheme):
    """axe-core on every lesson page, both home pages and a 404, in both colour
    schemes. (Diagrams are the labelled stand-in SVGs, see MERMAID_STANDIN.)"""
    context = offline_context(browser, server, color_scheme=scheme)
    page = context.new_page()
    problems = []
    for path in lesson_pages(site) + [v for v in notebook_views(site) if "/05-" in v] + ["", "en/", "no/such/page/"]:
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        problems += [f"{path or '/'} [{scheme}]: {p}" for p in axe_violations(page)]
    context.close()
    assert not problems, "\n".join(problems)
