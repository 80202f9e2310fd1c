"""sim.fit.abc: ABC-SMC on toy problems with known answers, deterministic whatever the block size."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.fit.abc import Population, abc_smc, kernel_covariance, prior_sample, weights_of

TRUTH = np.array([0.3, -1.0])
LOW, HIGH = np.array([-2.0, -2.0]), np.array([2.0, 2.0])


def distance(xs: np.ndarray) -> np.ndarray:
    """A deterministic distance whose ABC posterior at tolerance eps is the box |x - TRUTH| <= eps."""
    return np.abs(xs - TRUTH).max(axis=1)


def test_the_populations_close_in_on_the_truth_with_falling_tolerances():
    outcome = abc_smc(distance, LOW, HIGH, particles=200, generations=6, seed=1)
    eps = [p.epsilon for p in outcome.populations]
    assert np.isinf(eps[0]) and all(a > b for a, b in itertools.pairwise(eps[1:]))
    last = outcome.posterior
    assert (distance(last.particles) <= last.epsilon).all()  # every particle within the tolerance
    assert np.allclose(last.weights @ last.particles, TRUTH, atol=0.1)
    assert last.weights.sum() == pytest.approx(1.0) and 50 < last.ess <= 200
    assert outcome.stopped == "6 generations"


def test_the_result_does_not_depend_on_the_block_size_and_the_seed_decides_it():
    a = abc_smc(distance, LOW, HIGH, particles=50, generations=3, seed=7)
    b = abc_smc(distance, LOW, HIGH, particles=50, generations=3, seed=7, block=13)
    c = abc_smc(distance, LOW, HIGH, particles=50, generations=3, seed=8)
    np.testing.assert_array_equal(a.posterior.particles, b.posterior.particles)
    np.testing.assert_array_equal(a.posterior.weights, b.posterior.weights)
    assert [p.proposed for p in a.populations] == [p.proposed for p in b.populations]
    assert not np.array_equal(a.posterior.particles, c.posterior.particles)


def test_a_generation_that_accepts_too_few_stops_with_the_last_complete_population():
    calls = []

    def stuck(xs: np.ndarray) -> np.ndarray:  # after the first generation nothing comes close again
        calls.append(len(xs))
        return np.full(len(xs), 1.0) if len(calls) > 1 else np.linspace(0, 1, len(xs))

    outcome = abc_smc(stuck, LOW, HIGH, particles=20, generations=4, seed=0, max_proposals=60)
    assert len(outcome.populations) == 1 and outcome.stopped.startswith("generation 1 accepted 0 of 60")


def test_prior_draws_fill_the_box_and_proposals_stay_inside_it():
    draws = prior_sample(LOW, HIGH, 500, seed=3)
    assert draws.shape == (500, 2) and (draws >= LOW).all() and (draws <= HIGH).all()
    assert abs(draws.mean()) < 0.2  # uniform on a box centred on zero
    previous = Population(0, np.inf, draws, np.full(500, 1 / 500), distance(draws), 500)
    cov = kernel_covariance(previous.particles, previous.weights, LOW, HIGH)
    assert np.allclose(cov, 2 * np.cov(draws.T, bias=True) + np.diag((1e-3 * (HIGH - LOW)) ** 2))


def test_importance_weights_favour_particles_the_proposal_rarely_reaches():
    previous = Population(0, np.inf, np.array([[0.0, 0.0], [0.1, 0.0]]), np.array([0.5, 0.5]), np.zeros(2), 2)
    cov = np.eye(2) * 0.01
    w = weights_of(np.array([[0.05, 0.0], [1.0, 1.0]]), previous, cov)
    assert w.sum() == pytest.approx(1.0) and w[1] > w[0]  # far from every previous particle: weighed up
