"""numpy's SeedSequence, for many children at once: the first 64-bit word of the state of
`SeedSequence(seed, spawn_key=(r,))` for every r, in a handful of array operations instead of one SeedSequence
object per replication (10 to 50 µs each: a second or two of set-up for 100,000 replications).

The arithmetic is numpy's (Melissa O'Neill's seed_seq mixing, numpy/random/bit_generator.pyx): the seed's words
fill and mix a pool of four 32-bit words, then each further entropy word (here the child's index) is mixed into
every pool word, then the state is drawn from the pool. Everything before the child's word is the same for every
child, so it is computed once; tests/unit/test_seedseq.py checks the result against numpy's bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MASK = 0xFFFFFFFF
INIT_A, MULT_A = 0x43B0D7E5, 0x931E8875
INIT_B, MULT_B = 0x8B51F9DD, 0x58F38DED
MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
XSHIFT = 16
POOL = 4


def words(n: int) -> list[int]:
    """A non-negative integer as 32-bit words, least significant first (0 is one word), as numpy coerces it."""
    out = [n & MASK]
    while n > MASK:
        n >>= 32
        out.append(n & MASK)
    return out


class _Hash:
    """numpy's hashmix: each call mixes a value (an int, or uint64 arrays of 32-bit values) with the running
    constant, then advances the constant."""

    def __init__(self, const: int, mult: int) -> None:
        self.const, self.mult = const, mult

    def __call__(self, value: Any) -> Any:
        value = value ^ self.const
        self.const = (self.const * self.mult) & MASK
        value = (value * self.const) & MASK
        return value ^ (value >> XSHIFT)


def _mix(x: Any, y: Any) -> Any:
    result = (MIX_MULT_L * x - MIX_MULT_R * y) & MASK
    return result ^ (result >> XSHIFT)


def child_keys(seed: int, children: np.ndarray) -> np.ndarray:
    """For every child index r (0 <= r < 2^32), the first uint64 of SeedSequence(seed, spawn_key=(r,))'s state."""
    children = np.asarray(children)
    if children.size and not (children.min() >= 0 and children.max() <= MASK):
        raise ValueError("child indices must be in 0 .. 2^32 - 1")
    entropy = words(seed)
    entropy += [0] * (POOL - len(entropy))  # with a spawn key, the seed's words are padded to the pool's size
    mixing = _Hash(INIT_A, MULT_A)
    pool: list[Any] = [mixing(entropy[i]) for i in range(POOL)]
    for src in range(POOL):
        for dst in range(POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], mixing(pool[src]))
    for word in [*entropy[POOL:], children.astype(np.uint64)]:  # the seed's further words, then the child's
        for dst in range(POOL):
            pool[dst] = _mix(pool[dst], mixing(word))
    drawing = _Hash(INIT_B, MULT_B)
    low, high = drawing(pool[0]), drawing(pool[1])
    return np.asarray(low | (high << np.uint64(32)), np.uint64)
