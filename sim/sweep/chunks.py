"""A sweep cut into chunks of points x replications: what a worker is sent (light: numpy only, so the command that
sends chunks does not load the engine; sim.sweep.tasks runs them).

A chunk is a run of consecutive points over one block of replications. Replication r of seed s is the same
numbers in any batch (sim.util.rng), so a point's outcomes do not depend on how the sweep was chunked or where a
chunk ran.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.sweep.paths import Address

MAX_BATCH = 1000  # replications per model run at most: bounds a worker's memory, keeps batches efficient


@dataclass(frozen=True)
class Plan:
    """What every chunk of a sweep shares (sent to each worker once per task, or scattered once on Dask)."""

    base: dict[str, Any]
    addresses: tuple[Address, ...]
    seed: int
    outcomes: tuple[str, ...]
    last: int
    trajectories: bool


@dataclass(frozen=True)
class Chunk:
    """Points `points` (with their values [len(points), k]) over replications `start` <= r < `stop`."""

    index: int
    points: tuple[int, ...]
    values: np.ndarray
    start: int
    stop: int

    @property
    def runs(self) -> int:
        return len(self.points) * (self.stop - self.start)


@dataclass
class ChunkResult:
    """Per-replication outcomes [point, replication, outcome] (NaN for failed points), errors by point, and the
    trajectories (sim.Results by point) when asked for."""

    index: int
    values: np.ndarray
    errors: dict[int, dict[str, str]] = field(default_factory=dict)
    trajectories: dict[int, Any] = field(default_factory=dict)


def default_chunk_runs(points: int, replications: int) -> int:
    """Runs per chunk: about 64 chunks for the sweep, each of 100 to 2,000 runs (scheduling stays cheap)."""
    return min(2000, max(100, math.ceil(points * replications / 64)))


def chunk_layout(points: np.ndarray, replications: int, runs: int) -> list[Chunk]:
    """Cut the sweep into chunks of about `runs` runs: whole points when a point has at most MAX_BATCH
    replications (consecutive points together), otherwise one point per chunk over equal replication blocks."""
    n = len(points)
    blocks = math.ceil(replications / MAX_BATCH)
    size = math.ceil(replications / blocks)
    chunks: list[Chunk] = []
    if blocks > 1:
        for p in range(n):
            for b in range(blocks):
                start = b * size
                chunks.append(Chunk(len(chunks), (p,), points[p : p + 1], start, min(replications, start + size)))
        return chunks
    per = max(1, runs // replications)
    for first in range(0, n, per):
        ids = tuple(range(first, min(n, first + per)))
        chunks.append(Chunk(len(chunks), ids, points[first : first + len(ids)], 0, replications))
    return chunks
