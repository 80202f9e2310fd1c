"""Exogenous shocks: how many times each event happens this step, its trust shocks and the moves it triggers."""

from __future__ import annotations

import numpy as np

from sim.core.world import CompiledEvent

_MAX_COUNT = 100


def poisson_count(u: np.ndarray, rate: float) -> np.ndarray:
    """Poisson(rate) counts by inverting the CDF at uniforms u (one uniform per draw keeps streams aligned)."""
    count = np.zeros(u.shape, dtype=np.int64)
    if rate <= 0:
        return count
    p = np.exp(-rate)
    cdf = p
    top = u.max(initial=0.0)
    for k in range(1, _MAX_COUNT + 1):
        if cdf > top:
            break
        count += u >= cdf
        p *= rate / k
        cdf += p
    return count


def fire(
    events: list[CompiledEvent],
    step: int,
    u_count: np.ndarray,
    u_trigger: np.ndarray,
    z_shock: np.ndarray,
    moves: np.ndarray,
    shock: np.ndarray,
) -> np.ndarray:
    """Apply this step's events: add log-odds shocks into `shock` [R, N, N] and triggered moves into `moves`.

    Returns the number of occurrences [R, E]. Columns of u_trigger and z_shock run over all events' triggers
    and shocks in order.
    """
    counts = np.zeros((u_count.shape[0], len(events)), dtype=np.int64)
    ti = si = 0
    for e, event in enumerate(events):
        n = poisson_count(u_count[:, e], event.rate) + (step in event.at)
        if not n.any():  # nothing happened in any replication: skip its shocks and triggers
            si += len(event.shocks)
            ti += len(event.triggers)
            continue
        counts[:, e] = n
        for observer, target, delta, sd in event.shocks:
            shock[:, observer, target] += n * (delta + sd * z_shock[:, si])
            si += 1
        for channel, probability, intensity in event.triggers:
            moves[:, channel] += n * intensity * (u_trigger[:, ti] < probability)
            ti += 1
    return counts
