"""Run snippet files in isolated processes, several at once.

Each file gets a fresh process forked from a server that has already
imported torch and numpy, so a run starts in milliseconds instead of the
~1.7 s a new interpreter needs to import torch. The server starts only when
something must run: a warm build never imports torch.
"""
from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from importlib import util
from multiprocessing import spawn
from pathlib import Path

from . import child
from .cells import SnippetFile

PRELOAD = ("numpy", "torch", "torch._dynamo")  # _dynamo: the first optimizer imports it (~0.9 s a file)
PROCESS_NAME = "snipexec-snippet"
_context = None
_context_lock = threading.Lock()
_live: set = set()
_live_lock = threading.Lock()


def _preparation_without_main(name, _original=spawn.get_preparation_data):
    """multiprocessing re-imports the parent's __main__ in every child (mkdocs' CLI,
    pytest, a script read from stdin that cannot be found). Our children need none of it."""
    data = _original(name)
    if name == PROCESS_NAME:
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


spawn.get_preparation_data = _preparation_without_main


def _forkserver():
    global _context
    with _context_lock:  # threads start files at once; the server must preload before any fork
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            # find_spec of "torch._dynamo" would import torch here, in the build process (1.2 s): look up
            # top-level names only; the server imports the rest.
            found = [m for m in PRELOAD if util.find_spec(m.partition(".")[0])]
            ctx.set_forkserver_preload(["snipexec._server", *found, "snipexec._preload"])
            # The server's environment is fixed before torch is imported there.
            saved = {k: os.environ.get(k) for k in child.FIXED_ENV}
            os.environ.update(child.FIXED_ENV)
            try:
                from multiprocessing import forkserver

                forkserver.ensure_running()
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            _context = ctx
    return _context


def forget_forkserver() -> None:
    """In a forked copy of the build process: the forkserver is the original's child, which
    multiprocessing cannot wait on from here, so the next run starts one of this process's own."""
    global _context
    from multiprocessing import forkserver

    child.close_forkserver_lifeline()  # the original's server must see the original die
    forkserver._forkserver.__init__()  # the module's functions are bound to this instance
    _context = None
    _live.clear()


def start_forkserver() -> None:
    """Start the server ahead of the first snippet; it preloads in the background."""
    _forkserver()


@dataclass
class CellRun:
    name: str
    status: str  # ok | raised | error | missing-raise | not-run
    output: bytes = b""
    exception: str | None = None
    figures: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    message: str | None = None
    line: int | None = None
    traceback: str | None = None
    printed: int = 0  # bytes printed in all; ``output`` holds at most READ_LIMIT of them


@dataclass
class FileRun:
    path: Path
    ok: bool
    cells: list[CellRun]
    seconds: float
    error: str | None = None  # what failed, in words, with file and line
    opened: dict = field(default_factory=dict)
    dists: dict = field(default_factory=dict)
    device: dict = field(default_factory=dict)
    started: float = 0.0
    wall_seconds: float = 0.0


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def run_file(
    snippet: SnippetFile, job_dir: Path, timeout: float, max_output_bytes: int, env: dict | None = None, threads: int = 0
) -> FileRun:
    """Run every cell of ``snippet`` in one fresh process; never raises for snippet faults.

    ``threads``: torch's intra-op threads in that process (0: torch's default, every core)."""
    path = snippet.path.resolve()
    job = {
        "path": str(path),
        "cwd": str(path.parent),
        "job_dir": str(job_dir),
        "max_output_bytes": max_output_bytes,
        "threads": threads,
        # The forkserver's environment is from when it started; send today's, filtered.
        "env": {**{k: os.environ[k] for k in child.PASSED_ENV if k in os.environ}, **(env or {})},
        "cells": [
            {"name": c.name, "first_line": c.first_line, "source": c.source, "raises": c.raises, "traceback": c.traceback}
            for c in snippet.cells
        ],
    }
    started = time.time()
    # Not a daemon: snippets may start their own worker processes (DataLoader, Pool).
    proc = _forkserver().Process(target=child.main, args=(job,), name=PROCESS_NAME)
    proc.start()
    server = _server_pid()
    with _live_lock:
        _live.add(proc)
    try:
        proc.join(timeout)
        timed_out = proc.is_alive()
    finally:
        _kill_tree(proc)
        with _live_lock:
            _live.discard(proc)
    seconds = time.time() - started
    events = _read_events(job_dir / "events.jsonl")
    # The forkserver reports a child it could not follow as 255: tell that apart from the snippet's own exit.
    lost = proc.exitcode == 255 and _gone(server)
    return _assemble(snippet, path, job_dir, events, proc.exitcode, timed_out, timeout, seconds, started, max_output_bytes,
                     server_lost=lost)


