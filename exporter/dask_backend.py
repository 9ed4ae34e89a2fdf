"""Items on a Dask distributed cluster (``--scheduler``): the client reads, the workers clean and write.

``--scheduler tcp://HOST:PORT`` connects to a running scheduler; ``--scheduler local:N`` starts a
``LocalCluster`` of N worker processes (one thread each) on this machine, in the background while the client
reads. For each item the client sends a :class:`~exporter.remote_item.RemoteTask` (the raw article and the bytes
of the images it may use) and gets the books' bytes back; a worker needs neither the inputs nor the output folder.

At most a window of items is in flight (twice the cluster's threads): a new item is read and sent as one
finishes (``as_completed``), so the client's memory stays flat whatever the size of the run. On each worker the
item runs in a child process (:mod:`exporter.render_child`), so ``--item-timeout`` stops a stuck item alone. A
worker that dies costs its item one more try elsewhere (Dask reschedules it; ``allowed-failures`` is 1 on a local
cluster, and ``retries=1`` covers a child that died), then the item is recorded as failed. The run goes on.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from exporter.errors import UsageError
from exporter.pipeline import Task
from exporter.remote_item import RENDER_ROUNDS, RemoteTask, Rendered, gather_missed, remote_task
from exporter.rules import RuleData
from exporter.workers import Outcome

CONNECT_TIMEOUT = "10s"
DASK_SETTINGS = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.low-level-log-length": 0,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings for the run's client (and a ``local:N`` cluster's scheduler and workers): one retry of an item
whose worker died; no statistical profiler in the workers, no log of past messages (they would hold each item's
images and books), monitors that wake seldom. A run's CPU goes to its items."""
_LOCAL = re.compile(r"local:(\d+)")
_children = threading.local()


def check_scheduler(value: str) -> None:
    """Raise UsageError for a --scheduler value that is neither ``local:N`` nor a scheduler address."""
    m = _LOCAL.fullmatch(value)
    if m is not None:
        if not 1 <= int(m.group(1)) <= 256:
            raise UsageError(f"--scheduler {value}: give between 1 and 256 local workers")
        return
    if not re.fullmatch(r"(tcp|tls|ucx|inproc)://[^\s/]+(:\d+)?/?", value):
        raise UsageError(
            f"--scheduler {value!r}: give a Dask scheduler address (tcp://HOST:8786) or local:N (N workers here)"
        )


def run_on_worker(task: RemoteTask, timeout: float | None) -> tuple[Any, str | None, str | None]:
    """The Dask task: render one item in this worker thread's child process."""
    from exporter.render_child import RenderChild

    child = getattr(_children, "child", None)
    if child is None:
        child = _children.child = RenderChild()
    return child.call("render", task, timeout)


def warm_worker(formats: tuple[str, ...]) -> None:
    """Start this worker's child process and import the writers of ``formats`` (run once on every worker)."""
    from exporter.render_child import RenderChild

    child = getattr(_children, "child", None)
    if child is None:
        child = _children.child = RenderChild()
    child.call("warm", formats, None)


@dataclass
class _InFlight:
    index: int
    task: Task
    remote: RemoteTask
    round: int = 1


