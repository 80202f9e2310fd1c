"""sim.sweep.design: grids and sampled designs have the expected points, and samples stay within their bounds."""

from __future__ import annotations

import numpy as np
import pytest

import sim.sweep
from sim.sweep import design as designs


def small(**settings) -> dict:
    """A sweep of US pressure over 12 replications of 24 steps, with the settings given."""
    return {"scenario": "us_pressure", "replications": 12, "seed": 3, "steps": 24, "outcomes": ["alignment"]} | settings


def test_designs_have_the_expected_points():
    grid = sim.sweep.load(
        small(
            vary=[
                {"path": "parameters.beta", "low": 0.0, "high": 0.2, "step": 0.1},
                {"path": "parameters.mu", "values": [0.1, 0.3]},
            ]
        )
    )
    assert grid.points.tolist() == [[0.0, 0.1], [0.0, 0.3], [0.1, 0.1], [0.1, 0.3], [0.2, 0.1], [0.2, 0.3]]
    vary = [
        {"path": "parameters.alpha", "low": 0.2, "high": 0.8},
        {"path": "parameters.half_life", "distribution": "loguniform", "low": 6.0, "high": 48.0},
    ]
    for design, samples, n in (("lhs", 10, 10), ("mc", 7, 7), ("sobol", 8, 32), ("morris", 4, 12)):
        s = sim.sweep.load(small(design=design, samples=samples, vary=vary))
        assert s.points.shape == (n, 2)
        assert (s.points[:, 0] >= 0.2).all() and (s.points[:, 0] <= 0.8).all()
        assert (s.points[:, 1] >= 6.0).all() and (s.points[:, 1] <= 48.0).all()
        assert np.array_equal(s.points, sim.sweep.load(small(design=design, samples=samples, vary=vary)).points)


def test_sampled_values_stay_within_their_bounds():
    # 0.15 + 1.0 * (0.45 - 0.15) is 0.45000000000000007 in floating point: past a dyad's `high`, so invalid
    for kind in ("uniform", "loguniform", "triangular", "normal"):
        m = designs.Marginal(kind, 0.15, 0.45, mean=0.3, sd=0.1, mode=0.3)
        ends = m.ppf(np.array([0.0, 1.0]))
        assert 0.15 <= ends[0] <= ends[1] <= 0.45 and ends == pytest.approx([0.15, 0.45], abs=1e-12)
    assert designs.axis(0.15, 0.45, step=0.1)[-1] == 0.45
