"""The engine: reproducibility, batch independence, bounds, Mesa compatibility, any number of actors."""

from __future__ import annotations

import mesa
import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.scenario.load import validate_raw


def test_same_seed_same_numbers_different_seed_different_numbers():
    a = sim.run("baseline", replications=20, steps=30, seed=11)
    b = sim.run("baseline", replications=20, steps=30, seed=11)
    c = sim.run("baseline", replications=20, steps=30, seed=12)
    assert np.array_equal(a.trust.values, b.trust.values, equal_nan=True)
    assert np.array_equal(a.moves.values, b.moves.values)
    assert not np.allclose(a.trust.values[:, 1:], c.trust.values[:, 1:], equal_nan=True)


@pytest.mark.parametrize("batch", [[5], [0, 5], list(range(9)), [5, 3, 1000]])
def test_replication_is_identical_alone_or_in_any_batch(batch):
    alone = sim.run("us_pressure", replications=[5], steps=40, seed=99)
    inside = sim.run("us_pressure", replications=batch, steps=40, seed=99)
    left = alone.dataset.sel(replication=5)
    right = inside.dataset.sel(replication=5)
    assert np.array_equal(left.trust.values, right.trust.values, equal_nan=True)
    assert np.array_equal(left.moves.values, right.moves.values)
    assert np.array_equal(left.events.values, right.events.values)


def test_scenarios_share_random_numbers():
    """Common random numbers: with no policy acting yet, a scenario matches the baseline exactly."""
    spec = sim.load_scenario("us_india_tilt").model_dump()
    for policy in spec["policies"]:
        policy["start"] = 20
    late = validate_raw(spec)
    base = sim.run("baseline", replications=10, steps=25, seed=4)
    tilt = sim.run(late, replications=10, steps=25, seed=4)
    assert np.array_equal(base.trust.values[:, :20], tilt.trust.values[:, :20], equal_nan=True)
    assert not np.array_equal(base.trust.values[:, 21:], tilt.trust.values[:, 21:], equal_nan=True)


def test_batch_run_sees_an_ordinary_mesa_model():
    rows = mesa.batch_run(
        sim.DiplomacyModel, parameters={"scenario": "baseline"}, rng=[1, 2, 3], max_steps=24, display_progress=False
    )
    assert len(rows) == 3
    assert {"trust_PAK_USA", "trust_USA_PAK", "trust_IND_CHN"} <= set(rows[0])
    values = [r["trust_PAK_USA"] for r in rows]
    assert all(0 < v < 1 for v in values) and len(set(values)) == 3
    assert all(r["Step"] == 24 for r in rows)


def test_single_model_matches_replication_zero_of_the_api():
    model = sim.DiplomacyModel("baseline", rng=2, steps=15)
    for _ in range(15):
        model.step()
    api = sim.run("baseline", replications=[0], steps=15, seed=2)
    assert np.float32(model.trust[0, 0, 1]) == api.trust.values[0, -1, 0, 1]  # stored as float32
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 16 and df["trust_PAK_USA"].iloc[-1] == model.trust[0, 0, 1]
    assert not model.running
    assert [a.code for a in model.countries] == ["PAK", "USA", "CHN", "IND"]
    assert isinstance(model.countries[0], mesa.Agent)


def test_keyword_parameters_override_the_scenario():
    model = sim.DiplomacyModel("baseline", alpha=0.1, half_life=12.0)
    assert model.config.parameters.alpha == 0.1
    with pytest.raises(sim.ConfigError, match="alfa"):
        sim.DiplomacyModel("baseline", alfa=0.1)


@pytest.mark.parametrize(
    ("given", "words"),
    [({"rng": -1}, "key 'seed': must be between 0"), ({"steps": 0}, "key 'steps': must be at least 1, got 0")],
)
def test_a_models_seed_and_steps_are_checked_where_a_mesa_user_hands_them_in(given, words):
    with pytest.raises(sim.ConfigError, match=words):
        sim.DiplomacyModel("baseline", **given)


PARAMS = st.fixed_dictionaries(
    {
        "alpha": st.floats(0, 5),
        "mu": st.floats(0, 5),
        "beta": st.floats(0, 5),
        "half_life": st.floats(0.5, 1e5),
        "sigma": st.floats(0, 2),
        "l_max": st.floats(0.01, 10),
        "noise_reduction": st.floats(0, 1),
        "calm_half_life": st.floats(0.5, 1e5),
        "reply_floor": st.floats(0, 10),
    }
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=PARAMS, intensity=st.floats(0.01, 10), seed=st.integers(0, 2**63 - 1))
def test_trust_stays_finite_and_inside_the_unit_interval(params, intensity, seed):
    raw = sim.load_scenario("us_pressure").model_dump()
    raw["policies"][0]["intensity"] = intensity
    raw["parameters"].update(params)
    res = sim.run(validate_raw(raw), replications=4, steps=30, seed=seed)
    t = res.trust.values
    off = ~np.eye(4, dtype=bool)
    assert np.isfinite(t[..., off]).all()
    assert ((t[..., off] > 0) & (t[..., off] < 1)).all()


