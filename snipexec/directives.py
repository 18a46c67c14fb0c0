"""Find the ``::: run`` directives in a Markdown page.

A directive is one line::

    ::: run 05_build_models/sequential.py:named
    ::: run 05_build_models/sequential.py:named output-only

The path is relative to the snippets folder; the cell is a section name
in that file. ``code-only`` and ``output-only`` hide one half;
``output-as-mermaid`` puts what the cell printed in a ``mermaid`` fence, so
the site draws it as a diagram (the cell prints Mermaid text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*):::[ \t]+run[ \t]+(?P<path>[^\s:]+\.py):(?P<cell>[a-z][-_0-9a-z]*)(?P<opts>(?:[ \t]+[-a-z]+)*)[ \t]*$", re.M)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CLOSING_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*$")
NEAR_MISS = re.compile(r"^[ \t]*:::[ \t]*run\b", re.I)
# Lines whose indented content is Markdown (admonitions, details, tabs, list items), not a code block.
CONTAINER = re.compile(r"^[ \t]*(!!!|\?\?\?\+?|===|[-*+][ \t]|\d+[.)][ \t])")
OPTIONS = {"code-only", "output-only", "output-as-mermaid"}


@dataclass(frozen=True)
class Directive:
    path: str
    cell: str
    options: frozenset
    line: int
    start: int
    end: int
    indent: str


class DirectiveError(ValueError):
    pass


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _in_container(lines: list[str], index: int) -> bool:
    """Is the indented line ``index`` inside an admonition, tab or list item (else: a code block)?"""
    depth = _indent(lines[index])
    for line in reversed(lines[:index]):
        if line.strip() and _indent(line) < depth:
            return bool(CONTAINER.match(line))
    return False


def find(markdown: str, source: str = "<page>") -> list[Directive]:
    """Directives outside fenced and indented code blocks, in page order."""
    found = []
    fence = None
    offset = 0
    lines = markdown.splitlines(keepends=True)
    for number, line in enumerate(lines, 1):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None:
            close = CLOSING_FENCE.match(line)
            if close and close.group(1)[0] == fence[0] and len(close.group(1)) >= len(fence):
                fence = None
        else:
            d = DIRECTIVE.match(line.rstrip("\r\n"))
            if d and (not d["indent"] or _in_container(lines, number - 1)):
                opts = frozenset(d["opts"].split())
                bad = opts - OPTIONS
                if bad:
                    raise DirectiveError(f"{source}:{number}: unknown option {', '.join(sorted(bad))} (use {', '.join(sorted(OPTIONS))})")
                found.append(Directive(d["path"], d["cell"], opts, number, offset, offset + len(line.rstrip("\r\n")), d["indent"]))
            elif not d and NEAR_MISS.match(line):
                raise DirectiveError(f"{source}:{number}: malformed directive '{line.strip()}' (expected '::: run path/file.py:cell')")
        offset += len(line)
    return found
