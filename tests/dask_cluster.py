"""A real Dask cluster for the tests: ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, started in
a folder of their own, optionally as another user and with an audit hook that logs every file they open in the
folders they must never read (the inputs, the output folder)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")
NOBODY = 65534

AUDIT_HOOK = '''\
"""Installed by the tests in every Python process of a Dask worker: logs each path opened or listed under the
folders of EXPORTER_TEST_FORBIDDEN (os.pathsep-separated) into EXPORTER_TEST_OPEN_LOG."""
import os
import sys

_FORBIDDEN = tuple(p for p in os.environ.get("EXPORTER_TEST_FORBIDDEN", "").split(os.pathsep) if p)
_LOG = os.environ.get("EXPORTER_TEST_OPEN_LOG", "")
_EVENTS = {"open", "os.listdir", "os.scandir", "os.chdir", "shutil.copyfile"}


def _hook(event, args):
    if event not in _EVENTS or not args or not _LOG:
        return
    target = args[0]
    if isinstance(target, int) or target is None:
        return
    try:
        path = os.path.abspath(os.fsdecode(target))
    except (TypeError, ValueError):
        return
    if any(path == root or path.startswith(root + os.sep) for root in _FORBIDDEN):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {event} {path}\\n")


if _FORBIDDEN:
    sys.addaudithook(_hook)
'''


def cluster_home() -> Path:
    """A folder for the cluster's processes that ``nobody`` can reach (pytest's own folders are root's only)."""
    return Path(tempfile.mkdtemp(prefix="exporter-dask-"))


def can_drop_to_nobody() -> bool:
    """True when the tests run as root and a process as ``nobody`` can run this checkout's Python."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    child = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'import exporter.remote_item'], check=True)"
    probe = subprocess.run(  # a worker starts its render child with its own interpreter: that must work too
        [*as_nobody(), sys.executable, "-c", f"import distributed; {child}"],
        capture_output=True,
        cwd="/",
        timeout=120,
    )
    return probe.returncode == 0


def as_nobody() -> list[str]:
    """The command prefix that runs a program as ``nobody``, without root's groups."""
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@dataclass
class Cluster:
    """A scheduler and its workers, each a process of its own; :meth:`close` ends them all."""

    home: Path
    forbidden: list[Path]
    nobody: bool = False
    scheduler: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    address: str = ""

    @property
    def open_log(self) -> Path:
        """The audit hook's log: every forbidden path a worker process opened."""
        return self.home / "opened.log"

    def env(self) -> dict[str, str]:
        """The environment of the cluster's processes: a home of their own, the audit hook on the path."""
        hook = self.home / "hook"
        hook.mkdir(parents=True, exist_ok=True)
        (hook / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DASK_", "PYTHON"))}
        env.update(
            HOME=str(self.home),
            XDG_CACHE_HOME=str(self.home / "cache"),
            TMPDIR=str(self.home / "tmp"),
            PYTHONPATH=str(hook),
            EXPORTER_TEST_FORBIDDEN=os.pathsep.join(str(p.resolve()) for p in self.forbidden),
            EXPORTER_TEST_OPEN_LOG=str(self.open_log),
        )
        return env

    def _spawn(self, args: list[str]) -> subprocess.Popen[bytes]:
        prefix = as_nobody() if self.nobody else []
        log = open(self.home / f"log-{len(self.workers)}-{int(time.monotonic() * 1000)}.txt", "wb")  # noqa: SIM115
        return subprocess.Popen(
            [*prefix, str(DASK), *args], cwd=self.home, env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    def start(self, workers: int = 2, *, nanny: bool = True) -> None:
        """Start the scheduler on 127.0.0.1 (a free port), then ``workers`` workers of one thread each, and wait
        until all have joined."""
        for folder in (self.home, self.home / "tmp", self.home / "cache", self.home / "work"):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o777)  # the workers may run as nobody
        info = self.home / "scheduler.json"
        self.scheduler = self._spawn(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)]
        )
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text(encoding="utf-8").strip():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        time.sleep(0.2)
        self.address = json.loads(info.read_text(encoding="utf-8"))["address"]
        for _ in range(workers):
            args = ["worker", self.address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"]
            args += ["--local-directory", str(self.home / "work")] + ([] if nanny else ["--no-nanny"])
            self.workers.append(self._spawn(args))
        self.wait_for(workers)

    def wait_for(self, workers: int) -> None:
        """Wait until the scheduler knows ``workers`` workers."""
        from distributed import Client

        with Client(self.address, timeout="60s", set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)

    def close(self) -> None:
        """End every process of the cluster (its folder stays, for the logs)."""
        for process in [*self.workers, self.scheduler]:
            if process is not None and process.poll() is None:
                with contextlib.suppress(OSError):
                    process.send_signal(signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            if process is not None:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def opened(self) -> list[str]:
        """The forbidden paths the cluster's processes opened (the audit hook's log)."""
        return self.open_log.read_text(encoding="utf-8").splitlines() if self.open_log.exists() else []
