"""Site hook: the series index lists every lesson as a card.

A page that contains ``<!-- lesson-cards -->`` gets, in its place, one card
per page under ``lessons/`` (in file-name order): title, description, date,
reading time and tags, all read from the lesson's own front matter and text.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from mkdocs.utils.meta import get_data

MARKER = "<!-- lesson-cards -->"
MINUTES = {"ko": "분", "en": "min read"}


def reading_minutes(text: str, lang: str) -> int:
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    cells = len(re.findall(r"^\s*::: run ", text, flags=re.M))
    if lang == "ko":
        minutes = len(re.sub(r"\s", "", text)) / 500  # characters per minute, Korean prose
    else:
        minutes = len(text.split()) / 200  # words per minute
    return max(1, round(minutes + cells * 0.3))  # and a glance at each output


def on_files(files, config):
    """Under `mkdocs serve --dirty`, a card page is rebuilt when any lesson changed (its reading time)."""
    pages = list(files.documentation_pages())
    newest = max((os.path.getmtime(f.abs_src_path) for f in pages if f.src_uri.startswith("lessons/")), default=0)
    for f in pages:
        dest = f.abs_dest_path
        if f.src_uri.endswith(".md") and os.path.isfile(dest) and os.path.getmtime(dest) < newest \
                and MARKER in Path(f.abs_src_path).read_text(encoding="utf-8"):
            os.utime(dest, ns=(0, 0))
    return files


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    lang = config.theme.get("language", "en")
    here = Path(page.file.src_uri).parent
    cards = []
    for f in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
        if not f.src_uri.startswith("lessons/"):
            continue
        body, meta = get_data(Path(f.abs_src_path).read_text(encoding="utf-8"))
        link = Path(f.src_uri).relative_to(here) if here != Path(".") else f.src_uri
        minutes = reading_minutes(body, lang)
        unit = f"{minutes}{MINUTES['ko']}" if lang == "ko" else f"{minutes} {MINUTES['en']}"
        tags = " ".join(f"`{t}`" for t in meta.get("tags", []))
        cards.append(
            f"-   **[{meta.get('title', f.src_uri)}]({link})**\n\n"
            f"    ---\n\n    {meta.get('description', '')}\n\n"
            f"    <small>{meta.get('date', '')} · {unit}</small> {tags}\n"
        )
    grid = '<div class="grid cards lesson-cards" markdown>\n\n' + "\n".join(cards) + "\n</div>\n"
    return markdown.replace(MARKER, grid)
