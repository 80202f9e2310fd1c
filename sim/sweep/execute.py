"""Executors: run chunks in this process, in a local process pool, or on a Dask distributed cluster.

All three call the same `sim.sweep.tasks.run_chunk` on the same chunks, so the numbers do not depend on the
executor or the number of workers. Results come back to this process as chunks finish (in any order) and are
written to the store there, so cluster workers need no shared disk. A chunk whose task itself fails (a worker
dies, a pickling error) comes back as a result with every point failed, so the other chunks still finish.
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Protocol

import numpy as np

from sim.sweep.tasks import Chunk, ChunkResult, Plan, run_chunk
from sim.util import threads
from sim.util.errors import ConfigError
from sim.util.processes import die_with


class Executor(Protocol):
    description: str

    def map(self, plan: Plan, chunks: Sequence[Chunk]) -> Iterator[ChunkResult]: ...

    def close(self) -> None: ...


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def failed(plan: Plan, chunk: Chunk, exc: BaseException) -> ChunkResult:
    """A result recording every point of `chunk` as failed with the task's error."""
    values = np.full((len(chunk.points), chunk.stop - chunk.start, len(plan.outcomes)), np.nan)
    detail = "".join(traceback.format_exception(exc))
    where = f"points {chunk.points[0]}-{chunk.points[-1]}" if len(chunk.points) > 1 else f"point {chunk.points[0]}"
    error = {"error": f"<{where}, chunk {chunk.index}>: {type(exc).__name__}: {exc}", "detail": detail}
    return ChunkResult(chunk.index, values, {p: error for p in chunk.points})


class Serial:
    """Chunks one after another in this process."""

    description = "serial"

    def map(self, plan: Plan, chunks: Sequence[Chunk]) -> Iterator[ChunkResult]:
        for chunk in chunks:
            try:
                yield run_chunk(plan, chunk)
            except Exception as exc:
                yield failed(plan, chunk, exc)

    def close(self) -> None:
        pass


def _start_worker(parent: int, threads_each: int) -> None:
    """Workers leave Ctrl-C to the main process, which stops the sweep cleanly, and end when it ends, even when
    it is killed outright (`kill -9`), so no worker outlives the command. Each runs its models on its share of
    the CPUs (sim.util.threads), so that workers x threads does not exceed them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[threads.ENV] = str(threads_each)
    die_with(parent)


class Pool:
    """A local process pool; workers are forked from a server that has already imported the engine."""

    def __init__(self, workers: int) -> None:
        import multiprocessing as mp

        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        context = mp.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["sim.sweep.tasks", "sim.core.model"])
        self.description = f"process pool ({workers} workers)"
        each = max(1, threads.count() // workers)
        self._pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(), each)
        )

    def map(self, plan: Plan, chunks: Sequence[Chunk]) -> Iterator[ChunkResult]:
        futures: dict[Future, Chunk] = {self._pool.submit(run_chunk, plan, c): c for c in chunks}
        try:
            for future in as_completed(futures):
                chunk = futures.pop(future)
                try:
                    yield future.result()
                except Exception as exc:
                    yield failed(plan, chunk, exc)
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class Dask:
    """An existing Dask distributed cluster, reached through its scheduler's address."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ConfigError(
                "Dask distributed is not installed",
                key="--scheduler",
                hint="pip install 'diplosim[dask]' (or run locally with --workers)",
            ) from None
        try:
            self._client = Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                f"cannot reach a Dask scheduler at '{address}': {exc}",
                key="--scheduler",
                hint="start one with `dask scheduler` and `dask worker tcp://HOST:8786`, then pass tcp://HOST:8786",
            ) from None
        self.description = f"dask ({address})"

    def map(self, plan: Plan, chunks: Sequence[Chunk]) -> Iterator[ChunkResult]:
        from distributed import as_completed as completed

        shared = self._client.scatter(plan, broadcast=True, hash=False)
        futures = {self._client.submit(run_chunk, shared, c, pure=False): c for c in chunks}
        try:
            for future in completed(list(futures)):
                chunk = futures.pop(future)
                try:
                    yield future.result()
                except Exception as exc:
                    yield failed(plan, chunk, exc)
                future.release()
        finally:
            self._client.cancel(list(futures))

    def close(self) -> None:
        self._client.close()


def open_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor for the options: Dask if a scheduler is given, else a pool of `workers` (default: the cores),
    or this process for one worker."""
    if scheduler:
        return Dask(scheduler)
    n = cores() if workers is None else workers
    if n < 1:
        raise ConfigError(f"--workers must be at least 1 (got {n})", key="--workers")
    return Serial() if n == 1 else Pool(n)
