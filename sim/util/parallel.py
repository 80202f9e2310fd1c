"""Run a handful of independent jobs (figures, files) at once, in forked processes, where that pays.

A result folder's figures and its trajectory file are separate pieces of work of a fraction of a second each;
with two or more CPUs they go to forked workers, which pick the next job as they finish one (give the longest
first). Forked workers share the parent's imported modules and data, so nothing is pickled but each job's
result. `run_all` forks when the jobs are ready and takes a share of them itself. `Helpers` fork at the start of
a command, before it imports its numerical stack: they import what drawing needs while the command simulates,
then draw the figures it lists once its tables are written, so the figures' imports cost no wall time.

Workers ignore Ctrl-C: the parent handles it (or SIGTERM), ends its workers, and only then does the caller's
cleanup run. Elsewhere than on Linux (where fork is safe with these libraries), or with one CPU, the jobs run
here in turn.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, Self

MAX_WORKERS = 4  # besides this process: more rarely pays for a handful of jobs
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run_all(jobs: Sequence[Callable[[], Any]], processes: int | None = None) -> list[Any]:
    """Run `jobs` (longest first, for balance) and return their results in order; re-raise the first error.

    `processes` counts this one; the default is the usable CPUs, at most one per job.
    """
    count = min(len(jobs), processes or usable_cpus(), MAX_WORKERS + 1)
    if not _can_fork(count):
        return [job() for job in jobs]
    workers = []
    try:
        with _forking() as ctx:
            taken = ctx.Value("i", 0)  # index of the next job to take, shared by every process
            for _ in range(count - 1):
                receive, send = ctx.Pipe(duplex=False)
                worker = ctx.Process(target=_worker, args=(jobs, taken, send), daemon=True)
                worker.start()
                send.close()
                workers.append((worker, receive))
        results = dict(_take(jobs, taken))
        for worker, receive in workers:
            results.update(_collect(worker, receive))
        return [results[i] for i in range(len(jobs))]
    finally:
        for worker, receive in workers:
            _end(worker, receive)


class Helpers:
    """Worker processes forked now, to run jobs that can only be listed later (figures drawn from tables that
    are not yet written).

    Each helper runs `warm` at once (imports), then waits; `run(own)` lets them call `jobs()` and share out the
    jobs it lists, while this process runs `own`. Use it as a context manager: leaving it ends the helpers
    (after Ctrl-C too). Fork it early, while this process is light and has no threads. With fewer than two
    `processes` (default: the usable CPUs, at most MAX_WORKERS) or elsewhere than on Linux, nothing is forked and
    `run` runs every job here.
    """

    def __init__(
        self,
        jobs: Callable[[], Sequence[Callable[[], Any]]],
        warm: Callable[[], Any],
        processes: int | None = None,
    ) -> None:
        self._jobs = jobs
        self._workers: list[tuple[Any, Any, Any]] = []  # (process, pipe to say go, pipe of results)
        count = min(processes or usable_cpus(), MAX_WORKERS)
        if not _can_fork(count):
            return
        try:
            with _forking() as ctx:
                taken = ctx.Value("i", 0)  # index of the next job to take, shared by the helpers
                for _ in range(count):
                    go_receive, go = ctx.Pipe(duplex=False)
                    receive, send = ctx.Pipe(duplex=False)
                    worker = ctx.Process(target=_helper, args=(warm, jobs, taken, go_receive, send), daemon=True)
                    worker.start()
                    self._workers.append((worker, go, receive))
                    go_receive.close()
                    send.close()
        except BaseException:
            self.close()
            raise

    def run(self, own: Sequence[Callable[[], Any]] = ()) -> list[Any]:
        """The results of the helpers' jobs (in the order `jobs()` lists them), then those of `own`, run here
        meanwhile; the first error is raised."""
        if not self._workers:
            return [job() for job in [*self._jobs(), *own]]
        for _, go, _ in self._workers:
            go.send(True)
        mine = [job() for job in own]
        results: dict[int, Any] = {}
        for worker, _, receive in self._workers:
            results.update(_collect(worker, receive))
        return [results[i] for i in range(len(results))] + mine

    def close(self) -> None:
        """End the helpers (at once if they are still working) and release their pipes."""
        for worker, go, receive in self._workers:
            _end(worker, go, receive)
        self._workers = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _can_fork(count: int) -> bool:
    """Whether `count` processes are worth forking: two or more, on Linux (where fork is safe with these
    libraries)."""
    return count >= 2 and sys.platform.startswith("linux")


@contextlib.contextmanager
def _forking() -> Iterator[Any]:
    """The fork context, for starting workers: what is still buffered here is written out first (a worker must
    not write out a copy of it), and no Ctrl-C or SIGTERM reaches a worker before it has set its own handlers
    (they are delivered here after the block)."""
    sys.stdout.flush()
    sys.stderr.flush()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield multiprocessing.get_context("fork")
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _end(worker: Any, *pipes: Any) -> None:
    """End a worker (at once if it is still working) and close its pipes."""
    if worker.is_alive():
        worker.kill()
    worker.join()
    for pipe in pipes:
        pipe.close()


def _collect(worker: Any, receive: Any) -> list[tuple[int, Any]]:
    """A worker's (index, result) pairs, or its error raised here."""
    try:
        ok, value = receive.recv()
    except EOFError:  # ended without a word: killed, or out of memory
        worker.join()
        raise RuntimeError(f"a worker process ended unexpectedly (exit code {worker.exitcode})") from None
    if not ok:
        raise value
    worker.join()
    return value


def _take(jobs: Sequence[Callable[[], Any]], taken: Any) -> list[tuple[int, Any]]:
    """Run jobs, one at a time, until none is left; return (index, result) pairs."""
    done = []
    while True:
        with taken.get_lock():
            i = taken.value
            taken.value += 1
        if i >= len(jobs):
            return done
        done.append((i, jobs[i]()))


def _worker(jobs: Sequence[Callable[[], Any]], taken: Any, send: Any) -> None:
    _serve(send, lambda: _take(jobs, taken))


def _helper(
    warm: Callable[[], Any], jobs: Callable[[], Sequence[Callable[[], Any]]], taken: Any, go: Any, send: Any
) -> None:
    """A `Helpers` process: warm up, wait for the word to start (or for the parent to go away), then take jobs."""

    def work() -> list[tuple[int, Any]]:
        warm()
        try:
            go.recv()
        except EOFError:  # the parent ended without a word
            os._exit(0)
        return _take(jobs(), taken)

    _serve(send, work)


def _serve(send: Any, work: Callable[[], list[tuple[int, Any]]]) -> None:
    """A worker's life: leave Ctrl-C to the parent, do `work`, send back its results or its error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    try:
        message: tuple[bool, Any] = (True, work())
    except BaseException as exc:
        message = (False, exc)
    try:
        send.send(message)
    except Exception as exc:  # the result or the error cannot be pickled: send the error as text
        detail = exc if message[0] else message[1]
        send.send((False, RuntimeError("".join(traceback.format_exception(detail)))))
    finally:
        send.close()