LOST_MESSAGE = ("was stopped: the forkserver that starts snippets died while this file ran; a snippet that kills its "
                "parent process (os.kill(os.getppid(), ...)) does that to every file running at that moment")


def _server_pid() -> int | None:
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None)


def _gone(pid: int | None, patience: float = 0.5) -> bool:
    """Whether ``pid`` has died, or is dying: a dying process closes its pipes (the 255 just read) a moment
    before it turns zombie."""
    deadline = time.monotonic() + patience
    while _running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _running(pid: int | None) -> bool:
    """Whether ``pid`` runs (not a zombie): the forkserver is this process's child, reaped only on restart."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError, TypeError):
        return pid is None  # unknown: assume it runs, as before


def _kill_tree(proc) -> None:
    # The child is a subreaper, so even processes that left its session are below it.
    doomed = child.descendants(proc.pid) if proc.is_alive() else []
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # its pid is its process group (setsid)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in doomed:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if proc.is_alive():
        proc.kill()
    proc.join()


def kill_all() -> None:
    """Stop every snippet still running (the build was interrupted)."""
    with _live_lock:
        running = list(_live)
    for proc in running:
        _kill_tree(proc)


atexit.register(kill_all)  # runs are waited on in daemon threads: a build that exits mid-run stops them here


READ_LIMIT = 1 << 20  # far more than a page shows; a flood is never read whole


def _read_head(path: Path) -> tuple[bytes, int]:
    try:
        with open(path, "rb") as f:
            return f.read(READ_LIMIT), os.fstat(f.fileno()).st_size
    except OSError:
        return b"", 0


def _read_events(path: Path) -> list[dict]:
    events = []
    try:
        text = path.read_text()
    except OSError:
        return events
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            break  # the process died mid-write
    return events


def _assemble(snippet, path, job_dir, events, exitcode, timed_out, timeout, seconds, started, max_output_bytes,
              server_lost: bool = False) -> FileRun:
    by_index = {}
    for e in events:
        if e["event"] in ("start", "end"):
            by_index.setdefault(e["index"], {}).update(e)
    done = next((e for e in events if e["event"] == "done"), None)
    cells: list[CellRun] = []
    error = None
    for index, cell in enumerate(snippet.cells):
        e = by_index.get(index)
        output, printed = _read_head(job_dir / f"{index:03d}.out")
        if e is None:
            cells.append(CellRun(cell.name, "not-run"))
            continue
        status = e.get("status", "running")
        run = CellRun(
            cell.name, status, output, e.get("exception"), [job_dir / f for f in e.get("figures", [])],
            e.get("seconds", 0.0), e.get("message"), e.get("line"), e.get("traceback"), printed,
        )
        cells.append(run)
        where = f"{path}:{run.line or cell.first_line} in cell '{cell.name}'"
        if status in ("error", "missing-raise"):
            error = f"{where}: {run.message}"
            if run.traceback:
                error += "\n" + run.traceback
        elif status == "running":
            if timed_out:
                run.message = f"did not finish within {timeout:g} s; the process was killed"
            elif server_lost:
                run.message = LOST_MESSAGE
            elif exitcode is not None and exitcode < 0:
                hint = " (out of memory?)" if exitcode == -signal.SIGKILL else ""
                if exitcode == -signal.SIGXFSZ:
                    hint = f" (it printed more than {max_output_bytes:,} bytes)"
                run.message = f"crashed with {_signal_name(exitcode)}{hint}"
            else:
                run.message = f"ended the process with exit code {exitcode} (os._exit?)"
            run.status = "error"
            error = f"{path}:{cell.first_line} in cell '{cell.name}': {run.message}"
    if error is None and done is None:
        # Died outside any cell (e.g. while starting).
        what = (f"did not finish within {timeout:g} s" if timed_out else LOST_MESSAGE if server_lost
                else f"exited with code {exitcode} before reporting")
        error = f"{path}: the snippet process {what}"
    ok = error is None and done is not None and done.get("status") == "ok"
    wall = seconds
    if done is not None:
        seconds = done["seconds"]  # the snippet's own time, without waiting for the forkserver
    return FileRun(
        path, ok, cells, seconds, error,
        opened=(done or {}).get("opened", {}), dists=(done or {}).get("dists", {}),
        device=(done or {}).get("device", {}), started=started, wall_seconds=wall,
    )
