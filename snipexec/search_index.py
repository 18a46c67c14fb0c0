"""Material's search index, read from code blocks without their highlighting markup.

Material's search plugin walks each page's HTML tag by tag, in Python. A
lesson page is mostly code: Pygments wraps every token in a ``<span>`` and
every line in an anchor, about 2,500 tags a page, and that walk took 110 ms
of a serve rebuild per page on a slow machine. Inside ``<pre>`` the plugin
keeps only the text (spans and anchors are not indexed, whitespace is kept as
is), so removing those two tags there first gives the same index for a
fraction of the work. ``tests/test_search_index.py`` holds the two equal.
"""
from __future__ import annotations

import re

PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S)
INLINE_TAG = re.compile(r"""</?(?:span|a)\b(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _strip(m: re.Match) -> str:
    inner = m.group(2)
    if "<pre" in inner or "data-search-" in inner:  # nested blocks, or markup the plugin acts on: as they are
        return m.group(0)
    return m.group(1) + INLINE_TAG.sub("", inner) + m.group(3)


def lighter(html: str) -> str:
    """``html`` with the spans and anchors inside each ``<pre>`` removed (their text stays)."""
    return PRE.sub(_strip, html) if "<pre" in html else html


def install() -> None:
    """Index pages from ``lighter(page.content)``; the page itself is left as it was."""
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return
    original = SearchIndex.add_entry_from_context
    if hasattr(original, "original"):
        return  # installed before

    def add_entry_from_context(self, page):
        content = page.content
        page.content = lighter(content)
        try:
            return original(self, page)
        finally:
            page.content = content

    add_entry_from_context.original = original
    SearchIndex.add_entry_from_context = add_entry_from_context
