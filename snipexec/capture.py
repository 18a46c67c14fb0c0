"""Turn raw captured bytes into the text a reader should see."""
from __future__ import annotations

import re

# CSI sequences (colours, cursor moves) and OSC sequences (titles, links).
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but \t \n (and \r, handled apart)
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


def truncate(text: str, limit: int = DEFAULT_LIMIT, printed_bytes: int = 0) -> str:
    if len(text) <= limit and not printed_bytes:
        return text
    if printed_bytes:  # only the start of a flood was read
        return f"{text[:limit]}\n… [cut: {printed_bytes:,} bytes printed, the first {limit:,} characters shown]\n"
    cut = len(text) - limit
    return f"{text[:limit]}\n… [{cut:,} more characters cut: output limit is {limit:,}]\n"


def clean(raw: bytes, limit: int = DEFAULT_LIMIT, printed_bytes: int | None = None) -> str:
    """``printed_bytes``: the full size when ``raw`` is only its start."""
    text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n")
    text = ANSI.sub("", text)
    text = CONTROL.sub("", collapse_carriage_returns(text))
    flooded = printed_bytes if printed_bytes and printed_bytes > len(raw) else 0
    return truncate(text, limit, flooded)
