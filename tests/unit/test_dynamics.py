"""sim.core.dynamics: the trust update's pure functions, on answers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core import dynamics
from sim.core.world import logit

LN3 = math.log(3)


def test_logit_inverts_the_logistic():
    """logit(3/4) = ln(0.75 / 0.25) = ln 3; logit(1/2) = 0."""
    np.testing.assert_allclose(logit(np.array([0.75, 0.5, 0.25])), [LN3, 0.0, -LN3])


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
