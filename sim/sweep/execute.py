"""Executors: run tasks in this process, in a local process pool, or on a Dask distributed cluster.

An executor runs one task function over a list of items with a shared argument (`task(shared, item)`) and hands
back each result as it finishes, in any order; the caller stores them in this process, so cluster workers need
no shared disk. A sweep's tasks are its chunks (`map`: every executor calls the same `sim.sweep.tasks.run_chunk`
on the same chunks, so the numbers do not depend on the executor or the number of workers; a chunk whose task
itself fails, say a worker dies, comes back with every point failed, so the other chunks still finish). A
calibration's are blocks of candidates (sim.fit.blocks), through `run`.
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from sim.sweep.chunks import Chunk, ChunkResult, Plan
from sim.sweep.workers import PRELOAD, local
from sim.sweep.workers import start as start_server
from sim.util import threads
from sim.util.errors import ConfigError
from sim.util.processes import die_with

Task = Callable[[Any, Any], Any]  # task(shared, item): a module-level function, so that workers can import it


@dataclass(frozen=True)
class Done:
    """A finished task: the position of its item, and its value or the exception it raised."""

    index: int
    value: Any = None
    error: Exception | None = None


class Executor(Protocol):
    description: str

    def slots(self) -> int:
        """How many tasks run at once (to cut work into as many pieces)."""
        ...

    def run(self, task: Task, shared: Any, items: Sequence[Any]) -> Iterator[Done]: ...

    def map(self, plan: Plan, chunks: Sequence[Chunk]) -> Iterator[ChunkResult]: ...

    def close(self) -> None: ...


def failed(plan: Plan, chunk: Chunk, exc: BaseException) -> ChunkResult:
    """A result recording every point of `chunk` as failed with the task's error."""
    values = np.full((len(chunk.points), chunk.stop - chunk.start, len(plan.outcomes)), np.nan)
    detail = "".join(traceback.format_exception(exc))
    where = f"points {chunk.points[0]}-{chunk.points[-1]}" if len(chunk.points) > 1 else f"point {chunk.points[0]}"
    error = {"error": f"<{where}, chunk {chunk.index}>: {type(exc).__name__}: {exc}", "detail": detail}
    return ChunkResult(chunk.index, values, {p: error for p in chunk.points})


def _chunk_task(plan: Plan, chunk: Chunk) -> ChunkResult:
    """sim.sweep.tasks.run_chunk, imported where the chunk runs (a pool's worker, whose server has loaded it, a
    Dask worker, or this process in a serial sweep): a command that only sends chunks never loads the engine."""
    from sim.sweep.tasks import run_chunk

    return run_chunk(plan, chunk)


class _Chunks:
    """A sweep's chunks on an executor's `run`: a chunk whose task failed comes back with every point failed."""

    def run(self, task: Task, shared: Any, items: Sequence[Any]) -> Iterator[Done]:
        raise NotImplementedError

    def map(self, plan: Plan, chunks: Sequence[Chunk]) -> Iterator[ChunkResult]:
        for done in self.run(_chunk_task, plan, chunks):
            yield done.value if done.error is None else failed(plan, chunks[done.index], done.error)


class Serial(_Chunks):
    """Tasks one after another in this process."""

    description = "serial"

    def slots(self) -> int:
        return 1

    def run(self, task: Task, shared: Any, items: Sequence[Any]) -> Iterator[Done]:
        for i, item in enumerate(items):
            try:
                value = task(shared, item)
            except Exception as exc:
                yield Done(i, error=exc)
            else:
                yield Done(i, value)

    def close(self) -> None:
        pass


def _start_worker(parent: int, threads_each: int) -> None:
    """Workers leave Ctrl-C to the main process, which stops the sweep cleanly, and end when it ends, even when
    it is killed outright (`kill -9`), so no worker outlives the command. Each runs its models on its share of
    the CPUs (sim.util.threads), so that workers x threads does not exceed them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[threads.ENV] = str(threads_each)
    die_with(parent)


class Pool(_Chunks):
    """A local process pool; workers are forked from a server that has already loaded the engine and imported
    the modules `preload` (those of the tasks it will run; sim.sweep.workers)."""

    def __init__(self, workers: int, preload: tuple[str, ...] = PRELOAD) -> None:
        context = start_server(preload)
        self.description = f"process pool ({workers} workers)"
        self._workers = workers
        each = max(1, threads.count() // workers)
        self._pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(), each)
        )

    def slots(self) -> int:
        return self._workers

    def run(self, task: Task, shared: Any, items: Sequence[Any]) -> Iterator[Done]:
        futures: dict[Future, int] = {self._pool.submit(task, shared, item): i for i, item in enumerate(items)}
        try:
            for future in as_completed(futures):
                index = futures.pop(future)
                try:
                    value = future.result()
                except Exception as exc:
                    yield Done(index, error=exc)
                else:
                    yield Done(index, value)
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


SCHEDULER_HINT = "start one with `dask scheduler` and `dask worker tcp://HOST:8786`, then pass tcp://HOST:8786"


class Dask(_Chunks):
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
                f"cannot reach a Dask scheduler at '{address}': {exc}", key="--scheduler", hint=SCHEDULER_HINT
            ) from None
        except MemoryError:  # something else answers there: distributed reads its reply as a huge message length
            raise ConfigError(
                f"what answers at '{address}' is not a Dask scheduler", key="--scheduler", hint=SCHEDULER_HINT
            ) from None
        self.description = f"dask ({address})"

    def slots(self) -> int:
        """The threads of the cluster's workers now (at least 1: tasks wait for workers that join later)."""
        return max(1, sum(self._client.nthreads().values()))

    def run(self, task: Task, shared: Any, items: Sequence[Any]) -> Iterator[Done]:
        from distributed import as_completed as completed

        scattered = self._client.scatter(shared, broadcast=True, hash=False)
        futures = {self._client.submit(task, scattered, item, pure=False): i for i, item in enumerate(items)}
        try:
            for future in completed(list(futures)):
                index = futures.pop(future)
                try:
                    value = future.result()
                except Exception as exc:
                    done = Done(index, error=exc)
                else:
                    done = Done(index, value)
                future.release()
                yield done
        finally:
            self._client.cancel(list(futures))

    def close(self) -> None:
        self._client.close()


def open_executor(
    workers: int | None = None, scheduler: str | None = None, *, preload: tuple[str, ...] = PRELOAD
) -> Executor:
    """The executor for the options: Dask if a scheduler is given, else a pool of `workers` (default: the cores),
    or this process for one worker. A pool's workers start with the modules `preload` imported."""
    if scheduler:
        return Dask(scheduler)
    n = local(workers)
    if n < 1:
        raise ConfigError(f"--workers must be at least 1 (got {n})", key="--workers")
    return Serial() if n == 1 else Pool(n, preload)
