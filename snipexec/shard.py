"""Split snippet files over n machines so each gets about the same run time."""
from __future__ import annotations


def parse_spec(spec: str) -> tuple[int, int]:
    """``"2/3"`` -> (2, 3); shards are numbered from 1."""
    try:
        index, count = (int(x) for x in spec.split("/"))
    except ValueError:
        raise ValueError(f"--shard wants i/n such as 1/2, not '{spec}'") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {spec}: i must be between 1 and {count}")
    return index, count


def assign(files: list[str], seconds: dict[str, float], count: int) -> list[list[str]]:
    """Longest first onto the least loaded shard; the same inputs give the same split everywhere.

    ``seconds``: each file's expected run time (``Engine.expected_seconds``)."""
    shards: list[list[str]] = [[] for _ in range(count)]
    load = [0.0] * count
    for f in sorted(files, key=lambda f: (-seconds[f], f)):
        i = min(range(count), key=lambda i: (load[i], i))
        shards[i].append(f)
        load[i] += seconds[f]
    return [sorted(s) for s in shards]
