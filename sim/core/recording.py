"""What a run keeps of every replication, stored compactly, and the memory that takes (sim.scenario.inputs checks it).

Trust is stored as float32 (7 significant digits, far finer than any reading of a trust probability; the engine
itself computes in float64) and counts in the smallest unsigned integer type that holds the most a step can
produce. A `Recording` is allocated once for a whole run, replication-major as `Results` exposes it, and models
of consecutive blocks of replications each fill their slice of it in place: no chunks to join, no copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.world import World

TRUST_DTYPE = np.dtype(np.float32)
MAX_EVENT_COUNT = 100  # occurrences of a rate event in one step at most (sim.core.kernel.poisson_count)


def count_dtype(most: int) -> np.dtype:
    """The smallest unsigned integer type that holds 0..most."""
    return np.min_scalar_type(max(0, int(most)))


def move_dtype(world: World) -> np.dtype:
    """Moves one actor makes of one type in one step: at most its channels of that type (one per target)."""
    k = len(world.moves)
    per_actor_move = np.bincount(world.channels[:, 0] * k + world.channels[:, 2], minlength=world.n * k)
    return count_dtype(per_actor_move.max(initial=0))


def event_dtype() -> np.dtype:
    """Occurrences of one event in one step: a Poisson count (capped by the sampler) plus a scheduled one."""
    return count_dtype(MAX_EVENT_COUNT + 1)


def state_bytes(actors: int, moves: int, events: int) -> int:
    """At most the bytes one replication's recorded step takes (trust [N, N], moves [N, K], events [E]) in any
    world of these sizes, without compiling it (an actor makes a move of one type at most once per other actor in
    a step): what the memory check up front counts."""
    n = actors
    return n * n * TRUST_DTYPE.itemsize + n * moves * count_dtype(n - 1).itemsize + events * event_dtype().itemsize


@dataclass(frozen=True)
class Recording:
    """Trust [R, T+1, N, N], moves made [R, T+1, N, K] and event counts [R, T+1, E]; step 0 is the start."""

    trust: np.ndarray
    moves: np.ndarray
    events: np.ndarray

    @classmethod
    def allocate(cls, world: World, replications: int, steps: int) -> Recording:
        """Uninitialised arrays for a run (memory is only touched as the steps are filled in)."""
        r, t, n = replications, steps + 1, world.n
        return cls(
            np.empty((r, t, n, n), TRUST_DTYPE),
            np.empty((r, t, n, len(world.moves)), move_dtype(world)),
            np.empty((r, t, len(world.events)), event_dtype()),
        )

    @property
    def replications(self) -> int:
        return self.trust.shape[0]

    @property
    def steps(self) -> int:
        return self.trust.shape[1] - 1

    def part(self, start: int, stop: int) -> Recording:
        """Replications start..stop-1, as views: filling the part fills the whole."""
        return Recording(self.trust[start:stop], self.moves[start:stop], self.events[start:stop])

    def write(self, step: int, trust: np.ndarray, moves: np.ndarray, counts: np.ndarray) -> None:
        """Store one step of every replication (float64 trust and float or int counts, cast on the way in)."""
        self.trust[:, step] = trust
        self.moves[:, step] = moves
        self.events[:, step] = counts
