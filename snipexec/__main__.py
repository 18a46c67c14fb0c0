"""Command line: ``python -m snipexec run [PATHS] [--force]``, ``prune``, ``merge`` and ``durations``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import durations, shard
from .cells import SnippetSyntaxError
from .engine import Engine, SnippetNotFound
from .pages import write_rendered


def _table(results) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="snippets (slowest first)")
    for col in ("snippet", "status", "source", "seconds", "output"):
        table.add_column(col, justify="right" if col in ("seconds", "output") else "left")
    for r in sorted(results.values(), key=lambda r: r.seconds, reverse=True):
        status = "ok" if r.ok else "FAILED"
        table.add_row(r.path, status, "cached" if r.cached else "ran", f"{r.seconds:.2f}", f"{r.output_size:,} chars")
    console = Console(file=sys.stdout, width=100)
    with console.capture() as cap:
        console.print(table)
    return cap.get()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snipexec", description=__doc__)
    parser.add_argument("--snippets", default="snippets", help="snippets folder (default: snippets)")
    parser.add_argument("--cache", default=None, help="cache folder (default: .cache/snipexec beside the snippets folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run or refresh snippet files and print a table")
    run.add_argument("paths", nargs="*", help="snippet files or folders (default: all)")
    run.add_argument("--force", action="store_true", help="re-run even when cached (also: SNIPEXEC_FORCE=1)")
    run.add_argument("--workers", type=int, default=None, help="files run at once (default: one per core)")
    run.add_argument("--render", metavar="DIR", help="also write each cell as Markdown for plain --8<-- includes")
    run.add_argument("--shard", metavar="I/N", help="run only shard I of N, split by recorded run times")
    sub.add_parser("durations", help=f"write the cache's run times to SNIPPETS/{durations.FILE_NAME} for fresh clones")
    sub.add_parser("prune", help="drop cache entries of deleted snippets and leftovers of killed builds")
    merge = sub.add_parser("merge", help="copy the entries of other caches (e.g. from shards) into this one")
    merge.add_argument("caches", nargs="+", help="cache folders to merge from")
    args = parser.parse_args(argv)

    snippets = Path(args.snippets).resolve()
    engine = Engine(snippets, cache_dir=Path(args.cache) if args.cache else None, workers=getattr(args, "workers", None),
                    force=True if getattr(args, "force", False) else None)
    if args.command == "prune":
        print(f"removed {engine.prune()} cache entries")
        return 0
    if args.command == "durations":
        seconds = engine.recorded_seconds()
        path = durations.write(engine.snippets_dir, seconds)
        missing = len(engine.all_snippets()) - len(seconds)
        print(f"{path}: {len(seconds)} files" + (f" ({missing} never run in this cache: left out)" if missing else ""))
        return 0
    if args.command == "merge":
        for other in args.caches:
            added, damaged = engine.cache.merge_from(Path(other))
            print(f"{other}: {added:,} entries added" + (f", {damaged:,} damaged entries left out" if damaged else ""))
        return 0
    rels = _select(engine, args.paths)
    if args.shard:
        index, count = shard.parse_spec(args.shard)
        rels = shard.assign(rels, engine.expected_seconds(rels), count)[index - 1]
        print(f"shard {index}/{count}: {len(rels)} files")
    results = engine.results(rels)
    print(_table(results), end="")
    if args.render:
        write_rendered(engine, results, Path(args.render))
    failed = [r for r in results.values() if not r.ok]
    for r in failed:
        print(f"\nFAILED {r.error}", file=sys.stderr)
    return 1 if failed else 0


def _select(engine: Engine, paths: list[str]) -> list[str]:
    everything = engine.all_snippets()
    if not paths:
        return everything
    chosen = []
    for p in paths:
        full = Path(p).resolve()
        rel = str(full.relative_to(engine.snippets_dir)) if engine.snippets_dir in full.parents or full == engine.snippets_dir else p
        if full.is_dir():
            chosen += [r for r in everything if (engine.snippets_dir / r).resolve().is_relative_to(full)]
        else:
            engine.resolve(rel)  # clear error for a missing file
            chosen.append(rel)
    return chosen


def cli(argv: list[str] | None = None) -> int:
    """``main`` with input mistakes shown as one line, not a traceback."""
    try:
        return main(argv)
    except (SnippetSyntaxError, SnippetNotFound, FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the batch has killed its runs by now; results stored so far stay cached
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(cli())
