"""Build-speed benchmark: the site built by snipexec against a plain build and two anchors.

Every scenario builds a throwaway copy of the project (both languages), several
times, and reports medians. Ratios follow issue 4:

* warm / plain              no change, cache warm            target <= 1.15
* cold / limit              limit = plain + torch import + sum(snippet seconds) / workers, target <= 1.3
                            (cold: no snippet cache and no notebook-view cache; the anchors, like every
                            snippet run, start with an empty torch.compile cache)
* edit                      files re-run after editing one snippet (must be 1)
* serve                     mkdocs serve: edit -> new output served, minus that file's run time, target <= 1 s
* per-file start-up         forkserver overhead per snippet file, target <= 50 ms
* anchors                   markdown-exec and mkdocs-jupyter on the same snippets, cold and warm
* sharding                  2 shards from empty caches, merged into a third; a build on it runs nothing

Usage: python benchmarks/bench.py [--runs N] [--json PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from snipexec import directives  # noqa: E402
from snipexec.cells import parse  # noqa: E402

IGNORE = shutil.ignore_patterns(".git", ".venv", "site", ".cache", "__pycache__", "test-output", "results", "*.egg-info")
EDIT_TARGET = "05_three_ways/sequential.py"
EDIT_CELL_END = "# --8<-- [end:unnamed]"
SERVE_PAGE = "lessons/05-three-ways-to-build-a-model/"
SERVE_NOTEBOOK_VIEW = "notebooks/05-three-ways-to-build-a-model/"


def copy_project(dst: Path) -> Path:
    shutil.copytree(ROOT, dst, ignore=IGNORE)
    subprocess.run(["git", "init", "-q"], cwd=dst, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dst, check=True)
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "bench"], cwd=dst, check=True)
    return dst


def env(**extra) -> dict:
    e = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **extra}
    e.pop("SNIPEXEC_FORCE", None)
    return e


def timed(cmd: list[str], cwd: Path, **extra) -> float:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env(**extra), capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{out.stderr[-3000:]}")
    return elapsed


def mkdocs_build(cwd: Path, config: str = "mkdocs.yml", **extra) -> float:
    return timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config], cwd, **extra)


def ran_files(project: Path, cache: Path) -> list[str]:
    text = (cache / "timings.txt").read_text()
    return [line.split()[-1] for line in text.splitlines()[1:] if " ran " in f" {line} "]


def snippet_seconds(cache: Path) -> dict[str, float]:
    out = {}
    for line in (cache / "timings.txt").read_text().splitlines()[1:]:
        parts = line.split()
        out[parts[-1]] = float(parts[0])
    return out


def torch_import_seconds(runs: int) -> float:
    def once(code):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    return statistics.median(once("import torch") - once("pass") for _ in range(runs))


def heavy_modules_in_warm_build(project: Path, cache: Path) -> list[str]:
    code = textwrap.dedent(
        f"""
        import sys
        from mkdocs.config import load_config
        from mkdocs.commands.build import build
        cfg = load_config("mkdocs.yml", site_dir={str(project / 'site-check')!r})
        cfg.plugins.on_startup(command="build", dirty=False)
        build(cfg)
        print("HEAVY:" + ",".join(m for m in ("torch", "keras", "numpy") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=project, env=env(SNIPEXEC_CACHE=str(cache)), capture_output=True, text=True)
    if out.returncode != 0:
        return ["build failed"]
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("HEAVY:"))
    return [m for m in line[len("HEAVY:"):].split(",") if m]


def startup_overhead(tmp: Path, files: int = 24) -> float:
    """Seconds of overhead per file: wall time of one worker minus the snippets' own time."""
    from snipexec.engine import Engine

    snippets = tmp / "startup" / "snippets"
    snippets.mkdir(parents=True)
    for i in range(files):
        (snippets / f"s{i}.py").write_text(f"# --8<-- [start:c]\nx = {i}\n# --8<-- [end:c]\n")
    engine = Engine(snippets, cache_dir=tmp / "startup-cache", workers=1)
    engine.results(["s0.py"])  # start the forkserver (one torch import) outside the timing
    rels = [f"s{i}.py" for i in range(1, files)]
    t0 = time.perf_counter()
    results = engine.results(rels)
    wall = time.perf_counter() - t0
    return (wall - sum(r.seconds for r in results.values())) / len(rels)


