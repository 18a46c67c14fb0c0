"""Remember Pygments' HTML for code blocks across builds in one process.

Under ``mkdocs serve`` a saved snippet re-renders its lesson page in both
languages, and Pygments re-highlights every code block of both pages although
only one output changed: about 60 ms per page on a slow machine. pymdownx
calls ``pygments.highlight(src, lexer, formatter)`` with fresh objects each
time; the HTML depends only on the source, the classes and their options, so
that is the key. Anything with options that are not plain data is passed
through uncached.
"""
from __future__ import annotations

from collections import OrderedDict

MAX_BLOCKS = 4096  # about 40 lessons of code, both languages; a few MB of HTML at most

_memo: OrderedDict = OrderedDict()
stats = {"hits": 0, "misses": 0}


def _plain(value) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _key(src, lexer, formatter):
    lexer_options, formatter_options = getattr(lexer, "options", None), getattr(formatter, "options", None)
    if not (isinstance(src, str) and _plain(lexer_options) and _plain(formatter_options)) or getattr(lexer, "filters", None):
        return None
    return (src, type(lexer), repr(sorted(lexer_options.items())), type(formatter),
            repr(sorted(formatter_options.items())))


def remembering(highlight):
    """``highlight`` (Pygments' signature), answering repeated blocks from memory."""
    if hasattr(highlight, "original"):
        return highlight  # wrapped before

    def remembered(code, lexer, formatter, outfile=None):
        key = None if outfile is not None else _key(code, lexer, formatter)
        if key is None:
            return highlight(code, lexer, formatter, outfile)
        html = _memo.get(key)
        if html is not None:
            _memo.move_to_end(key)
            stats["hits"] += 1
            return html
        stats["misses"] += 1
        html = _memo[key] = highlight(code, lexer, formatter)
        if len(_memo) > MAX_BLOCKS:
            _memo.popitem(last=False)
        return html

    remembered.original = highlight
    return remembered


def install() -> None:
    """Wrap the ``highlight`` pymdownx.highlight calls (a no-op without Pygments, or when done before)."""
    try:
        import pymdownx.highlight as pymdownx_highlight
    except ImportError:  # pragma: no cover - pymdownx is a dependency of the site
        return
    if getattr(pymdownx_highlight, "pygments", False) and hasattr(pymdownx_highlight, "highlight"):
        pymdownx_highlight.highlight = remembering(pymdownx_highlight.highlight)
