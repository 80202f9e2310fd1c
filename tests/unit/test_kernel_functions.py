"""sim.core.kernel: the compiled step's small functions, on answers worked out by hand (as the numpy engine's
pure functions were; the whole step is checked against that engine in tests/integration/test_kernel.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core import kernel, kmath

LN3 = math.log(3)


def test_stance_is_friend_plus_foe_minus():
    """s = 2T - 1: 0.75 -> +0.5 (friend), 0.25 -> -0.5 (foe), the diagonal 0 (not -1)."""
    out = np.empty((2, 2))
    kernel.stance(np.array([[0.0, 0.75], [0.25, 0.0]]), out)
    np.testing.assert_allclose(out, [[0.0, 0.5], [-0.5, 0.0]])


def test_trust_is_the_logistic_of_the_log_odds_with_a_zero_diagonal():
    t = kernel.trust_of(np.array([[5.0, LN3], [-LN3, 0.0]]))
    np.testing.assert_allclose(t, [[0.0, 0.75], [0.25, 0.0]], rtol=1e-15)


def test_balance_is_the_mean_over_third_parties_of_shared_attitudes():
    """Four actors: B[0, 1] = (s[0, 2] s[1, 2] + s[0, 3] s[1, 3]) / 2 = (0.5 * 0.4 + -0.5 * 0.6) / 2 = -0.05.
    With two actors there is no third party: zero."""
    s = np.zeros((4, 4))
    s[0, 2], s[1, 2], s[0, 3], s[1, 3] = 0.5, 0.4, -0.5, 0.6
    assert kernel.balance(s, 0, 1) == pytest.approx(-0.05) and kernel.balance(s, 1, 0) == pytest.approx(-0.05)
    assert kernel.balance(np.array([[0.0, 0.9], [0.9, 0.0]]), 0, 1) == 0.0


def test_concave_has_slope_one_at_zero_half_at_the_scale_and_keeps_the_sign():
    """f(x) = sign(x) x0 ln(1 + |x| / x0): f(1; 1) = ln 2, f(-3; 1) = -ln 4, f(0.3; 0.15) = 0.15 ln 3;
    f'(x) = 1 / (1 + |x| / x0): 1 at 0, 1/2 at x0."""
    assert kernel.concave(1.0, 1.0) == pytest.approx(math.log(2), rel=1e-15)
    assert kernel.concave(-3.0, 1.0) == pytest.approx(-math.log(4), rel=1e-15)
    assert kernel.concave(0.0, 1.0) == 0.0
    assert kernel.concave(0.3, 0.15) == pytest.approx(0.15 * LN3)
    h = 1e-6
    assert (kernel.concave(2.0 + h, 2.0) - kernel.concave(2.0 - h, 2.0)) / (2 * h) == pytest.approx(0.5, rel=1e-6)
    assert kernel.concave(1e-9, 0.15) == pytest.approx(1e-9, rel=1e-8)


@pytest.mark.parametrize(("half_life", "rate"), [(1.0, 0.5), (2.0, 1 - 2**-0.5), (24.0, 1 - 2 ** (-1 / 24))])
def test_decay_rate_halves_the_memory_in_one_half_life(half_life, rate):
    """(1 - rate)^half_life = 1/2."""
    assert kmath.decay_rate(half_life) == pytest.approx(rate, rel=1e-15)


def test_surprise_weighs_only_the_hostile_part_by_negativity():
    """Friendly seen 1 vs expected 0; hostile seen -1.5 vs expected -0.5: 1 + 2 * (-1) = -1 with negativity 2;
    a hostile flow smaller than expected (seen -0.5, expected -1) counts at face value: 1 + 0.5."""
    seen = np.zeros((3, 1, 2))
    expected = np.zeros((3, 1, 2))
    seen[0, 0, 1], seen[1, 0, 1], expected[1, 0, 1] = 1.0, -1.5, -0.5
    assert kernel.surprise(seen, expected, 0, 1, 2.0) == pytest.approx(-1.0)
    assert kernel.surprise(seen, expected, 0, 1, 1.0) == pytest.approx(0.0)
    seen[1, 0, 1], expected[1, 0, 1] = -0.5, -1.0
    assert kernel.surprise(seen, expected, 0, 1, 2.0) == pytest.approx(1.5)


def test_learn_moves_the_expectation_a_share_eta_of_the_way():
    """E + eta (S - E): 0.2 + 0.25 (1.0 - 0.2) = 0.4; -1 + 0.25 (0 + 1) = -0.75."""
    expected = np.array([[[0.2, -1.0], [0.0, 0.0]]])  # [flow, observer, actor]
    kernel.learn(expected, np.array([[[1.0, 0.0], [0.0, 0.0]]]), 0.25)
    np.testing.assert_allclose(expected[0], [[0.4, -0.75], [0.0, 0.0]])


def test_poisson_counts_invert_the_cdf():
    """Rate 1: P(0) = e^-1 = 0.368, P(<= 1) = 0.736, P(<= 2) = 0.920; u just below or above each step."""
    p0 = math.exp(-1.0)
    counts = [kernel.poisson_count(u, 1.0, p0) for u in (0.0, 0.36, 0.37, 0.73, 0.74, 0.91, 0.93)]
    assert counts == [0, 0, 1, 1, 2, 2, 3]