def test_any_number_of_actors(scenario_file):
    path = scenario_file(
        """
name = "with_afghanistan"
world = "world.toml"
steps = 24
[actors.AFG]
name = "Afghanistan"
[trust.AFG.PAK]
initial = 0.2
low = 0.1
high = 0.4
inferred = "test"
[trust.PAK.AFG]
initial = 0.2
low = 0.1
high = 0.4
evidence = ["P2.S2"]
[background.PAK.AFG]
criticize = 0.3
"""
        + "".join(
            f"""
[trust.AFG.{c}]
initial = 0.4
low = 0.2
high = 0.6
inferred = "test"
[trust.{c}.AFG]
initial = 0.4
low = 0.2
high = 0.6
inferred = "test"
"""
            for c in ["USA", "CHN", "IND"]
        )
    )
    res = sim.run(path, replications=8)
    assert res.trust.sizes["observer"] == 5
    assert "AFG" in res.actors
    assert res.moves.sel(actor="PAK", move="criticize").sum() > 0
    assert np.isfinite(res.trust.sel(observer="AFG", target="PAK").values).all()


def test_two_actor_world_runs(scenario_file):
    world = sim.load_scenario("baseline").world.model_dump()
    world["actors"] = {k: v for k, v in world["actors"].items() if k in ("PAK", "USA")}
    world["trust"] = {"PAK": {"USA": world["trust"]["PAK"]["USA"]}, "USA": {"PAK": world["trust"]["USA"]["PAK"]}}
    world["background"] = {"PAK": {"USA": {"dialogue": 0.5}}}
    world["rules"], world["events"], world["reciprocity"]["actors"] = [], {}, {}
    spec = validate_raw({"name": "pair", "world": world, "steps": 10})
    res = sim.run(spec, replications=3)
    assert res.polarization().shape == (3, 11)


def test_sampled_initial_trust_covers_the_range_and_stays_batch_independent():
    raw = sim.load_scenario("baseline").model_dump()
    raw["initial_trust"] = "sampled"
    spec = validate_raw(raw)
    res = sim.run(spec, replications=200, steps=2, seed=8)
    start = res.trust.sel(step=0, observer="PAK", target="USA").values
    dyad = spec.world.trust["PAK"]["USA"]
    assert start.min() >= dyad.low and start.max() <= dyad.high
    assert start.max() - start.min() > 0.5 * (dyad.high - dyad.low)
    alone = sim.run(spec, replications=[17], steps=2, seed=8)
    assert np.array_equal(alone.trust.values[0], res.trust.sel(replication=17).values, equal_nan=True)


def test_calibration_is_shared_by_worlds_that_differ_only_in_prose_ranges_or_stated_baselines():
    from sim.core.calibration import status_quo_key

    world = sim.load_scenario("baseline").world
    raw = world.model_dump()
    raw["trust"]["PAK"]["USA"].update(baseline=0.5, low=0.3, evidence=["P2.S1"])
    raw["description"] = "another text"
    other = type(world).model_validate(raw)
    assert status_quo_key(other) == status_quo_key(world)
    raw["trust"]["PAK"]["USA"]["initial"] = 0.4
    assert status_quo_key(type(world).model_validate(raw)) != status_quo_key(world)


def test_sweep_subpackage_is_reachable_from_the_package():
    assert callable(sim.sweep.run)


def test_calibration_key_keeps_the_actor_order():
    from sim.core.calibration import status_quo_key

    world = sim.load_scenario("baseline").world
    assert list(type(world).model_validate_json(status_quo_key(world)).actors) == list(world.actors)


def test_large_runs_are_chunked_without_changing_a_number(monkeypatch):
    import sim.runs.api

    whole = sim.run("dialogue", replications=[3, 9, 4, 12, 0], steps=12, seed=6)
    monkeypatch.setattr(sim.runs.api, "CHUNK", 2)
    chunked = sim.run("dialogue", replications=[3, 9, 4, 12, 0], steps=12, seed=6)
    xr.testing.assert_identical(whole.dataset, chunked.dataset)


def test_replies_to_moves_that_share_an_answer_all_count(scenario_file):
    """A monthly US demand draws Pakistan's criticism of the US although threats and aid cuts, also answered by
    criticism, share that answer's channel (issue 17: before, the last write of the group won and the demand's
    reply was lost: +0.000 criticism a month)."""
    path = scenario_file(
        'name = "monthly_demand"\nsteps = 60\n[[policies]]\nactor = "USA"\nmove = "demand"\ntarget = "PAK"\n'
    )
    base, demand = (
        sim.run(spec, replications=200, seed=11, steps=60).moves.sel(actor="PAK", move="criticize")
        for spec in ("baseline", path)
    )
    extra = float(demand.sel(step=slice(2, None)).mean() - base.sel(step=slice(2, None)).mean())
    # a reply with probability `hostile` = 0.5 at 0.8 of the demand's intensity, above the reply floor
    assert 0.35 < extra < 0.55


def test_a_run_stopped_and_resumed_or_stepped_the_mesa_way_gives_the_numbers_of_one_run():
    """The replies of the first step after a stop answer the moves made before it, whichever way the steps are
    taken: whole-run loop, then Mesa's step(), then the loop again."""
    whole = sim.DiplomacyModel("dialogue", replications=30, rng=3, steps=30)
    whole.run()
    parts = sim.DiplomacyModel("dialogue", replications=30, rng=3, steps=30)
    parts.run(until=10)
    for _ in range(3):
        parts.step()
    parts.run(until=20)
    parts.run()
    assert parts.done == whole.done == 30
    assert np.array_equal(parts.recording.trust, whole.recording.trust, equal_nan=True)
    assert np.array_equal(parts.recording.moves, whole.recording.moves)
    assert parts.recording.moves[:, 11:].sum() > 0
