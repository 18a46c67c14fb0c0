"""Material's search index, read from code blocks without their highlighting markup.

Material's search plugin walks each page's HTML tag by tag, in Python. A
lesson page is mostly code: Pygments wraps every token in a ``<span>`` and
every line in an anchor, about 2,500 tags a page, and that walk took 110 ms
of a serve rebuild per page on a slow machine. Inside ``<pre>`` the plugin
keeps only the text (spans and anchors are not indexed, whitespace is kept as
is), so removing those two tags there first gives the same index for a
fraction of the work. ``tests/test_render_speedups.py`` holds the two equal.
"""
from __future__ import annotations

import re

PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S)
# The tags Pygments and pymdownx write inside <pre>: lowercase, attributes double-quoted.
TAG = re.compile(r'<(/?)(span|a|code)((?:\s+[a-zA-Z_:][-\w:.]*(?:="[^"<>]*")?)*)\s*>')
# Where a "<pre>" would be text, not a tag: passed over as they are.
OPAQUE = re.compile(r"<!--.*?-->|<(script|style|textarea)\b.*?</\1\s*>|<!\[CDATA\[.*?\]\]>", re.S | re.I)
OPAQUE_START = re.compile(r"<!--|<(script|style|textarea)\b|<!\[CDATA\[", re.I)


def _strip(m: re.Match) -> str:
    """One ``<pre>`` block without its spans and anchors, if it holds nothing else; else as it is."""
    inner, depth = m.group(2), {"span": 0, "a": 0, "code": 0}
    if "data-search-" in inner or "linenodiv" in inner:  # markup the plugin acts on
        return m.group(0)
    for tag in TAG.finditer(inner):
        closing, name, _ = tag.groups()
        depth[name] += -1 if closing else 1
        if depth[name] < 0:
            return m.group(0)
    bare = TAG.sub("", inner)
    if any(depth.values()) or "<" in bare or ">" in bare:
        return m.group(0)  # unbalanced, or other markup: the plugin reads it as it is
    return m.group(1) + TAG.sub(lambda t: t.group(0) if t.group(2) == "code" else "", inner) + m.group(3)


def lighter(html: str) -> str:
    """``html`` with the spans and anchors inside each ``<pre>`` removed (their text stays). Blocks with
    any other markup are left as they are, and so is whatever is inside comments and scripts."""
    if "<pre" not in html:
        return html
    out, at = [], 0
    for opaque in OPAQUE.finditer(html):
        out += [PRE.sub(_strip, html[at:opaque.start()]), opaque.group(0)]
        at = opaque.end()
    rest = html[at:]
    if OPAQUE_START.search(rest):  # a comment or script left open: the plugin reads it as it is
        return html
    return "".join(out) + PRE.sub(_strip, rest)


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
