"""sim.core.dynamics: the trust update's pure functions, on answers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core import dynamics
from sim.core.world import logit

LN3 = math.log(3)


def test_trust_is_the_logistic_of_the_log_odds_with_a_zero_diagonal():
    """logistic(ln 3) = 3 / 4, logistic(-ln 3) = 1 / 4; the diagonal (trust in oneself) is 0 whatever it held."""
    log_odds = np.array([[[5.0, LN3], [-LN3, 5.0]]])
    np.testing.assert_allclose(dynamics.trust(log_odds), [[[0.0, 0.75], [0.25, 0.0]]])
    assert log_odds[0, 0, 0] == 5.0  # a new array: the input is left alone


def test_logit_inverts_the_logistic():
    """logit(3/4) = ln(0.75 / 0.25) = ln 3; logit(1/2) = 0."""
    np.testing.assert_allclose(logit(np.array([0.75, 0.5, 0.25])), [LN3, 0.0, -LN3])


def test_stance_is_friend_plus_foe_minus():
    """s = 2T - 1: 0.75 -> +0.5 (friend), 0.25 -> -0.5 (foe), the diagonal 0 (not -1)."""
    t = np.array([[0.0, 0.75], [0.25, 0.0]])
    np.testing.assert_allclose(dynamics.stance(t), [[0.0, 0.5], [-0.5, 0.0]])


def test_direct_reads_what_the_actor_did_to_me():
    """D[o, a] = W[a, o]: A's flow to B (W[0, 1] = 2) is what B (row 1) sees of A (column 0)."""
    w = np.array([[0.0, 2.0], [-1.0, 0.0]])
    np.testing.assert_array_equal(dynamics.direct(w), [[0.0, -1.0], [2.0, 0.0]])


def test_audience_weighs_the_actors_flows_to_third_parties_by_my_stance():
    """Three actors. A gives C 1.0 and B 0.5; B gives C -2.0. Stances: s[A, C] = 0.5, s[B, C] = -0.4, s[C, B] = 0.2.

    A[B, A] = W[A, C] s[B, C] = 1.0 * -0.4 = -0.4 (B dislikes C, whom A helps).
    A[C, A] = W[A, B] s[C, B] = 0.5 * 0.2 = 0.1.
    A[A, B] = W[B, C] s[A, C] = -2.0 * 0.5 = -1.0 (B hurts A's friend C).
    A[C, B] = W[B, A] s[C, A] = 0 (B did nothing to A); the flows to oneself (k = o) never count.
    """
    w = np.array([[0.0, 0.5, 1.0], [0.0, 0.0, -2.0], [0.0, 0.0, 0.0]])
    s = np.array([[0.0, 0.0, 0.5], [0.0, 0.0, -0.4], [0.0, 0.2, 0.0]])
    a = dynamics.audience(w, s)
    assert a[1, 0] == pytest.approx(-0.4)
    assert a[2, 0] == pytest.approx(0.1)
    assert a[0, 1] == pytest.approx(-1.0)
    assert a[2, 1] == 0.0


def test_balance_is_the_mean_over_third_parties_of_shared_attitudes():
    """Four actors: B[0, 1] = (s[0, 2] s[1, 2] + s[0, 3] s[1, 3]) / 2 = (0.5 * 0.4 + -0.5 * 0.6) / 2 = -0.05.
    With two actors there is no third party: zeros."""
    s = np.zeros((4, 4))
    s[0, 2], s[1, 2], s[0, 3], s[1, 3] = 0.5, 0.4, -0.5, 0.6
    b = dynamics.balance(s[None])
    assert b[0, 0, 1] == pytest.approx(-0.05) and b[0, 1, 0] == pytest.approx(-0.05)
    np.testing.assert_array_equal(dynamics.balance(np.array([[0.0, 0.9], [0.9, 0.0]])), np.zeros((2, 2)))