class DaskBackend:
    """The run's Dask client (and, for ``local:N``, its cluster), started by :meth:`start`."""

    def __init__(self, scheduler: str, timeout: float | None, formats: tuple[str, ...]) -> None:
        check_scheduler(scheduler)
        self.scheduler = scheduler
        self.timeout = timeout
        self.formats = formats
        self.client: Any = None
        self.cluster: Any = None
        self.token = uuid.uuid4().hex[:12]
        self._starting: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._warming: list[Any] = []
        self.lost = ""
        self._log_levels: dict[str, int] = {}
        self._settings: Any = None
        """Why the scheduler was lost (empty while it is there)."""

    def start(self) -> None:
        """Connect to the scheduler now (UsageError when it cannot be reached), or start the local cluster in
        the background while the client reads. Dask's own log lines are held back: what befalls an item is told
        once, by the run (a lost scheduler, a dead worker)."""
        import dask
        import distributed  # noqa: F401  (its defaults join Dask's config first: they stay after the run)

        self._settings = dask.config.set(DASK_SETTINGS)
        self._log_levels = {name: logging.getLogger(name).level for name in _dask_loggers()}
        for name in self._log_levels:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        if _LOCAL.fullmatch(self.scheduler):
            self._starting = threading.Thread(target=self._start_local, daemon=True)
            self._starting.start()
            return
        from distributed import Client

        try:
            self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"--scheduler: cannot reach the Dask scheduler at {self.scheduler} ({exc})") from None
        self._warm()

    def _start_local(self) -> None:
        try:
            from distributed import Client, LocalCluster

            self.cluster = LocalCluster(
                n_workers=int(self.scheduler.split(":", 1)[1]),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster, set_as_default=False)
            self._warm()
        except BaseException as exc:
            self._failure = exc

    def _warm(self) -> None:
        """One warm-up task on every worker (in the thread that will render, not waited for)."""
        self._warming = [
            self.client.submit(warm_worker, self.formats, key=f"exporter-warm-{self.token}-{n}", workers=[address])
            for n, address in enumerate(self.client.nthreads())
        ]

    def _ready(self) -> Any:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self._failure is not None:
            raise UsageError(f"--scheduler {self.scheduler}: the local Dask cluster did not start ({self._failure})")
        return self.client

    def close(self) -> None:
        """Close the client, and the local cluster if this run started it."""
        if self._starting is not None:
            self._starting.join()
        for part in (self.client, self.cluster):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.close()
        for name, level in self._log_levels.items():
            logging.getLogger(name).setLevel(level)
        if self._settings is not None:
            self._settings.__exit__(None, None, None)
            self._settings = None

    def map(self, tasks: Iterable[tuple[int, Task]], rules: RuleData | None) -> Iterator[Outcome]:
        """Run every (index, task) on the cluster; yield outcomes as they finish (not in order). When the
        scheduler is lost, every item not finished is recorded as failed and the run ends as usual."""
        from distributed import as_completed

        client = self._ready()
        window = max(2, 2 * sum(client.nthreads().values()))
        pending = iter(tasks)
        flight: dict[str, _InFlight] = {}
        finished = as_completed(loop=client.loop)
        lost: list[Outcome] = []

        def submit(item: _InFlight) -> None:
            key = f"exporter-{self.token}-{item.index}-{item.round}"
            try:
                future = client.submit(run_on_worker, item.remote, self.timeout, key=key, pure=False, retries=1)
            except Exception as exc:  # the scheduler is gone: nothing more can be sent
                self.lost = self.lost or f"{type(exc).__name__}: {exc}"
                lost.append(Outcome(item.index, None, self._lost_text()))
                return
            flight[future.key] = item
            finished.add(future)

        def refill() -> None:
            while len(flight) < window:
                try:
                    index, task = next(pending)
                except StopIteration:
                    return
                if self.lost:
                    lost.append(Outcome(index, None, self._lost_text()))
                else:
                    submit(_InFlight(index, task, remote_task(task, rules)))

        refill()
        yield from _drain(lost)
        for future in finished:
            item = flight.pop(future.key)
            try:
                outcome = self._outcome(future, item)
            except Exception as exc:  # the result could not be fetched: the scheduler or the worker is gone
                self.lost = self.lost or f"{type(exc).__name__}: {exc}"
                outcome = Outcome(item.index, None, self._lost_text())
            with contextlib.suppress(Exception):
                future.release()
            if outcome is None:  # the worker needs more of the client's answers: a new round
                item.round += 1
                submit(item)
            refill()
            if outcome is not None:
                yield outcome
            yield from _drain(lost)
        refill()  # after a lost scheduler: the items never sent
        yield from _drain(lost)

    def _lost_text(self) -> str:
        return f"not exported: the Dask scheduler at {self.scheduler} was lost ({self.lost}); run again with --resume"

    def _outcome(self, future: Any, item: _InFlight) -> Outcome | None:
        """The item's outcome; None when it goes back to a worker with the answers it lacked."""
        from distributed.scheduler import KilledWorker

        if future.status == "cancelled":  # the client lost its scheduler
            self.lost = self.lost or "the connection closed"
            return Outcome(item.index, None, self._lost_text())
        if future.status != "finished":
            exc = future.exception()
            if isinstance(exc, KilledWorker) or type(exc).__name__ == "ChildDied":
                return Outcome(item.index, None, "the worker exporting it died, twice (out of memory?)")
            text = f"internal error in worker: {type(exc).__name__}: {exc}"
            return Outcome(item.index, None, text, "".join(_traceback(future)))
        value, error, detail = future.result()
        if error is not None:
            return Outcome(item.index, None, error, detail)
        assert isinstance(value, Rendered)
        if value.missed:
            if item.round >= RENDER_ROUNDS:
                text = f"internal error: images still unknown after {RENDER_ROUNDS} rounds: {value.missed[0][0]}"
                return Outcome(item.index, None, text, None)
            gather_missed(item.remote, item.task.raw, value.missed)
            return None
        return Outcome(item.index, (item, value))


def _dask_loggers() -> list[str]:
    """Dask's loggers: ``distributed`` and each of its modules' (Dask's config gives some a level of their own)."""
    import distributed  # noqa: F401  (its import sets its loggers up)

    names = [n for n in logging.root.manager.loggerDict if n == "distributed" or n.startswith("distributed.")]
    return sorted({"distributed", *names})


def _drain(outcomes: list[Outcome]) -> Iterator[Outcome]:
    while outcomes:
        yield outcomes.pop(0)


def _traceback(future: Any) -> list[str]:
    import traceback

    with contextlib.suppress(Exception):
        return traceback.format_tb(future.traceback())
    return []
