"""How long each snippet file is expected to run, so the longest start first.

The cache records every run's time. A fresh clone or CI runner has no cache, so
``snippets/durations.json`` carries the last known times into the repository,
as pytest-split's ``.test_durations`` does. ``python -m snipexec durations``
rewrites it from the cache; a stale or missing entry only costs speed.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

FILE_NAME = "durations.json"
DEFAULT_SECONDS = 1.0  # a file never run anywhere


class DurationsError(ValueError):
    """durations.json cannot be read; the message names it and the fix."""


def read(snippets_dir: Path) -> dict[str, float]:
    path = Path(snippets_dir) / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise DurationsError(f"{path}: {e}; delete it, or rewrite it with `python -m snipexec durations`") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
        for k, v in data.items()
    ):
        raise DurationsError(f"{path}: want an object of snippet file -> seconds, such as {{\"07_training/train.py\": 1.8}};"
                             " delete it, or rewrite it with `python -m snipexec durations`")
    return {k: float(v) for k, v in data.items()}


def write(snippets_dir: Path, seconds: dict[str, float]) -> Path:
    path = Path(snippets_dir) / FILE_NAME
    rounded = {rel: round(s, 2) for rel, s in sorted(seconds.items())}
    path.write_text(json.dumps(rounded, indent=1) + "\n", encoding="utf-8")
    return path
