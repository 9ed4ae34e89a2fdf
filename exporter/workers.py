"""Worker processes for a batch: each imports WeasyPrint once and renders many items; an item that runs past
its deadline is stopped by killing its worker, which is then replaced. The batch itself never dies."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

Job = Callable[[Any], Any]
"""The work done for one task, in the worker: a module-level function (it is pickled by reference)."""


@dataclass
class Outcome:
    """What became of one task: its index, and the job's value or the reason it has none."""

    index: int
    value: Any = None
    error: str | None = None
    detail: str | None = None
    """For an exception in the job, its traceback."""


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    index: int | None = None
    deadline: float = 0.0


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the parent process dies (kill -9 of a run); elsewhere a no-op."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _serve(conn: Connection, job: Job, warm: Callable[[], None] | None = None) -> None:
    """The worker's loop: receive (index, task), send (index, value or error); None ends it. ``warm`` runs
    first, while the parent is still reading."""
    _die_with_parent()
    if warm is not None:
        with contextlib.suppress(Exception):  # a failing import shows up again, on the first item
            warm()
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        index, task = message
        try:
            conn.send((index, job(task), None, None))
        except BaseException as exc:  # the parent records it; the worker goes on with the next item
            text = f"internal error in worker: {type(exc).__name__}: {exc}"
            conn.send((index, None, text, traceback.format_exc()))


class WorkerPool:
    """``jobs`` worker processes running ``job`` on tasks, each task bounded by ``timeout`` seconds. All are
    started when the first task is read, and run ``warm`` (imports) while the parent reads the next ones."""

    def __init__(self, job: Job, jobs: int, timeout: float | None, warm: Callable[[], None] | None = None) -> None:
        self.job = job
        self.warm = warm
        self.size = max(1, jobs)
        self.timeout = timeout
        self.context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child, self.job, self.warm), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def _stop(self, worker: _Worker, grace: float = 0.0) -> None:
        self.workers.remove(worker)
        worker.process.join(grace)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(5)
        worker.conn.close()

    def _idle(self) -> _Worker | None:
        """An idle worker, a new one while the pool is not full, or None."""
        idle = next((w for w in self.workers if w.index is None), None)
        if idle is None and len(self.workers) < self.size:
            idle = self._start()
        return idle

    def map(self, tasks: Iterable[tuple[int, Any]]) -> Iterator[Outcome]:
        """Run every (index, task); yield outcomes as they finish (not in order)."""
        pending = iter(tasks)
        first = next(pending, None)
        if first is None:  # nothing to do (every input unreadable or skipped): no worker is started
            return
        pending = itertools.chain([first], pending)
        exhausted = False
        while len(self.workers) < self.size:  # all at once: they warm up while the next items are read
            self._start()
        try:
            while True:
                while not exhausted and (worker := self._idle()) is not None:
                    try:
                        index, task = next(pending)
                    except StopIteration:
                        exhausted = True
                        break
                    worker.conn.send((index, task))
                    worker.index = index
                    worker.deadline = time.monotonic() + self.timeout if self.timeout else float("inf")
                busy = [w for w in self.workers if w.index is not None]
                if not busy:
                    return
                soonest = min(w.deadline for w in busy)
                wait_for = None if soonest == float("inf") else max(0.0, soonest - time.monotonic())
                ready = wait([w.conn for w in busy], timeout=wait_for)
                for worker in busy:
                    if worker.conn in ready:
                        try:
                            index, value, error, detail = worker.conn.recv()
                        except (EOFError, OSError):
                            index, value, error, detail = (
                                worker.index,
                                None,
                                "worker process died (out of memory?)",
                                None,
                            )
                            self._stop(worker)
                        else:
                            worker.index = None
                        yield Outcome(index, value, error, detail)
                    elif time.monotonic() >= worker.deadline:
                        index = worker.index
                        self._stop(worker)
                        yield Outcome(index, None, f"stopped after the item timeout of {self.timeout:g} s")
        finally:
            for worker in list(self.workers):
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            for worker in list(self.workers):
                self._stop(worker, grace=10.0)
