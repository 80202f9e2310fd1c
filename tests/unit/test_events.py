"""sim.core.events: Poisson counts by inverting the CDF at given uniforms, and events applied to a step."""

from __future__ import annotations

import numpy as np

from sim.core.events import fire, poisson_count
from sim.core.world import CompiledEvent

# "fixed" happens at step 3: a shock (0 -> 1) of -0.5 with sd 1 and a trigger of channel 0 at intensity 2 with
# probability 0.5; "random" at rate 1: a shock (1 -> 0) of 0.2 with sd 1.
EVENTS = [
    CompiledEvent("fixed", 0.0, frozenset({3}), [(0, 1, -0.5, 1.0)], [(0, 0.5, 2.0)]),
    CompiledEvent("random", 1.0, frozenset(), [(1, 0, 0.2, 1.0)], []),
]


def test_poisson_counts_invert_the_cdf():
    """Rate 1: P(0) = e^-1 = 0.367879, P(<= 1) = 0.735759, P(<= 2) = 0.919699, P(<= 3) = 0.981012,
    P(<= 4) = 0.996340. The count is the number of CDF values at or below u."""
    u = np.array([0.0, 0.3678, 0.3679, 0.74, 0.92, 0.99, 0.9964])
    assert poisson_count(u, 1.0).tolist() == [0, 0, 1, 2, 3, 4, 5]


def test_a_rate_of_zero_never_happens_and_a_high_rate_happens_often():
    """Rate 0: no draws needed, all zero. Rate 3: P(0) = e^-3 = 0.0498, so u = 0.05 already gives one occurrence."""
    assert poisson_count(np.array([0.5, 0.999]), 0.0).tolist() == [0, 0]
    assert poisson_count(np.array([0.0497, 0.05]), 3.0).tolist() == [0, 1]
    assert poisson_count(np.zeros((2, 0)), 1.0).shape == (2, 0)


def test_fire_applies_shocks_and_triggers_times_the_number_of_occurrences():
    """Two replications, step 3 (EVENTS).
    Replication 0: "fixed" once, "random" once (u 0.5: 0.368 <= u < 0.736);
    replication 1: "fixed" once, "random" twice (u 0.8: 0.736 <= u < 0.920).
    shock[0 -> 1] = 1 * (-0.5 + z): z = 0.4, -0.2 -> -0.1, -0.7; the trigger fires where u < 0.5: 2, 0;
    shock[1 -> 0] = n * (0.2 + z): z = 0.1, -0.1 -> 0.3, 2 * 0.1 = 0.2."""
    moves, shock = np.zeros((2, 1)), np.zeros((2, 2, 2))
    u_count = np.array([[0.99, 0.5], [0.99, 0.8]])
    z = np.array([[0.4, 0.1], [-0.2, -0.1]])
    counts = fire(EVENTS, 3, u_count, np.array([[0.3], [0.7]]), z, moves, shock)
    assert counts.tolist() == [[1, 1], [1, 2]]
    np.testing.assert_allclose(shock[:, 0, 1], [-0.1, -0.7])
    np.testing.assert_allclose(shock[:, 1, 0], [0.3, 0.2])
    assert moves[:, 0].tolist() == [2.0, 0.0]


def test_an_event_that_does_not_happen_leaves_the_draws_of_the_others_in_place():
    """At step 4 "fixed" does not happen: its shock and trigger columns are skipped, and "random" still reads its own
    column of normals (column 1): shock[1 -> 0] = 0.2 + 0.1 = 0.3 in replication 0."""
    moves, shock = np.zeros((1, 1)), np.zeros((1, 2, 2))
    counts = fire(EVENTS, 4, np.array([[0.99, 0.5]]), np.array([[0.0]]), np.array([[9.0, 0.1]]), moves, shock)
    assert counts.tolist() == [[0, 1]]
    assert shock[0, 1, 0] == np.float64(0.2 + 0.1) and shock[0, 0, 1] == 0.0 and moves[0, 0] == 0.0
