"""Turn raw captured bytes into the text a reader should see."""
from __future__ import annotations

import re

# CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
DEFAULT_LIMIT = 20_000  # characters shown per cell


def collapse_carriage_returns(text: str) -> str:
    """Keep what a terminal would show: each line's last ``\\r`` frame."""
    out = []
    for line in text.split("\n"):
        if "\r" in line:
            frames = [f for f in line.split("\r") if f]
            line = frames[-1] if frames else ""
        out.append(line)
    return "\n".join(out)


def truncate(text: str, limit: int = DEFAULT_LIMIT) -> str:
    if len(text) <= limit:
        return text
    cut = len(text) - limit
    head = text[:limit]
    return f"{head}\n… [{cut:,} more characters cut: output limit is {limit:,}]\n"


def clean(raw: bytes, limit: int = DEFAULT_LIMIT) -> str:
    text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n")
    text = ANSI.sub("", text)
    text = collapse_carriage_returns(text)
    return truncate(text, limit)
