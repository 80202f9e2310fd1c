"""sim.util.seedseq: numpy's SeedSequence children, many at once, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.util.seedseq import child_keys, words


def numpy_keys(seed: int, children: list[int]) -> np.ndarray:
    states = [np.random.SeedSequence(seed, spawn_key=(r,)).generate_state(1, np.uint64)[0] for r in children]
    return np.array(states, np.uint64)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 2**200)),
    children=st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=20),
)
def test_the_same_keys_as_numpys_seed_sequence(seed, children):
    assert np.array_equal(child_keys(seed, np.array(children)), numpy_keys(seed, children))


@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1, 2**32, 2**64 - 1, 2**64, 2**128 - 1, 2**128])
def test_seeds_at_the_word_boundaries(seed):
    children = [0, 1, 2**31, 2**32 - 1]
    assert np.array_equal(child_keys(seed, np.array(children)), numpy_keys(seed, children))


def test_words_are_least_significant_first():
    assert words(0) == [0]
    assert words(2**32 + 5) == [5, 1]


def test_children_outside_32_bits_are_refused():
    with pytest.raises(ValueError, match="2\\^32"):
        child_keys(1, np.array([2**32]))
    with pytest.raises(ValueError):
        child_keys(1, np.array([-1]))
