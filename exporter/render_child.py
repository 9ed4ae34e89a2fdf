"""The child process a Dask worker renders items in, so that a stuck item can be stopped.

A Dask worker runs tasks in threads, and a thread cannot be stopped. So each worker thread keeps one child
process (:class:`RenderChild`, started with ``python -m exporter.render_child``) that imports WeasyPrint once and
renders item after item. An item past ``--item-timeout`` is stopped by killing the child; the next item starts a
new one. A child that dies (out of memory, a crash) makes the task fail, and Dask runs it once more. The child
leaves when its worker dies.

Messages are pickles framed by an 8-byte length: the worker sends ``("render", RemoteTask)`` or ``("warm",
formats)``, the child answers ``(value, error, detail)``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import subprocess
import sys
import threading
import time
import traceback
from typing import IO, Any

_LENGTH = 8


class ChildDied(RuntimeError):
    """The child process ended while it held an item (killed, out of memory, crashed)."""


class RenderChild:
    """One child process, started on first use and replaced after it is killed or dies."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "exporter.render_child"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        return self.process

    def stop(self) -> None:
        """Kill the child (if any) and forget it."""
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.process.kill()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            self.process = None

    def call(self, kind: str, payload: Any, timeout: float | None) -> tuple[Any, str | None, str | None]:
        """Send one message and wait for the answer; past ``timeout`` seconds the child is killed and the answer
        is an error. Raises :class:`ChildDied` when the child ends without answering."""
        process = self._started()
        deadline = time.monotonic() + timeout if timeout else None
        try:
            assert process.stdin is not None and process.stdout is not None
            _send(process.stdin, (kind, payload))
            header = _receive(process.stdout, _LENGTH, deadline)
            answer = pickle.loads(_receive(process.stdout, int.from_bytes(header, "big"), deadline))
        except TimeoutError:
            self.stop()
            return None, f"stopped after the item timeout of {timeout:g} s", None
        except (EOFError, OSError) as exc:
            self.stop()
            raise ChildDied(f"worker process died (out of memory?): {exc}") from None
        return answer


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_LENGTH, "big") + data)
    stream.flush()


def _receive(stream: IO[bytes], size: int, deadline: float | None) -> bytes:
    """Exactly ``size`` bytes from the pipe; TimeoutError past ``deadline``, EOFError when it closes."""
    fd, chunks, left = stream.fileno(), [], size
    while left:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the child closed its pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _leave_with_parent() -> None:
    """Exit when the worker that started this child is gone (it was killed: nobody will read the answer)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _warm(formats: tuple[str, ...]) -> None:
    """Import what rendering these formats needs (WeasyPrint for PDF) before the first item arrives."""
    import exporter.remote_item  # noqa: F401
    from exporter.pipeline import warm_writers

    warm_writers(formats)


def main() -> None:
    """The child's loop: read a message, answer it; end when the worker closes the pipe."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answers
    _leave_with_parent()
    requests = sys.stdin.buffer
    while True:
        header = requests.read(_LENGTH)
        if len(header) < _LENGTH:
            return
        kind, payload = pickle.loads(requests.read(int.from_bytes(header, "big")))
        try:
            if kind == "warm":
                _warm(payload)
                answer: tuple[Any, str | None, str | None] = (None, None, None)
            else:
                from exporter.remote_item import render_remote

                answer = (render_remote(payload), None, None)
        except BaseException as exc:  # the worker records it; the child goes on with the next item
            answer = (None, f"internal error in worker: {type(exc).__name__}: {exc}", traceback.format_exc())
        _send(answers, answer)


if __name__ == "__main__":
    main()
