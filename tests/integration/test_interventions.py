"""A scenario's changes to its world are interventions on the world's calibrated status quo (issue 17, item 2).

The anchors (calibrated baselines and status-quo expectations) come from the world a scenario names, before the
scenario's own `trust`, `background`, `moves`, `reciprocity` ... tables; `calibrate = "scenario"` recalibrates on
the scenario's world instead. An actor the scenario adds has its dyads calibrated on the scenario's world.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli.main import main
from sim.core.calibration import anchors_for
from sim.core.world import compile_world
from sim.scenario.serialize import scenario_toml
from sim.util.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
WORLD = ROOT / "scenarios" / "world.toml"
CPEC = f"""
name = "cpec_slows"
description = "China slows CPEC: no more Chinese economic cooperation with Pakistan."
world = "{WORLD}"

[background.CHN.PAK]
economic_cooperation = 0.0
"""
AFGHANISTAN = f"""
name = "with_afghanistan"
world = "{WORLD}"
steps = 120

[actors.AFG]
name = "Afghanistan"

[background.AFG.PAK]
criticize = 0.2

[background.PAK.AFG]
criticize = 0.2
""" + "".join(
    f"""
[trust.{o}.{t}]
initial = {0.2 if "PAK" in (o, t) else 0.4}
low = 0.05
high = 0.6
inferred = "test"
"""
    for o, t in [(a, "AFG") for a in ("PAK", "USA", "CHN", "IND")] + [("AFG", b) for b in ("PAK", "USA", "CHN", "IND")]
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def cpec(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cpec")
    recalibrated = CPEC.replace('name = "cpec_slows"', 'name = "cpec_recalibrated"\ncalibrate = "scenario"')
    return write(folder, "cpec_slows", CPEC), write(folder, "cpec_recalibrated", recalibrated)


def pak_chn(comparison: sim.Comparison, name: str) -> tuple[float, float, float]:
    table = comparison.table()
    row = table[(table.scenario == name) & (table.observer == "PAK") & (table.target == "CHN")].iloc[0]
    return row["diff"], row["diff_low"], row["diff_high"]


def test_slowing_cpec_lowers_pakistans_trust_in_china_and_recalibrating_calls_it_away(cpec):
    slows, recalibrated = cpec
    runs = sim.compare(["baseline", slows, recalibrated], replications=300, seed=7)
    diff, low, high = pak_chn(runs, "cpec_slows")
    assert high < -0.005, (diff, low, high)  # an intervention on the calibrated status quo: trust falls
    diff, low, high = pak_chn(runs, "cpec_recalibrated")
    assert abs(diff) < 0.003, diff  # a world of its own: its status quo is held at the essay's level again


def test_the_scenario_keeps_its_named_world_as_the_status_quo_and_says_so(cpec, capsys):
    slows, recalibrated = cpec
    spec = sim.load_scenario(slows)
    assert spec.status_quo is not None
    assert spec.status_quo.background["CHN"]["PAK"]["economic_cooperation"] == 0.05
    assert spec.world.background["CHN"]["PAK"]["economic_cooperation"] == 0.0
    assert sim.load_scenario("dialogue").status_quo is None  # a scenario that changes no world table
    assert sim.load_scenario(recalibrated).status_quo is None
    baseline = anchors_for(sim.load_scenario("baseline"))
    np.testing.assert_array_equal(anchors_for(spec).baseline, baseline.baseline)
    assert not np.array_equal(anchors_for(sim.load_scenario(recalibrated)).baseline, baseline.baseline)
    assert main(["show", str(slows)]) == 0
    assert "before this scenario's changes" in capsys.readouterr().out
    assert main(["show", str(recalibrated)]) == 0
    out = capsys.readouterr().out
    assert 'calibrate = "scenario"' in out and "recalibrated on this scenario's own world" in out


def test_a_resolved_scenario_file_reproduces_the_intervention(cpec, tmp_path):
    spec = sim.load_scenario(cpec[0])
    again = sim.load_scenario(write(tmp_path, "resolved", scenario_toml(spec)))
    assert again == spec
    a, b = (sim.run(s, replications=20, steps=24, seed=3).trust.values for s in (spec, again))
    np.testing.assert_array_equal(a, b)


def test_run_prints_where_the_anchors_came_from(cpec, tmp_path, capsys):
    assert main(["run", str(cpec[1]), "-r", "4", "--steps", "3", "--no-plots", "--out", str(tmp_path / "r")]) == 0
    assert "Anchors of cpec_recalibrated: recalibrated on this scenario's own world" in capsys.readouterr().out


def test_an_added_actor_is_calibrated_on_the_scenario_world_and_the_others_keep_their_anchors(tmp_path):
    spec = sim.load_scenario(write(tmp_path, "with_afghanistan", AFGHANISTAN))
    world = compile_world(spec, interventions=False)
    anchors = anchors_for(spec, world)
    base = anchors_for(sim.load_scenario("baseline"))
    old = [world.actors.index(code) for code in ("PAK", "USA", "CHN", "IND")]
    np.testing.assert_array_equal(anchors.baseline[np.ix_(old, old)], base.baseline)
    assert "dyads of AFG calibrated on the scenario's world" in spec.anchors_from
    # the new actor's dyads are calibrated: their mean trust stays at their stated levels
    trust = sim.run(spec, replications=200, seed=5).trust
    for obs, tgt, level in [("AFG", "PAK", 0.2), ("PAK", "AFG", 0.2), ("AFG", "USA", 0.4)]:
        assert abs(float(trust.sel(observer=obs, target=tgt).isel(step=slice(-12, None)).mean()) - level) < 0.05


def test_a_status_quo_with_recalibration_is_refused(tmp_path):
    raw = sim.load_scenario(write(tmp_path, "cpec", CPEC)).model_dump()
    raw["calibrate"] = "scenario"
    from sim.scenario.load import validate_raw

    with pytest.raises(ConfigError, match="give no status_quo"):
        validate_raw(raw)
