"""What each observer sees of a step's moves, and what it has come to expect.

An observer o sees, of each actor a, the friendly and the hostile part of what a did to o (`coop` >= 0,
`host` <= 0) and what a did to third parties, weighted by o's stance toward them (`audience`). Each is a
monthly flow of Goldstein-weighted moves with a diminishing response to size (sim.core.dynamics.concave). The
observer's `Expectations` of the same three flows are exponential averages of what it saw (habituation);
trust moves on the difference (sim.core.engine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core import dynamics
from sim.core.world import World


@dataclass(frozen=True)
class Signals:
    """One step's observed flows, each [R, N, N] indexed [observer, actor]."""

    coop: np.ndarray
    host: np.ndarray
    audience: np.ndarray


@dataclass
class Expectations:
    """What each observer has come to expect of each actor's flows, [R, N, N] each (or [N, N] as a template)."""

    coop: np.ndarray
    host: np.ndarray
    audience: np.ndarray

    def learn(self, seen: Signals, eta: float) -> None:
        """Habituate toward what was seen."""
        self.coop = dynamics.learn(self.coop, seen.coop, eta)
        self.host = dynamics.learn(self.host, seen.host, eta)
        self.audience = dynamics.learn(self.audience, seen.audience, eta)

    def broadcast(self, replications: int) -> Expectations:
        """Copies of a [N, N] template for every replication."""
        n = self.coop.shape[-1]
        return Expectations(
            *(np.broadcast_to(x, (replications, n, n)).copy() for x in (self.coop, self.host, self.audience))
        )


def observe(moves: np.ndarray, world: World, stance: np.ndarray, scale: float) -> Signals:
    """The flows each observer sees this step, from the move intensities [R, C] and its stance [R, N, N]."""
    n = world.n
    positive = np.maximum(world.weight, 0.0)
    negative = np.minimum(world.weight, 0.0)
    coop = world.by_pair.sum(moves * positive).reshape(-1, n, n)
    host = world.by_pair.sum(moves * negative).reshape(-1, n, n)
    shown = world.by_pair.sum(moves * world.audience_weight).reshape(-1, n, n)
    return Signals(
        coop=dynamics.concave(dynamics.direct(coop), scale),
        host=dynamics.concave(dynamics.direct(host), scale),
        audience=dynamics.audience(dynamics.concave(shown, scale), stance),
    )


def direct_surprise(seen: Signals, expected: Expectations, negativity: float) -> np.ndarray:
    """The surprise in what the actor did to me: friendly and hostile parts, more hostility weighing `negativity`.

    A shortfall of expected cooperation counts at face value: with random monthly timing every quiet month of a
    habituated flow falls short, and weighting that up would make steady cooperation lower trust.
    """
    return dynamics.surprise(seen.coop, expected.coop) + dynamics.surprise(seen.host, expected.host, negativity)


def habituated(expected: Expectations) -> np.ndarray:
    """The expected direct flow, friendly plus hostile: what shifts the level trust returns to.

    Negativity weighs surprises, not habits: a hostility that has become routine (a drone campaign in its third
    year) lowers the level by its size, and its end is not read as a windfall.
    """
    return expected.coop + expected.host
