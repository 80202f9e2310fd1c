"""Run a handful of independent jobs (figures, files) at once, in forked processes, where that pays.

A result folder's figures and its trajectory file are separate pieces of work of a fraction of a second each;
with two or more CPUs they go to this process and forked workers, which pick the next job as they finish one
(give the longest first). Forked workers share the parent's imported modules and data, so nothing is pickled
but each job's result. Workers ignore Ctrl-C: the parent handles it (or SIGTERM), ends its workers, and only
then does the caller's cleanup run. Elsewhere than on Linux (where fork is safe with these libraries), or with
one CPU, the jobs run here in turn.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

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
    if count < 2 or not sys.platform.startswith("linux"):  # fork is safe with these libraries on Linux
        return [job() for job in jobs]
    ctx = multiprocessing.get_context("fork")
    taken = ctx.Value("i", 0)  # index of the next job to take, shared by every process
    workers = []
    sys.stdout.flush()  # a forked worker must not write out a copy of what is still buffered here
    sys.stderr.flush()
    try:
        # no Ctrl-C or SIGTERM reaches a worker before it has set its own handlers (they are delivered here after)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            for _ in range(count - 1):
                receive, send = ctx.Pipe(duplex=False)
                worker = ctx.Process(target=_worker, args=(jobs, taken, send), daemon=True)
                worker.start()
                send.close()
                workers.append((worker, receive))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        results = dict(_take(jobs, taken))
        for worker, receive in workers:
            try:
                ok, value = receive.recv()
            except EOFError:  # ended without a word: killed, or out of memory
                worker.join()
                raise RuntimeError(f"a worker process ended unexpectedly (exit code {worker.exitcode})") from None
            if not ok:
                raise value
            results.update(value)
            worker.join()
        return [results[i] for i in range(len(jobs))]
    finally:
        for worker, receive in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
            receive.close()


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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    try:
        message: tuple[bool, Any] = (True, _take(jobs, taken))
    except BaseException as exc:
        message = (False, exc)
    try:
        send.send(message)
    except Exception as exc:  # the result or the error cannot be pickled: send the error as text
        detail = exc if message[0] else message[1]
        send.send((False, RuntimeError("".join(traceback.format_exception(detail)))))
    finally:
        send.close()
