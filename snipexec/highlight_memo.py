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


# Formatter attributes that follow from its style option (kept as a name): not part of the key.
FROM_STYLE = {"class2style", "ttype2class", "span_element_openers"}


def _plain(value) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _state(obj) -> str | None:
    """Everything ``obj`` was set up with, as text; None if some of it is not plain data."""
    items = []
    for name, value in sorted(vars(obj).items()):
        if isinstance(value, type):  # the style: a class
            value = f"{value.__module__}.{value.__qualname__}"
        elif name in FROM_STYLE:
            continue
        elif isinstance(value, (set, frozenset)):
            value = sorted(value, key=repr)
        if not _plain(value):
            return None
        items.append((name, value))
    return repr(items)


def _key(src, lexer, formatter):
    """Source, classes and their whole state: pymdownx keeps a choice (its inline line numbers) in an
    attribute, not in the options."""
    if not isinstance(src, str) or getattr(lexer, "filters", None):
        return None
    lexer_state, formatter_state = _state(lexer), _state(formatter)
    if lexer_state is None or formatter_state is None:
        return None
    return src, type(lexer), lexer_state, type(formatter), formatter_state


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
