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
        ((1, 1, 1), 1.0),  # three friends
        ((1, -1, -1), 1.0),  # two friends against a common foe
        ((1, 1, -1), 0.0),  # my friends are each other's foes
        ((-1, -1, -1), 0.0),  # all against all
    ],
)
def test_polarization_is_the_share_of_balanced_triads(signs, balanced):
    """A triad is balanced when the product of the signs of mutual stance T[i, j] + T[j, i] - 1 is positive."""
    t = _mutual(dict(zip([(0, 1), (0, 2), (1, 2)], signs, strict=True)), 3)
    assert dynamics.polarization(t) == balanced


def test_polarization_of_two_blocs_and_of_fewer_than_three_actors():
    """{0, 1} against {2, 3}: every triad holds one friendly and two hostile edges, balanced: 1.0. Make 0-1 hostile:
    triads (0, 1, 2) and (0, 1, 3) are all against all (-, -, -), the other two still balanced: 0.5. Fewer than
    three actors: no triad, 1 by convention."""
    blocs = {(0, 1): 1, (2, 3): 1, (0, 2): -1, (0, 3): -1, (1, 2): -1, (1, 3): -1}
    assert dynamics.polarization(_mutual(blocs, 4)) == 1.0
    assert dynamics.polarization(_mutual(blocs | {(0, 1): -1}, 4)) == 0.5
    np.testing.assert_array_equal(dynamics.polarization(np.zeros((5, 2, 2))), np.ones(5))
