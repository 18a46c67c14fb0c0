"""The two shortcuts that keep serve rebuilds fast must not change a byte of what readers get:
the search index read from lighter HTML, and Pygments' HTML remembered between builds."""
from __future__ import annotations

from types import SimpleNamespace

import markdown
import pytest
from material.plugins.search.plugin import SearchIndex
from mkdocs.structure.toc import get_toc

from snipexec import highlight_memo, search_index

EXTENSIONS = ["toc", "attr_list", "md_in_html", "admonition", "pymdownx.superfences", "pymdownx.highlight"]
CONFIG = {"pymdownx.highlight": {"anchor_linenums": True}, "toc": {"permalink": True}}

PAGE = '''
# A lesson

Some `inline < code` & text.

```python title="snippets/a.py"
import torch
x = torch.ones(2, 3)  # a comment with <angle> & "quotes"
if x.sum() > 1:
    print("big", x)
```

## Output

```text
tensor([[1., 1., 1.],
        [1., 1., 1.]])
```

```python linenums="1" hl_lines="2"
def f(a, b):
    return a @ b
```

<div data-search-exclude markdown>
```python
secret = 1
```
</div>

!!! note "In a box"
    ```python
    y = [i ** 2 for i in range(3)]
    ```

### Empty lines kept

```python
a = 1


b = 2
```
'''


def _page(html: str, toc_tokens) -> SimpleNamespace:
    return SimpleNamespace(content=html, toc=get_toc(toc_tokens), url="lessons/a/", meta={}, title="A lesson")


def _entries(page) -> list:
    index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=["stemmer"])
    index.add_entry_from_context(page)
    return index.entries


def _render(text: str = PAGE) -> tuple[str, list]:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG)
    return md.convert(text), md.toc_tokens


@pytest.fixture
def stock_search(monkeypatch):
    """SearchIndex as Material ships it, whatever an earlier build in this process installed."""
    add = SearchIndex.add_entry_from_context
    monkeypatch.setattr(SearchIndex, "add_entry_from_context", getattr(add, "original", add))


def test_search_index_from_lighter_html_is_the_same(stock_search, monkeypatch):
    html, toc = _render()
    assert html.count("<span") > 30 and "__codelineno-" in html  # highlighted, with line anchors
    light = search_index.lighter(html)
    assert light.count("<span") < html.count("<span") / 5 and "__codelineno-" not in light.split("data-search-exclude")[0]

    stock = _entries(_page(html, toc))
    assert any("torch.ones" in e["text"] for e in stock)
    assert not any("secret" in e["text"] for e in stock)  # the excluded block stays out

    search_index.install()
    page = _page(html, toc)
    assert _entries(page) == stock
    assert page.content == html  # the page keeps its highlighting


def test_lighter_keeps_text_and_outer_markup():
    html = '<p>a<span>b</span></p><pre class="x"><code><span class="n">x</span> <a id="l1" href="#l1"></a>&lt;y&gt;</code></pre>'
    assert search_index.lighter(html) == '<p>a<span>b</span></p><pre class="x"><code>x &lt;y&gt;</code></pre>'
    for unusual in ('<pre><code><span title="a>b">z</span></code></pre>',  # not what Pygments writes
                    "<pre><span class='x'>z</span></pre>", "<pre><span>z</pre>", "<pre>z</span></pre>",
                    "<pre><b>z</b></pre>", '<pre><span data-search-exclude>z</span></pre>'):
        assert search_index.lighter(unusual) == unusual  # left for the plugin to read as it is


def test_remembered_highlighting_is_byte_identical(monkeypatch):
    import pymdownx.highlight

    monkeypatch.setattr(highlight_memo, "_memo", type(highlight_memo._memo)())
    stock = pymdownx.highlight.highlight
    monkeypatch.setattr(pymdownx.highlight, "highlight", getattr(stock, "original", stock))
    fresh, _ = _render()
    highlight_memo.install()
    before = dict(highlight_memo.stats)
    first, _ = _render()
    second, _ = _render()
    assert first == fresh and second == fresh
    assert highlight_memo.stats["hits"] - before["hits"] >= 5  # the second render came from memory


def test_same_code_twice_on_a_page_keeps_its_own_line_anchors(monkeypatch):
    import pymdownx.highlight

    monkeypatch.setattr(highlight_memo, "_memo", type(highlight_memo._memo)())
    monkeypatch.setattr(pymdownx.highlight, "highlight", pymdownx.highlight.highlight)
    highlight_memo.install()
    html, _ = _render("```python\nx = 1\n```\n\n```python\nx = 1\n```\n\n```python linenums=\"3\"\nx = 1\n```\n")
    assert "__codelineno-0-1" in html and "__codelineno-1-1" in html
    assert '<a href="#__codelineno-2-3">3</a>' in html  # its own numbering, from line 3


def test_inline_line_number_styles_are_not_mixed_up(monkeypatch):
    """pymdownx keeps "pymdownx-inline" in a formatter attribute, not in its options: still two entries."""
    import pymdownx.highlight

    monkeypatch.setattr(highlight_memo, "_memo", type(highlight_memo._memo)())
    monkeypatch.setattr(pymdownx.highlight, "highlight", pymdownx.highlight.highlight)
    highlight_memo.install()
    block = "```python linenums=\"1\"\nx = 1\n```\n"
    html = {}
    for style in ("inline", "pymdownx-inline", "inline"):
        md = markdown.Markdown(extensions=["pymdownx.superfences", "pymdownx.highlight"],
                               extension_configs={"pymdownx.highlight": {"linenums_style": style}})
        html.setdefault(style, set()).add(md.convert(block))
    assert len(html["inline"]) == 1  # the same each time
    assert 'data-linenos="1 "' in next(iter(html["pymdownx-inline"]))
    assert 'data-linenos' not in next(iter(html["inline"])) and '<span class="linenos">1</span>' in next(iter(html["inline"]))


def test_a_pre_in_a_comment_or_script_is_not_touched():
    page = ('<!-- <pre><span>x</span></pre> --><script>var s = "<pre><span>y</span></pre>";</script>'
            '<pre><code><span>z</span></code></pre><pre><span>unclosed</pre>')
    assert search_index.lighter(page) == ('<!-- <pre><span>x</span></pre> --><script>var s = "<pre><span>y</span></pre>";</script>'
                                          '<pre><code>z</code></pre><pre><span>unclosed</pre>')
    assert search_index.lighter("<pre><span>a</span></pre><!-- open") == "<pre><span>a</span></pre><!-- open"
