"""Code that runs inside the isolated process of one snippet file.

Everything here happens after the fork: the parent only reads the files
this process leaves in its job folder (``events.jsonl``, one ``.out`` per
cell, figures), so a crash at any moment still tells the parent which cell
was running and what it had printed.
"""
from __future__ import annotations

import builtins
import ctypes
import errno
import io
import json
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
import types
import warnings
from pathlib import Path

FIXED_ENV = {
    "TZ": "UTC",
    "COLUMNS": "100",
    "LINES": "40",
    "MPLBACKEND": "Agg",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "LC_ALL": "C.UTF-8",
    "LANG": "C.UTF-8",
}
# What a snippet sees of the builder's environment; the rest is fixed above.
PASSED_ENV = ("PATH", "LD_LIBRARY_PATH", "TMPDIR", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "CUDA_HOME",
              "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# Those that can change outputs are in the cache key (paths are machine-specific and are not).
KEYED_ENV = PASSED_ENV[3:]
SEED = 0
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class _Events:
    def __init__(self, path: Path):
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def emit(self, **event) -> None:
        os.write(self._fd, (json.dumps(event) + "\n").encode())


PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


def close_forkserver_lifeline() -> None:
    """Drop this process's copy of the forkserver's "alive" pipe. multiprocessing hands one to every
    process the server forks (and ``os.fork`` copies the build's): while any process holds it, the
    server, and whatever runs on it, outlives the build that started it, even one killed with SIGKILL."""
    from multiprocessing import forkserver

    server = forkserver._forkserver
    fd, server._forkserver_alive_fd = server._forkserver_alive_fd, None
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass


def _isolate(job: dict, home: str) -> None:
    os.setsid()  # own process group: the parent kills the whole tree on timeout
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the build (and its forkserver) died: stop too
    close_forkserver_lifeline()  # so the forkserver sees a killed build (snipexec/_server.py)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans, even in their own session, stay ours to kill
    fsize = job["max_output_bytes"]
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    os.environ.clear()
    os.environ.update(job["env"])
    os.environ.update(FIXED_ENV)
    os.environ["HOME"] = home
    os.environ["MPLCONFIGDIR"] = os.path.join(home, ".matplotlib")
    # Compilers cache in this run's home, temporary files too (torch.compile keeps precompiled headers
    # under the temp folder): a torch.compile lesson then shows what compiling costs, not what an
    # earlier build left in /tmp.
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.join(home, ".cache", "torchinductor")
    os.environ["TRITON_CACHE_DIR"] = os.path.join(home, ".cache", "triton")
    os.environ["TMPDIR"] = os.path.join(home, "tmp")
    os.mkdir(os.environ["TMPDIR"])
    tempfile.tempdir = None  # the forkserver's answer is cached
    _share_cores(job.get("threads", 0))
    time.tzset()
    multiprocessing.set_start_method(None, force=True)  # the platform default, as under plain python
    os.chdir(job["cwd"])
    sys.path.insert(0, job["cwd"])
    sys.dont_write_bytecode = True
    sys.argv = [job["path"]]


def _share_cores(threads: int) -> None:
    """Files run side by side, each on its share of the cores. With OpenMP's default
    (every core in every process) two torch processes on two cores run 5-10x slower.
    A thread count the builder set wins."""
    first = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()  # "4,2": nested OpenMP, 4 outside
    if first.isdigit() and int(first) > 0:
        threads = int(first)
    elif threads > 0:
        os.environ["OMP_NUM_THREADS"] = str(threads)  # unset or not a thread count: for subprocesses too
    else:
        return  # no share asked for (run_file's default): torch's own default
    os.environ.setdefault("MKL_NUM_THREADS", str(threads))
    if "torch" in sys.modules:  # preloaded by the forkserver, so the variables alone come too late
        sys.modules["torch"].set_num_threads(threads)


def _seed_everything() -> None:
    random.seed(SEED)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(SEED)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(SEED)  # seeds CUDA devices too


def _record_opens(opened: dict) -> None:
    def hook(event, args):
        if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path = os.fsdecode(args[0])
        mode, flags = (args[1] if len(args) > 1 else None), (args[2] if len(args) > 2 else 0)
        writes = bool(mode and any(c in mode for c in "wax+")) or bool(isinstance(flags, int) and flags & WRITE_FLAGS)
        full = os.path.abspath(path)
        opened[full] = opened.get(full, False) or writes

    sys.addaudithook(hook)


def _warning_printer(snippet_path: str):
    name = os.path.basename(snippet_path)

    def show(message, category, filename, lineno, file=None, line=None):
        # Point at the snippet's own line, not the library line that warned.
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != snippet_path:
            frame = frame.f_back
        where = f"{name}:{frame.f_lineno}: " if frame is not None else ""
        sys.stderr.write(f"{where}{category.__name__}: {message}\n")

    return show


def _short_path(path: str) -> str:
    for marker in ("site-packages/", "dist-packages/"):
        if marker in path:
            return ".../" + path.split(marker, 1)[1]
    return os.path.basename(path)


def _format_exception(exc: BaseException, snippet_path: str, full: bool) -> str:
    tb = traceback.TracebackException.from_exception(exc)
    last = "".join(tb.format_exception_only()).rstrip("\n")
    if not full:
        return last
    frames = list(tb.stack)
    while frames and frames[0].filename != snippet_path:
        frames.pop(0)  # drop the engine's own frames
    lines = ["Traceback (most recent call last):"]
    for f in frames:
        lines.append(f'  File "{_short_path(f.filename)}", line {f.lineno}, in {f.name}')
        if f.line:
            lines.append(f"    {f.line}")
    return "\n".join(lines + [last])


def _is_expected(exc: BaseException, expected: str, namespace: dict) -> bool:
    """``raises=`` names a class by name, dotted path or alias (``torch.cuda.OutOfMemoryError``)."""
    kind = type(exc)
    if expected in {c.__name__ for c in kind.__mro__} | {f"{c.__module__}.{c.__qualname__}" for c in kind.__mro__}:
        return True
    target = namespace.get(expected.split(".")[0]) or sys.modules.get(expected.split(".")[0])
    for part in expected.split(".")[1:]:
        target = getattr(target, part, None)
    return isinstance(target, type) and isinstance(exc, target)


def _innermost_snippet_line(exc: BaseException, snippet_path: str, default: int) -> int:
    line = default
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == snippet_path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _save_figures(job_dir: Path, index: int) -> list[str]:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    names = []
    for n, num in enumerate(plt.get_fignums(), 1):
        name = f"{index:03d}-{n}.png"
        # No metadata: identical figures give identical bytes.
        plt.figure(num).savefig(job_dir / name, dpi=100, metadata={"Software": None})
        names.append(name)
    plt.close("all")
    return names


OWNERS: dict | None = None  # filled by snipexec._preload in the forkserver
VERSIONS: dict | None = None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _distributions(opened: dict) -> dict[str, str]:
    """Versions of the distributions this run imported or read metadata of."""
    if OWNERS is None:
        import snipexec._preload  # noqa: F401  (no forkserver preload: do it now)
    found: dict[str, str] = {}
    for path in opened:  # metadata read directly, e.g. importlib.metadata.version("keras")
        m = re.search(r"([A-Za-z0-9_.]+)-[^/-]+\.dist-info/", path)
        if m and _normal(m.group(1)) in VERSIONS:
            found[_normal(m.group(1))] = VERSIONS[_normal(m.group(1))]
    for module in list(sys.modules):
        if "." in module:
            continue
        for dist in OWNERS.get(module, ()):
            if _normal(dist) in VERSIONS:
                found[_normal(dist)] = VERSIONS[_normal(dist)]
    return found


def _device() -> dict:
    torch = sys.modules.get("torch")
    if torch is None:
        return {"torch": None, "device": "cpu"}
    info = {"torch": torch.__version__, "device": "cpu"}
    if torch.cuda.is_available():
        info["device"] = "cuda"
        info["gpu"] = torch.cuda.get_device_name()
        info["cuda"] = torch.version.cuda
    return info


def _stream(fd: int) -> io.TextIOWrapper:
    # Unbuffered so stdout and stderr interleave exactly as written.
    return io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8", errors="replace", write_through=True)


def main(job: dict) -> None:
    job_dir = Path(job["job_dir"])
    events = _Events(job_dir / "events.jsonl")
    libc = ctypes.CDLL(None)
    home = tempfile.mkdtemp(prefix="home-", dir=job_dir)
    _isolate(job, home)
    opened: dict[str, bool] = {}
    _record_opens(opened)
    _seed_everything()
    # Filters stay Python's defaults: the reader sees what `python file.py` shows.
    warnings.showwarning = _warning_printer(job["path"])
    sys.stdout, sys.stderr = _stream(1), _stream(2)
    # A real __main__ module, so classes defined in cells pickle (torch.save) and
    # dataclasses/typing resolve names, as under `python file.py`.
    main_module = types.ModuleType("__main__")
    main_module.__file__ = job["path"]
    main_module.__builtins__ = builtins
    sys.modules["__main__"] = main_module
    namespace = main_module.__dict__
    started = time.perf_counter()
    status = "ok"
    for index, cell in enumerate(job["cells"]):
        out_path = job_dir / f"{index:03d}.out"
        events.emit(event="start", index=index, cell=cell["name"])
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        # Pad so tracebacks and warnings carry the file's real line numbers.
        code = "\n" * (cell["first_line"] - 1) + cell["source"]
        exc = None
        t0 = time.perf_counter()
        figures: list[str] = []
        try:
            exec(compile(code, job["path"], "exec", dont_inherit=True), namespace)
        except BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are snippet failures too
            exc = e
        seconds = time.perf_counter() - t0
        if exc is None:
            try:
                figures = _save_figures(job_dir, index)
            except Exception as e:  # noqa: BLE001 - e.g. bad mathtext in a title: the cell's fault
                exc = e
        libc.fflush(None)  # C-level stdio buffers belong to this cell
        result = {"event": "end", "index": index, "cell": cell["name"], "seconds": seconds, "figures": figures}
        expected = cell.get("raises")
        if exc is None and expected:
            result.update(status="missing-raise", message=f"expected {expected} but the cell raised nothing")
        elif exc is not None:
            kind = type(exc)
            shown = _format_exception(exc, job["path"], cell.get("traceback", False))
            line = _innermost_snippet_line(exc, job["path"], cell["first_line"])
            if expected and _is_expected(exc, expected, namespace):
                result.update(status="raised", exception=shown)
            else:
                detail = _format_exception(exc, job["path"], True)
                if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
                    shown += f" (a snippet may print or write at most {job['max_output_bytes']:,} bytes per file)"
                if isinstance(exc, SystemExit):
                    detail += f"\n(the snippet called sys.exit({exc.code!r}))"
                what = f"expected {expected} but got {kind.__name__}" if expected else "unexpected exception"
                result.update(status="error", line=line, message=f"{what}: {shown.splitlines()[-1]}", traceback=detail)
        else:
            result["status"] = "ok"
        events.emit(**result)
        if result["status"] not in ("ok", "raised"):
            status = "error"
            break
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(1, 2)
    events.emit(
        event="done",
        status=status,
        seconds=time.perf_counter() - started,
        opened=opened,
        dists=_distributions(opened),
        device=_device(),
    )
    sys.stdout.flush()
    kill_descendants(os.getpid())
    os._exit(0)  # skip atexit handlers the snippet registered; they would print nowhere


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc (a subreaper keeps orphans below it)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.append(c)
            todo.append(c)
    return found


def kill_descendants(pid: int) -> None:
    for p in descendants(pid):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
