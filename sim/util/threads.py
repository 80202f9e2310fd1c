"""Threads over blocks of replications: one run on every core, the same numbers for any number of threads.

The compiled functions release the GIL (sim.core.jit), so plain Python threads run blocks of replications side by
side. Replications are independent and each writes only its own slice, so the numbers do not depend on the
thread count or on which thread ran which block. The threads live only as long as a run: a process that
forks afterwards (figures, sweep workers) has one thread again, which fork needs to be safe. (numba's own
`parallel=True` keeps a thread pool alive for the life of the process, which such a fork would inherit.)

How many: `NUMBA_NUM_THREADS` if set, else the CPUs this process may use. A sweep's process pool sets it in
each worker to its share of the CPUs, so that workers x threads does not exceed them; on a Dask cluster, set it
in each worker's environment to the CPUs per worker process divided by its threads (`--nthreads`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

ENV = "NUMBA_NUM_THREADS"


def cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def count() -> int:
    """Threads a run uses: $NUMBA_NUM_THREADS, else the usable CPUs."""
    value = os.environ.get(ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return cores()


def run_blocks(
    work: Callable[[int, int], None],
    blocks: Sequence[tuple[int, int]],
    *,
    done: Callable[[int], None] | None = None,
    between: Callable[[], None] | None = None,
) -> None:
    """Call `work(start, stop)` for every block, on up to `count()` threads; `done(size)` after each block and
    `between()` (which may raise to stop) as blocks finish. The first error is raised once running blocks end."""
    n = min(count(), len(blocks))
    if n <= 1:
        for a, b in blocks:
            if between is not None:
                between()
            work(a, b)
            if done is not None:
                done(b - a)
        return
    with ThreadPoolExecutor(n, thread_name_prefix="diplosim-run") as pool:
        futures = [pool.submit(work, a, b) for a, b in blocks]
        try:
            for (a, b), future in zip(blocks, futures, strict=True):
                future.result()
                if done is not None:
                    done(b - a)
                if between is not None:
                    between()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
