"""The compiled step's random numbers: draw i of a replication at step t is SplitMix64 of (that replication's
stream base i, t), a pure function (sim.util.rng has the same arithmetic in numpy), so a number is drawn where it
is used and only when it is, and what is not drawn changes nothing else."""

from __future__ import annotations

import numpy as np

from sim.core import kmath
from sim.core.jit import inline, njit

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 2.0**-53


@inline
def mix(x: np.uint64) -> np.uint64:
    """SplitMix64's finaliser (wrap-around arithmetic)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


@njit
def stream_bases(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """mix(key ^ id) for every replication key and stream id: [R, S]."""
    out = np.empty((len(keys), len(ids)), np.uint64)
    for r in range(len(keys)):
        for s in range(len(ids)):
            out[r, s] = mix(keys[r] ^ ids[s])
    return out


@inline
def uniform(base: np.ndarray, i: int, t: int) -> float:
    """Stream i's uniform in [0, 1) at step t (53-bit resolution)."""
    x = mix(base[i] + _GAMMA * np.uint64(t + 1))
    return float(x >> _S11) * _TO_UNIT


@inline
def inner_uniform(base: np.ndarray, i: int, t: int) -> float:
    """Stream i's uniform at step t moved half a step up, strictly inside (0, 1): what `normal` transforms."""
    return uniform(base, i, t) + 0.5 * _TO_UNIT


@inline
def normal(base: np.ndarray, i: int, t: int) -> float:
    """Stream i's standard normal at step t: the inverse normal CDF at its inner uniform."""
    return kmath.ndtri(inner_uniform(base, i, t))
