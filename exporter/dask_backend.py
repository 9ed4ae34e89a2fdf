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

    def start(self) -> None:
        """Connect to the scheduler now (UsageError when it cannot be reached), or start the local cluster in
        the background while the client reads."""
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
            import dask
            from distributed import Client, LocalCluster

            workers = int(self.scheduler.split(":", 1)[1])
            with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                self.cluster = LocalCluster(
                    n_workers=workers,
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

    def map(self, tasks: Iterable[tuple[int, Task]], rules: RuleData | None) -> Iterator[Outcome]:
        """Run every (index, task) on the cluster; yield outcomes as they finish (not in order)."""
        from distributed import as_completed

        client = self._ready()
        window = max(2, 2 * sum(client.nthreads().values()))
        pending = iter(tasks)
        flight: dict[str, _InFlight] = {}
        finished = as_completed(loop=client.loop)

        def submit(item: _InFlight) -> None:
            key = f"exporter-{self.token}-{item.index}-{item.round}"
            future = client.submit(run_on_worker, item.remote, self.timeout, key=key, pure=False, retries=1)
            flight[future.key] = item
            finished.add(future)

        def refill() -> None:
            while len(flight) < window:
                try:
                    index, task = next(pending)
                except StopIteration:
                    return
                submit(_InFlight(index, task, remote_task(task, rules)))

        refill()
        for future in finished:
            item = flight.pop(future.key)
            outcome = self._outcome(future, item)
            future.release()
            if outcome is None:  # the worker needs more of the client's answers: a new round
                item.round += 1
                submit(item)
            refill()
            if outcome is not None:
                yield outcome

    def _outcome(self, future: Any, item: _InFlight) -> Outcome | None:
        """The item's outcome; None when it goes back to a worker with the answers it lacked."""
        from distributed.scheduler import KilledWorker

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


def _traceback(future: Any) -> list[str]:
    import traceback

    with contextlib.suppress(Exception):
        return traceback.format_tb(future.traceback())
    return []