def test_concave_has_slope_one_at_zero_half_at_the_scale_and_keeps_the_sign():
    """f(x) = sign(x) x0 ln(1 + |x| / x0): f(1; 1) = ln 2, f(-3; 1) = -ln 4, f(0.3; 0.15) = 0.15 ln 3;
    f'(x) = 1 / (1 + |x| / x0): 1 at 0, 1/2 at x0."""
    np.testing.assert_allclose(
        dynamics.concave(np.array([1.0, -3.0, 0.0]), 1.0), [math.log(2), -math.log(4), 0.0], rtol=1e-15
    )
    assert dynamics.concave(np.array(0.3), 0.15) == pytest.approx(0.15 * LN3)
    h = 1e-6
    slope = (dynamics.concave(np.array(2.0 + h), 2.0) - dynamics.concave(np.array(2.0 - h), 2.0)) / (2 * h)
    assert slope == pytest.approx(0.5, rel=1e-6)
    assert dynamics.concave(np.array(1e-9), 0.15) == pytest.approx(1e-9, rel=1e-8)


@pytest.mark.parametrize(("half_life", "rate"), [(1.0, 0.5), (2.0, 1 - 2**-0.5), (24.0, 1 - 2 ** (-1 / 24))])
def test_decay_rate_halves_the_memory_in_one_half_life(half_life, rate):
    """(1 - rate)^half_life = 1/2."""
    assert dynamics.decay_rate(half_life) == pytest.approx(rate)
    assert (1 - dynamics.decay_rate(half_life)) ** half_life == pytest.approx(0.5)


def test_surprise_weighs_only_the_negative_part_by_negativity():
    """seen - expected = [1, -1, 0.5]: with negativity 2, [1, -2, 0.5]; with 1, as it is."""
    seen, expected = np.array([1.0, -1.5, 0.0]), np.array([0.0, -0.5, -0.5])
    np.testing.assert_allclose(dynamics.surprise(seen, expected, 2.0), [1.0, -2.0, 0.5])
    np.testing.assert_allclose(dynamics.surprise(seen, expected), [1.0, -1.0, 0.5])


def test_learn_moves_the_expectation_a_share_eta_of_the_way():
    """E + eta (S - E): 0.2 + 0.25 (1.0 - 0.2) = 0.4; -1 + 0.25 (0 + 1) = -0.75."""
    np.testing.assert_allclose(dynamics.learn(np.array([0.2, -1.0]), np.array([1.0, 0.0]), 0.25), [0.4, -0.75])


