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


def find(markdown: str, source: str = "<page>") -> list[Directive]:
    """Directives outside fenced code blocks, in page order."""
    found = []
    fence = None
    offset = 0
    for number, line in enumerate(markdown.splitlines(keepends=True), 1):
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
        elif fence is None:
            d = DIRECTIVE.match(line.rstrip("\r\n"))
            if d:
                opts = frozenset(d["opts"].split())
                bad = opts - OPTIONS
                if bad:
                    raise DirectiveError(f"{source}:{number}: unknown option {', '.join(sorted(bad))} (use {', '.join(sorted(OPTIONS))})")
                found.append(Directive(d["path"], d["cell"], opts, number, offset, offset + len(line.rstrip("\r\n")), d["indent"]))
            elif re.match(r"^[ \t]*:::[ \t]+run\b", line):
                raise DirectiveError(f"{source}:{number}: malformed directive '{line.strip()}' (expected '::: run path/file.py:cell')")
        offset += len(line)
    return found
