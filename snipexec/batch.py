"""Results of a set of snippet files, each usable as soon as it exists.

A build asks for every file up front, then uses the results page by page: a
cache hit is ready at once, a miss runs in the background (longest first,
``workers`` at a time). So whatever does not wait on the slowest file (other
pages, other notebooks) is done while it still runs, instead of after it.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from .runner import kill_all

if TYPE_CHECKING:
    from .engine import Engine, FileResult
    from .handoff import Handoff


def schedule(order: list[str], seconds: dict[str, float], workers: int) -> dict[str, float]:
    """When each file should be ready, in seconds from the start: ``order`` dealt to the first free worker."""
    free = [0.0] * max(1, workers)
    ready = {}
    for rel in order:
        i = min(range(len(free)), key=free.__getitem__)
        free[i] += seconds[rel]
        ready[rel] = free[i]
    return ready


class Batch:
    """Made by ``Engine.start``. ``result(rel)`` waits for one file, ``wait()`` for all of them.

    ``announce``: tell a process forked from this one about each result as it is stored.
    ``await_from``: the process this one was forked from makes the files it promised; wait for its
    word and read them from the shared cache instead of running them a second time.
    ``known``: results already in hand (the main language's, for its translation in the same process):
    a file still as it was when its result was made is neither looked up nor run again."""

    def __init__(self, engine: Engine, rels: list[str], announce: Handoff | None = None,
                 await_from: Handoff | None = None, known: dict[str, FileResult] | None = None):
        self.engine = engine
        self._announce = announce
        known = known or {}
        self._jobs = {rel: engine._job(rel) for rel in dict.fromkeys(rels)}
        self._done: dict[str, FileResult] = {}
        for rel, job in self._jobs.items():  # the same key: the same file, data and options
            if rel in known and known[rel].ok and known[rel].key == job["key"]:
                self._done[rel] = known[rel]
        self._error: BaseException | None = None  # the engine's own failure (not a snippet's): every waiter gets it
        self._cond = threading.Condition()
        self._cancelled = False
        self._threads: list[threading.Thread] = []
        for rel, job in self._jobs.items():
            hit = None if rel in self._done else engine._lookup(job)
            if hit:
                self._done[rel] = hit
        misses = [rel for rel in self._jobs if rel not in self._done]
        expected = engine.expected_seconds(misses) if misses else {}
        misses.sort(key=lambda rel: -expected[rel])  # one slow file must not start last and run alone
        self._order = misses
        #: seconds from now until each file should be ready (0 for cache hits): for ordering work that waits on them
        self.expected_ready = {**dict.fromkeys(self._jobs, 0.0), **schedule(misses, expected, engine.workers)}
        self._await_from = await_from
        self._awaited = {rel for rel in misses if await_from and rel in await_from.promised}
        self._queue = deque(rel for rel in misses if rel not in self._awaited)
        self._begun = False

    def begin(self) -> Batch:
        """Start the runs (and the wait for the other process's), in background threads."""
        if not self._begun:
            self._begun = True
            self._start_workers()
            if self._awaited:
                threading.Thread(target=self._listen, args=(self._await_from,), daemon=True,
                                 name="snipexec-await").start()
            elif self._await_from is not None:
                self._await_from.stop_listening()  # nothing to wait for: the maker's notices must not fill a pipe
            self._maybe_finished()
        return self

    @property
    def ran(self) -> bool:
        """Whether anything had to run (or be awaited): a warm build has nothing."""
        return bool(self._order)

    def has(self, rel: str) -> bool:
        return rel in self._jobs

    # --- waiting -------------------------------------------------------------
    def result(self, rel: str) -> FileResult:
        self.begin()
        try:
            with self._cond:
                while rel not in self._done and self._error is None:
                    self._cond.wait()
                if self._error is not None:
                    raise self._error
                return self._done[rel]
        except BaseException:  # Ctrl-C while waiting, or a bug in a worker: no snippet may outlive the build
            self.cancel()
            raise

    def wait(self) -> dict[str, FileResult]:
        return {rel: self.result(rel) for rel in self._jobs}

    def failures(self) -> list[FileResult]:
        """Failed files among those finished so far."""
        with self._cond:
            return [r for r in self._done.values() if not r.ok]

    def cancel(self, patience: float = 5.0) -> None:
        """Stop: nothing more starts, and what runs is killed. A worker still waiting for another build's
        lock on a file after ``patience`` seconds is left behind (a daemon; the runner kills its run at exit)."""
        with self._cond:
            self._cancelled = True
            self._queue.clear()
        deadline = time.monotonic() + patience
        for thread in self._threads:
            while thread.is_alive() and time.monotonic() < deadline:
                kill_all()  # also a run that a worker started after the last look
                thread.join(0.05)

    # --- the background -------------------------------------------------------
    def _start_workers(self) -> None:
        with self._cond:
            wanted = min(self.engine.workers, len(self._queue)) - sum(t.is_alive() for t in self._threads)
        for _ in range(max(0, wanted)):
            # Daemon: an interrupted build must not wait for its snippets to end (runner kills them at exit).
            thread = threading.Thread(target=self._work, daemon=True, name="snipexec-run")
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                if self._cancelled or not self._queue:
                    return
                rel = self._queue.popleft()
            try:
                result = self.engine._run(self._jobs[rel])
            except BaseException as e:  # noqa: BLE001 - handed to the waiters
                with self._cond:
                    self._error = e
                    self._cond.notify_all()
                self._close_announcements()
                return
            self._store(rel, result)

    def _listen(self, source: Handoff) -> None:
        for rel, ok in source.notices():
            with self._cond:
                if rel not in self._awaited:
                    continue
                self._awaited.discard(rel)
            job = self._jobs[rel]
            if not ok:
                self._store(rel, self.engine.failed_elsewhere(rel))
                continue
            self.engine.made_elsewhere(rel)
            hit = self.engine._lookup(job)
            if hit:
                self._store(rel, hit)
            else:  # announced but not in the cache (another cache key): make it here
                with self._cond:
                    self._queue.append(rel)
                self._start_workers()
        # The maker is done (or gone): whatever it did not announce is made here.
        with self._cond:
            left = [rel for rel in self._order if rel in self._awaited]
            self._awaited.clear()
            self._queue.extend(left)
        self._start_workers()

    def _store(self, rel: str, result: FileResult) -> None:
        with self._cond:  # announced under the lock: the last result's close() must not overtake a notice
            self._done[rel] = result
            self._cond.notify_all()
            if self._announce is not None:
                self._announce.made(rel, result.ok)
        self._maybe_finished()

    def _maybe_finished(self) -> None:
        with self._cond:
            if len(self._done) == len(self._jobs):
                self._close_announcements()

    def _close_announcements(self) -> None:
        if self._announce is not None:
            self._announce.close()
