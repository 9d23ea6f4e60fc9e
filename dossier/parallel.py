"""Run one independent job on the second core, without copying its input.

``fork`` gives the child the parent's memory as it is, so a parsed 10,000-fact tree reaches it
for free; only the (small) result travels back, pickled through a pipe. Where fork is missing,
or the job is small, the job simply runs inline when its result is asked for.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Job(Generic[T]):
    """A started job; :meth:`result` waits for it."""

    def __init__(self, fn: Callable[[], T], *, fork: bool) -> None:
        self._fn = fn
        self._done = False
        self._value: T
        self._pid = 0
        self._fd = -1
        if fork and hasattr(os, "fork"):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: run, send the pickled outcome, leave without cleanup
                os.close(read_fd)
                try:
                    payload = pickle.dumps((True, fn()))
                except BaseException as exc:  # the parent re-raises it
                    payload = pickle.dumps((False, exc))
                with os.fdopen(write_fd, "wb") as out:
                    out.write(payload)
                os._exit(0)
            os.close(write_fd)
            self._pid, self._fd = pid, read_fd

    def result(self) -> T:
        """The job's result; a second call returns it again (the worker is reaped once)."""
        if self._done:
            return self._value
        self._value, self._done = self._result(), True
        return self._value

    def _result(self) -> T:
        if not self._pid:
            return self._fn()
        with os.fdopen(self._fd, "rb") as pipe:
            payload = pipe.read()  # read everything before waiting: a full pipe would block the child
        os.waitpid(self._pid, 0)
        self._pid = 0
        if not payload:
            raise RuntimeError("the parallel check worker died without a result")
        ok, value = pickle.loads(payload)  # noqa: S301 - our own child process wrote it
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]
