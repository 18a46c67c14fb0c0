"""Render results as Markdown that any Python-Markdown build can take.

Code goes in a normal fenced block (highlighted by the site). Output goes in
one line of raw HTML with every special character escaped, so nothing a
snippet prints can become markup, a Markdown construct or a ``--8<--``
include. The MkDocs adapter goes further: it stashes the output HTML and puts
it back after Markdown has run.
"""
from __future__ import annotations

import functools
import re
import uuid
from pathlib import Path
from typing import Callable

from .engine import CellResult

STAMP_TEXT = {
    "ko": ("이 페이지의 출력은 빌드가 직접 실행해 얻은 결과입니다", "생성 시각", "장치"),
    "en": ("Every output on this page was produced by the build", "produced", "device"),
}


_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\n": "&#10;"}
# For HTML that Markdown will still see: inside an admonition or a tab raw HTML is not a
# block, so inline rules (emphasis, links, code) would run over it.
_MARKDOWN = {**_HTML, **{ch: f"&#{ord(ch)};" for ch in "`*_[]\\!:{}~^|$="}}


def escape(text: str, markdown: bool = True) -> str:
    table = _MARKDOWN if markdown else _HTML
    return "".join(table.get(ch, ch) for ch in text)


def fence_for(code: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def code_block(code: str, title: str) -> str:
    fence = fence_for(code)
    return f'{fence}python title="{title}"\n{code}{fence}\n'


def output_block(cell: CellResult, figure_url: Callable[[Path], str], label: str, markdown: bool = True) -> str:
    """``markdown=False`` when the HTML goes in after Markdown has run (it then needs HTML escaping only)."""
    esc = functools.partial(escape, markdown=markdown)
    parts = []
    text = cell.output
    if cell.exception:
        text += ("" if not text or text.endswith("\n") else "\n")
        body = esc(text) + f'<span class="snipexec-exception">{esc(cell.exception)}</span>'
    else:
        body = esc(text.rstrip("\n"))
    if body:
        # tabindex: wide output scrolls sideways, and keyboard users must be able to scroll it too.
        kind = "snipexec-output snipexec-raised" if cell.exception else "snipexec-output"
        parts.append(f'<div class="{kind}" data-cell="{esc(label)}"><pre><code tabindex="0">{body}</code></pre></div>')
    for n, fig in enumerate(cell.figures, 1):
        alt = esc(f"Figure {n} drawn by {label}")
        parts.append(f'<figure class="snipexec-figure"><img src="{esc(figure_url(fig))}" alt="{alt}" loading="lazy"></figure>')
    return "\n\n".join(parts)


def mermaid_block(text: str, label: str) -> str:
    """Printed Mermaid text as a ``mermaid`` fence (drawn by the site), fenced
    longer than any backtick run in it. The text is a diagram, not markup, but
    it does pass through Markdown preprocessors, so a snippets include line
    (``--8<--``) in it is refused rather than expanded."""
    if re.search(r"-+8<-+", text):
        raise ValueError(f"{label}: Mermaid output contains a '--8<--' include marker")
    body = text.strip("\n") + "\n"
    fence = fence_for(body)
    return f"{fence}mermaid\n{body}{fence}\n"


def cell_markdown(
    code: str, title: str, cell: CellResult, figure_url: Callable[[Path], str], show_code=True, show_output=True,
    output_as: str | None = None, stash: dict[str, str] | None = None,
) -> str:
    """Code as a fence and output as HTML (or a Mermaid fence); with ``stash``, the HTML waits there
    behind a token that survives any Markdown nesting, for the caller to put back after rendering."""
    label = f"{title}:{cell.name}"
    pieces = []
    if show_code:
        pieces.append(code_block(code, title))
    if show_output and output_as == "mermaid" and not cell.exception and cell.output.strip():
        pieces.append(mermaid_block(cell.output, label))
    elif show_output:
        out = output_block(cell, figure_url, label, markdown=stash is None)
        if out and stash is not None:
            token = f"snipexecstash{uuid.uuid4().hex}"
            stash[token] = out
            out = token
        if out:
            pieces.append(out)
    return "\n" + "\n\n".join(pieces) + "\n"


def unstash(html: str, stash: dict[str, str]) -> str:
    for token, block in stash.items():
        html = html.replace(f"<p>{token}</p>", block).replace(token, block)
    return html


def stamp_markdown(metas: list[dict], lang: str) -> str:
    """One line saying where a page's outputs came from."""
    if not metas:
        return ""
    lead, produced, device = STAMP_TEXT.get(lang, STAMP_TEXT["en"])
    torch_versions = sorted({m["torch"] for m in metas if m.get("torch")})
    devices = sorted({m["device"] + (f" (CUDA {m['cuda']})" if m.get("cuda") else "") for m in metas})
    when = max(m["produced_at"] for m in metas).replace("T", " ").replace("+00:00", " UTC")
    bits = [f"torch {', '.join(torch_versions)}"] if torch_versions else []
    bits += [f"{device}: {', '.join(devices)}", f"{produced}: {when}"]
    return f'\n<p class="snipexec-stamp">{escape(lead)} · {escape(" · ".join(bits))}</p>\n'
