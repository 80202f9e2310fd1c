"""Named, counter-based random streams: batch-independent and common across scenarios by construction.

Replication r of seed s gets a 64-bit key from `numpy.random.SeedSequence(s).spawn(...)[r]`. Every random
decision in the model has a name ("noise:PAK:USA", "background:USA:PAK:demand", ...), and its draw at step t is
SplitMix64 (Steele, Lea and Flood 2014) of (key, name, t): a pure function, so

- replication r draws the same numbers alone or inside a batch of any size, on any worker or executor;
- two scenarios share every stream they both have (common random numbers), even when one adds policies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np
from scipy.special import ndtri

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def mix(x: np.ndarray, scratch: np.ndarray | None = None) -> np.ndarray:
    """SplitMix64's finaliser, in place: a bijective avalanche of uint64 values (wrap-around arithmetic)."""
    y = np.empty_like(x) if scratch is None else scratch
    with np.errstate(over="ignore"):
        np.right_shift(x, np.uint64(30), out=y)
        x ^= y
        x *= _M1
        np.right_shift(x, np.uint64(27), out=y)
        x ^= y
        x *= _M2
        np.right_shift(x, np.uint64(31), out=y)
        x ^= y
    return x


def replication_keys(seed: int, replications: Sequence[int] | np.ndarray) -> np.ndarray:
    """One key per replication index: the first word of that SeedSequence child's state."""
    return np.array(
        [np.random.SeedSequence(seed, spawn_key=(int(r),)).generate_state(1, np.uint64)[0] for r in replications],
        dtype=np.uint64,
    )


def stream_ids(names: Sequence[str]) -> np.ndarray:
    """Stable 64-bit ids for stream names (independent of Python's hash seed)."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "little") for n in names], dtype=np.uint64
    )


class Streams:
    """Uniform and normal draws for a fixed list of named streams, for every replication, step by step.

    Draws are made in blocks of rows small enough to stay in cache, with in-place arithmetic, so the cost per
    replication stays flat from a thousand replications to a hundred thousand.
    """

    BLOCK = 2048

    def __init__(self, keys: np.ndarray, names: Sequence[str]) -> None:
        self.names = list(names)
        self.index = {n: i for i, n in enumerate(self.names)}
        self._base = mix(keys[:, None] ^ stream_ids(self.names)[None, :])  # one key per (replication, stream)

    def _draw(self, step: int, cols: slice, finish: Callable[[np.ndarray, np.ndarray], None]) -> np.ndarray:
        base = self._base[:, cols]
        out = np.empty(base.shape, np.float64)
        x = np.empty((min(self.BLOCK, base.shape[0]), base.shape[1]), np.uint64)
        y = np.empty_like(x)
        with np.errstate(over="ignore"):
            increment = _GAMMA * np.uint64(step + 1)
            for a in range(0, base.shape[0], self.BLOCK):
                b = min(a + self.BLOCK, base.shape[0])
                xb = x[: b - a]
                np.add(base[a:b], increment, out=xb)
                mix(xb, y[: b - a])
                finish(xb, out[a:b])
        return out

    def uniform(self, step: int, cols: slice = slice(None)) -> np.ndarray:
        """Uniform draws in [0, 1) with 53-bit resolution, [replication, stream]."""

        def finish(bits: np.ndarray, out: np.ndarray) -> None:
            bits >>= np.uint64(11)
            np.multiply(bits, _TO_UNIT, out=out, casting="unsafe")

        return self._draw(step, cols, finish)

    def normal(self, step: int, cols: slice = slice(None)) -> np.ndarray:
        """Standard normal draws, inverting the normal CDF at a uniform strictly inside (0, 1)."""

        def finish(bits: np.ndarray, out: np.ndarray) -> None:
            bits >>= np.uint64(11)
            np.multiply(bits, _TO_UNIT, out=out, casting="unsafe")
            out += 0.5 * _TO_UNIT
            ndtri(out, out=out)

        return self._draw(step, cols, finish)
