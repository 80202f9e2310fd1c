"""Summaries of trust across dyads: Pakistan's alignment and the balance of triads (sweep outcomes, results).

The trust update itself is compiled (sim.kernel); these read recorded trust [..., N, N] (observer, target).
"""

from __future__ import annotations

import numpy as np


def alignment(t: np.ndarray, pak: int, chn: int, usa: int) -> np.ndarray:
    """Pakistan's alignment T[PAK, CHN] / (T[PAK, CHN] + T[PAK, USA]): 0 = with the US, 1 = with China."""
    a, b = t[..., pak, chn], t[..., pak, usa]
    return a / (a + b)


def polarization(t: np.ndarray) -> np.ndarray:
    """Share of balanced triads, using the sign of mutual stance (T[i, j] + T[j, i] - 1) on each edge."""
    n = t.shape[-1]
    if n < 3:
        return np.ones(t.shape[:-2])
    sign = np.sign(t + np.swapaxes(t, -1, -2) - 1.0)
    i, j, k = np.array([(i, j, k) for i in range(n) for j in range(i + 1, n) for k in range(j + 1, n)]).T
    product = sign[..., i, j] * sign[..., j, k] * sign[..., i, k]
    return (product > 0).mean(axis=-1)
