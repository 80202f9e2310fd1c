"""Results: labelled arrays, derived outputs, tables, and an exact save/load round trip."""

from __future__ import annotations

import numpy as np
import xarray as xr

import sim


def test_labelled_dimensions_and_initial_state():
    res = sim.run("baseline", replications=[2, 4, 6], steps=10, seed=1)
    assert res.trust.dims == ("replication", "step", "observer", "target")
    assert list(res.trust.replication.values) == [2, 4, 6]
    assert res.trust.sizes["step"] == 11
    assert res.trust.sel(step=0, observer="PAK", target="USA").values.tolist() == [0.35] * 3 or np.allclose(
        res.trust.sel(step=0, observer="PAK", target="USA").values, 0.35
    )
    assert np.isnan(res.trust.sel(observer="PAK", target="PAK")).all()


def test_derived_outputs():
    res = sim.run("china_balancing", replications=5, steps=12, seed=1)
    mutual = res.mutual_trust()
    assert "PAK-USA" in mutual.pair.values and mutual.sizes["pair"] == 6
    expected = (res.trust.sel(observer="PAK", target="USA") + res.trust.sel(observer="USA", target="PAK")) / 2
    assert np.allclose(mutual.sel(pair="PAK-USA").values, expected.values)
    align = res.alignment()
    assert ((align > 0) & (align < 1)).all()
    pol = res.polarization()
    assert ((pol >= 0) & (pol <= 1)).all()
    assert res.moves.sel(actor="PAK", move="economic_cooperation").sum() > 0
    assert set(res.move_counts().columns) >= {"step", "actor", "move", "mean_count"}
    assert set(res.event_counts()["event"]) >= {"terror_attack_india"}


def test_tables():
    res = sim.run("baseline", replications=6, steps=5, seed=1)
    tidy = res.to_dataframe()
    assert len(tidy) == 6 * 6 * 12 and set(tidy.columns) >= {"replication", "step", "observer", "target", "trust"}
    summary = res.summary()
    assert list(summary.columns) == ["step", "observer", "target", "mean", "p05", "p25", "p50", "p75", "p95"]
    assert (summary["p05"] <= summary["p50"]).all() and (summary["p50"] <= summary["p95"]).all()


def test_save_load_round_trips_exactly(tmp_path):
    res = sim.run("crisis_shock", replications=4, steps=30, seed=5)
    path = res.save(tmp_path / "run.nc")
    back = sim.Results.load(path)
    xr.testing.assert_identical(res.dataset, back.dataset)
    assert back.scenario == res.scenario and back.seed == 5
