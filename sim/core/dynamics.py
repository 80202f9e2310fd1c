"""Summaries of trust across dyads: Pakistan's alignment and the balance of triads (sweep outcomes, results).

The trust update itself is compiled (sim.kernel); these read recorded trust [..., N, N] (observer, target).
"""

from __future__ import annotations

import functools

import numpy as np


def alignment(t: np.ndarray, pak: int, chn: int, usa: int) -> np.ndarray:
    """Pakistan's alignment T[PAK, CHN] / (T[PAK, CHN] + T[PAK, USA]): 0 = with the US, 1 = with China."""
    a, b = t[..., pak, chn], t[..., pak, usa]
    return a / (a + b)


def polarization(t: np.ndarray) -> np.ndarray:
    """How sharply the actors split into two camps, in [-1, 1]: the mean over triads of the signed geometric mean
    of the three mutual stances s = T[i, j] + T[j, i] - 1 (the cube root of their product).

    A triad is balanced (friends' friends are friends, enemies' enemies are friends) when the product is
    positive; its strength is how far from indifference its ties are. 1: two camps (or one) of complete trust,
    completely hostile to each other; 0: indifference; below 0: frustrated triads. The share of balanced triads
    alone (its former definition) is 1 whenever the signs fit, however weak the ties, so it did not vary."""
    n = t.shape[-1]
    if n < 3:
        return np.zeros(t.shape[:-2])
    s = t + np.swapaxes(t, -1, -2) - 1.0
    i, j, k = triads(n)
    return np.cbrt(s[..., i, j] * s[..., j, k] * s[..., i, k]).mean(axis=-1)


@functools.cache
def triads(n: int) -> np.ndarray:
    """The triads i < j < k of n actors, as three index rows [3, n choose 3] (read-only: it is shared)."""
    out = np.array([(i, j, k) for i in range(n) for j in range(i + 1, n) for k in range(j + 1, n)]).T
    out.flags.writeable = False
    return out
