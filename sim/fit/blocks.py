"""A population's candidates on the sweep's executors: cut into pieces, run anywhere, journaled in candidate order.

The sampler (sim.fit.abc) hands over a block of candidates at a time. Those the journal does not know are cut into
consecutive pieces, one per slot of the executor (this process is one; a local pool has one per worker process; a
Dask cluster one per worker thread), each of at most MAX_BATCH runs per history (the sweep's bound on a batch's
memory), and each piece runs as one batched engine per history (`evaluate_block`). Replication r of a candidate
draws the same numbers in any batch, so a candidate's distance does not depend on the pieces or on where they ran.
A piece's records are handed back once it and every earlier piece have finished, so the journal is written in
candidate order: the same file on any executor, and an interruption keeps every candidate of the finished prefix.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import numpy as np

from sim.fit.problem import Problem
from sim.sweep.chunks import MAX_BATCH
from sim.sweep.execute import Executor, Task


def pieces(count: int, replications: int, slots: int) -> list[slice]:
    """`count` candidates cut into consecutive pieces as equal as can be: one per slot (at most one per candidate),
    more if a piece would exceed MAX_BATCH runs (candidates x `replications`; one candidate at least)."""
    most = max(1, MAX_BATCH // replications)
    n = max(min(count, max(1, slots)), math.ceil(count / most))
    size, extra = divmod(count, n)
    bounds = [i * size + min(i, extra) for i in range(n + 1)]
    return [slice(a, b) for a, b in itertools.pairwise(bounds)]


def evaluate_pieces(
    executor: Executor, task: Task, problem: Problem, xs: np.ndarray
) -> Iterator[tuple[np.ndarray, list[dict[str, Any]]]]:
    """The candidates `xs` [M, D] evaluated by `task(problem, piece)` (sim.fit.problem.evaluate_block) on the
    executor: each piece's candidates and records, in candidate order. A task's error (a ConfigError from a worker
    included) is raised here; the pieces still running are cancelled."""
    cuts = pieces(len(xs), problem.settings.replications, executor.slots())
    finished: dict[int, list[dict[str, Any]]] = {}
    following = 0
    with closing(executor.run(task, problem, [xs[cut] for cut in cuts])) as results:
        for done in results:
            if done.error is not None:
                raise done.error
            finished[done.index] = done.value
            while following in finished:
                yield xs[cuts[following]], finished.pop(following)
                following += 1
