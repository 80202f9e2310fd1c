"""Named, counter-based random streams: batch-independent and common across scenarios by construction.

Replication r of seed s gets a 64-bit key from `numpy.random.SeedSequence(s).spawn(...)[r]`. Every random
decision in the model has a name ("noise:PAK:USA", "background:USA:PAK:demand", ...), and its draw at step t is
SplitMix64 (Steele, Lea and Flood 2014) of (key, name, t): a pure function, so

- replication r draws the same numbers alone or inside a batch of any size, on any worker or executor;
- two scenarios share every stream they both have (common random numbers), even when one adds policies.

The engine draws inside its compiled step (sim.core.kdraws.uniform and normal, the same arithmetic); `Streams`
here draws whole blocks with numpy, for decisions made before the first step (sampled initial trust).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from sim.util.seedseq import child_keys

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place: a bijective avalanche of uint64 values (wrap-around arithmetic)."""
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= _M1
        x ^= x >> np.uint64(27)
        x *= _M2
        x ^= x >> np.uint64(31)
    return x


def replication_keys(seed: int, replications: Sequence[int] | np.ndarray) -> np.ndarray:
    """One key per replication index: the first word of that SeedSequence child's state (sim.util.seedseq)."""
    return child_keys(seed, np.asarray(replications, np.int64).reshape(-1))


def stream_ids(names: Sequence[str]) -> np.ndarray:
    """Stable 64-bit ids for stream names (independent of Python's hash seed)."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "little") for n in names], dtype=np.uint64
    )


class Streams:
    """Uniform draws for a fixed list of named streams, for every replication."""

    def __init__(self, keys: np.ndarray, names: Sequence[str]) -> None:
        self.names = list(names)
        self._base = mix(keys[:, None] ^ stream_ids(self.names)[None, :])  # one key per (replication, stream)

    def uniform(self, step: int) -> np.ndarray:
        """Uniform draws in [0, 1) with 53-bit resolution, [replication, stream]."""
        with np.errstate(over="ignore"):
            bits = mix(self._base + _GAMMA * np.uint64(step + 1))
        return (bits >> np.uint64(11)).astype(np.float64) * _TO_UNIT
