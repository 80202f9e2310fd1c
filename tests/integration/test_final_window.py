"""One final window: Results.final, the run and compare tables and a sweep's outcomes agree."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import sim
import sim.sweep
from sim.runs import tables
from sim.sweep import api, tasks


@pytest.mark.parametrize("steps", [5, 30])
def test_results_output_and_sweeps_share_one_final_window(steps):
    """Shorter and longer than the window: Results.final, the run and compare tables and a sweep's outcomes agree."""
    res = sim.run("us_pressure", replications=range(3, 9), steps=steps, seed=3)
    by_hand = res.trust.sel(step=slice(max(1, steps - 11), steps)).mean("step")
    xr.testing.assert_allclose(res.final(), by_hand)
    table = tables.final_table(res.dataset).set_index(["observer", "target"])
    assert table.loc[("PAK", "USA"), "mean"] == pytest.approx(float(by_hand.sel(observer="PAK", target="USA").mean()))
    sweep = sim.sweep.load(
        {
            "scenario": "us_pressure",
            "replications": 6,
            "seed": 3,
            "steps": steps,
            "outcomes": ["trust_PAK_USA"],
            "vary": [{"path": "parameters.alpha", "values": [0.6]}],
        }
    )
    values = tasks.run_points([sweep.scenario], np.arange(3, 9), api.plan(sweep))[0][0]
    # Results keep trust as float32 (sim.core.recording): agreement to its 7 digits
    np.testing.assert_allclose(values[:, 0], by_hand.sel(observer="PAK", target="USA").values, rtol=0, atol=1e-6)