def sharded(project: Path, tmp: Path, count: int = 2) -> dict:
    """The README's sharding example: ``count`` shards from empty caches (as on fresh runners, split by
    ``snippets/durations.json``), one after another here; their caches merged into a third; a full build on it."""
    def cli(cache: Path, *args: str) -> str:
        cmd = [sys.executable, "-m", "snipexec", "--snippets", str(project / "snippets"), "--cache", str(cache), *args]
        out = subprocess.run(cmd, cwd=project, env=env(), capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        return out.stdout

    shards, merged = [], tmp / "shards" / "merged"
    for i in range(1, count + 1):
        cache = tmp / "shards" / f"shard{i}"
        t0 = time.perf_counter()
        cli(cache, "run", "--shard", f"{i}/{count}")
        shards.append({"seconds": time.perf_counter() - t0, "files": stored_snippets(cache)})
    added = [int(re.search(r": ([\d,]+) entries added", cli(merged, "merge", str(tmp / "shards" / f"shard{i}")))[1]
                 .replace(",", "")) for i in range(1, count + 1)]
    shutil.rmtree(project / ".cache", ignore_errors=True)
    build = mkdocs_build(project, SNIPEXEC_CACHE=str(merged))
    return {"shards": shards, "merged_entries": added, "build_after_merge": build,
            "build_after_merge_ran": ran_files(project, merged)}


def stored_snippets(cache: Path) -> list[str]:
    """The snippet files a ``python -m snipexec run`` stored results for (it writes no timings.txt)."""
    return sorted(json.loads(r.read_text())["snippet"] for r in (cache / "entries").glob("*/*/result.json"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_latency(project: Path, cache: Path, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from saving a snippet to the new output being served, minus that file's run time; and
    to the lesson's notebook view showing it too (it follows in a second rebuild)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=env(SNIPEXEC_CACHE=str(cache), SITE_URL=f"http://127.0.0.1:{port}/", SITE_URL_EN=f"http://127.0.0.1:{port}/en/"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/{SERVE_PAGE}"
    view_url = f"http://127.0.0.1:{port}/{SERVE_NOTEBOOK_VIEW}"
    try:
        _wait_for(url, lambda body: True, 120)
        time.sleep(2.0)  # a first rebuild may follow (notebooks written for this site URL); a GET waits for it
        _wait_for(f"http://127.0.0.1:{port}/{SERVE_NOTEBOOK_VIEW}", lambda body: True, 120)
        time.sleep(1.0)
        out, views = [], []
        for n in range(runs):
            token = f"serve-edit-{n}-{time.time_ns()}"
            epoch = _livereload_epoch(url)
            _edit(project, f'print("{token}")')
            t0 = time.perf_counter()
            epoch = _reloaded_with(url, token, epoch)
            latency = time.perf_counter() - t0
            run = snippet_seconds(cache).get(EDIT_TARGET, 0.0)
            out.append(latency - run)
            _reloaded_with(view_url, token, epoch)
            views.append(time.perf_counter() - t0 - run)
            time.sleep(1.0)
        return out, views
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _livereload_epoch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as r:
        return int(re.search(r"livereload\((\d+), \d+\)", r.read().decode())[1])


def _reloaded_with(url: str, token: str, epoch: int) -> int:
    """As a browser sees it: wait on MkDocs' live-reload poll for the next finished build, then load the
    page; repeat until it shows ``token``. Returns the epoch of the build that showed it."""
    base = url.split("/", 3)[:3]
    while True:
        with urllib.request.urlopen("/".join(base) + f"/livereload/{epoch}/1", timeout=120) as r:
            epoch = int(r.read())
        with urllib.request.urlopen(url, timeout=60) as r:
            if token in r.read().decode("utf-8", "replace"):
                return epoch


def _wait_for(url: str, ok, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if ok(r.read().decode("utf-8", "replace")):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {url}")


def _edit(project: Path, line: str) -> None:
    path = project / "snippets" / EDIT_TARGET
    text = path.read_text()
    text = re.sub(r"^print\(\"(serve|bench)-edit-.*\n", "", text, flags=re.M)
    path.write_text(text.replace(EDIT_CELL_END, f"{line}\n{EDIT_CELL_END}", 1))


# --- anchors: the same pages and snippets through markdown-exec and mkdocs-jupyter ---

def _pages(project: Path):
    for lang in ("ko", "en"):
        for page in sorted((project / "docs" / lang).rglob("*.md")):
            yield lang, page


def _file_cells_until(snippets: Path, rel: str, cell: str, done: dict) -> list:
    """Cells of a file not yet emitted, in order, up to and including ``cell``."""
    cells = parse(snippets / rel).cells
    start = done.get(rel, 0)
    for i, c in enumerate(cells[start:], start):
        if c.name == cell:
            done[rel] = i + 1
            return list(cells[start : i + 1])
    return []


def _anchor_config(name: str, lang: str, plugin: str) -> str:
    return textwrap.dedent(
        f"""\
        site_name: anchor {name} {lang}
        docs_dir: docs/{lang}
        site_dir: site/{lang}
        theme: {{name: material, language: {lang}}}
        markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.details, pymdownx.superfences,
          {{pymdownx.tabbed: {{alternate_style: true}}}}, {{toc: {{permalink: true}}}}]
        plugins:
          - search
          - {plugin}
        """
    )


def make_markdown_exec_project(project: Path, dst: Path) -> Path:
    snippets = project / "snippets"
    for lang, page in _pages(project):
        text = page.read_text()
        done: dict = {}
        out, last = [], 0
        for d in directives.find(text):
            out.append(text[last : d.start])
            folder = (snippets / d.path).parent
            if d.indent:  # a second look inside a tab: shown, not run (as our notebooks do)
                code = parse(snippets / d.path).cell(d.cell).source
                out.append(textwrap.indent(f"```python\n{code}```\n", d.indent))
                last = d.end
                continue
            blocks = []
            for c in _file_cells_until(snippets, d.path, d.cell, done):
                code = c.source
                if c.raises:
                    code = "try:\n" + textwrap.indent(code, "    ") + f"except {c.raises} as e:\n    print(f'{{type(e).__name__}}: {{e}}')\n"
                if d.path not in done or done[d.path] == 1 or not blocks:
                    code = f"import sys; sys.path.insert(0, {str(folder)!r})\n" + code
                show = "above" if c.shown else "none" if False else "above"
                blocks.append(f'```python exec="on" session="{d.path}" source="{show}" result="text"\n{code}```\n')
            out.append("\n".join(blocks))
            last = d.end
        out.append(text[last:])
        target = dst / "docs" / lang / page.relative_to(project / "docs" / lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(out))
    for lang in ("ko", "en"):
        (dst / f"mkdocs.{lang}.yml").write_text(_anchor_config("markdown-exec", lang, "markdown-exec"))
    return dst


def make_jupyter_project(project: Path, dst: Path) -> Path:
    import nbformat

    snippets = project / "snippets"
    for lang, page in _pages(project):
        text = page.read_text()
        found = directives.find(text)
        target = dst / "docs" / lang / page.relative_to(project / "docs" / lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not found:
            target.write_text(text)
            continue
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        done: dict = {}
        last = 0
        body = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
        found = directives.find(body)
        for d in found:
            if d.indent:  # a second look inside a tab: shown, not run (as our notebooks do)
                code = parse(snippets / d.path).cell(d.cell).source
                nb.cells.append(nbformat.v4.new_markdown_cell(body[last : d.start] + f"```python\n{code}```\n"))
                last = d.end
                continue
            nb.cells.append(nbformat.v4.new_markdown_cell(body[last : d.start]))
            folder = (snippets / d.path).parent
            for c in _file_cells_until(snippets, d.path, d.cell, done):
                cell = nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(folder)!r})\n" + c.source)
                if c.raises:
                    cell.metadata["tags"] = ["raises-exception"]
                nb.cells.append(cell)
            last = d.end
        nb.cells.append(nbformat.v4.new_markdown_cell(body[last:]))
        nbformat.write(nb, target.with_suffix(".ipynb"))
    for lang in ("ko", "en"):
        cfg = _anchor_config("mkdocs-jupyter", lang, "mkdocs-jupyter:\n              execute: true\n              allow_errors: false")
        (dst / f"mkdocs.{lang}.yml").write_text(cfg)
    return dst


def both_languages(cwd: Path) -> float:
    """Each build starts with an empty torch.compile cache, as every snipexec run does."""
    total = 0.0
    for lang in ("ko", "en"):
        with tempfile.TemporaryDirectory(prefix="inductor-") as compile_cache:
            total += mkdocs_build(cwd, f"mkdocs.{lang}.yml", TORCHINDUCTOR_CACHE_DIR=compile_cache)
    return total


def median(xs):
    return statistics.median(xs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 3)))
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "latest.json"))
    args = ap.parse_args()
    workers = len(os.sched_getaffinity(0))
    raw: dict = {"runs": args.runs, "workers": workers}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmpdir:
        tmp = Path(tmpdir)
        project = copy_project(tmp / "project")
        cache = tmp / "cache"

        print(f"plain build (execution off), {args.runs} runs ...", flush=True)
        raw["plain"] = [mkdocs_build(project, SNIPEXEC_EXECUTE="0") for _ in range(args.runs)]

        print("cold builds ...", flush=True)
        raw["cold"], raw["cold_snippet_seconds"], raw["cold_longest_file"] = [], [], []
        for n in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(project / ".cache", ignore_errors=True)  # notebook views and compiled templates too
            raw["cold"].append(mkdocs_build(project, SNIPEXEC_CACHE=str(cache)))
            seconds = snippet_seconds(cache)
            raw["cold_snippet_seconds"].append(sum(seconds.values()))
            raw["cold_longest_file"].append(max(seconds.values()))
        raw["torch_import"] = torch_import_seconds(args.runs)

        print("warm builds ...", flush=True)
        raw["warm"] = [mkdocs_build(project, SNIPEXEC_CACHE=str(cache)) for _ in range(args.runs)]
        raw["warm_ran"] = ran_files(project, cache)
        raw["warm_heavy_modules"] = heavy_modules_in_warm_build(project, cache)

        print("one-edit builds ...", flush=True)
        raw["edit"], raw["edit_ran"] = [], []
        for n in range(args.runs):
            _edit(project, f'print("bench-edit-{n}")')
            raw["edit"].append(mkdocs_build(project, SNIPEXEC_CACHE=str(cache)))
            raw["edit_ran"].append(ran_files(project, cache))

        print("mkdocs serve: edit to new output ...", flush=True)
        raw["serve_minus_run"], raw["serve_notebook_view_minus_run"] = serve_latency(project, cache, args.runs)

        print("per-file start-up ...", flush=True)
        raw["startup_per_file"] = startup_overhead(tmp)

        print("sharding: 2 shards from empty caches, merged, then a build ...", flush=True)
        raw["sharded"] = sharded(project, tmp)

        print("anchor: markdown-exec ...", flush=True)
        mdx = make_markdown_exec_project(project, tmp / "mdexec")
        raw["markdown_exec"] = [both_languages(mdx) for _ in range(args.runs)]

        print("anchor: mkdocs-jupyter ...", flush=True)
        jup = make_jupyter_project(project, tmp / "jupyter")
        raw["jupyter_cold"] = both_languages(jup)
        raw["jupyter_warm"] = [both_languages(jup) for _ in range(args.runs)]

    plain, cold, warm = median(raw["plain"]), median(raw["cold"]), median(raw["warm"])
    limit = plain + raw["torch_import"] + median(raw["cold_snippet_seconds"]) / workers
    # No schedule beats the longest file: where it is longer than a worker's share, this is the floor.
    floor = plain + raw["torch_import"] + max(median(raw["cold_snippet_seconds"]) / workers, median(raw["cold_longest_file"]))
    mdx_t, jup_cold, jup_warm = median(raw["markdown_exec"]), raw["jupyter_cold"], median(raw["jupyter_warm"])
    checks = [
        ("no change: warm / plain", f"{warm / plain:.2f}x", "<= 1.15x", warm / plain <= 1.15),
        ("no change: torch/keras imported", ", ".join(raw["warm_heavy_modules"]) or "none", "none", not raw["warm_heavy_modules"]),
        ("no change: files re-run", str(len(raw["warm_ran"])), "0", not raw["warm_ran"]),
        ("cold / limit", f"{cold / limit:.2f}x", "<= 1.3x", cold / limit <= 1.3),
        ("cold / floor with the longest file (no target)", f"{cold / floor:.2f}x", "-", True),
        ("per-file start-up", f"{raw['startup_per_file'] * 1000:.0f} ms", "<= 50 ms", raw["startup_per_file"] <= 0.05),
        ("one edit: files re-run", ",".join(str(len(r)) for r in raw["edit_ran"]), "1 each", all(len(r) == 1 for r in raw["edit_ran"])),
        ("serve: edit to page, minus run", f"{median(raw['serve_minus_run']):.2f} s", "<= 1 s", median(raw["serve_minus_run"]) <= 1.0),
        ("serve: notebook view follows (no target)", f"{median(raw['serve_notebook_view_minus_run']):.2f} s", "-", True),
        ("sharded: files re-run by the build after merge", str(len(raw["sharded"]["build_after_merge_ran"])), "0",
         not raw["sharded"]["build_after_merge_ran"]),
        ("cold vs markdown-exec", f"{cold / mdx_t:.2f}x", "< 1x", cold < mdx_t),
        ("cold vs mkdocs-jupyter cold", f"{cold / jup_cold:.2f}x", "< 1x", cold < jup_cold),
        ("warm vs markdown-exec", f"{warm / mdx_t:.2f}x", "< 1x", warm < mdx_t),
        ("warm vs mkdocs-jupyter warm", f"{warm / jup_warm:.2f}x", "< 1x", warm < jup_warm),
    ]
    raw["summary"] = {"plain": plain, "cold": cold, "warm": warm, "limit": limit, "floor": floor,
                      "longest_file": median(raw["cold_longest_file"]), "edit": median(raw["edit"]),
                      "markdown_exec": mdx_t, "jupyter_cold": jup_cold, "jupyter_warm": jup_warm}
    raw["checks"] = [{"what": w, "value": v, "target": t, "ok": ok} for w, v, t, ok in checks]
    raw["machine"] = f"{platform.machine()}, {workers} cores, Python {platform.python_version()}"
    raw["date"] = time.strftime("%Y-%m-%d")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(raw, indent=1))

    s = raw["summary"]
    print(f"\nmedians of {args.runs} runs, both languages ({raw['date']}, {raw['machine']})\n")
    print("| build | seconds |\n|---|---:|")
    for name, key in [("plain (execution off)", "plain"), ("snipexec cold", "cold"), ("limit for cold", "limit"),
                      ("longest snippet file", "longest_file"), ("floor for cold (longest file or share)", "floor"),
                      ("snipexec no change", "warm"), ("snipexec one edit", "edit"), ("markdown-exec (every build)", "markdown_exec"),
                      ("mkdocs-jupyter cold", "jupyter_cold"), ("mkdocs-jupyter warm", "jupyter_warm")]:
        print(f"| {name} | {s[key]:.2f} |")
    print("\n| check | measured | target | |\n|---|---:|---:|---|")
    for w, v, t, ok in checks:
        print(f"| {w} | {v} | {t} | {'ok' if ok else 'MISSED'} |")
    sh = raw["sharded"]
    print("\n| shard (empty cache, as on a fresh runner) | files | seconds |\n|---|---:|---:|")
    for i, one in enumerate(sh["shards"], 1):
        print(f"| {i}/{len(sh['shards'])} | {len(one['files'])} | {one['seconds']:.2f} |")
    print(f"\nmerged: {' + '.join(map(str, sh['merged_entries']))} entries; full build after the merge: "
          f"{sh['build_after_merge']:.2f} s, {len(sh['build_after_merge_ran'])} files ran")
    print(f"\nraw numbers: {args.json}")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