def test_update_decays_toward_the_level_adds_noise_then_clips():
    """lam 0.5, l_max 2. L = 1, level 0, push 0.3, sd 0.2, eps 1: 1 + 0.3 - 0.5 + 0.2 = 1.0.
    L = 1.5, push 2, eps -1, level 0.5: 1.5 + 2 - 0.5 - 0.2 = 2.8 -> 2 (clipped after the noise).
    L = -1.8, push -1, eps -1, level -1.8: -2.8 - 0.2 = -3.0 -> -2. The diagonal stays 0."""
    log_odds = np.array([[[0.0, 1.0, 1.5], [-1.8, 0.0, 0.0], [0.0, 0.0, 0.0]]])
    level = np.array([[[9.0, 0.0, 0.5], [-1.8, 9.0, 0.0], [0.0, 0.0, 9.0]]])
    push = np.array([[[1.0, 0.3, 2.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])
    eps = np.array([[[1.0, 1.0, -1.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])
    new = dynamics.update(log_odds, level, push, np.full((3, 3), 0.2), eps, 0.5, 2.0)
    np.testing.assert_allclose(new[0, 0, 1:], [1.0, 2.0])
    assert new[0, 1, 0] == -2.0
    np.testing.assert_array_equal(np.diagonal(new[0]), 0.0)


def test_calibrated_baseline_corrects_for_the_spread_and_the_mean_push():
    """One part (K = 1) with mean 0.2 and raw second moment 0.05 (variance 0.01), coefficient 2, sigma 0.1, lam 0.5,
    trust 0.75 (ln 3): Var[push] = 4 * 0.01 + 0.01 = 0.05, v = 0.05 / (1 - 0.25) = 1/15,
    m = ln 3 * sqrt(1 + pi / 120) = 1.098612 * 1.013006 = 1.112900, L0 = m - E[push] / lam = m - 0.4 / 0.5 = 0.312900.
    A dyad with no spread and no push keeps its level: L0 = logit(T0)."""
    l_init = np.array([[0.0, LN3], [-LN3, 0.0]])
    first = np.array([[[0.0, 0.2], [0.0, 0.0]]])
    second = np.array([[[[0.0, 0.05], [0.0, 0.0]]]])
    sigma = np.array([[0.0, 0.1], [0.0, 0.0]])
    l0 = dynamics.calibrated_baseline(l_init, first, second, sigma, np.array([2.0]), 0.5, np.zeros((2, 2)))
    assert l0[0, 1] == pytest.approx(LN3 * math.sqrt(1 + math.pi / 120) - 0.8)
    assert l0[0, 1] == pytest.approx(0.312900, abs=1e-6)
    assert l0[1, 0] == pytest.approx(-LN3)
    steady = np.array([[0.0, 0.0], [0.1, 0.0]])  # a steady push of 0.1 is offset by a baseline 0.1 / lam lower
    shifted = dynamics.calibrated_baseline(l_init, first, second, sigma, np.array([2.0]), 0.5, steady)
    assert shifted[1, 0] == pytest.approx(-LN3 - 0.2)


def test_noise_scale_is_lowered_by_calm():
    """sd = sigma (1 - reduction C): 0.1 (1 - 0.5 * 0.5) = 0.075; a fully calm pair at reduction 1 has none."""
    np.testing.assert_allclose(dynamics.noise_scale(np.array([0.1, 0.1]), np.array([0.5, 1.0]), 0.5), [0.075, 0.05])
    assert dynamics.noise_scale(np.array(0.1), np.array(1.0), 1.0) == 0.0


def test_alignment_is_the_share_of_pakistans_trust_that_goes_to_china():
    """T[PAK, CHN] = 0.6, T[PAK, USA] = 0.2: 0.6 / 0.8 = 0.75 (toward China)."""
    t = np.zeros((3, 3))
    t[0, 1], t[0, 2] = 0.6, 0.2  # PAK, CHN, USA
    assert dynamics.alignment(t, pak=0, chn=1, usa=2) == pytest.approx(0.75)


def _mutual(signs: dict[tuple[int, int], float], n: int) -> np.ndarray:
    """Trust 0.8 both ways for a friendly pair (+1), 0.2 for a hostile one (-1)."""
    t = np.zeros((n, n))
    for (i, j), sign in signs.items():
        t[i, j] = t[j, i] = 0.5 + 0.3 * sign
    return t


@pytest.mark.parametrize(
    ("signs", "balanced"),
    [
        ((1, 1, 1), True),  # three friends
        ((1, -1, -1), True),  # two friends against a common foe
        ((1, 1, -1), False),  # my friends are each other's foes
        ((-1, -1, -1), False),  # all against all
    ],
)
def test_polarization_signs_a_triad_by_its_balance_and_sizes_it_by_its_ties(signs, balanced):
    """A triad counts + when the product of its mutual stances s = T[i, j] + T[j, i] - 1 is positive (balanced), -
    otherwise, by the cube root of that product: ties of 0.8 both ways (or 0.2) have |s| = 0.6, so +-0.6."""
    t = _mutual(dict(zip([(0, 1), (0, 2), (1, 2)], signs, strict=True)), 3)
    assert dynamics.polarization(t) == pytest.approx(0.6 if balanced else -0.6)
    stronger = 0.5 + 1.5 * (t - 0.5)  # ties of 0.95 or 0.05 both ways: |s| = 0.9
    np.fill_diagonal(stronger, 0.0)
    assert abs(dynamics.polarization(stronger)) == pytest.approx(0.9)  # sharper ties, sharper split


def test_polarization_of_two_blocs_and_of_fewer_than_three_actors():
    """{0, 1} against {2, 3}: every triad holds one friendly and two hostile edges, balanced: 0.6 each. Make 0-1
    hostile: triads (0, 1, 2) and (0, 1, 3) are all against all (-0.6), the other two still balanced (+0.6): 0 on
    the mean. Fewer than three actors: no triad, 0."""
    blocs = {(0, 1): 1, (2, 3): 1, (0, 2): -1, (0, 3): -1, (1, 2): -1, (1, 3): -1}
    assert dynamics.polarization(_mutual(blocs, 4)) == pytest.approx(0.6)
    assert dynamics.polarization(_mutual(blocs | {(0, 1): -1}, 4)) == pytest.approx(0.0)
    np.testing.assert_array_equal(dynamics.polarization(np.zeros((5, 2, 2))), np.zeros(5))
